"""Tensor methods that change shape: reshape/view, flatten, (un)squeeze, permute/transpose, expand,
repeat, split; and ``cat``/``stack``. Mixed into ``Tensor``; the ops are in ``ops/movement.py``.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Sequence

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .dtypes import dtype as _dtype_class
from .ops import movement as M
from .shapes import _normalize_dim, _normalize_dims, _shape_args

_T_WARNED = _T0_WARNED = False  # x.T of an N-D (of a 0-D) tensor has warned in this process

if TYPE_CHECKING:
    from .tensor import Tensor


class ShapeMethods:
    """Shape changes, as Tensor methods."""

    __slots__ = ()

    # ------------------------------------------------------------------------------------ shape
    def _resolve_shape(self, shape: tuple) -> tuple[int, ...]:
        shape = _shape_args(shape)
        if shape.count(-1) > 1:
            raise RuntimeError("only one dimension can be inferred")
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if -1 in shape:
            if known == 0 or self.numel() % known:
                raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {self.numel()}")
            shape = tuple(self.numel() // known if s == -1 else s for s in shape)
        elif known != self.numel():
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {self.numel()}")
        return shape

    def reshape(self, *shape: Any) -> "Tensor":
        return M.Reshape.apply(self, shape=self._resolve_shape(shape))

    def view(self, *shape: Any) -> "Tensor":
        if len(shape) == 1 and isinstance(shape[0], (_dtype_class, type)):
            raise NotImplementedError("view(dtype) is not supported")
        return M.Reshape.apply(self, shape=self._resolve_shape(shape), view=True)

    def view_as(self, other: "Tensor") -> "Tensor":
        return self.view(other.shape)

    def reshape_as(self, other: "Tensor") -> "Tensor":
        return self.reshape(other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        if self.ndim == 0:
            return self.reshape(1)
        start, end = _normalize_dim(start_dim, self.ndim), _normalize_dim(end_dim, self.ndim)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if start == end:  # as ATen: nothing to merge, the tensor itself comes back (no new node)
            return self
        shape = self.shape
        middle = 1
        for s in shape[start:end + 1]:
            middle *= s
        return self.reshape(tuple(shape[:start]) + (middle,) + tuple(shape[end + 1:]))

    def unflatten(self, dim: int, sizes: Sequence[int]) -> "Tensor":
        d = _normalize_dim(dim, self.ndim)
        return self.reshape(tuple(self.shape[:d]) + tuple(sizes) + tuple(self.shape[d + 1:]))

    def unsqueeze(self, dim: int) -> "Tensor":
        d = _normalize_dim(dim, self.ndim + 1)
        shape = self.shape[:d] + (1,) + self.shape[d:]
        return M.Unsqueeze.apply(self, shape=tuple(shape))

    def squeeze(self, dim: Any = None) -> "Tensor":
        dims = _normalize_dims(dim, self.ndim)
        shape = tuple(s for i, s in enumerate(self.shape) if not (i in dims and s == 1))
        out = M.Squeeze.apply(self, shape=shape)
        if dim is None and out.grad_fn is not None:
            out.grad_fn.torch_name = "SqueezeBackward0"
        return out

    def permute(self, *dims: Any) -> "Tensor":
        dims = _shape_args(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                               f"length of the desired ordering of dimensions i.e. input.dim() = {self.ndim} is not "
                               f"equal to len(dims) = {len(dims)}")
        normalized = tuple(_normalize_dim(d, self.ndim) for d in dims)
        if len(set(normalized)) != len(normalized):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return M.Permute.apply(self, dims=normalized)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        return M.Transpose.apply(self, dim0=_normalize_dim(dim0, self.ndim), dim1=_normalize_dim(dim1, self.ndim))

    def t(self) -> "Tensor":
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        if self.ndim < 2:
            return self
        return M.T.apply(self, dim0=0, dim1=1)

    @property
    def T(self) -> "Tensor":
        global _T_WARNED, _T0_WARNED
        if self.ndim == 0 and not _T0_WARNED:  # PyTorch warns once per process (TORCH_WARN_ONCE), each kind
            _T0_WARNED = True
            warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases. "
                          "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4321.)",
                          UserWarning, stacklevel=2)
        if self.ndim not in (0, 2) and not _T_WARNED:
            _T_WARNED = True
            warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
                          "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
                          "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
                          "dimensions of a tensor. (Triggered internally at "
                          "/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)", UserWarning, stacklevel=2)
        return self.permute(*reversed(range(self.ndim))) if self.ndim >= 2 else self

    @property
    def mT(self) -> "Tensor":
        return self.transpose(-2, -1)

    def expand(self, *sizes: Any) -> "Tensor":
        sizes = _shape_args(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(f"expand(torch.FloatTensor{{{list(self.shape)}}}, size={list(sizes)}): the number of "
                               "sizes provided must be greater or equal to the number of dimensions in the tensor")
        lead = len(sizes) - self.ndim
        target = tuple(self.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
        for i, n in enumerate(self.shape):
            if n != 1 and n != target[lead + i]:
                raise RuntimeError(f"The expanded size of the tensor ({target[lead + i]}) must match the existing size "
                                   f"({n}) at non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  "
                                   f"Tensor sizes: {list(self.shape)}")
        return M.Expand.apply(self, shape=target)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return self.expand(other.shape)

    def repeat(self, *sizes: Any) -> "Tensor":
        sizes = _shape_args(sizes)
        source = self.reshape((1,) * (len(sizes) - self.ndim) + tuple(self.shape))
        parts = source
        for d, n in enumerate(sizes):
            if n != 1:
                parts = cat([parts] * n, dim=d) if n > 0 else parts.narrow(d, 0, 0)
        return _tensor._named(parts, "RepeatBackward0")

    def narrow(self, dim: int, start: int, length: int) -> "Tensor":
        index = [slice(None)] * self.ndim
        index[_normalize_dim(dim, self.ndim)] = slice(start, start + length)
        return self[tuple(index)]

    def chunk(self, chunks: int, dim: int = 0) -> tuple["Tensor", ...]:
        size = self.shape[_normalize_dim(dim, self.ndim)]
        step = -(-size // chunks)
        return self.split(step, dim)  # (SplitBackward0, as PyTorch's chunk)

    def split(self, split_size: Any, dim: int = 0) -> tuple["Tensor", ...]:
        d = _normalize_dim(dim, self.ndim)
        size = self.shape[d]
        sizes = list(split_size) if isinstance(split_size, (list, tuple)) else \
            [min(split_size, size - s) for s in range(0, size, split_size)]
        name = "SplitWithSizesBackward0" if isinstance(split_size, (list, tuple)) else "SplitBackward0"
        out, start = [], 0
        for n in sizes:
            out.append(_tensor._named(self.narrow(d, start, n), name))
            start += n
        return tuple(out)



def cat(tensors: Sequence[_tensor.Tensor], dim: int = 0) -> _tensor.Tensor:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    d = _normalize_dim(dim, tensors[0].ndim)
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != tensors[0].ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {tensors[0].ndim} and {t.ndim}")
        for axis in range(t.ndim):
            if axis != d and t.shape[axis] != tensors[0].shape[axis]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{tensors[0].shape[axis]} but got size {t.shape[axis]} for tensor number {i} in the list.")
    return M.Cat.apply(*_common_dtype(tensors), dim=d)


def stack(tensors: Sequence[_tensor.Tensor], dim: int = 0) -> _tensor.Tensor:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    return M.Stack.apply(*_common_dtype(tensors), dim=_normalize_dim(dim, tensors[0].ndim + 1))


def _common_dtype(tensors: list[_tensor.Tensor]) -> list[_tensor.Tensor]:
    result = dtypes.result_type(*((t.dtype, 2) for t in tensors))
    return [t if t.dtype is result else t.to(result) for t in tensors]
