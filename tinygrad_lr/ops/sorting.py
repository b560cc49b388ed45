"""Ops that pick elements by a computed position: sort, topk, kthvalue, median, mode, cummax, and
the scans cumsum, cumprod, logcumsumexp, and the product ``prod``.

Sorting-like ops find their positions with NumPy/CuPy (no gradient flows through *which*
element is picked), then read ``a[positions]``: that read is ``movement.Index``, whose backward
adds each output gradient back at the position it came from. The classes below only give it
PyTorch's names.
"""
from __future__ import annotations

import numpy as np

from ..autograd import Op
from .elementwise import _quiet
from .movement import Index


class Sort(Index):
    """out = a sorted along a dim;  grad_a[position of out_i] = out_grad_i"""
    torch_name = "SortBackward0"


class Topk(Index):
    """out = the k largest (or smallest) along a dim;  each gradient goes back to its position"""
    torch_name = "TopkBackward0"


class Kthvalue(Index):
    torch_name = "KthvalueBackward0"


class MedianAlongDim(Index):
    """median(dim): the lower median of each row;  its gradient goes to the one position picked"""
    torch_name = "MedianBackward1"


class Mode(Index):
    torch_name = "ModeBackward0"


class Cummax(Index):
    """cummax/cummin: out_i = max(a_0..a_i), picked from the position in ``indices``"""
    torch_name = "CummaxBackward0"


class MedianAll(Op):
    """median() of all elements (the lower median m);  d/da = 1/k at each of the k positions
    equal to m (PyTorch spreads the gradient evenly over ties)"""
    torch_name = "MedianBackward0"

    def forward(self, a, value):
        self.save(a, value)
        return value

    def backward(self, out_grad):
        a, value = self.saved
        hits = (a == value).astype(out_grad.dtype)
        return hits * (out_grad / hits.sum())


def _accumulator(xp, array):
    """The dtype a running sum or product is kept in: PyTorch's CPU kernels accumulate float32 (and
    float16) in double, rounding each output once (so [1e8, 1, −1e8, 1] sums to [1e8, 1e8, 1, 2],
    not [..., 0, 1]); its CUDA kernels in the dtype itself, as CuPy does."""
    return np.float64 if xp is np and array.dtype.kind == "f" and array.dtype.itemsize < 8 else None


def _running(xp, function, array, dim: int):
    """``cumsum``/``cumprod`` along ``dim`` with PyTorch's accumulator, in the input's dtype."""
    out = function(array, axis=dim, dtype=_accumulator(xp, array))
    return out if out.dtype == array.dtype else out.astype(array.dtype)


def _reverse_cumsum(xp, values, dim: int):
    """Σ_{j >= i} values_j along ``dim``: a cumulative sum run from the end."""
    return xp.flip(_running(xp, xp.cumsum, xp.flip(values, dim), dim), dim)


class Cumsum(Op):
    """out_i = Σ_{j <= i} a_j;  grad_a_i = Σ_{j >= i} out_grad_j (a cumulative sum from the end)"""
    torch_name = "CumsumBackward0"

    def forward(self, a, dim: int):
        self.save(dim)
        return _running(self.xp, self.xp.cumsum, a, dim)

    def backward(self, out_grad):
        (dim,) = self.saved
        return _reverse_cumsum(self.xp, out_grad, dim)


class Cumprod(Op):
    """out_i = Π_{j <= i} a_j;  grad_a_k = Σ_{j >= k} out_grad_j · Π_{i <= j, i != k} a_i.

    Without zeros that is Σ_{j >= k} out_grad_j · out_j / a_k. A zero makes the division fail,
    so then each position's product is recomputed with that factor set to 1 (O(n²), exact).
    """
    torch_name = "CumprodBackward0"

    def forward(self, a, dim: int):
        out = _running(self.xp, self.xp.cumprod, a, dim)
        self.save(a, out, dim)
        return out

    def backward(self, out_grad):
        a, out, dim = self.saved
        xp = self.xp
        if not (a == 0).any():
            return _reverse_cumsum(xp, out_grad * out, dim) / a
        grad = xp.empty_like(a)
        n = a.shape[dim]
        positions = xp.arange(n).reshape((-1,) + (1,) * (a.ndim - dim - 1))
        for k in range(n):
            without_k = xp.cumprod(xp.where(positions == k, 1, a), axis=dim)  # Π_{i <= j, i != k} a_i
            later = (positions >= k)
            total = (out_grad * without_k * later).sum(axis=dim)
            index = [slice(None)] * a.ndim
            index[dim] = k
            grad[tuple(index)] = total
        return grad


def _log_cumsum_exp(xp, values, dim: int, reverse: bool = False):
    """log Σ_{j <= i} e^(values_j) along ``dim`` (Σ_{j >= i} when ``reverse``), one ``logaddexp``
    step at a time: each prefix is exact however far its terms sit below the others."""
    moved = xp.moveaxis(values, dim, 0).copy()
    steps = range(moved.shape[0] - 2, -1, -1) if reverse else range(1, moved.shape[0])
    for i in steps:
        moved[i] = xp.logaddexp(moved[i + 1] if reverse else moved[i - 1], moved[i])
    return xp.moveaxis(moved, 0, dim)


class Logcumsumexp(Op):
    """out_i = log Σ_{j <= i} e^(a_j);  grad_a_k = Σ_{j >= k} out_grad_j · e^(a_k - out_j).

    Both in log space so nothing overflows or underflows: the positive and negative parts of
    out_grad are summed separately, as e^(a_k + log Σ_{j >= k} e^(log|g_j| - out_j)).
    """
    torch_name = "LogcumsumexpBackward0"

    def forward(self, a, dim: int):
        out = _log_cumsum_exp(self.xp, a, dim)
        self.save(a, out, dim)
        return out

    def backward(self, out_grad):
        a, out, dim = self.saved
        xp = self.xp
        with _quiet(xp):
            def part(g):  # Σ_{j >= k} g_j e^(a_k - out_j) for g >= 0
                return xp.exp(a + _log_cumsum_exp(xp, xp.log(g) - out, dim, reverse=True))
            return part(xp.maximum(out_grad, 0)) - part(xp.maximum(-out_grad, 0))


class Prod(Op):
    """out = Π a over one dim (or all);  d/da_k = Π_{i != k} a_i.

    The product of all the others is (product of those before k) · (product of those after k):
    two cumulative products, so zeros need no special case (no division by a_k).
    """
    torch_name = "ProdBackward1"

    def forward(self, a, dim: int, keepdim: bool):
        self.save(a, dim, keepdim)
        return self.xp.prod(a, axis=dim, keepdims=keepdim)

    def backward(self, out_grad):
        a, dim, keepdim = self.saved
        xp = self.xp
        n = a.shape[dim]

        def cut(values, start, stop):  # values[start:stop] along dim
            index = [slice(None)] * values.ndim
            index[dim] = slice(start, stop)
            return values[tuple(index)]
        ones = xp.ones_like(cut(a, 0, 1))
        before = xp.cumprod(xp.concatenate([ones, cut(a, 0, n - 1)], axis=dim), axis=dim)
        after = xp.flip(xp.cumprod(xp.concatenate([ones, cut(xp.flip(a, dim), 0, n - 1)], axis=dim), axis=dim), dim)
        grad = out_grad if keepdim else xp.expand_dims(out_grad, dim)
        return grad * before * after
