"""Reductions and the softmax family.

A reduction's backward must put the (smaller) output gradient back onto every input position it
came from. ``_expand_back`` does that once: re-insert the reduced dimensions (if ``keepdim`` was
False) and broadcast to the input shape.
"""
from __future__ import annotations

from typing import Any

from .._cascade_sum import cascade_sum, leading_sum, takes
from .._kernels import FUSED, ROW_KERNEL_MAX
from ..autograd import Op


def _expand_back(xp: Any, grad: Any, shape: tuple[int, ...], dims: tuple[int, ...], keepdim: bool) -> Any:
    if not keepdim:
        grad = xp.expand_dims(grad, dims)
    return xp.broadcast_to(grad, shape)


def _count(shape: tuple[int, ...], dims: tuple[int, ...]) -> int:
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _in_torch_order(a: Any, dims: tuple[int, ...]) -> Any:
    """The sum over ``dims`` added in PyTorch's order (``_cascade_sum``: every element, or the
    leading axes, of a NumPy float array of at most 32,768), or None (then NumPy's own order)."""
    if not dims or not takes(a) or sorted(dims) != list(range(len(dims))):
        return None
    return cascade_sum(a) if len(dims) == a.ndim else leading_sum(a, len(dims))


class Sum(Op):
    """out = Σ a over dims;  d/da = 1 at every summed position"""
    torch_name = "SumBackward1"

    def forward(self, a, dims: tuple[int, ...], keepdim: bool):
        self.save(a.shape, dims, keepdim)
        total = _in_torch_order(a, dims)
        if total is not None:
            return total.reshape(tuple(1 if i in dims else n for i, n in enumerate(a.shape))) if keepdim else total
        return a.sum(axis=dims, keepdims=keepdim)

    def backward(self, out_grad):
        shape, dims, keepdim = self.saved
        return _expand_back(self.xp, out_grad, shape, dims, keepdim)


class Mean(Op):
    """out = (1/n) Σ a over dims;  d/da = 1/n"""
    torch_name = "MeanBackward1"

    def forward(self, a, dims: tuple[int, ...], keepdim: bool):
        self.save(a.shape, dims, keepdim)
        if a.size == 0:  # NaN (0 / 0) without NumPy's "Mean of empty slice" warning, as PyTorch
            return a.sum(axis=dims, keepdims=keepdim) / 0
        total = _in_torch_order(a, dims)
        if total is not None:  # PyTorch's mean: its sum, then / n
            total = total / a.dtype.type(_count(a.shape, dims))
            return total.reshape(tuple(1 if i in dims else n for i, n in enumerate(a.shape))) if keepdim else total
        return a.mean(axis=dims, keepdims=keepdim)

    def backward(self, out_grad):
        shape, dims, keepdim = self.saved
        return _expand_back(self.xp, out_grad / _count(shape, dims), shape, dims, keepdim)


class Amax(Op):
    """out = max of a over dims;  d/da = 1/k at each of the k positions equal to the max, else 0

    This is PyTorch's rule for ``max()``/``amax``: ties share the gradient evenly.
    """
    torch_name = "MaxBackward1"

    def forward(self, a, dims: tuple[int, ...], keepdim: bool, largest: bool = True, whole: bool = False):
        """``whole``: ``max()``/``min()`` of every element, whose gradient PyTorch writes into zeros."""
        out = a.max(axis=dims, keepdims=True) if largest else a.min(axis=dims, keepdims=True)
        self.save(a, out, dims, keepdim, whole)
        return out if keepdim else out.squeeze(axis=dims)

    def backward(self, out_grad):
        a, out, dims, keepdim, whole = self.saved
        hits = a == out
        count = hits.sum(axis=dims, keepdims=True).astype(out_grad.dtype)  # (an int64 count would promote)
        share = _expand_back(self.xp, out_grad, a.shape, dims, keepdim) / count  # g / k: PyTorch's rounding
        if whole:  # max(): g / k written into zeros (+0 elsewhere), as PyTorch's evenly_distribute_backward
            return self.xp.where(hits, share, 0).astype(share.dtype, copy=False)
        return share * hits  # amax/amin: (g / k) · mask, as PyTorch's scale_grad_by_count


def _degrees_of_freedom(shape: tuple[int, ...], dims: tuple[int, ...], correction: int) -> int:
    """n - correction, floored at 0 as PyTorch does: n == correction gives NaN (0/0), not an error."""
    return max(_count(shape, dims) - correction, 0)


def _centered(a, dims: tuple[int, ...]):
    """a − mean(a) over dims; an empty ``a`` is its own (NumPy's mean would warn "Mean of empty slice")."""
    return a - a.mean(axis=dims, keepdims=True) if a.size else a


class Var(Op):
    """out = Σ (a - mean)² / (n - correction);  d/da = 2 (a - mean) / (n - correction)"""
    torch_name = "VarBackward0"

    def forward(self, a, dims: tuple[int, ...], correction: int, keepdim: bool):
        centered = _centered(a, dims)
        self.save(centered, dims, correction, keepdim)
        squares = self.xp.sum(centered * centered, axis=dims, keepdims=keepdim)
        return squares / _degrees_of_freedom(a.shape, dims, correction)

    def backward(self, out_grad):
        centered, dims, correction, keepdim = self.saved
        grad = _expand_back(self.xp, out_grad, centered.shape, dims, keepdim)
        return grad * (centered * 2) / _degrees_of_freedom(centered.shape, dims, correction)


class Std(Op):
    """out = √var;  d/da = (a - mean) / ((n - correction) · out), and 0 where out == 0 (PyTorch's
    choice for a constant input, instead of 0/0)"""
    torch_name = "StdBackward0"

    def forward(self, a, dims: tuple[int, ...], correction: int, keepdim: bool):
        centered = _centered(a, dims)
        var = self.xp.sum(centered * centered, axis=dims, keepdims=True) / _degrees_of_freedom(a.shape, dims, correction)
        out = self.xp.sqrt(var)
        self.save(centered, out, dims, correction, keepdim)
        return out if keepdim else out.squeeze(axis=dims)

    def backward(self, out_grad):
        centered, out, dims, correction, keepdim = self.saved
        xp = self.xp
        grad = _expand_back(xp, out_grad, centered.shape, dims, keepdim)
        denominator = _degrees_of_freedom(centered.shape, dims, correction) * out
        safe = xp.where(out == 0, 1, denominator)  # avoid 0/0 where the result is masked to 0 anyway
        return xp.where(out == 0, 0, grad * centered / safe)


class LogSumExp(Op):
    """out = log Σ e^a over dims, computed as m + log Σ e^(a - m) with m = max a (no overflow);
    d/da = e^(a - out) = softmax(a)"""
    torch_name = "LogsumexpBackward0"

    def forward(self, a, dims: tuple[int, ...], keepdim: bool):
        xp = self.xp
        m = a.max(axis=dims, keepdims=True)
        m = xp.where(xp.isinf(m), 0, m)  # all -inf (or an inf) would give inf - inf = NaN
        out = m + xp.log(xp.sum(xp.exp(a - m), axis=dims, keepdims=True))
        self.save(a, out, dims, keepdim)
        return out if keepdim else out.squeeze(axis=dims)

    def backward(self, out_grad):
        a, out, dims, keepdim = self.saved
        return _expand_back(self.xp, out_grad, a.shape, dims, keepdim) * self.xp.exp(a - out)


class Softmax(Op):
    """out_i = e^(a_i - max) / Σ_j e^(a_j - max);  grad_a = out * (g - Σ_j g_j out_j)"""
    torch_name = "SoftmaxBackward0"

    def forward(self, a, dim: int):
        xp = self.xp
        exps = xp.exp(a - a.max(axis=dim, keepdims=True))
        out = exps / exps.sum(axis=dim, keepdims=True)
        self.save(out, dim)
        return out

    def backward(self, out_grad):
        out, dim = self.saved
        return out * (out_grad - (out_grad * out).sum(axis=dim, keepdims=True))


class LogSoftmax(Op):
    """out = a - logsumexp(a);  grad_a = g - softmax(a) * Σ_j g_j"""
    torch_name = "LogSoftmaxBackward0"

    def forward(self, a, dim: int):
        xp = self.xp
        fused = FUSED.get(xp)
        if fused is not None and fused.takes(a) and _rows_of_last_axis(a, dim):  # CuPy: one kernel instead of six
            out = fused.log_softmax_rows(a)
        else:
            shifted = a - a.max(axis=dim, keepdims=True)
            out = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        self.save(out, dim)
        return out

    def backward(self, out_grad):
        out, dim = self.saved
        fused = FUSED.get(self.xp)
        if (fused is not None and fused.takes(out_grad, out) and _rows_of_last_axis(out, dim)
                and out_grad.flags.c_contiguous):
            return fused.log_softmax_rows_backward(out_grad, out)  # CuPy: one kernel instead of four
        return out_grad - self.xp.exp(out) * out_grad.sum(axis=dim, keepdims=True)


def _rows_of_last_axis(a: Any, dim: int) -> bool:
    """Whether the softmax runs along the last axis of a C-contiguous array with short rows: the
    case of the one-thread-per-row kernel (a classifier's (N, C) scores)."""
    return a.ndim >= 1 and dim % a.ndim == a.ndim - 1 and a.flags.c_contiguous and 0 < a.shape[-1] <= ROW_KERNEL_MAX
