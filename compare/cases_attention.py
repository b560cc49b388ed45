"""Parity cases for ``F.scaled_dot_product_attention``: plain, scaled, boolean and float masks (one query
with every key masked, which PyTorch's safe softmax turns into zero weights), causal, grouped-query heads."""
from __future__ import annotations

from typing import Any

from .registry import Case, farg, register


def sdpa(**kw: Any) -> Any:
    def run(ns: Any, q: Any, k: Any, v: Any) -> Any:
        options = dict(kw)
        if "mask" in options:
            options["attn_mask"] = options.pop("mask")(ns)
        return ns.nn.functional.scaled_dot_product_attention(q, k, v, **options)
    return run


def bool_mask(ns: Any) -> Any:
    return ns.tensor([[True, False, True, True, False], [False] * 5, [True] * 5])


def float_mask(ns: Any) -> Any:
    return ns.tensor([[0.0, -1.0, 0.5, 0.0, -2.0], [0.0] * 5, [1.0, 0.0, 0.0, -0.5, 0.0]])


QKV = (farg(2, 3, 4), farg(2, 5, 4), farg(2, 5, 4))
register(Case("F.scaled_dot_product_attention", fn=sdpa(), args=QKV, kind="op"))
register(Case("F.scaled_dot_product_attention_scale", fn=sdpa(scale=0.3), args=QKV, kind="op"))
register(Case("F.scaled_dot_product_attention_bool_mask", fn=sdpa(mask=bool_mask), args=QKV, kind="op"))
register(Case("F.scaled_dot_product_attention_float_mask", fn=sdpa(mask=float_mask), args=QKV, kind="op"))
register(Case("F.scaled_dot_product_attention_causal", fn=sdpa(is_causal=True),
              args=(farg(2, 2, 4, 3), farg(2, 2, 4, 3), farg(2, 2, 4, 3)), kind="op"))
register(Case("F.scaled_dot_product_attention_gqa", fn=sdpa(enable_gqa=True),
              args=(farg(1, 4, 3, 2), farg(1, 2, 5, 2), farg(1, 2, 5, 2)), kind="op"))
