"""Factories: ``tensor``, ``zeros``, ``arange``, ``randn`` and the rest, with PyTorch's dtype rules.

Python floats become the default float32, ints int64, bools bool; a NumPy array keeps its dtype
(``torch.tensor(np.zeros(3))`` is float64, as in PyTorch).
"""
from __future__ import annotations

import builtins
import warnings
from typing import Any, Sequence

import numpy as np

from . import dtypes
from .backend import CPU, array_module, device, move, to_device
from .random.factories import (bernoulli, multinomial, normal, rand, rand_like, randint,  # noqa: F401 - PyTorch's
                               randint_like, randn, randn_like, randperm)  # random stream lives in random/
from .shapes import _shape_args
from .tensor import Tensor


def _infer_dtype(array: np.ndarray) -> dtypes.dtype:
    kind = array.dtype.kind
    if kind == "f":
        return dtypes.get_default_dtype()
    if kind in "iu":
        return dtypes.int64
    if kind == "b":
        return dtypes.bool_
    raise TypeError(f"Could not infer dtype of {array.dtype}")


def _nested_to_numpy(data: Any, numpy_scalars: list) -> Any:
    """Lists may hold one-element Tensors (``tensor([a, b])``): turn them into Python numbers.
    NumPy scalars met on the way are noted in ``numpy_scalars`` (they keep their dtype in PyTorch)."""
    if isinstance(data, Tensor):
        return data.tolist() if data.ndim else data.item()
    if isinstance(data, list):
        return [_nested_to_numpy(item, numpy_scalars) for item in data]
    if isinstance(data, tuple):  # kept a tuple: the ragged-list error names it
        return tuple(_nested_to_numpy(item, numpy_scalars) for item in data)
    if isinstance(data, np.generic) and not numpy_scalars:
        numpy_scalars.append(data)
    return data


def _promoted_leaf_dtype(data: Any) -> dtypes.dtype:
    """PyTorch's dtype of nested lists with NumPy scalars in them: each number's own dtype (a NumPy
    scalar's, or PyTorch's for a Python number), promoted together: [np.float64(1), 2] is float64."""
    if isinstance(data, (list, tuple)):
        result = None
        for item in data:
            leaf = _promoted_leaf_dtype(item)
            result = leaf if result is None else dtypes.promote(result, leaf)
        return result if result is not None else dtypes.get_default_dtype()
    if isinstance(data, np.generic):
        return dtypes.from_numpy_dtype(data.dtype)
    return dtypes.scalar_dtype(data)


def _raise_ragged(data: Any) -> None:
    """PyTorch's error for nested lists that are not a grid: the sizes come from the first elements,
    and the depth-first walk stops at the first sequence of another length (or a number in its place)."""
    sizes, item = [], data
    while isinstance(item, (list, tuple)):
        sizes.append(len(item))
        if not item:
            break
        item = item[0]

    def walk(sequence: Any, dim: int) -> None:
        if dim == len(sizes):
            if isinstance(sequence, (list, tuple)):  # a sequence where a number belongs
                kind = type(sequence).__name__
                raise TypeError(f"must be real number, not {kind}" if isinstance(item, float) else
                                f"'{kind}' object cannot be interpreted as an integer")
            return
        if not isinstance(sequence, (list, tuple)):
            raise TypeError("not a sequence")
        if len(sequence) != sizes[dim]:
            raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(sequence)})")
        for element in sequence:
            walk(element, dim + 1)

    walk(data, 0)


def _to_array(data: Any, dtype: dtypes.dtype | None, dev: device, copy: bool = True) -> Any:
    """An array on ``dev`` holding ``data``: a copy unless ``copy=False`` and nothing must change."""
    if isinstance(data, Tensor):
        array = data._data
        keep = data.dtype
    elif isinstance(data, np.ndarray) or hasattr(data, "__cuda_array_interface__"):
        array = data
        keep = dtypes.from_numpy_dtype(data.dtype)
    elif isinstance(data, np.generic):  # np.float64(1.5) keeps its dtype, as in PyTorch
        array = np.asarray(data)
        keep = dtypes.from_numpy_dtype(data.dtype)
    else:
        numpy_scalars: list = []
        nested = _nested_to_numpy(data, numpy_scalars)
        try:
            array = np.asarray(nested)
        except ValueError:  # ragged lists: PyTorch names the first sequence of the wrong length
            _raise_ragged(nested)
            raise
        if array.dtype == object:
            raise TypeError(f"Could not infer dtype of {type(data).__name__}")
        keep = _infer_dtype(array) if array.size or array.dtype.kind != "f" else dtypes.get_default_dtype()
        if numpy_scalars:
            keep = _promoted_leaf_dtype(nested)
    target = dtype if dtype is not None else keep
    array = move(array, dev)
    if array.dtype != target.np:
        return array.astype(target.np)
    return array.copy() if copy else array


def _finish(array: Any, dev: device, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(array, dev)
    if requires_grad:
        # A factory words the refusal differently from the requires_grad setter, as PyTorch does.
        if not t.dtype.is_floating_point:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = True
    return t


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, arrays or tensors)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    dev = to_device(device if device is not None else (data.device if isinstance(data, Tensor) else None))
    dt = dtypes.to_dtype(dtype) if dtype is not None else None
    return _finish(_to_array(data, dt, dev), dev, requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with an array or tensor when no conversion is needed."""
    if isinstance(data, Tensor) and (dtype is None or dtypes.to_dtype(dtype) is data.dtype) \
            and (device is None or to_device(device) == data.device):
        return data
    dev = to_device(device if device is not None else (data.device if isinstance(data, Tensor) else None))
    dt = dtypes.to_dtype(dtype) if dtype is not None else None
    return Tensor._wrap(_to_array(data, dt, dev, copy=False), dev)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares ``array``'s memory (writes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtypes.from_numpy_dtype(array.dtype)  # raises for unsupported dtypes
    return Tensor._wrap(array, CPU)


def _typed(dtype: Any, default: dtypes.dtype) -> dtypes.dtype:
    return dtypes.to_dtype(dtype) if dtype is not None else default


def _filled(size: tuple, value: Any, dtype: Any, device: Any, requires_grad: bool, default: dtypes.dtype) -> Tensor:
    dev = to_device(device)
    xp = array_module(dev)
    return _finish(xp.full(_shape_args(size), value, dtype=_typed(dtype, default).np), dev, requires_grad)


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _filled(size, 0, dtype, device, requires_grad, dtypes.get_default_dtype())


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _filled(size, 1, dtype, device, requires_grad, dtypes.get_default_dtype())


empty = zeros


def full(size: Sequence[int], fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    value = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    return _filled((tuple(size),), value, dtype, device, requires_grad, dtypes.scalar_dtype(value))


def _like(t: Tensor, value: Any, dtype: Any, device: Any, requires_grad: bool) -> Tensor:
    return _filled((tuple(t.shape),), value, dtype, device if device is not None else t.device,
                   requires_grad, t.dtype)


def zeros_like(t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(t, 0, dtype, device, requires_grad)


def ones_like(t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(t, 1, dtype, device, requires_grad)


empty_like = zeros_like


def full_like(t: Tensor, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(t, fill_value, dtype, device, requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``arange(5)``, ``arange(1, 4)``, ``arange(0, 1, 0.25)``: int64 when all bounds are ints."""
    if end is None:
        start, end = 0, start
    bounds = [b.item() if isinstance(b, Tensor) else b for b in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    all_int = all(isinstance(b, (int, np.integer)) and not isinstance(b, builtins.bool) for b in bounds)
    default = dtypes.int64 if all_int else dtypes.get_default_dtype()
    values = np.arange(*bounds, dtype=np.int64 if all_int else np.float64)
    dev = to_device(device)
    return _finish(move(values.astype(_typed(dtype, default).np), dev), dev, requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """PyTorch's CPU kernel, to the bit: step = (end − start)/(steps − 1) in the output dtype, the
    first half counted up from start and the second half down from end, each value one fused
    multiply-add (so ``linspace(-1, 1, 7)[3]`` is -2.98e-08 as in PyTorch, not 0)."""
    dev = to_device(device)
    np_dtype = _typed(dtype, dtypes.get_default_dtype()).np
    if np_dtype in (np.float32, np.float64) and steps > 1:
        from .random.float32_math import fma32  # the random stream's exact FMAs (lazy: random imports us)
        from .random.float64_math import fma64
        real = np_dtype.type
        first, last = real(start), real(end)
        step = (last - first) / real(steps - 1)
        up = np.arange(steps)
        down = (steps - 1 - up).astype(np_dtype)
        if np_dtype == np.float32:
            low, high = fma32(up.astype(np_dtype), step, first), fma32(down, -step, last)
        else:
            low, high = fma64(up.astype(np_dtype), float(step), float(first)), fma64(down, float(-step), float(last))
        values = np.where(up < steps // 2, low, high).astype(np_dtype)
    else:  # integer and half dtypes, and 0 or 1 steps
        values = np.linspace(start, end, steps).astype(np_dtype)
    return _finish(move(values, dev), dev, requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    dev = to_device(device)
    xp = array_module(dev)
    return _finish(xp.eye(n, m, dtype=_typed(dtype, dtypes.get_default_dtype()).np), dev, requires_grad)


# ------------------------------------------------------------------------ legacy constructors

class _LegacyTensorType(type):
    """``torch.FloatTensor`` and friends: ``FloatTensor([1, 2])`` copies data, ``FloatTensor(2, 3)``
    makes a tensor of that size (zeros here; PyTorch leaves it uninitialised), ``FloatTensor()``
    is empty. ``isinstance(t, FloatTensor)`` checks the dtype, and ``t.type(FloatTensor)`` casts."""

    dtype: dtypes.dtype

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:
        if not args:
            return zeros(0, dtype=cls.dtype, device=device)
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, builtins.bool) for a in args) or \
                (len(args) == 1 and isinstance(args[0], tuple) and type(args[0]).__name__ == "Size"):
            return zeros(*args, dtype=cls.dtype, device=device)
        if len(args) > 1:
            raise TypeError(f"new() received an invalid combination of arguments")
        return tensor(args[0], dtype=cls.dtype, device=device)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy(name: str, dtype: dtypes.dtype) -> type:
    return _LegacyTensorType(name, (), {"dtype": dtype, "__doc__": f"``torch.{name}``: a {dtype!r} tensor."})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ShortTensor = _legacy("ShortTensor", dtypes.int16)
CharTensor = _legacy("CharTensor", dtypes.int8)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool_)
