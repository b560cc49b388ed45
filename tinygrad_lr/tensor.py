"""The Tensor: an array, its gradient, its place in the graph, and PyTorch's methods.

A Tensor holds ``_data`` (a NumPy or CuPy array), ``grad`` (a Tensor or None), ``grad_fn`` (the
graph node that made it, None for leaves) and ``requires_grad``. Differentiable methods call an
op's ``apply`` (see ``ops/``); everything else works on ``_data`` directly.
"""
from __future__ import annotations

import builtins
import itertools
import math
import numbers
import weakref
from typing import Any, Iterator

import numpy as np

from . import dtypes
from .autograd import engine as _engine
from .autograd import grad_mode as _grad_mode
from .autograd import graph as _graph
from .autograd import inplace as _inplace
from .autograd import is_grad_enabled
from .backend import (CPU, array_module, device, move, quiet_floating_point_errors, restore_floating_point_errors,
                      to_device)
from .dtypes import dtype as _dtype_class
from .ops import binary_math as BM
from .ops import elementwise as E
from .ops import linalg as L
from .ops import movement as M
from .shapes import Size, _normalize_dim
from .tensor_extra import ExtraMethods
from .tensor_indexing import IndexingMethods
from .tensor_inplace import InPlaceMethods
from .tensor_linalg import LinalgMethods
from .tensor_math import MathMethods
from .tensor_more import MoreMethods
from .tensor_random import RandomMethods
from .tensor_reduce import ReductionMethods
from .tensor_shape import ShapeMethods
from .tensor_sort import SortingMethods


class Tensor(ShapeMethods, ReductionMethods, IndexingMethods, ExtraMethods, InPlaceMethods, RandomMethods,
             MathMethods, SortingMethods, LinalgMethods, MoreMethods):
    __slots__ = ("_data", "_xp", "device", "_requires_grad", "_grad", "grad_fn", "__weakref__", "__dict__")
    # Rarely set, so they cost nothing until needed (instance values live in __dict__); see autograd/
    _output_nr = 0  # which output of grad_fn this tensor is (custom Functions with several outputs)
    _accumulator = None  # a leaf's AccumulateGrad node (graph.accumulator)
    _history = None  # [(clock, old grad_fn, old output_nr)] before each in-place change (inplace.set_history)
    _version_counter = None  # shared with views and detach() (inplace.counter)
    _base = None  # the tensor this one is a view of (inplace.link_view)
    _views = None  # weak set of this tensor's views, renewed when it changes in place
    _is_inference = False  # made under inference_mode()
    _retains_grad = False

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

    @classmethod
    def _wrap(cls, array: Any, dev: device = CPU, requires_grad: bool = False, grad_fn: Any = None,
              xp: Any = None) -> "Tensor":
        """Make a Tensor around an existing array (no copy, no checks): the ops' fast path.
        ``xp``, when the caller knows it, saves looking the array module up from the device.

        This is ``_init`` written out (one call fewer on every op's output: 2% of the per-op
        benchmark); the two must set the same fields, and mark tensors made in inference mode."""
        t = object.__new__(Tensor)
        if isinstance(array, np.generic):  # NumPy reductions return scalars; keep 0-d arrays
            array = np.asarray(array)
        t._data = array
        t.device = dev
        t._xp = xp if xp is not None else np if dev.type == "cpu" else array_module(dev)
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = grad_fn
        if _inference_on:
            t._is_inference = True
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
        if value and self._is_inference and not _grad_mode.is_inference_mode_enabled():
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
        self._requires_grad = bool(value)

    @property
    def grad(self) -> "Tensor | None":
        """The accumulated gradient (None until a backward reaches this leaf). A non-leaf has one
        only after ``retain_grad()``; reading it otherwise warns, as in PyTorch."""
        if self.grad_fn is not None and not self._retains_grad:
            import warnings
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
                "Tensor by mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information.", UserWarning, stacklevel=2)
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

    def is_pinned(self, device: Any = None) -> bool:
        """False: tensors never live in page-locked host memory here (DataLoader's pin_memory pins nothing)."""
        return False

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
        """Call ``hook(grad)`` when the gradient of this tensor (leaf or not) is computed; a
        returned tensor replaces it. Returns a handle whose ``remove()`` unregisters the hook."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node = _graph.edge_of(self)[0]
        if node.tensor_hooks is None:
            node.tensor_hooks = _graph.OrderedDict()
        node.has_hooks = True
        return _graph._add_hook(node.tensor_hooks, hook)

    def retain_grad(self) -> None:
        """Fill ``.grad`` of this non-leaf during backward (leaves have it anyway)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None and not self._retains_grad:
            self.grad_fn.retained = weakref.ref(self)
            self.grad_fn.has_hooks = True
            self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def is_inference(self) -> bool:
        return self._is_inference

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has had (shared with its views)."""
        version = self._version_counter
        return 0 if version is None else version.count

    def _is_view(self) -> bool:
        return self._base is not None

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

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """``np.exp(t)``: NumPy's function of the arrays, back as a Tensor (bool as uint8), as PyTorch's
        ``__array__``/``__array_wrap__`` give. A NumPy scalar or array on the left of an operator
        (``np.float64(2) * t``) goes to the Tensor's reflected operator, so the result has PyTorch's
        dtype (no float64 from the NumPy scalar)."""
        if method != "__call__" or kwargs:
            return NotImplemented
        if len(inputs) == 2 and inputs[1] is self and not isinstance(inputs[0], Tensor):
            reflected = getattr(self, _REFLECTED_UFUNCS.get(ufunc.__name__, ""), None)
            if reflected is not None:
                return reflected(inputs[0])
        result = ufunc(*[x.numpy() if isinstance(x, Tensor) else x for x in inputs])
        if not isinstance(result, (np.ndarray, np.generic)):
            return NotImplemented
        result = np.asarray(result)
        return Tensor._wrap(result.astype(np.uint8) if result.dtype == np.bool_ else result, CPU)

    def __float__(self) -> float:
        if self.numel() != 1:  # Python's conversions word it apart from item(), as in PyTorch
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self) -> int:
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if self.numel() == 0 else 'more than one value'} "
                               "is ambiguous")
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
        state = {k: v for k, v in self.__dict__.items() if k not in _GRAPH_STATE}
        new.__dict__.update(copy.deepcopy(state, memo))
        return new

    def __reduce_ex__(self, protocol: int) -> tuple:
        """Pickle as (host array, device name, requires_grad); the array module is found again on load."""
        return (_rebuild_tensor, (type(self), move(self._data, CPU), str(self.device), self._requires_grad))

    def detach(self) -> "Tensor":
        """The same memory outside the graph. It shares the version counter (an in-place change
        of it is seen by nodes that saved this tensor); ``.data`` does not, as in PyTorch."""
        alias = Tensor._wrap(self._data, self.device, xp=self._xp)
        _inplace.share_counter(alias, self)
        return alias

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
        return self.to(dtypes.to_dtype(dtype))  # also "torch.FloatTensor" and torch.FloatTensor

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
    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """Accumulate the gradient of this tensor into ``.grad`` of every leaf that requires grad
        (only of ``inputs`` when given).

        Without ``gradient`` this tensor must hold one element (its gradient is 1). The graph is
        freed afterwards unless ``retain_graph=True``.
        """
        _engine.backward(self, gradient, retain_graph, create_graph, inputs)

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
        if type(other) is Tensor and other._data.dtype == self._data.dtype:  # the common case, inline
            pair = (other, self) if reverse else (self, other)
        else:
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
        # PyTorch runs ``2 + x`` as ``x + 2`` (the same value): the node's first input is the tensor
        return self._binary(E.Add, other, reverse=not isinstance(other, numbers.Number))

    def __sub__(self, other: Any) -> "Tensor":
        self._check_bool_subtraction(other)
        return self._binary(E.Sub, other)

    def __rsub__(self, other: Any) -> "Tensor":
        self._check_bool_subtraction(other)
        out = self._binary(E.Sub, other, reverse=True)
        return _named(out, "RsubBackward1", 0) if isinstance(other, numbers.Number) else _named(out, "RsubBackward0")

    def _check_bool_subtraction(self, other: Any) -> None:
        if self.dtype is dtypes.bool_ or isinstance(other, builtins.bool) or \
                (isinstance(other, Tensor) and other.dtype is dtypes.bool_):
            raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                               "trying to invert a mask, use the `~` or `logical_not()` operator instead.")

    def __mul__(self, other: Any) -> "Tensor":
        return self._binary(E.Mul, other)

    def __rmul__(self, other: Any) -> "Tensor":
        return self._binary(E.Mul, other, reverse=not isinstance(other, numbers.Number))  # as __radd__

    def __truediv__(self, other: Any) -> "Tensor":
        a, b = self._true_division_operands(other)
        return E.Div.apply(a, b)

    def __rtruediv__(self, other: Any) -> "Tensor":
        if isinstance(other, numbers.Number):
            # PyTorch computes ``3 / x`` as ``x.reciprocal() * 3``: two roundings, so its last bit can
            # differ from a true division, and the graph is MulBackward0 over ReciprocalBackward0
            return self.reciprocal() * other
        a, b = self._true_division_operands(other)
        return _named(E.Div.apply(b, a), "MulBackward0")

    def _true_division_operands(self, other: Any) -> tuple["Tensor", "Tensor"]:
        a, b = self._operands(other)
        if not a.dtype.is_floating_point:  # integer / integer is true division in PyTorch
            a, b = a.to(dtypes.get_default_dtype()), b.to(dtypes.get_default_dtype())
        return a, b

    def __floordiv__(self, other: Any) -> "Tensor":
        a, b = self._operands(other)
        E.check_integer_divisor(b._data)
        out = BM.FloorDivide.apply(a, b)  # (backward through it raises, as in PyTorch)
        if isinstance(other, numbers.Number) and out.grad_fn is not None:
            out.grad_fn.number_inputs = (1,)  # floor_divide by a number: PyTorch's node lists only the tensor
        return out

    def __mod__(self, other: Any) -> "Tensor":
        out = self._binary(E.Remainder, other)
        return out if isinstance(other, Tensor) else _named(out, "RemainderBackward0", 1)  # by a number

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
        return _named(self._binary(E.Pow, base, reverse=True), "PowBackward2", 0)  # number ** tensor

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
        """self + alpha · other; with alpha ≠ 1 one node, rounded once as PyTorch's kernel (E.AddScaled)."""
        return self + other if alpha == 1 else self._scaled_add(other, alpha, "AddBackward0")

    def sub(self, other: Any, alpha: Any = 1) -> "Tensor":
        if alpha == 1:
            return self - other
        self._check_bool_subtraction(other)
        return self._scaled_add(other, -alpha, "SubBackward0")

    def _scaled_add(self, other: Any, alpha: Any, name: str) -> "Tensor":
        a, b = self._operands(other)
        if not a.dtype.is_floating_point and isinstance(alpha, float):
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
        return _named(E.AddScaled.apply(a, b, alpha=alpha), name)

    def mul(self, other: Any) -> "Tensor":
        return self * other

    def div(self, other: Any, *, rounding_mode: str | None = None) -> "Tensor":
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                               f"'{rounding_mode}'")
        a, b = self._operands(other)
        E.check_integer_divisor(b._data)
        return BM.RoundedDivide.apply(a, b, mode=rounding_mode)

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
        _check_matmul_shapes(tuple(self.shape), tuple(other.shape))
        if self.dtype is not other.dtype:
            c_names = {"float64": "double", "float32": "float", "int64": "long int", "int32": "int",
                       "float16": "c10::Half", "bool": "bool"}  # PyTorch names the C types here
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                               f"{c_names.get(self.dtype.name, self.dtype.name)} != "
                               f"{c_names.get(other.dtype.name, other.dtype.name)}")
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

    def all(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return self._logical_reduce("all", dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return self._logical_reduce("any", dim, keepdim)

    def _logical_reduce(self, name: str, dim: Any, keepdim: bool) -> "Tensor":
        """all/any over ``dim`` (an int, a tuple, or every dim): bool, but a uint8 tensor stays uint8 as in PyTorch."""
        from .shapes import _normalize_dims
        out = getattr(self._xp, name)(self._data, axis=_normalize_dims(dim, self.ndim), keepdims=keepdim)
        if self._data.dtype == np.uint8:
            out = out.astype(np.uint8)
        return Tensor._wrap(self._xp.asarray(out), self.device)

    def equal(self, other: "Tensor") -> bool:
        return self.shape == other.shape and bool((self == other).all())

    def allclose(self, other: "Tensor", rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        return bool(self._xp.allclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))

    # -------------------------------------------------------------------------- unary math ops
    def _float_input(self) -> "Tensor":
        """Integer inputs of exp/log/sigmoid/... compute in the default float dtype, as in PyTorch."""
        if self._data.dtype.kind == "f":  # (the dtype property maps NumPy's dtype: skip it when we can)
            return self
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

    def round(self, decimals: Any = None) -> "Tensor":
        if decimals is None:
            return E.Round.apply(self) if self.dtype.is_floating_point else self
        if not self.dtype.is_floating_point:  # the decimals overload has no integer kernel in PyTorch
            from .tensor_math import _c_name
            kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{_c_name(self.dtype)}'")
        return E.RoundDecimals.apply(self, decimals=int(decimals))

    def floor(self) -> "Tensor":
        return E.Floor.apply(self) if self.dtype.is_floating_point else self

    def ceil(self) -> "Tensor":
        return E.Ceil.apply(self) if self.dtype.is_floating_point else self

    def sign(self) -> "Tensor":
        return E.Sign.apply(self)

    def square(self) -> "Tensor":
        return self ** 2

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":  # noqa: A002 - PyTorch's names
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        tensors = [isinstance(b, Tensor) for b in (min, max)]
        if all(tensors) or (any(tensors) and None in (min, max)):
            return self._clamp_tensors(min, max)
        if any(tensors):  # a number beside a tensor: PyTorch's Number overload, which takes only a 0-d tensor
            bound = min if tensors[0] else max
            if bound.ndim:
                raise TypeError("clamp() received an invalid combination of arguments - got a Tensor and a "
                                "Number, but expected one of:\n * (Tensor min = None, Tensor max = None)\n * "
                                "(Number min = None, Number max = None)")
        low = min.item() if isinstance(min, Tensor) else min
        high = max.item() if isinstance(max, Tensor) else max
        source = self
        if not self.dtype.is_floating_point and any(isinstance(b, float) for b in (low, high)):
            source = self.to(dtypes.get_default_dtype())  # int.clamp(0.5) is float32, as in PyTorch
        return E.Clamp.apply(source, low=low, high=high)

    clip = clamp

    def _clamp_tensors(self, low: Any, high: Any) -> "Tensor":
        """clamp with tensor bounds (one may be None): all broadcast together in their promoted dtype,
        gradients to the bounds too (ClampBackward0)."""
        bounds = [b for b in (low, high) if b is not None]
        result = dtypes.result_type((self.dtype, 2 if self.ndim else 1),
                                    *((b.dtype, 2 if b.ndim else 1) for b in bounds))
        bounds = [b.to(result) for b in bounds]
        try:
            return E.ClampTensor.apply(self.to(result), *bounds, has_min=low is not None, has_max=high is not None)
        except ValueError:
            _raise_broadcast_error(self.shape, bounds[0].shape)
            raise

    def maximum(self, other: "Tensor") -> "Tensor":
        return self._binary(E.Maximum, other)

    def minimum(self, other: "Tensor") -> "Tensor":
        return self._binary(E.Minimum, other)

    # ------------------------------------------------------------------------------------ print
    def __repr__(self) -> str:
        from ._repr import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)


# per-tensor graph bookkeeping (see the class attributes of Tensor): never copied to a new tensor
_GRAPH_STATE = {"_output_nr", "_accumulator", "_history", "_version_counter", "_base", "_views",
                "_is_inference", "_retains_grad"}


def _init_inference(self: Tensor, *args: Any, **kwargs: Any) -> None:
    _plain_init(self, *args, **kwargs)
    self._is_inference = True


_plain_init = Tensor._init


_inference_on = False  # read by Tensor._wrap, which does not go through _init


def _inference_switch(on: bool) -> None:
    """Installed into grad_mode: inside ``inference_mode()`` every new tensor is marked."""
    global _inference_on
    Tensor._init = _init_inference if on else _plain_init
    _inference_on = on


_grad_mode._inference_switch = _inference_switch


def _rebuild_tensor(cls: type, array: np.ndarray, device_name: str, requires_grad: bool) -> Tensor:
    t = object.__new__(cls)
    dev = to_device(device_name)
    t._init(move(array, dev), dev, requires_grad)
    return t


def _named(out: Any, name: str, number_input: int | None = None) -> Any:
    """Give ``out``'s node PyTorch's name where one op class stands for several PyTorch nodes
    (``number_input``: the position of an input that was a Python number, which PyTorch's node
    does not list in ``next_functions``)."""
    if isinstance(out, Tensor) and out.grad_fn is not None:
        out.grad_fn.torch_name = name
        if number_input is not None:
            out.grad_fn.number_inputs = (number_input,)
    return out


# NumPy's ufunc of an operator -> the Tensor's method for that operator with the Tensor on the right.
_REFLECTED_UFUNCS = {"add": "__radd__", "subtract": "__rsub__", "multiply": "__rmul__", "divide": "__rtruediv__",
                     "true_divide": "__rtruediv__", "floor_divide": "__rfloordiv__", "remainder": "__rmod__",
                     "power": "__rpow__", "matmul": "__rmatmul__", "bitwise_and": "__rand__",
                     "bitwise_or": "__ror__", "bitwise_xor": "__rxor__", "less": "__gt__", "greater": "__lt__",
                     "less_equal": "__ge__", "greater_equal": "__le__", "equal": "__eq__", "not_equal": "__ne__"}


def _check_matmul_shapes(a: tuple, b: tuple) -> None:
    """Raise the message of the ATen kernel that ``a @ b`` becomes (dot, mv, mm, or bmm over the
    broadcast batch; an N-D left operand times a vector or matrix is folded into one mv/mm)."""
    k_left, k_right = a[-1], (b[0] if len(b) == 1 else b[-2])
    if len(a) == 1 and len(b) == 1:
        if k_left != k_right:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{k_left}] and src [{k_right}] to have "
                               f"the same number of elements, but got {k_left} and {k_right} elements respectively")
    elif len(b) <= 2 and (len(a) >= 2 or len(b) == 2):
        rows = math.prod(a[:-1])
        if k_left != k_right and len(b) == 1:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k_left}), vec ({k_right})")
        if k_left != k_right:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_left} and {k_right}x{b[-1]})")
    else:
        batch_a, batch_b = a[:-2], b[:-2]
        _raise_broadcast_error(batch_a, batch_b)
        if k_left != k_right:
            batch = math.prod(max(x, y) for x, y in itertools.zip_longest(batch_a[::-1], batch_b[::-1], fillvalue=1))
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k_left}] "
                               f"but got: [{batch}, {k_right}].")


def _raise_broadcast_error(a: tuple, b: tuple) -> None:
    """Raise PyTorch's message for the first dimension (from the right) that does not broadcast."""
    for i in range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and a[-i] != 1 and b[-i] != 1:
            dim = max(len(a), len(b)) - i
            raise RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) at "
                               f"non-singleton dimension {dim}")


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:  # noqa: A002 - PyTorch's name
    """``input`` where ``condition`` else ``other``; either may be a Python number.
    ``where(condition)`` alone is ``condition.nonzero(as_tuple=True)``."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
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
