"""Distances between batches of vectors: ``cosine_similarity`` and ``pairwise_distance``, written
with PyTorch's formulas from differentiable Tensor ops (so their gradients are those ops')."""
from __future__ import annotations

from ...tensor import Tensor

__all__ = ["cosine_similarity", "pairwise_distance"]


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ (x1 / max(‖x1‖, ε)) · (x2 / max(‖x2‖, ε)) along ``dim``: each input divided by its own
    clamped norm first, as PyTorch computes it (the product of two norms could overflow)."""
    from ...functions import broadcast_tensors
    x1, x2 = broadcast_tensors(*x1._operands(x2))
    n1 = x1.norm(dim=dim, keepdim=True).clamp_min(eps)
    n2 = x2.norm(dim=dim, keepdim=True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """‖x1 − x2 + ε‖_p along the last dim (ε keeps the gradient finite for equal inputs)."""
    out = (x1 - x2 + eps).norm(p, dim=-1, keepdim=keepdim)
    if out.grad_fn is not None:
        out.grad_fn.torch_name = "NormBackward1"
    return out
