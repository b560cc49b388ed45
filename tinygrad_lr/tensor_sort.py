"""Sorting, order statistics, scans and the remaining reductions as Tensor methods: sort,
argsort, topk, kthvalue, median, nanmedian, mode, cumsum, cumprod, cummax, cummin,
logcumsumexp, prod, nansum, nanmean, aminmax, std_mean, var_mean, count_nonzero, unique,
unique_consecutive, bincount, histc. Mixed into ``Tensor``; the ops are in ``ops/sorting.py``.

An order statistic is found with NumPy/CuPy (which element is picked carries no gradient) and
then read through an index op, so the gradient goes back to the element that was picked.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .backend import CPU, move, stable_argsort
from .ops import sorting as O
from .ops import special as S
from .shapes import _normalize_dim, _normalize_dims
from .tensor_indexing import _along_dim_index
from .tensor_math import _c_name

if TYPE_CHECKING:
    from .tensor import Tensor


def _cpu_topk_order(data: np.ndarray, positions: np.ndarray, d: int, largest: bool, sorted: bool  # noqa: A002
                    ) -> np.ndarray:
    """PyTorch's CPU topk among equal values (and unsorted): libstdc++'s selection replayed on the
    rows that need it (those holding equal values, or every row when ``sorted=False``)."""
    from ._stl_select import topk_indices
    rows = np.moveaxis(data, d, -1).reshape(-1, data.shape[d])
    picks = np.moveaxis(positions, d, -1).reshape(rows.shape[0], -1).copy()
    ordered = np.sort(rows, axis=1)
    tied = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1) | (np.isnan(ordered).sum(axis=1) > 1)
    for r in (range(rows.shape[0]) if not sorted else np.flatnonzero(tied)):
        picks[r] = topk_indices(rows[r].tolist(), picks.shape[1], largest, sorted)
    shape = tuple(n for a, n in enumerate(positions.shape) if a != d) + (positions.shape[d],)
    return np.moveaxis(picks.reshape(shape), -1, d)


def _last_in_sorted_run(row: np.ndarray, value: Any) -> int:
    """The index PyTorch's CPU mode reports: the last of ``value``'s run after libstdc++'s (unstable)
    ``std::sort`` of the row's (value, index) pairs; rows of up to 16 are insertion-sorted, so that is
    simply the last occurrence there."""
    from ._stl_select import _Row, comparator
    pairs = _Row(row.tolist(), comparator(largest=False))
    pairs.sort(0, row.size)
    last = max(k for k, (v, _) in enumerate(pairs.a) if v == value)
    return pairs.a[last][1]


def return_type(name: str, fields: tuple[str, ...]) -> type:
    """A tuple with named fields that prints like ``torch.return_types.<name>``."""

    def __repr__(self: tuple) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    namespace: dict[str, Any] = {"__repr__": __repr__, "__slots__": ()}
    for i, f in enumerate(fields):
        namespace[f] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), namespace)


SortResult = return_type("sort", ("values", "indices"))
TopkResult = return_type("topk", ("values", "indices"))
KthvalueResult = return_type("kthvalue", ("values", "indices"))
MedianResult = return_type("median", ("values", "indices"))
NanmedianResult = return_type("nanmedian", ("values", "indices"))
ModeResult = return_type("mode", ("values", "indices"))
CummaxResult = return_type("cummax", ("values", "indices"))
CumminResult = return_type("cummin", ("values", "indices"))
AminmaxResult = return_type("aminmax", ("min", "max"))


def _long(t: "Tensor", array: Any) -> "Tensor":
    return _tensor.Tensor._wrap(array.astype(np.int64), t.device)


class SortingMethods:
    """Order statistics, scans and extra reductions, as Tensor methods."""

    __slots__ = ()

    # ----------------------------------------------------------------------- order statistics
    def _sort_positions(self, dim: int, descending: bool) -> Any:
        """Positions that sort along ``dim``; equal values keep their order; NaN counts as the
        largest value (last ascending, first descending), as in PyTorch."""
        xp, a = self._xp, self._data
        if not descending:
            return stable_argsort(xp, a, dim)
        # descending and still stable: sort the reversed array ascending, then reverse back
        n = a.shape[dim]
        return xp.flip(n - 1 - stable_argsort(xp, xp.flip(a, dim), dim), dim)

    def _pick(self, op: Any, positions: Any, dim: int) -> "Tensor":
        return op.apply(self, index=_along_dim_index(self._xp, positions, dim), advanced=True)

    def _scalar_as_row(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """A 0-d tensor sorts as its one element (CuPy has no axis 0 on a 0-d array)."""
        result = getattr(self.reshape(1), method)(*args, **kwargs)
        if isinstance(result, tuple):
            return type(result)(r.reshape(()) for r in result)
        return result.reshape(())

    def sort(self, dim: int = -1, descending: bool = False, stable: bool | None = None) -> Any:
        """Always stable here; naming ``stable`` (True or False) picks PyTorch's other overload,
        whose grad_fn is SortBackward1."""
        if self.ndim == 0:
            return self._scalar_as_row("sort", 0, descending, stable)
        d = _normalize_dim(dim, self.ndim)
        positions = self._sort_positions(d, descending)
        values = self._pick(O.Sort, positions, d)
        if stable is not None and values.grad_fn is not None:
            values.grad_fn.torch_name = "SortBackward1"
        return SortResult((values, _long(self, positions)))

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> "Tensor":
        return self.sort(dim, descending).indices

    def msort(self) -> "Tensor":
        return self.sort(0).values

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:  # noqa: A002
        if self.ndim == 0:
            return self._scalar_as_row("topk", k, 0, largest, sorted)
        d = _normalize_dim(dim, self.ndim)
        if not 0 <= k <= self.shape[d]:
            raise RuntimeError("selected index k out of range")
        positions = self._xp.take(self._sort_positions(d, largest), self._xp.arange(k), axis=d)
        if self._xp is np and k and self._data.size:
            positions = _cpu_topk_order(self._data, positions, d, largest, sorted)
        return TopkResult((self._pick(O.Topk, positions, d), _long(self, positions)))

    def _order_statistic(self, op: Any, result: type, rank: Any, dim: int, keepdim: bool) -> Any:
        """The element of each row (along ``dim``) at ``rank`` in ascending order."""
        xp = self._xp
        order = self._sort_positions(dim, descending=False)
        ranks = xp.broadcast_to(xp.asarray(rank, dtype=np.int64), order.shape[:dim] + order.shape[dim + 1:])
        positions = xp.take_along_axis(order, xp.expand_dims(ranks, dim), axis=dim)
        index = _along_dim_index(xp, positions, dim)
        if not keepdim:  # every part of the index has size 1 along dim: drop it to drop the dim
            index, positions = tuple(p.squeeze(dim) for p in index), positions.squeeze(dim)
        return result((op.apply(self, index=index, advanced=True), _long(self, positions)))

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> Any:
        if self.ndim == 0:
            return self._scalar_as_row("kthvalue", k, 0, keepdim)
        d = _normalize_dim(dim, self.ndim)
        if not 1 <= k <= self.shape[d]:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
        return self._order_statistic(O.Kthvalue, KthvalueResult, k - 1, d, keepdim)

    def _median(self, dim: Any, keepdim: bool, ignore_nan: bool) -> Any:
        """The lower median (PyTorch's: no averaging of the two middle values). ``median``
        propagates NaN (a NaN is the result); ``nanmedian`` takes the median of the others."""
        xp = self._xp
        if dim is None:
            flat = self.reshape(-1)
            if flat.numel() == 0:
                return _tensor.Tensor._wrap(xp.asarray(np.nan, dtype=self._data.dtype), self.device)
            value = flat._median(0, False, ignore_nan).values._data
            out = O.MedianAll.apply(self, value=value)
            if ignore_nan and out.grad_fn is not None:
                out.grad_fn.torch_name = "NanmedianBackward0"
            return out
        if self.ndim == 0:
            return self._scalar_as_row("nanmedian" if ignore_nan else "median", 0, keepdim)
        d = _normalize_dim(dim, self.ndim)
        n = self.shape[d]
        if self.dtype.is_floating_point:
            valid = (~xp.isnan(self._data)).sum(axis=d)
            rank = xp.maximum((valid - 1) // 2, 0) if ignore_nan else xp.where(valid < n, valid, (n - 1) // 2)
        else:
            rank = (n - 1) // 2
        out = self._order_statistic(O.MedianAlongDim, NanmedianResult if ignore_nan else MedianResult, rank, d, keepdim)
        if ignore_nan and out[0].grad_fn is not None:
            out[0].grad_fn.torch_name = "NanmedianBackward1"
        return out

    def median(self, dim: Any = None, keepdim: bool = False) -> Any:
        return self._median(dim, keepdim, ignore_nan=False)

    def nanmedian(self, dim: Any = None, keepdim: bool = False) -> Any:
        return self._median(dim, keepdim, ignore_nan=True)

    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        """The most frequent value of each row (the smallest one on ties) and the index of its
        last occurrence, as PyTorch's CPU kernel returns. Counted row by row on the host."""
        if self.ndim == 0:
            return self._scalar_as_row("mode", 0, keepdim)
        d = _normalize_dim(dim, self.ndim)
        rows = np.moveaxis(move(self._data, CPU), d, -1)
        flat = rows.reshape(-1, rows.shape[-1])
        picks = np.empty(flat.shape[0], dtype=np.int64)
        for r, row in enumerate(flat):
            values, counts = np.unique(row, return_counts=True)
            best = values[np.argmax(counts)]
            picks[r] = np.flatnonzero(row == best)[-1] if row.size <= 16 or np.isnan(row).any() else \
                _last_in_sorted_run(row, best)
        positions = move(np.expand_dims(picks.reshape(rows.shape[:-1]), d), self.device)
        index = _along_dim_index(self._xp, positions, d)
        if not keepdim:
            index, positions = tuple(p.squeeze(d) for p in index), positions.squeeze(d)
        return ModeResult((O.Mode.apply(self, index=index, advanced=True), _long(self, positions)))

    # ---------------------------------------------------------------------------- scans
    def _scan_source(self, dtype: Any) -> "Tensor":
        source = self if dtype is None else self.to(dtype)
        if not source.dtype.is_floating_point and source.dtype is not dtypes.int64:
            source = source.to(dtypes.int64)  # PyTorch accumulates bools and small ints in int64
        return source

    def cumsum(self, dim: int, dtype: Any = None) -> "Tensor":
        source = self._scan_source(dtype)
        if source.ndim == 0:
            return source.clone()
        return O.Cumsum.apply(source, dim=_normalize_dim(dim, self.ndim))

    def cumprod(self, dim: int, dtype: Any = None) -> "Tensor":
        source = self._scan_source(dtype)
        if source.ndim == 0:
            return source.clone()
        return O.Cumprod.apply(source, dim=_normalize_dim(dim, self.ndim))

    def logcumsumexp(self, dim: int) -> "Tensor":
        if self.ndim == 0:
            return self._float_input().clone()
        return O.Logcumsumexp.apply(self._float_input(), dim=_normalize_dim(dim, self.ndim))

    def _running_extremum(self, dim: int, largest: bool) -> tuple["Tensor", "Tensor"]:
        """Positions of the running max (min): a step j takes over when a_j >= (<=) the running
        value, so ties point at the latest position, as PyTorch's kernel does."""
        xp = self._xp
        a = xp.moveaxis(self._data, dim, -1)
        best = a.copy()
        positions = xp.zeros(a.shape, dtype=np.int64)
        for j in range(1, a.shape[-1]):
            takes = (a[..., j] >= best[..., j - 1]) if largest else (a[..., j] <= best[..., j - 1])
            takes = takes | xp.isnan(a[..., j]) if a.dtype.kind == "f" else takes
            best[..., j] = xp.where(takes, a[..., j], best[..., j - 1])
            positions[..., j] = xp.where(takes, j, positions[..., j - 1])
        positions = xp.moveaxis(positions, -1, dim)
        values = self._pick(O.Cummax, positions, dim)
        if values.grad_fn is not None and not largest:
            values.grad_fn.torch_name = "CumminBackward0"
        return values, _long(self, positions)

    def cummax(self, dim: int) -> Any:
        if self.ndim == 0:
            return self._scalar_as_row("cummax", 0)
        return CummaxResult(self._running_extremum(_normalize_dim(dim, self.ndim), largest=True))

    def cummin(self, dim: int) -> Any:
        if self.ndim == 0:
            return self._scalar_as_row("cummin", 0)
        return CumminResult(self._running_extremum(_normalize_dim(dim, self.ndim), largest=False))

    # ----------------------------------------------------------------------- reductions
    def prod(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        source = self._scan_source(dtype)
        if dim is None:
            out = O.Prod.apply(source.reshape(-1), dim=0, keepdim=False)
            if out.grad_fn is not None:
                out.grad_fn.torch_name = "ProdBackward0"
            return out
        if source.ndim == 0:
            return source.clone()
        return O.Prod.apply(source, dim=_normalize_dim(dim, self.ndim), keepdim=keepdim)

    def nansum(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        source = self._scan_source(dtype)
        return S.Nansum.apply(source, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim)

    def nanmean(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        """Σ non-NaN / count of non-NaN (PyTorch's formula, so its grad_fn is a division)."""
        source = self if dtype is None else self.to(dtype)
        count = (~source.isnan()).sum(dim, keepdim=keepdim)
        return source.nansum(dim, keepdim=keepdim) / count

    def aminmax(self, *, dim: Any = None, keepdim: bool = False) -> Any:
        low, high = self.amin(dim, keepdim), self.amax(dim, keepdim)
        for t in (low, high):
            if t.grad_fn is not None:
                t.grad_fn.torch_name = "AminmaxBackward0"
        return AminmaxResult((low, high))

    def count_nonzero(self, dim: Any = None) -> "Tensor":
        counts = (self._data != 0).sum(axis=_normalize_dims(dim, self.ndim))
        return _long(self, self._xp.asarray(counts))

    # ----------------------------------------------------------------- distinct values
    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
               dim: int | None = None) -> Any:
        """Distinct values (rows along ``dim``), always sorted (PyTorch's CPU kernel sorts too)."""
        xp = self._xp
        axis = None if dim is None else _normalize_dim(dim, self.ndim)
        # every NaN is its own value, as in PyTorch (NumPy's default merges them)
        nan_rule = {"equal_nan": False} if axis is None and xp is np else {}
        values, inverse, counts = xp.unique(self._data, return_inverse=True, return_counts=True, axis=axis, **nan_rule)
        if axis is None:
            inverse = inverse.reshape(self._data.shape)
        out = [_tensor.Tensor._wrap(values, self.device)]
        if return_inverse:
            out.append(_long(self, inverse.reshape(-1) if axis is not None else inverse))
        if return_counts:
            out.append(_long(self, counts))
        return out[0] if len(out) == 1 else tuple(out)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: int | None = None) -> Any:
        """Collapse runs of equal consecutive values (rows along ``dim``) into one."""
        xp = self._xp
        if dim is None:
            data, axis = self._data.reshape(-1), 0
        else:
            data, axis = self._data, _normalize_dim(dim, self.ndim)
        moved = xp.moveaxis(data, axis, 0).reshape(data.shape[axis], -1)
        starts = xp.ones(moved.shape[0], dtype=bool)
        if moved.shape[0] > 1:
            starts[1:] = (moved[1:] != moved[:-1]).any(axis=1)
        first = xp.flatnonzero(starts)
        values = xp.take(data, first, axis=axis)
        out = [_tensor.Tensor._wrap(values, self.device)]
        if return_inverse:
            inverse = xp.cumsum(starts) - 1
            out.append(_long(self, inverse.reshape(self._data.shape) if dim is None else inverse))
        if return_counts:
            out.append(_long(self, xp.diff(xp.concatenate([first, xp.asarray([moved.shape[0]])]))))
        return out[0] if len(out) == 1 else tuple(out)

    def bincount(self, weights: "Tensor | None" = None, minlength: int = 0) -> "Tensor":
        if self.ndim != 1 or self.dtype.is_floating_point:
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        if self.numel() and int(self._data.min()) < 0:
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        xp = self._xp
        if weights is None:
            return _long(self, xp.bincount(self._data, minlength=minlength))
        counts = xp.bincount(self._data, weights=weights._data, minlength=minlength)
        dtype = weights._data.dtype if weights.dtype.is_floating_point else np.float64
        return _tensor.Tensor._wrap(counts.astype(dtype), self.device)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> "Tensor":  # noqa: A002
        """Counts in ``bins`` equal bins over [min, max] (the data's range when both are 0);
        values outside are ignored, the right edge belongs to the last bin."""
        if not self.dtype.is_floating_point:
            raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_c_name(self.dtype)}'")
        xp = self._xp
        low, high = float(min), float(max)
        if low == high and self.numel():
            low, high = float(self._data.min()), float(self._data.max())
        if low == high:
            low, high = low - 1, high + 1
        counts, _ = xp.histogram(self._data, bins=bins, range=(low, high))
        return _tensor.Tensor._wrap(counts.astype(self._data.dtype), self.device)
