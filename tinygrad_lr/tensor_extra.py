"""More Tensor methods: reordering (flip, roll, rot90, movedim, unfold, repeat_interleave, tile),
writing at index positions (scatter, scatter_add, scatter_reduce, index_add/copy/fill/put),
reading (masked_select, take, take_along_dim, nonzero), in-place shape changes (squeeze_,
unsqueeze_, t_, transpose_), ``new_*`` factories and storage facts (stride, element_size).
Mixed into ``Tensor``; the ops are in ``ops/reorder.py`` and ``ops/scatter.py``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .autograd import is_grad_enabled
from .ops import movement as M
from .ops import reorder as R
from .ops import linalg_extra as X
from .ops import scatter as W
from .shapes import _normalize_dim, _normalize_dims, _shape_args
from .tensor_indexing import _along_dim_index, _convert_index
from .tensor_math import _c_name

if TYPE_CHECKING:
    from .tensor import Tensor


def _renamed(t: "Tensor", name: str) -> "Tensor":
    """PyTorch's grad_fn name for a result we compose from other ops."""
    if t.grad_fn is not None:
        t.grad_fn.torch_name = name
    return t


def _same_dtype(t: "Tensor", src: "Tensor") -> None:
    if src.dtype is not t.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")


def _index_operand(index: "Tensor", what: str = "index") -> Any:
    if not isinstance(index, _tensor.Tensor) or index.dtype is not dtypes.int64:
        raise RuntimeError(f"{what}(): Expected dtype int64 for index")
    return index._data


class ExtraMethods:
    """Reordering, index writes and reads, in-place shape changes and factories, as methods."""

    __slots__ = ()

    # ------------------------------------------------------------------------- reordering
    def flip(self, *dims: Any, **keyword: Any) -> "Tensor":
        """``flip(0, 1)``, ``flip([0, 1])`` or ``flip(dims=...)``."""
        dims = _shape_args((keyword.pop("dims"),) if "dims" in keyword else dims)
        if keyword:
            raise TypeError(f"flip() got an unexpected keyword argument '{next(iter(keyword))}'")
        return R.Flip.apply(self, dims=_normalize_dims(dims, self.ndim))

    def fliplr(self) -> "Tensor":
        if self.ndim < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    def flipud(self) -> "Tensor":
        if self.ndim < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    def roll(self, shifts: Any, dims: Any = None) -> "Tensor":
        shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
        if dims is None:
            return R.Roll.apply(self, shifts=shifts[:1], dims=None)
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        return R.Roll.apply(self, shifts=shifts, dims=tuple(_normalize_dim(d, self.ndim) for d in dims))

    def rot90(self, k: int = 1, dims: Sequence[int] = (0, 1)) -> "Tensor":
        """Rotate by 90° k times in the plane ``dims`` (from the first axis toward the second)."""
        d0, d1 = (_normalize_dim(d, self.ndim) for d in dims)
        k %= 4
        if k == 0:
            out = self.clone()
        elif k == 1:
            out = self.flip(d1).transpose(d0, d1)
        elif k == 2:
            out = self.flip(d0, d1)
        else:
            out = self.flip(d0).transpose(d0, d1)
        return _renamed(out, "Rot90Backward0")

    def movedim(self, source: Any, destination: Any) -> "Tensor":
        source = (source,) if isinstance(source, int) else tuple(source)
        destination = (destination,) if isinstance(destination, int) else tuple(destination)
        src = [_normalize_dim(d, self.ndim) for d in source]
        dst = [_normalize_dim(d, self.ndim) for d in destination]
        order = [d for d in range(self.ndim) if d not in src]
        for d, s in sorted(zip(dst, src)):
            order.insert(d, s)
        return self.permute(*order)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        return self.transpose(axis0, axis1)

    swapdims = swapaxes

    def unfold(self, dimension: int, size: int, step: int) -> "Tensor":
        """Sliding windows of ``size`` every ``step`` along ``dimension`` (a new last axis)."""
        d = _normalize_dim(dimension, self.ndim)
        length = self.shape[d] if self.ndim else 1
        if size > length:
            raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
        if step <= 0:
            raise RuntimeError(f"step is {step} but must be > 0")
        if self.ndim == 0:
            return self.reshape(1)
        return R.Unfold.apply(self, dim=d, size=size, step=step)

    def repeat_interleave(self, repeats: Any, dim: int | None = None, *, output_size: int | None = None) -> "Tensor":
        """Each element (slice along ``dim``) repeated ``repeats`` times in place: an index read."""
        source = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else _normalize_dim(dim, self.ndim)
        counts = repeats._data if isinstance(repeats, _tensor.Tensor) else repeats
        index = self._xp.repeat(self._xp.arange(source.shape[d]), counts)
        out = source.index_select(d, _tensor.Tensor._wrap(index, self.device))
        return _renamed(out, "IndexSelectBackward0" if isinstance(repeats, _tensor.Tensor) else "ViewBackward0")

    def tile(self, *dims: Any, **keyword: Any) -> "Tensor":
        """``tile(2, 3)``, ``tile((2, 3))`` or ``tile(dims=...)``: repeat, padding dims with 1 in front."""
        dims = _shape_args((keyword.pop("dims"),) if "dims" in keyword else dims)
        if keyword:
            raise TypeError(f"tile() got an unexpected keyword argument '{next(iter(keyword))}'")
        dims = (1,) * (self.ndim - len(dims)) + tuple(dims)
        return _renamed(self.repeat(*dims), "RepeatBackward0")

    # ------------------------------------------------------------------- writing at positions
    def _positions(self, dim: int, index: "Tensor", src: Any, what: str) -> tuple[Any, Any, tuple]:
        d = _normalize_dim(dim, self.ndim)
        data = _index_operand(index, what)
        if index.ndim != self.ndim and self.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
        slices = tuple(slice(0, n) for n in index.shape)
        return d, _along_dim_index(self._xp, data, d), slices

    def scatter(self, dim: int, index: "Tensor", src: Any = None, *, value: Any = None, reduce: str | None = None) -> "Tensor":
        src = value if src is None else src
        if reduce is not None:
            return self._scatter_legacy_reduce(dim, index, src, reduce)
        _, positions, slices = self._positions(dim, index, src, "scatter")
        if isinstance(src, _tensor.Tensor):
            _same_dtype(self, src)
            return W.Scatter.apply(self, src, positions=positions, src_slices=slices)
        return W.ScatterValue.apply(self, positions=positions, value=src)

    def _scatter_legacy_reduce(self, dim: int, index: "Tensor", src: Any, reduce: str) -> "Tensor":
        """The deprecated ``scatter(..., reduce="add" | "multiply")``: scatter_reduce's values, and,
        as in PyTorch, no derivative (its backward raises)."""
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"reduce argument must be either add or multiply., got {reduce}")
        if not isinstance(src, _tensor.Tensor):
            src = _tensor.Tensor._wrap(self._xp.full(tuple(index.shape), src, dtype=self._data.dtype), self.device)
        from .autograd import no_grad
        with no_grad():
            values = self.scatter_reduce(dim, index, src, "sum" if reduce == "add" else "prod")._data
        return X.ForwardOnly.apply(self, src, values=values, name="torch::autograd::NotImplemented",
                                   what="scatter(reduce=...)")

    def scatter_add(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        _, positions, slices = self._positions(dim, index, src, "scatter_add")
        _same_dtype(self, src)
        return W.ScatterAdd.apply(self, src, positions=positions, src_slices=slices)

    def scatter_reduce(self, dim: int, index: "Tensor", src: "Tensor", reduce: str, *, include_self: bool = True) -> "Tensor":
        if reduce not in ("sum", "prod", "mean", "amax", "amin"):
            raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
        _, positions, slices = self._positions(dim, index, src, "scatter_reduce")
        _same_dtype(self, src)
        return W.ScatterReduce.apply(self, src, positions=positions, src_slices=slices, reduce=reduce,
                                     include_self=include_self)

    def _along(self, dim: int, index: "Tensor", what: str) -> tuple[int, tuple]:
        d = _normalize_dim(dim, self.ndim)
        data = _index_operand(index, what)
        if index.ndim > 1:
            raise IndexError(f"{what}(): Index is supposed to be a vector")
        return d, (slice(None),) * d + (data.reshape(-1),)

    def index_add(self, dim: int, index: "Tensor", source: "Tensor", *, alpha: Any = 1) -> "Tensor":
        d, positions = self._along(dim, index, "index_add")
        if source.dtype is not self.dtype:
            raise RuntimeError(f"index_add_(): self ({_c_name(self.dtype)}) and source ({_c_name(source.dtype)}) "
                               "must have the same scalar type")
        full = (slice(None),) * source.ndim
        return W.IndexAdd.apply(self, source, positions=positions, src_slices=full, alpha=alpha)

    def index_copy(self, dim: int, index: "Tensor", source: "Tensor") -> "Tensor":
        d, positions = self._along(dim, index, "index_copy")
        if source.dtype is not self.dtype:
            raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                               f"{_c_name(self.dtype)} and (source) {_c_name(source.dtype)}")
        return W.IndexCopy.apply(self, source, positions=positions, src_slices=(slice(None),) * source.ndim)

    def index_fill(self, dim: int, index: "Tensor", value: Any) -> "Tensor":
        if isinstance(value, _tensor.Tensor):
            if value.requires_grad:
                raise NotImplementedError("index_fill with a value tensor that requires grad is not supported")
            value = value.item()
        d, positions = self._along(dim, index, "index_fill")
        return W.IndexFill.apply(self, positions=positions, value=value)

    def index_put(self, indices: Sequence[Any], values: "Tensor", accumulate: bool = False) -> "Tensor":
        converted, _ = _convert_index(tuple(indices), self)
        if not isinstance(values, _tensor.Tensor):
            values = _tensor.Tensor._wrap(self._xp.asarray(values, dtype=self._data.dtype), self.device)
        if values.dtype is not self.dtype:
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{_c_name(self.dtype)} for the destination and {_c_name(values.dtype)} for the source.")
        return W.IndexPut.apply(self, values, indices=converted, accumulate=accumulate)

    # ------------------------------------------------------------------------------- reading
    def masked_select(self, mask: "Tensor") -> "Tensor":
        if mask.dtype is not dtypes.bool_:
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        shape = tuple(np.broadcast_shapes(tuple(self.shape), tuple(mask.shape)))
        source = self if tuple(self.shape) == shape else self.expand(shape)
        chosen = self._xp.broadcast_to(mask._data, shape)
        return _renamed(M.Index.apply(source, index=chosen, advanced=True), "MaskedSelectBackward0")

    def take(self, index: "Tensor") -> "Tensor":
        flat = self.reshape(-1)
        return _renamed(M.Index.apply(flat, index=_index_operand(index, "take"), advanced=True), "TakeBackward0")

    def take_along_dim(self, indices: "Tensor", dim: int | None = None) -> "Tensor":
        if dim is None:
            return self.reshape(-1).gather(0, indices.reshape(-1))
        d = _normalize_dim(dim, self.ndim)
        shape = list(np.broadcast_shapes(tuple(s for i, s in enumerate(self.shape) if i != d),
                                         tuple(s for i, s in enumerate(indices.shape) if i != d)))
        own = shape[:d] + [self.shape[d]] + shape[d:]
        picks = shape[:d] + [indices.shape[d]] + shape[d:]
        source = self if list(self.shape) == own else self.expand(own)
        index = indices if list(indices.shape) == picks else indices.expand(picks)
        return source.gather(d, index)

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        positions = self._xp.nonzero(self._data) if self.ndim else self._xp.nonzero(self._data.reshape(1))
        if as_tuple:
            return tuple(_tensor.Tensor._wrap(p.astype(np.int64), self.device) for p in positions)
        stacked = self._xp.stack(positions, axis=1) if self.ndim else self._xp.zeros((len(positions[0]), 0))
        return _tensor.Tensor._wrap(stacked.astype(np.int64), self.device)

    argwhere = nonzero

    # --------------------------------------------------------------------- in-place shapes
    def _inplace_view(self, change: Any, name: str) -> "Tensor":
        """An in-place shape change: this tensor takes the changed array (a view) and, inside a
        graph, a node whose parent is this tensor as it was, as PyTorch rebases the history."""
        if self.requires_grad and self.grad_fn is None and is_grad_enabled():
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        before = _tensor.Tensor._wrap(self._data, self.device, self._requires_grad, self.grad_fn, self._xp)
        out = _renamed(change(before), name)
        self._data = out._data
        if out.grad_fn is not None:  # nodes made before keep reading the old grad_fn (inplace.set_history)
            from .autograd.inplace import set_history
            set_history(self, out.grad_fn)
        return self

    def squeeze_(self, dim: Any = None) -> "Tensor":
        return self._inplace_view(lambda t: t.squeeze(dim), "SqueezeBackward3" if dim is None else "SqueezeBackward4")

    def unsqueeze_(self, dim: int) -> "Tensor":
        return self._inplace_view(lambda t: t.unsqueeze(dim), "UnsqueezeBackward1")

    def t_(self) -> "Tensor":
        return self._inplace_view(lambda t: t.t(), "TBackward1")

    def transpose_(self, dim0: int, dim1: int) -> "Tensor":
        return self._inplace_view(lambda t: t.transpose(dim0, dim1), "TransposeBackward1")

    # ------------------------------------------------------- in-place twins of the ops above
    # Each goes through tensor_inplace's one recorded path (_inplace_from): self = op(self). The
    # one-line twins (index_fill_, tril_, lerp_, ...) are made for every op in tensor_inplace.py.
    def scatter_reduce_(self, dim: int, index: "Tensor", src: "Tensor", reduce: str, *,
                        include_self: bool = True) -> "Tensor":
        return self._inplace_from(lambda t: t.scatter_reduce(dim, index, src, reduce, include_self=include_self))

    def cumsum_(self, dim: int) -> "Tensor":
        return self._inplace_from(lambda t: t.cumsum(dim))

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> "Tensor":
        """Write ``fill_value`` on the main diagonal (of every dim at once: a[i, i, ..., i]); for a
        tall matrix, ``wrap`` starts again every ``cols + 1`` rows, as PyTorch does."""
        if self.ndim < 2 or (self.ndim > 2 and len(set(self.shape)) != 1):
            raise RuntimeError("all dimensions of input must be of equal length" if self.ndim > 2 else
                               "dimensions must larger than 1")
        xp = self._xp
        n = min(self.shape)
        rows = xp.arange(n)
        positions = (rows,) * self.ndim
        if wrap and self.ndim == 2 and self.shape[0] > self.shape[1] + 1:
            flat = xp.arange(0, self.shape[0] * self.shape[1], self.shape[1] + 1)
            positions = (flat // self.shape[1], flat % self.shape[1])
        return self._inplace_from(lambda t: W.ScatterValue.apply(t, positions=positions, value=fill_value))

    # ------------------------------------------------------------------------- factories
    def _new(self, size: tuple, value: Any, dtype: Any, device: Any, requires_grad: bool) -> "Tensor":
        from .creation import full
        return full(_shape_args(size), value, dtype=self.dtype if dtype is None else dtype,
                    device=self.device if device is None else device, requires_grad=requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        return self._new(size, 0, dtype, device, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        return self._new(size, 1, dtype, device, requires_grad)

    new_empty = new_zeros

    def new_full(self, size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        return self._new((tuple(size),), fill_value, dtype, device, requires_grad)

    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        from .creation import tensor
        return tensor(data, dtype=self.dtype if dtype is None else dtype,
                      device=self.device if device is None else device, requires_grad=requires_grad)

    def new(self, *args: Any, device: Any = None) -> "Tensor":
        """The legacy ``x.new(2, 3)`` (zeros of a size) or ``x.new(data)``, in x's dtype and device."""
        from .creation import tensor
        if not args:
            return self.new_zeros(0, device=device)
        if all(isinstance(a, (int, np.integer)) for a in args) or (len(args) == 1 and isinstance(args[0], tuple)):
            return self.new_zeros(*args, device=device)
        return tensor(args[0], dtype=self.dtype, device=self.device if device is None else device)

    def type_as(self, other: "Tensor") -> "Tensor":
        return self.to(other.dtype)

    # ------------------------------------------------------------------------ storage facts
    def element_size(self) -> int:
        return int(self._data.itemsize)

    def untyped_storage(self) -> "UntypedStorage":
        return UntypedStorage(self._data)

    def ndimension(self) -> int:
        return self.ndim

    def stride(self, dim: int | None = None) -> Any:
        """Strides in elements (NumPy counts bytes)."""
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_normalize_dim(dim, self.ndim)]

    def data_ptr(self) -> int:
        data = self._data
        return int(data.ctypes.data) if isinstance(data, np.ndarray) else int(data.data.ptr)

    def sum_to_size(self, *size: Any) -> "Tensor":
        size = _shape_args(size)
        lead = self.ndim - len(size)
        if lead < 0 or any(s not in (1, self.shape[lead + i]) for i, s in enumerate(size)):
            raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(self.shape)}}}.")
        dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and self.shape[lead + i] != 1)
        if not dims:
            return self
        out = self.sum(dim=dims, keepdim=True)
        return out.view(size) if lead else out  # PyTorch sums keeping dims, then views the leading ones away


class UntypedStorage:
    """The bytes under a tensor, as far as tools ask about them: ``nbytes()`` and ``sys.getsizeof``
    (torchinfo's "Input size"), which counts the bytes plus a 32-byte object, as PyTorch's does."""

    def __init__(self, array: Any) -> None:
        self._array = array.base if getattr(array, "base", None) is not None else array

    def nbytes(self) -> int:
        return int(self._array.nbytes)

    size = nbytes

    def __sizeof__(self) -> int:
        return 32 + self.nbytes()
