"""Gradient clipping: rescale (``clip_grad_norm_``) or clamp (``clip_grad_value_``) the ``.grad`` of
parameters in place, between ``backward()`` and ``optimizer.step()``.

The total norm is PyTorch's: the p-norm of the vector of per-tensor p-norms, which equals the
p-norm of all gradient entries laid end to end (for p = inf: the largest |g|). Gradients are then
multiplied by min(1, max_norm / (total_norm + 1e-6)), so they are left as they are (times 1)
when already small enough. Everything runs on the raw gradient arrays, outside any graph.
``foreach`` (PyTorch's choice of fused multi-tensor kernels) is accepted and changes nothing here.
"""
from __future__ import annotations

import types
import warnings
from typing import Any, Iterable

from ...backend import move
from ...tensor import Tensor

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _as_list(tensors: Any) -> list[Tensor]:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _vector_norm(xp: Any, values: Any, p: float) -> Any:
    """The p-norm of every entry of ``values``, as a 0-d array of their dtype."""
    magnitude = xp.abs(values)
    if p == float("inf"):
        return magnitude.max() if magnitude.size else xp.zeros((), dtype=values.dtype)
    if p == float("-inf"):
        return magnitude.min()
    if p == 0:
        return (magnitude != 0).sum().astype(values.dtype)
    if p == 2:
        return xp.sqrt((magnitude * magnitude).sum())
    return (magnitude ** p).sum() ** (1 / p)


def get_total_norm(tensors: Any, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The p-norm of the per-tensor p-norms of ``tensors`` (a 0-d tensor on the first one's device)."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return Tensor(0.0)
    first = tensors[0]
    xp = first._xp
    norms = [t._xp.asarray(_vector_norm(t._xp, t._data, norm_type)) for t in tensors]
    dtype = xp.result_type(*[n.dtype for n in norms])
    stacked = xp.stack([move(n, first.device).astype(dtype) for n in norms])
    total = xp.asarray(_vector_norm(xp, stacked, norm_type))
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return Tensor._wrap(total, first.device)


def clip_grads_with_norm_(parameters: Any, max_norm: float, total_norm: Tensor, foreach: bool | None = None) -> None:
    """Multiply every ``.grad`` by min(1, max_norm / (total_norm + 1e-6)), in place."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    # in total_norm's dtype, as PyTorch computes it (Python floats do not promote a float32 array)
    xp = total_norm._xp
    coefficient = xp.asarray(xp.minimum(float(max_norm) / (total_norm._data + 1e-6), 1.0))
    for g in grads:
        g._data *= move(coefficient, g.device).astype(g._data.dtype)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Rescale the gradients so that their total ``norm_type``-norm is at most ``max_norm``; returns
    the total norm before clipping (a 0-d tensor), e.g. to log it."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """Deprecated spelling of ``clip_grad_norm_`` (with PyTorch's FutureWarning)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient entry into [−clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    for g in grads:
        g._xp.clip(g._data, -clip_value, clip_value, out=g._data)
