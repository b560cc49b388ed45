"""``scaled_dot_product_attention``: softmax(q kᵀ · scale + mask) v, composed from matmul and softmax.

It follows ATen's math path (what PyTorch runs on the CPU for inputs that are not 4-D), so values are
PyTorch's (its fused flash kernel, for 4-D inputs, agrees to rounding):

    s = √scale,   A = softmax((q·s)(k·s)ᵀ + mask),   out = A v

with scale = 1/√E by default (E = the query's last size). A boolean mask keeps the True positions
(the others become −∞); a float mask is added. ``is_causal`` keeps position j for query i when j ≤ i.
A query whose every key is masked gets zero weights (PyTorch's "safe softmax"), not the NaN of a softmax
over −∞ only, and no gradient.
"""
from __future__ import annotations

import math
from typing import Any

from ... import dtypes
from ...creation import ones
from ...tensor import Tensor, _named

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if dropout_p > 0.0:
        raise NotImplementedError("scaled_dot_product_attention(dropout_p > 0): PyTorch's dropout draws inside "
                                  "attention are not reproduced; apply F.dropout to the weights yourself")
    if enable_gqa and key.ndim >= 3 and key.size(-3) != query.size(-3):
        # grouped-query attention: each key/value head serves query.size(-3) // key.size(-3) query heads
        key = key.repeat_interleave(query.size(-3) // key.size(-3), -3)
        value = value.repeat_interleave(query.size(-3) // value.size(-3), -3)
    root = math.sqrt(1.0 / math.sqrt(query.size(-1)) if scale is None else scale)
    scores = (query * root).matmul(key.transpose(-2, -1) * root)
    if is_causal:
        attn_mask = ones(query.size(-2), key.size(-2), dtype=dtypes.bool_, device=query.device).tril()
    if attn_mask is None:
        out = scores.softmax(-1).matmul(value)
    else:
        if attn_mask.dtype is dtypes.bool_:
            scores = scores.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            scores = scores + attn_mask
        out = _safe_softmax(scores).matmul(value)
    if query.device.type == "cpu" and query.ndim == key.ndim == value.ndim == 4 and value.size(-1) == query.size(-1):
        # PyTorch's CPU kernel choice: 4-D inputs with one head size go to its fused flash kernel, whose one node
        # takes q, k and v (ours is the last matmul of the composition; same values)
        out = _named(out, "ScaledDotProductFlashAttentionForCpuBackward0")
    return out


def _safe_softmax(scores: Tensor) -> Tensor:
    """softmax over the last dim, with rows that are −∞ everywhere giving zeros (and zero gradient):
    those rows are softmaxed as zeros first (no NaN reaches the backward), then zeroed."""
    from ...tensor import where
    dead: Any = (scores == float("-inf")).all(-1, keepdim=True)
    if not dead.any().item():
        return scores.softmax(-1)
    return where(dead, 0.0, where(dead, 0.0, scores).softmax(-1))
