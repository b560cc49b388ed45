"""Regression and distribution losses: ``smooth_l1_loss``, ``huber_loss``, ``kl_div``,
``poisson_nll_loss``, ``gaussian_nll_loss``.

The first two are one fused node each (``nn/loss_ops_more.py``); the others PyTorch composes from
smaller ops, and so do we, in the same order, so values, gradients and ``grad_fn`` names agree.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ...creation import ones_like
from ...tensor import Tensor
from .. import loss_ops_more
from .loss import _check_broadcast, _reduce, _reduction, l1_loss

__all__ = ["smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss", "gaussian_nll_loss"]


def _broadcast_pair(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:  # noqa: A002
    """Both expanded to their common shape (PyTorch's ``broadcast_tensors`` before a fused loss)."""
    _check_broadcast(input, target)
    if input.shape == target.shape:
        return input, target
    shape = np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    return input.expand(*shape), target.expand(*shape)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,  # noqa: A002
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """(x − y)²/(2β) where |x − y| < β, else |x − y| − β/2; β = 0 is plain L1 (as in PyTorch)."""
    reduction = _reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    input, target = _broadcast_pair(input, target)
    return loss_ops_more.SmoothL1Loss.apply(input, target, beta=float(beta), reduction=reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,  # noqa: A002
               weight: Tensor | None = None) -> Tensor:
    """(x − y)²/2 where |x − y| < δ, else δ (|x − y| − δ/2): smooth L1 times δ, with β = δ."""
    input, target = _broadcast_pair(input, target)
    reduction = _reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return loss_ops_more.HuberLoss.apply(input, target, delta=float(delta), reduction=reduction)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = loss_ops_more.HuberLoss.apply(input, target, delta=float(delta), reduction="none") * weight
    return _reduce(weighted, reduction)


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,  # noqa: A002
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL(target ‖ exp(input)) per element, for log-probabilities ``input``:
    target · (log target − input), or exp(t) · (t − input) when the target is given as log t.

    'batchmean' (sum / batch size) is the mathematical KL divergence; 'mean' divides by every
    element, which PyTorch warns about.
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction("mean", size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        if reduction != "batchmean":
            _reduction(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = loss_ops_more.XLogY.apply(target, target) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim != 0 else total
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,  # noqa: A002
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of a Poisson target with rate λ (dropping the constant log(target!)):
    e^x − y·x for ``log_input`` (x = log λ), else x − y · log(x + eps). ``full`` adds Stirling's
    approximation of log(y!), y·log y − y + ½ log(2πy), where y > 1."""
    reduction = _reduction(reduction, size_average, reduce)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,  # noqa: A002
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under N(input, var): ½ (log var + (x − y)²/var)
    (+ ½ log 2π with ``full``). ``var`` is clamped to at least ``eps`` without changing its gradient
    (PyTorch clamps a copy in place under no_grad); one value per sample (a shape one dim short, or
    one size-1 dim) is shared across the sample's elements."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var._data < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(b for a, b in zip(input.shape, var.shape) if a != b) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    var._data = var._xp.maximum(var._data, eps).astype(var._data.dtype, copy=False)  # outside the graph
    loss = (var.log() + (input - target) ** 2 / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)
