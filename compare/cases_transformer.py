"""Parity cases for ``nn.TransformerEncoderLayer`` and ``nn.TransformerEncoder``: post- and pre-norm,
ReLU and GELU, causal and padding masks, both layouts. Dropout is 0 (the draws are compared in
tests/test_course_c.py); the weights come from PyTorch's state (``convert.same_start``)."""
from __future__ import annotations

from typing import Any, Callable

from .check import Probe
from .convert import same_start
from .registry import Case, farg, register


def layer(ns: Any, **kw: Any) -> Any:
    return ns.nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, **kw)


def encoder_case(name: str, build: Callable[[Any], Any], masks: Callable[[Any], dict] = lambda ns: {},
                 shape: tuple[int, ...] = (3, 2, 4), **options: Any) -> None:
    def run(ns: Any, x: Any) -> Probe:
        m = same_start(ns, build, x)
        return Probe([m(x, **masks(ns))], params=m)
    register(Case(name, fn=run, args=(farg(*shape),), kind="module", **options))


def causal(ns: Any) -> dict:
    return {"src_mask": ns.ones(3, 3, dtype=ns.bool).triu(1)}


encoder_case("TransformerEncoderLayer", lambda ns: layer(ns))
encoder_case("TransformerEncoderLayer_norm_first_gelu_causal",
             lambda ns: layer(ns, norm_first=True, activation="gelu"), causal)
encoder_case("TransformerEncoderLayer_batch_first_padding", lambda ns: layer(ns, batch_first=True),
             lambda ns: {"src_key_padding_mask": ns.tensor([[False, False, True], [False, False, False]])},
             shape=(2, 3, 4), gradcheck=False)
encoder_case("TransformerEncoder_two_layers_norm",
             lambda ns: ns.nn.TransformerEncoder(layer(ns), 2, norm=ns.nn.LayerNorm(4), enable_nested_tensor=False),
             lambda ns: {"mask": ns.ones(3, 3, dtype=ns.bool).triu(1)}, gradcheck=False)
