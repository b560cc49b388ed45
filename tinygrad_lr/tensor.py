"""The Tensor: an array, its gradient, its place in the graph, and PyTorch's methods.

A Tensor holds ``_data`` (a NumPy or CuPy array), ``grad`` (a Tensor or None), ``grad_fn`` (the
graph node that made it, None for leaves) and ``requires_grad``. Differentiable methods call an
op's ``apply`` (see ``ops/``); everything else works on ``_data`` directly.
"""
from __future__ import annotations

import builtins
import numbers
from typing import Any, Iterator, Sequence

import numpy as np

from . import dtypes
from .autograd import backward as _run_backward
from .autograd import is_grad_enabled
from .backend import CPU, array_module, device, move, to_device
from .dtypes import dtype as _dtype_class
from .ops import elementwise as E
from .ops import linalg as L
from .ops import movement as M
from .ops import reduce as R


class Size(tuple):
    """``torch.Size``: a tuple that prints as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


def _normalize_dim(dim: int, ndim: int) -> int:
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not low <= dim <= high:
        raise IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")
    return dim % ndim if ndim else 0


def _normalize_dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """None -> all dims; an int or a sequence -> a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dim = (int(dim),)
    dims = tuple(sorted({_normalize_dim(int(d), ndim) for d in dim}))
    if not ndim:
        return ()
    return dims


def _shape_args(size: tuple) -> tuple[int, ...]:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])``, as PyTorch does."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


class Tensor:
    __slots__ = ("_data", "_xp", "device", "_requires_grad", "_grad", "grad_fn", "_hooks", "__weakref__", "__dict__")
    # NumPy must hand ``np_scalar * tensor`` to our __rmul__ instead of converting us to an array.
    __array_ufunc__ = None

    # ------------------------------------------------------------------------------ construction
    def __init__(self, *data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> None:
        """``torch.Tensor(data)`` (always the default float dtype) or ``torch.Tensor(2, 3)`` (zeros)."""
        from .creation import _to_array
        dev = to_device(device)
        if data and all(isinstance(n, (int, np.integer)) and not isinstance(n, builtins.bool) for n in data):
            data = (np.zeros(tuple(int(n) for n in data)),)
        array = _to_array(data[0] if data else [], dtypes.to_dtype(dtype) if dtype is not None
                          else dtypes.get_default_dtype(), dev)
        self._init(array, dev)
        self.requires_grad = requires_grad

    def _init(self, array: Any, dev: device, requires_grad: bool = False, grad_fn: Any = None,
              xp: Any = None) -> None:
        if isinstance(array, np.generic):  # NumPy reductions return scalars; keep 0-d arrays
            array = np.asarray(array)
        self._data = array
        self.device = dev
        self._xp = xp if xp is not None else np if dev.type == "cpu" else array_module(dev)
        self._requires_grad = requires_grad
        self._grad = None
        self.grad_fn = grad_fn
        self._hooks = ()

    @classmethod
    def _wrap(cls, array: Any, dev: device = CPU, requires_grad: bool = False, grad_fn: Any = None,
              xp: Any = None) -> "Tensor":
        """Make a Tensor around an existing array (no copy, no checks): the ops' fast path.
        ``xp``, when the caller knows it, saves looking the array module up from the device."""
        t = object.__new__(Tensor)
        t._init(array, dev, requires_grad, grad_fn, xp)
        return t

    # -------------------------------------------------------------------------------- attributes
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None and not value:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to "
                               "use a computed variable in a subgraph that doesn't require "
                               "differentiation use var_no_grad = var.detach().")
        if value and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(value)

    @property
    def grad(self) -> "Tensor | None":
        """The accumulated gradient (None until a backward reaches this leaf)."""
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        """``w.grad = None`` or a tensor like ``w`` (same size, dtype and device), as PyTorch checks."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor "
                                   "are the same size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype '{value.dtype.name}' to a tensor "
                                   f"with dtype '{self.dtype.name}'")
            if value.device != self.device:
                raise RuntimeError(f"attempting to assign a gradient located on device '{value.device}' to a "
                                   f"tensor located on device '{self.device}'")
        self._grad = value

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def dtype(self) -> _dtype_class:
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return self.shape
        return self._data.shape[_normalize_dim(dim, self.ndim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    @property
    def data(self) -> "Tensor":
        """A tensor sharing this one's storage, outside the graph (``requires_grad=False``)."""
        return Tensor._wrap(self._data, self.device)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data
        self.device, self._xp = value.device, value._xp

    def register_hook(self, hook: Any) -> Any:
        """Call ``hook(grad)`` when this leaf's gradient is computed; a returned tensor replaces it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        self._hooks = self._hooks + (hook,)
        return hook

    # -------------------------------------------------------------------------------- conversion
    def item(self) -> Any:
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def numpy(self, force: bool = False) -> np.ndarray:
        if self.device.type != "cpu":
            if not force:
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() "
                                "to copy the tensor to host memory first.")
            return move(self._data, CPU)
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def tolist(self) -> Any:
        return move(self._data, CPU).tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = move(self._data, CPU)
        return array if dtype is None else array.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __iter__(self) -> Iterator["Tensor"]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __hash__(self) -> int:
        return id(self)

    def __deepcopy__(self, memo: dict) -> "Tensor":
        """A new leaf with copied storage (and copied ``.grad``), as ``copy.deepcopy`` gives in PyTorch."""
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.")
        import copy
        new = object.__new__(type(self))
        new._init(self._data.copy(), self.device, self._requires_grad)
        memo[id(self)] = new
        if self.grad is not None:
            new.grad = copy.deepcopy(self.grad, memo)
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

    def __reduce_ex__(self, protocol: int) -> tuple:
        """Pickle as (host array, device name, requires_grad); the array module is found again on load."""
        return (_rebuild_tensor, (type(self), move(self._data, CPU), str(self.device), self._requires_grad))

    def detach(self) -> "Tensor":
        return Tensor._wrap(self._data, self.device)

    def detach_(self) -> "Tensor":
        self.grad_fn = None
        self._requires_grad = False
        return self

    def clone(self) -> "Tensor":
        return M.Clone.apply(self)

    def contiguous(self) -> "Tensor":
        if self._data.flags.c_contiguous:
            return self
        return self.clone()

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(other_tensor)``: differentiable."""
        target_device, target_dtype = None, kwargs.get("dtype")
        if "device" in kwargs:
            target_device = kwargs["device"]
        for arg in args:
            if isinstance(arg, Tensor):
                target_device, target_dtype = arg.device, arg.dtype
            elif isinstance(arg, (_dtype_class, type)) or isinstance(arg, np.dtype):
                target_dtype = arg
            elif arg is not None:
                target_device = arg
        out = self
        if target_dtype is not None and dtypes.to_dtype(target_dtype) is not self.dtype:
            out = M.Cast.apply(out, dtype=dtypes.to_dtype(target_dtype).np)
        if target_device is not None:
            target = to_device(target_device)
            if target != out.device:
                array_module(target)  # raises a clear error when CUDA is unavailable
                out = M.ToDevice.apply(out, device=target)
        if kwargs.get("copy") and out is self:
            out = self.clone()
        return out

    def cpu(self) -> "Tensor":
        return self.to("cpu")

    def cuda(self, device: Any = None) -> "Tensor":
        return self.to(to_device("cuda" if device is None else device))

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            names = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor",
                     "int32": "IntTensor", "bool": "BoolTensor", "float16": "HalfTensor",
                     "uint8": "ByteTensor", "int16": "ShortTensor", "int8": "CharTensor"}
            prefix = "torch.cuda." if self.is_cuda else "torch."
            return prefix + names[self.dtype.name]
        return self.to(dtype)

    def float(self) -> "Tensor":
        return self.to(dtypes.float32)

    def double(self) -> "Tensor":
        return self.to(dtypes.float64)

    def half(self) -> "Tensor":
        return self.to(dtypes.float16)

    def long(self) -> "Tensor":
        return self.to(dtypes.int64)

    def int(self) -> "Tensor":
        return self.to(dtypes.int32)

    def bool(self) -> "Tensor":
        return self.to(dtypes.bool_)

    # ---------------------------------------------------------------------------------- autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False) -> None:
        """Accumulate the gradient of this tensor into ``.grad`` of every leaf that requires grad.

        Without ``gradient`` this tensor must hold one element (its gradient is 1). The graph is
        freed afterwards unless ``retain_graph=True``.
        """
        if create_graph:
            raise NotImplementedError("create_graph=True (higher-order gradients) is not supported")
        _run_backward(self, gradient, bool(retain_graph))

    # ---------------------------------------------------------------------------- binary helpers
    def _operands(self, other: Any, reverse: bool = False) -> tuple["Tensor", "Tensor"]:
        """Both operands as Tensors of PyTorch's promoted dtype, in call order."""
        # Fast paths for the common cases (same dtypes; a float tensor with a Python float/int)
        if isinstance(other, Tensor):
            if other._data.dtype == self._data.dtype:
                return (other, self) if reverse else (self, other)
        elif (type(other) is float or type(other) is int) and self._data.dtype.kind == "f":
            b = Tensor._wrap(self._xp.asarray(other, dtype=self._data.dtype), self.device, xp=self._xp)
            return (b, self) if reverse else (self, b)
        if isinstance(other, Tensor):
            result = dtypes.result_type((self.dtype, 2 if self.ndim else 1), (other.dtype, 2 if other.ndim else 1))
            a = self if self.dtype is result else self.to(result)
            b = other if other.dtype is result else other.to(result)
        else:
            if isinstance(other, np.ndarray):
                other_t = Tensor._wrap(move(other, self.device), self.device)
                return self._operands(other_t, reverse)
            if not isinstance(other, numbers.Number):
                return NotImplemented  # type: ignore[return-value]
            if isinstance(other, np.generic):
                other = other.item()  # a NumPy scalar counts as a Python number, never as float64
            result = dtypes.result_type((self.dtype, 2 if self.ndim else 1), (dtypes.scalar_dtype(other), 0))
            a = self if self.dtype is result else self.to(result)
            b = Tensor._wrap(self._xp.asarray(other, dtype=result.np), self.device)
        return (b, a) if reverse else (a, b)

    def _binary(self, op: Any, other: Any, reverse: bool = False) -> "Tensor":
        pair = self._operands(other, reverse)
        if pair is NotImplemented:
            return NotImplemented
        try:
            return op.apply(*pair)
        except ValueError:
            _raise_broadcast_error(pair[0].shape, pair[1].shape)
            raise

    def __add__(self, other: Any) -> "Tensor":
        return self._binary(E.Add, other)

    def __radd__(self, other: Any) -> "Tensor":
        return self._binary(E.Add, other, reverse=True)

    def __sub__(self, other: Any) -> "Tensor":
        self._check_bool_subtraction(other)
        return self._binary(E.Sub, other)

    def __rsub__(self, other: Any) -> "Tensor":
        self._check_bool_subtraction(other)
        return self._binary(E.Sub, other, reverse=True)

    def _check_bool_subtraction(self, other: Any) -> None:
        if self.dtype is dtypes.bool_ or isinstance(other, builtins.bool) or \
                (isinstance(other, Tensor) and other.dtype is dtypes.bool_):
            raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                               "trying to invert a mask, use the `~` or `logical_not()` operator instead.")

    def __mul__(self, other: Any) -> "Tensor":
        return self._binary(E.Mul, other)

    def __rmul__(self, other: Any) -> "Tensor":
        return self._binary(E.Mul, other, reverse=True)

    def __truediv__(self, other: Any) -> "Tensor":
        a, b = self._true_division_operands(other)
        return E.Div.apply(a, b)

    def __rtruediv__(self, other: Any) -> "Tensor":
        a, b = self._true_division_operands(other)
        return E.Div.apply(b, a)

    def _true_division_operands(self, other: Any) -> tuple["Tensor", "Tensor"]:
        a, b = self._operands(other)
        if not a.dtype.is_floating_point:  # integer / integer is true division in PyTorch
            a, b = a.to(dtypes.get_default_dtype()), b.to(dtypes.get_default_dtype())
        return a, b

    def __floordiv__(self, other: Any) -> "Tensor":
        a, b = self._operands(other)
        if is_grad_enabled() and (a.requires_grad or b.requires_grad):
            # PyTorch records a node whose backward raises; refusing up front is clearer
            raise RuntimeError("the derivative for 'floor_divide' is not implemented; detach() the inputs")
        return Tensor._wrap(self._xp.floor_divide(a._data, b._data), self.device)

    def __mod__(self, other: Any) -> "Tensor":
        return self._binary(E.Remainder, other)

    def __rmod__(self, other: Any) -> "Tensor":
        return self._binary(E.Remainder, other, reverse=True)

    remainder = __mod__

    def __pow__(self, exponent: Any) -> "Tensor":
        if isinstance(exponent, numbers.Number):
            exponent = exponent.item() if isinstance(exponent, np.generic) else exponent  # no NumPy scalars
            result = dtypes.result_type((self.dtype, 2), (dtypes.scalar_dtype(exponent), 0))
            base = self if self.dtype is result else self.to(result)
            return E.PowScalar.apply(base, exponent=exponent)
        return self._binary(E.Pow, exponent)

    def __rpow__(self, base: Any) -> "Tensor":
        if self.dtype is dtypes.bool_ and isinstance(base, builtins.bool):
            raise RuntimeError('"pow" not implemented for \'Bool\'')
        return self._binary(E.Pow, base, reverse=True)

    def __neg__(self) -> "Tensor":
        return E.Neg.apply(self)

    def __pos__(self) -> "Tensor":
        return self

    def __abs__(self) -> "Tensor":
        return self.abs()

    def __matmul__(self, other: "Tensor") -> "Tensor":
        return self.matmul(other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return Tensor._wrap(self._xp.asarray(other), self.device).matmul(self)

    def add(self, other: Any, alpha: Any = 1) -> "Tensor":
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other: Any, alpha: Any = 1) -> "Tensor":
        return self - (other * alpha if alpha != 1 else other)

    def mul(self, other: Any) -> "Tensor":
        return self * other

    def div(self, other: Any) -> "Tensor":
        return self / other

    def pow(self, exponent: Any) -> "Tensor":
        return self ** exponent

    def neg(self) -> "Tensor":
        return -self

    multiply, divide, subtract, true_divide = mul, div, sub, div

    def matmul(self, other: "Tensor") -> "Tensor":
        if not isinstance(other, Tensor):
            raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type(other).__name__}")
        if self.ndim == 0 or other.ndim == 0:
            raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                               f"{self.ndim}D and {other.ndim}D")
        k_left = self.shape[-1]
        k_right = other.shape[0] if other.ndim == 1 else other.shape[-2]
        if k_left != k_right:
            left = f"{self.shape[-2] if self.ndim > 1 else 1}x{k_left}"
            right = f"{k_right}x{other.shape[-1] if other.ndim > 1 else 1}"
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({left} and {right}); "
                               f"shapes {tuple(self.shape)} and {tuple(other.shape)}")
        if self.dtype is not other.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {self.dtype} != {other.dtype}")
        try:
            return L.MatMul.apply(self, other)
        except ValueError as e:  # batch dims that do not broadcast
            raise RuntimeError(f"matmul: shapes {tuple(self.shape)} and {tuple(other.shape)} are not "
                               f"broadcastable ({e})") from None

    def mm(self, other: "Tensor") -> "Tensor":
        if self.ndim != 2 or other.ndim != 2:
            raise RuntimeError("self must be a matrix" if self.ndim != 2 else "mat2 must be a matrix")
        return self.matmul(other)

    def dot(self, other: "Tensor") -> "Tensor":
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        return self.matmul(other)

    # ------------------------------------------------------------------------------ comparisons
    def _compare(self, fn: str, other: Any) -> "Tensor":
        pair = self._operands(other)
        if pair is NotImplemented:
            return NotImplemented
        a, b = pair
        return Tensor._wrap(getattr(self._xp, fn)(a._data, b._data), self.device)

    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return self._compare("equal", other)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return self._compare("not_equal", other)

    def __lt__(self, other: Any) -> "Tensor":
        return self._compare("less", other)

    def __le__(self, other: Any) -> "Tensor":
        return self._compare("less_equal", other)

    def __gt__(self, other: Any) -> "Tensor":
        return self._compare("greater", other)

    def __ge__(self, other: Any) -> "Tensor":
        return self._compare("greater_equal", other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self) -> "Tensor":
        return Tensor._wrap(~self._data, self.device)

    def __and__(self, other: Any) -> "Tensor":
        return self._compare("logical_and" if self.dtype is dtypes.bool_ else "bitwise_and", other)

    def __or__(self, other: Any) -> "Tensor":
        return self._compare("logical_or" if self.dtype is dtypes.bool_ else "bitwise_or", other)

    def logical_not(self) -> "Tensor":
        return Tensor._wrap(self._xp.logical_not(self._data), self.device)

    def isnan(self) -> "Tensor":
        return Tensor._wrap(self._xp.isnan(self._data), self.device)

    def isfinite(self) -> "Tensor":
        return Tensor._wrap(self._xp.isfinite(self._data), self.device)

    def all(self) -> "Tensor":
        return Tensor._wrap(self._xp.asarray(self._data.all()), self.device)

    def any(self) -> "Tensor":
        return Tensor._wrap(self._xp.asarray(self._data.any()), self.device)

    def equal(self, other: "Tensor") -> bool:
        return self.shape == other.shape and bool((self == other).all())

    def allclose(self, other: "Tensor", rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        return bool(self._xp.allclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))

    # -------------------------------------------------------------------------- unary math ops
    def _float_input(self) -> "Tensor":
        """Integer inputs of exp/log/sigmoid/... compute in the default float dtype, as in PyTorch."""
        return self if self.dtype.is_floating_point else self.to(dtypes.get_default_dtype())

    def exp(self) -> "Tensor":
        return E.Exp.apply(self._float_input())

    def log(self) -> "Tensor":
        return E.Log.apply(self._float_input())

    def sqrt(self) -> "Tensor":
        return E.Sqrt.apply(self._float_input())

    def abs(self) -> "Tensor":
        return E.Abs.apply(self)

    def sigmoid(self) -> "Tensor":
        return E.Sigmoid.apply(self._float_input())

    def tanh(self) -> "Tensor":
        return E.Tanh.apply(self._float_input())

    def relu(self) -> "Tensor":
        return E.Relu.apply(self)

    def square(self) -> "Tensor":
        return self ** 2

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":  # noqa: A002 - PyTorch's names
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        low = min.item() if isinstance(min, Tensor) else min
        high = max.item() if isinstance(max, Tensor) else max
        source = self
        if not self.dtype.is_floating_point and any(isinstance(b, float) for b in (low, high)):
            source = self.to(dtypes.get_default_dtype())  # int.clamp(0.5) is float32, as in PyTorch
        return E.Clamp.apply(source, low=low, high=high)

    clip = clamp

    def maximum(self, other: "Tensor") -> "Tensor":
        return self._binary(E.Maximum, other)

    def minimum(self, other: "Tensor") -> "Tensor":
        return self._binary(E.Minimum, other)

    # -------------------------------------------------------------------------------- reductions
    def sum(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        source = self if dtype is None else self.to(dtype)
        if source.dtype is dtypes.bool_ or (not source.dtype.is_floating_point and source.dtype is not dtypes.int64):
            source = source.to(dtypes.int64)  # PyTorch sums bools and small ints as int64
        out = R.Sum.apply(source, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim)
        if dim is None and out.grad_fn is not None:
            out.grad_fn.torch_name = "SumBackward0"
        return out

    def mean(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        source = self if dtype is None else self.to(dtype)
        if not source.dtype.is_floating_point:
            name = {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(source.dtype.name, source.dtype.name)
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {name}")
        out = R.Mean.apply(source, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim)
        if dim is None and out.grad_fn is not None:
            out.grad_fn.torch_name = "MeanBackward0"
        return out

    def _extremum(self, dim: Any, keepdim: bool, largest: bool) -> Any:
        if isinstance(dim, Tensor):  # torch.max(a, b) is the elementwise maximum
            return self.maximum(dim) if largest else self.minimum(dim)
        if self.numel() == 0:
            raise RuntimeError(f"{'max' if largest else 'min'}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        if dim is None:
            out = R.Amax.apply(self, dims=_normalize_dims(None, self.ndim), keepdim=False, largest=largest)
            if out.grad_fn is not None and not largest:
                out.grad_fn.torch_name = "MinBackward1"
            return out
        if self.ndim == 0:  # dim 0 of a 0-d tensor is its one element (CuPy has no axis 0 there)
            values, indices = self.reshape(1)._extremum(_normalize_dim(dim, 0), keepdim, largest)
            return _MinMaxResult(values.reshape(()), indices.reshape(()))
        d = _normalize_dim(dim, self.ndim)
        xp = self._xp
        positions = (xp.argmax if largest else xp.argmin)(self._data, axis=d, keepdims=True)
        index = _along_dim_index(xp, positions, d)
        if not keepdim:  # every part of the index has size 1 along d: drop it to drop the dim
            index = tuple(part.squeeze(d) for part in index)
            positions = positions.squeeze(d)
        values = M.MaxAlongDim.apply(self, index=index, advanced=True)
        if values.grad_fn is not None and not largest:
            values.grad_fn.torch_name = "MinBackward0"
        return _MinMaxResult(values, Tensor._wrap(positions.astype(np.int64), self.device))

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """``max()`` is the largest element; ``max(dim)`` is ``(values, indices)``; ``max(other)`` is elementwise."""
        return self._extremum(dim, keepdim, largest=True)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        return self._extremum(dim, keepdim, largest=False)

    def amax(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return R.Amax.apply(self, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim, largest=True)

    def amin(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return R.Amax.apply(self, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim, largest=False)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return self._arg_extremum(self._xp.argmax, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return self._arg_extremum(self._xp.argmin, dim, keepdim)

    def _arg_extremum(self, fn: Any, dim: int | None, keepdim: bool) -> "Tensor":
        if dim is None or self.ndim == 0:
            out = fn(self._data.reshape(-1))
            if keepdim:
                out = out.reshape((1,) * self.ndim)
        else:
            out = fn(self._data, axis=_normalize_dim(dim, self.ndim), keepdims=keepdim)
        return Tensor._wrap(self._xp.asarray(out, dtype=np.int64), self.device)

    def _correction(self, unbiased: Any, correction: Any) -> int:
        if correction is not None:
            return int(correction)
        return 1 if unbiased is None or unbiased else 0

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> "Tensor":
        if isinstance(dim, bool):  # var(False): the old positional unbiased flag
            dim, unbiased = None, dim
        return R.Var.apply(self, dims=_normalize_dims(dim, self.ndim),
                           correction=self._correction(unbiased, correction), keepdim=keepdim)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> "Tensor":
        if isinstance(dim, bool):
            dim, unbiased = None, dim
        return R.Std.apply(self, dims=_normalize_dims(dim, self.ndim),
                           correction=self._correction(unbiased, correction), keepdim=keepdim)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> "Tensor":
        return R.LogSumExp.apply(self._float_input(), dims=_normalize_dims(dim, self.ndim), keepdim=keepdim)

    def softmax(self, dim: int) -> "Tensor":
        if self.ndim == 0:  # over the one element (CuPy has no axis 0 on a 0-d array)
            return self.reshape(1).softmax(_normalize_dim(dim, 0)).reshape(())
        return R.Softmax.apply(self._float_input(), dim=_normalize_dim(dim, self.ndim))

    def log_softmax(self, dim: int) -> "Tensor":
        if self.ndim == 0:
            return self.reshape(1).log_softmax(_normalize_dim(dim, 0)).reshape(())
        return R.LogSoftmax.apply(self._float_input(), dim=_normalize_dim(dim, self.ndim))

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
        return parts

    def narrow(self, dim: int, start: int, length: int) -> "Tensor":
        index = [slice(None)] * self.ndim
        index[_normalize_dim(dim, self.ndim)] = slice(start, start + length)
        return self[tuple(index)]

    def chunk(self, chunks: int, dim: int = 0) -> tuple["Tensor", ...]:
        size = self.shape[_normalize_dim(dim, self.ndim)]
        step = -(-size // chunks)
        return self.split(step, dim)

    def split(self, split_size: Any, dim: int = 0) -> tuple["Tensor", ...]:
        d = _normalize_dim(dim, self.ndim)
        size = self.shape[d]
        sizes = list(split_size) if isinstance(split_size, (list, tuple)) else \
            [min(split_size, size - s) for s in range(0, size, split_size)]
        out, start = [], 0
        for n in sizes:
            out.append(self.narrow(d, start, n))
            start += n
        return tuple(out)

    # --------------------------------------------------------------------------------- indexing
    def __getitem__(self, index: Any) -> "Tensor":
        index, advanced = _convert_index(index, self)
        out = M.Index.apply(self, index=index, advanced=advanced)
        if out.grad_fn is not None and not advanced:
            out.grad_fn.torch_name = _basic_index_name(index)
        return out

    def __setitem__(self, index: Any, value: Any) -> None:
        self._check_inplace()
        index, _ = _convert_index(index, self)
        self._data[index] = value._data if isinstance(value, Tensor) else value

    def gather(self, dim: int, index: "Tensor") -> "Tensor":
        d = _normalize_dim(dim, self.ndim)
        if index.dtype is not dtypes.int64:
            raise RuntimeError("gather(): Expected dtype int64 for index")
        return M.Gather.apply(self, index=_along_dim_index(self._xp, index._data, d), advanced=True)

    def index_select(self, dim: int, index: "Tensor") -> "Tensor":
        full = [slice(None)] * self.ndim
        full[_normalize_dim(dim, self.ndim)] = index
        return self[tuple(full)]

    def masked_fill(self, mask: "Tensor", value: Any) -> "Tensor":
        return where(mask, value, self)

    # ---------------------------------------------------------------------------------- in place
    def _check_inplace(self) -> None:
        if is_grad_enabled() and self.requires_grad:
            if self.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            raise RuntimeError("tinygrad_lr does not support in-place operations on tensors that are part of "
                               "a graph; use the out-of-place form (x = x + y) instead.")

    def _inplace(self, fn: str, other: Any) -> "Tensor":
        self._check_inplace()
        value = other._data if isinstance(other, Tensor) else other
        if isinstance(other, Tensor) and other.device != self.device:
            raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                               f"{self.device} and {other.device}!")
        try:
            getattr(self._xp, fn)(self._data, value, out=self._data)
        except TypeError as e:  # NumPy refuses e.g. float into an integer tensor, as torch does
            raise RuntimeError(f"result type can't be cast to the desired output type {self.dtype}") from e
        return self

    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return self._inplace("add", other if alpha == 1 else other * alpha)

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return self._inplace("subtract", other if alpha == 1 else other * alpha)

    def mul_(self, other: Any) -> "Tensor":
        return self._inplace("multiply", other)

    def div_(self, other: Any) -> "Tensor":
        return self._inplace("divide", other)

    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other)

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other)

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other)

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def fill_(self, value: Any) -> "Tensor":
        self._check_inplace()
        self._data.fill(value.item() if isinstance(value, Tensor) else value)
        return self

    def copy_(self, source: "Tensor") -> "Tensor":
        self._check_inplace()
        self._data[...] = move(source._data, self.device)
        return self

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":  # noqa: A002
        self._check_inplace()
        self._xp.clip(self._data, min, max, out=self._data)
        return self

    def scatter_(self, dim: int, index: "Tensor", value: Any = None, *, src: Any = None) -> "Tensor":
        """``self[index[i][j]][j] = value`` (dim=0) / ``self[i][index[i][j]] = value`` (dim=1)."""
        self._check_inplace()
        if index.dtype is not dtypes.int64:
            raise RuntimeError("scatter(): Expected dtype int64 for index")
        value = src if value is None else value
        positions = _along_dim_index(self._xp, index._data, _normalize_dim(dim, self.ndim))
        if isinstance(value, Tensor):
            self._data[positions] = value._data[tuple(slice(0, n) for n in index.shape)]
        else:
            self._data[positions] = value
        return self

    def scatter(self, dim: int, index: "Tensor", value: Any = None, *, src: Any = None) -> "Tensor":
        return self.detach().clone().scatter_(dim, index, value, src=src)

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator: Any = None) -> "Tensor":
        from .random import _generator
        self._check_inplace()
        values = _generator(generator).uniform(a, b, size=self.shape).astype(self._data.dtype)
        self._data[...] = move(values, self.device)
        return self

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> "Tensor":
        from .random import _generator
        self._check_inplace()
        values = _generator(generator).normal(mean, std, size=self.shape).astype(self._data.dtype)
        self._data[...] = move(values, self.device)
        return self

    # ------------------------------------------------------------------------------------ print
    def __repr__(self) -> str:
        from ._repr import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)


def _rebuild_tensor(cls: type, array: np.ndarray, device_name: str, requires_grad: bool) -> Tensor:
    t = object.__new__(cls)
    dev = to_device(device_name)
    t._init(move(array, dev), dev, requires_grad)
    return t


class _MinMaxResult(tuple):
    """``(values, indices)`` with ``.values`` and ``.indices``, like torch.return_types.max."""

    def __new__(cls, values: Tensor, indices: Tensor) -> "_MinMaxResult":
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.max(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _raise_broadcast_error(a: tuple, b: tuple) -> None:
    """Raise PyTorch's message for the first dimension (from the right) that does not broadcast."""
    for i in range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and a[-i] != 1 and b[-i] != 1:
            dim = max(len(a), len(b)) - i
            raise RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) at "
                               f"non-singleton dimension {dim}")


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


def _convert_index(index: Any, tensor: Tensor) -> tuple[Any, bool]:
    """Turn a PyTorch index into a NumPy one; report whether it uses advanced (array) indexing."""
    items = index if isinstance(index, tuple) else (index,)
    converted, advanced = [], False
    for item in items:
        if isinstance(item, Tensor):
            if item.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if item.device != tensor.device:
                raise RuntimeError(f"indices should be either on cpu or on the same device as the indexed tensor ({tensor.device})")
            item = item._data
            if item.ndim == 0 and item.dtype != np.bool_:
                item = int(item)
            else:
                advanced = True
        elif isinstance(item, (list, np.ndarray)):
            array = np.asarray(item)
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


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
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


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    return M.Stack.apply(*_common_dtype(tensors), dim=_normalize_dim(dim, tensors[0].ndim + 1))


def _common_dtype(tensors: list[Tensor]) -> list[Tensor]:
    result = dtypes.result_type(*((t.dtype, 2) for t in tensors))
    return [t if t.dtype is result else t.to(result) for t in tensors]


def where(condition: Tensor, input: Any, other: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """``input`` where ``condition`` else ``other``; either may be a Python number."""
    if condition.dtype is not dtypes.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype.name.capitalize()}")
    if isinstance(input, Tensor):
        a, b = input._operands(other)
    elif isinstance(other, Tensor):
        b, a = other._operands(input)
    else:
        dt = dtypes.result_type((dtypes.scalar_dtype(input), 0), (dtypes.scalar_dtype(other), 0))
        a = Tensor._wrap(condition._xp.asarray(input, dtype=dt.np), condition.device)
        b = Tensor._wrap(condition._xp.asarray(other, dtype=dt.np), condition.device)
    return E.Where.apply(a, b, condition=condition._data)
