"""Indexing: ``x[...]`` (basic and advanced, PyTorch's rules), ``gather``, ``index_select``.

Mixed into ``Tensor``. A PyTorch index becomes a NumPy/CuPy one here; the op that reads it and
scatters the gradient back is ``ops/movement.py``'s ``Index``.
"""
from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .autograd import inplace as _inplace
from .autograd import is_grad_enabled
from .autograd.graph import _renamed as _renamed_op
from .ops import movement as M
from .shapes import _normalize_dim

if TYPE_CHECKING:
    from .tensor import Tensor


class IndexingMethods:
    """Reading by index, as Tensor methods."""

    __slots__ = ()

    # --------------------------------------------------------------------------------- indexing
    def __getitem__(self, index: Any) -> "Tensor":
        try:
            converted, advanced = _convert_index(index, self)
            if advanced:
                return M.Index.apply(self, index=converted, advanced=True)
            # the node class carries PyTorch's name (SliceBackward0, SelectBackward0, ...) from the start
            return _renamed_op(M.Index, _basic_index_name(converted)).apply(self, index=converted, advanced=False)
        except IndexError as e:
            raise _torch_index_error(e, self, index) from None

    def __setitem__(self, index: Any, value: Any) -> None:
        """``x[index] = value``. In a graph, the written positions take the gradient of ``value``
        and lose their old one: through a view of x (basic index, ``CopySlices``) or an
        ``IndexPutBackward0`` node (advanced index)."""
        try:
            self._setitem(index, value)
        except IndexError as e:
            raise _torch_index_error(e, self, index) from None

    def _setitem(self, index: Any, value: Any) -> None:
        recording = is_grad_enabled() and (self._requires_grad or getattr(value, "_requires_grad", False))
        if not recording:
            self._refuse_inplace()
            converted, _ = _convert_index(index, self)
            self._data[converted] = value._data if isinstance(value, _tensor.Tensor) else value
            _inplace.bump(self)
            return
        _, advanced = _convert_index(index, self)
        if not isinstance(value, _tensor.Tensor):
            value = _tensor.Tensor._wrap(self._xp.asarray(value, dtype=self._data.dtype), self.device)
        elif value.dtype is not self.dtype:
            value = value.to(self.dtype)
        if advanced:
            items = index if isinstance(index, tuple) else (index,)
            self._inplace_from(lambda t: t.index_put(items, value))
        else:
            self[index].copy_(value)

    def gather(self, dim: int, index: "Tensor") -> "Tensor":
        d = _normalize_dim(dim, self.ndim)
        if index.dtype is not dtypes.int64:
            raise RuntimeError("gather(): Expected dtype int64 for index")
        return M.Gather.apply(self, index=_along_dim_index(self._xp, index._data, d), advanced=True)

    def index_select(self, dim: int, index: "Tensor") -> "Tensor":
        full = [slice(None)] * self.ndim
        full[_normalize_dim(dim, self.ndim)] = index
        return _tensor._named(self[tuple(full)], "IndexSelectBackward0")

    def masked_fill(self, mask: "Tensor", value: Any) -> "Tensor":
        return _tensor._named(_tensor.where(mask, value, self), "MaskedFillBackward0")



def _torch_index_error(error: IndexError, tensor: Any, index: Any) -> IndexError:
    """NumPy's IndexError in PyTorch's words: "for dimension 0" (NumPy: "axis"), "too many indices for
    tensor of dimension 1", and PyTorch's hint for ``loss[0]`` on a 0-d tensor (old code's ``loss.data[0]``)."""
    message = str(error)
    if tensor.ndim == 0 and isinstance(index, (int, np.integer)) and not isinstance(index, bool):
        return IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                          "in C++ to convert a 0-dim tensor to a number")
    if message.startswith("index ") and " is out of bounds for axis " in message:
        return IndexError(message.replace(" for axis ", " for dimension ", 1))
    if message.startswith("too many indices for array"):
        return IndexError(f"too many indices for tensor of dimension {tensor.ndim}")
    if message.startswith("boolean index did not match indexed array along axis "):
        axis = int(message.split("along axis ")[1].split(";")[0])
        mask = _mask_spanning(index, tensor.ndim, axis)
        if mask is not None:
            shape, first = mask
            return IndexError(f"The shape of the mask {list(shape)} at index {axis - first} does not match the "
                              f"shape of the indexed tensor {list(tensor.shape)} at index {axis}")
    return error


def _mask_spanning(index: Any, ndim: int, axis: int) -> tuple[tuple, int] | None:
    """The shape of the boolean mask in ``index`` that covers dimension ``axis`` of the indexed
    tensor, and the first dimension it covers (None when it cannot be told)."""
    items = index if isinstance(index, tuple) else (index,)
    spans = []
    for item in items:
        data = getattr(item, "_data", item)
        if item is None or isinstance(item, bool):
            spans.append(0)
        elif item is Ellipsis:
            spans.append(None)
        else:
            spans.append(data.ndim if getattr(data, "dtype", None) == np.bool_ else 1)
    if spans.count(None) > 1:
        return None
    if None in spans:
        spans[spans.index(None)] = ndim - sum(n for n in spans if n is not None)
    first = 0
    for item, span in zip(items, spans):
        data = getattr(item, "_data", item)
        if getattr(data, "dtype", None) == np.bool_ and getattr(data, "ndim", 0) and first <= axis < first + span:
            return tuple(data.shape), first
        first += span
    return None


def _basic_index_name(index: Any) -> str:
    """PyTorch applies a basic index one dimension at a time; its grad_fn is the last step's."""
    items = index if isinstance(index, tuple) else (index,)
    for item in reversed(items):
        if item is None:
            return "UnsqueezeBackward0"
        if isinstance(item, slice):
            if item != slice(None):
                return "SliceBackward0"
        elif item is not Ellipsis:
            return "SelectBackward0"
    return "AliasBackward0"


def _along_dim_index(xp: Any, index: Any, dim: int) -> tuple:
    """An advanced-index tuple that picks ``index`` along ``dim`` and every position elsewhere."""
    parts = []
    for axis in range(index.ndim):
        if axis == dim:
            parts.append(index)
        else:
            shape = [1] * index.ndim
            shape[axis] = index.shape[axis]
            parts.append(xp.arange(index.shape[axis]).reshape(shape))
    return tuple(parts)


def _convert_index(index: Any, tensor: _tensor.Tensor) -> tuple[Any, bool]:
    """Turn a PyTorch index into a NumPy one; report whether it uses advanced (array) indexing."""
    items = index if isinstance(index, tuple) else (index,)
    converted, advanced = [], False
    for item in items:
        if isinstance(item, _tensor.Tensor):
            if item.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if item.device != tensor.device:
                raise RuntimeError(f"indices should be either on cpu or on the same device as the indexed tensor ({tensor.device})")
            item = item._data
            if item.ndim == 0 and item.dtype != np.bool_:
                item = int(item)
            else:
                advanced = True
        elif isinstance(item, (list, range, np.ndarray)):  # a range is a sequence of ints to PyTorch
            array = np.asarray(item)
            if array.size == 0 and not isinstance(item, np.ndarray):  # [] and range(0): NumPy says float64
                array = array.astype(np.int64)
            if array.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            item = tensor._xp.asarray(array)
            advanced = True
        elif isinstance(item, builtins.bool):
            advanced = True
        elif not (item is None or item is Ellipsis or isinstance(item, (slice, int, np.integer))):
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             f"valid indices (got {type(item).__name__})")
        converted.append(item)
    return (tuple(converted) if isinstance(index, tuple) else converted[0]), advanced
