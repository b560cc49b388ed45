"""In-place methods: ``add_``, ``mul_``, ``exp_``, ``clamp_``, ``copy_``, ``+=``, ``x[i] = v``...

They write into the tensor's own memory, so its views see the change, and bump the memory's
version (``autograd/inplace.py``): a node that saved these values for backward notices.

On a tensor in a graph (grad mode on, and the tensor or the other operand requires grad) the
change is recorded as PyTorch records it: the op runs out of place on a snapshot of the tensor's
old place in the graph, its result is written into the memory, and the tensor takes the node as
its new ``grad_fn`` (``h.add_(1)`` gives ``AddBackward0``). Through a view, the base's history is
rewritten instead (``CopySlices``). As in PyTorch, a leaf that requires grad (or a view of one) is
refused while grad mode is on: update weights under ``with no_grad():``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .autograd import grad_mode as _modes
from .autograd import inplace as _inplace
from .autograd import Op, is_grad_enabled
from ._blas import axpy_
from .backend import move

if TYPE_CHECKING:
    from .tensor import Tensor

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "bool": "Bool",
               "float16": "Half", "uint8": "Byte", "int16": "Short", "int8": "Char"}


class InPlaceMethods:
    """In-place updates, as Tensor methods."""

    __slots__ = ()

    # ------------------------------------------------------------------------------- machinery
    def _refuse_inplace(self) -> None:
        """PyTorch's refusals: a leaf that requires grad (or a view of one) in grad mode, and an
        inference tensor outside inference mode."""
        if is_grad_enabled():
            if self._requires_grad and self.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            refusal = getattr(self.grad_fn, "inplace_error", None)  # a node whose output aliases its input
            if refusal is not None:
                raise RuntimeError(refusal)
            base = self._base
            if base is not None and base._requires_grad and base.grad_fn is None:
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")
        data = self._data
        if 0 in data.strides and data.size > 1 and any(s == 0 and n > 1 for s, n in zip(data.strides, data.shape)):
            # expand()ed (an empty array has zero strides too, but nothing to write)
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location. Please clone() the tensor before performing the operation.")
        if self._is_inference and not _modes.is_inference_mode_enabled():
            raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not allowed.You can "
                               "make a clone to get a normal tensor before doing inplace update.See "
                               "https://github.com/pytorch/rfcs/pull/17 for more details.")

    def _check_inplace(self) -> None:
        """For methods that write ``_data`` themselves (random fills...): PyTorch's refusals, and
        the version bump. Such a write cannot be recorded in a graph, so it is refused there."""
        self._refuse_inplace()
        if is_grad_enabled() and self._requires_grad:
            raise RuntimeError("tinygrad_lr cannot record this in-place operation on a tensor that is part of "
                               "a graph; use the out-of-place form (x = x.op(...)) or run it under no_grad().")
        _inplace.bump(self)

    def _inplace_from(self, compute: Callable[["Tensor"], "Tensor"]) -> "Tensor":
        """``self = compute(self)`` in place: the one path of every recorded in-place op."""
        self._refuse_inplace()
        source = _inplace.snapshot(self) if is_grad_enabled() else self
        new = compute(source)
        node = new.grad_fn
        if node is source.grad_fn:  # nothing new was recorded (e.g. an op that returned its input)
            node = None
        if node is not None and any(s is self._data for s in node.saved):
            # the node kept the old values for backward: they are about to be overwritten
            node.saved = tuple(s.copy() if s is self._data else s for s in node.saved)
        self._write(new._data)
        if node is not None:
            _inplace.record_inplace(self, new, source)
        return self

    def _write(self, array: Any) -> None:
        """Store ``array`` (same shape, a dtype that casts safely) in this tensor's memory."""
        if tuple(array.shape) != tuple(self._data.shape):
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(array.shape)}")
        if array.dtype != self._data.dtype and not _castable(array.dtype, self._data.dtype):
            raise RuntimeError(f"result type {_type_name(array.dtype)} can't be cast to the desired output "
                               f"type {_type_name(self._data.dtype)}")
        self._data[...] = array
        _inplace.bump(self)

    def _arithmetic_(self, ufunc: str, other: Any, compute: Callable[["Tensor"], "Tensor"]) -> "Tensor":
        """``add_``/``sub_``/``mul_``/``div_``: recorded in a graph; outside one, a single ufunc
        writing straight into the memory (no temporary)."""
        if is_grad_enabled() and (self._requires_grad or getattr(other, "_requires_grad", False)):
            return self._inplace_from(compute)
        self._refuse_inplace()
        if isinstance(other, _tensor.Tensor):
            if other.device != self.device and other.ndim:
                raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                                   f"{self.device} and {other.device}!")
            value = other._data if other.device == self.device else move(other._data, self.device)
        else:
            value = other
        try:
            getattr(self._xp, ufunc)(self._data, value, out=self._data)
        except TypeError as e:  # NumPy refuses e.g. float into an integer tensor, as torch does
            result = compute(self.detach())._data.dtype  # the dtype PyTorch's promotion gives
            raise RuntimeError(f"result type {_type_name(result)} can't be cast to the desired output type "
                               f"{_type_name(self._data.dtype)}") from e
        except ValueError:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(np.broadcast_shapes(self._data.shape, np.shape(value)))}") from None
        _inplace.bump(self)
        return self

    # ------------------------------------------------------------------------------ arithmetic
    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        if alpha != 1:
            return self._scaled_arithmetic_(other, alpha, lambda t: t.add(other, alpha=alpha))
        return self._arithmetic_("add", other, lambda t: t + other)

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        if alpha != 1:
            return self._scaled_arithmetic_(other, -alpha, lambda t: t.sub(other, alpha=alpha))
        return self._arithmetic_("subtract", other, lambda t: t - other)

    def _scaled_arithmetic_(self, other: Any, alpha: Any, compute: Callable[["Tensor"], "Tensor"]) -> "Tensor":
        """``add_``/``sub_`` with ``alpha`` ≠ 1 (``alpha`` signed for ``sub_``): self + alpha · other
        rounded once, as PyTorch's kernel (a fused multiply-add). Recorded in a graph; outside one,
        OpenBLAS' axpy writes straight into the memory where it can (the hand-written optimizer's
        ``p.add_(p.grad, alpha=-lr)``), else the out-of-place value is written back."""
        if is_grad_enabled() and (self._requires_grad or getattr(other, "_requires_grad", False)):
            return self._inplace_from(compute)
        self._refuse_inplace()
        if isinstance(other, _tensor.Tensor) and other.device == self.device and axpy_(self._data, alpha, other._data):
            _inplace.bump(self)
        else:
            self._write(compute(self.detach())._data)  # (its shape and cast checks, then the version bump)
        return self

    def mul_(self, other: Any) -> "Tensor":
        return self._arithmetic_("multiply", other, lambda t: t * other)

    def div_(self, other: Any, rounding_mode: str | None = None) -> "Tensor":
        if rounding_mode is not None:
            return self._inplace_from(lambda t: t.div(other, rounding_mode=rounding_mode))
        if not self.dtype.is_floating_point:
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{_type_name(self._data.dtype)}")
        return self._arithmetic_("divide", other, lambda t: t / other)

    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other)

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other)

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other)

    def pow_(self, exponent: Any) -> "Tensor":
        return self._inplace_from(lambda t: t ** exponent)

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":  # noqa: A002
        return self._inplace_from(lambda t: t.clamp(min, max))

    clip_ = clamp_

    def masked_fill_(self, mask: "Tensor", value: Any) -> "Tensor":
        return self._inplace_from(lambda t: t.masked_fill(mask, value))

    def index_add_(self, dim: int, index: "Tensor", source: "Tensor", *, alpha: Any = 1) -> "Tensor":
        return self._inplace_from(lambda t: t.index_add(dim, index, source, alpha=alpha))

    def scatter_add_(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        return self._inplace_from(lambda t: t.scatter_add(dim, index, src))

    def index_put_(self, indices: Any, values: "Tensor", accumulate: bool = False) -> "Tensor":
        return self._inplace_from(lambda t: t.index_put(indices, values, accumulate))

    def scatter_(self, dim: int, index: "Tensor", src: Any = None, *, value: Any = None,
                 reduce: str | None = None) -> "Tensor":
        """``self[index[i][j]][j] = src[i][j]`` (dim=0) / ``self[i][index[i][j]] = src[i][j]`` (dim=1)."""
        return self._inplace_from(lambda t: t.scatter(dim, index, src, value=value, reduce=reduce))

    # -------------------------------------------------------------------------- fills and copies
    def zero_(self) -> "Tensor":
        return self._fill(0, "ZeroBackward0")

    def fill_(self, value: Any) -> "Tensor":
        if isinstance(value, _tensor.Tensor):
            if value.ndim:
                raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                                   f"{value.ndim} dimensions.")
            if value.requires_grad and is_grad_enabled():
                return self._inplace_from(lambda t: _renamed(Copy.apply(t, value.to(t.dtype)), "FillBackward3"))
            value = value.item()
        return self._fill(value, "FillBackward2")

    def _fill(self, value: Any, name: str) -> "Tensor":
        if is_grad_enabled() and self._requires_grad:
            return self._inplace_from(lambda t: _renamed(Fill.apply(t, value=value), name))
        self._refuse_inplace()
        self._data.fill(value)
        _inplace.bump(self)
        return self

    def copy_(self, src: "Tensor", non_blocking: bool = False) -> "Tensor":
        """Copy ``src``'s values (broadcast, cast, moved across devices) into this tensor."""
        if not isinstance(src, _tensor.Tensor):
            raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
        if is_grad_enabled() and (self._requires_grad or src._requires_grad):
            source = src if src.device == self.device else src.to(self.device)
            return self._inplace_from(lambda t: Copy.apply(t, source))
        self._refuse_inplace()
        try:
            self._data[...] = move(src._data, self.device)
        except ValueError:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(np.broadcast_shapes(self._data.shape, src._data.shape))}") from None
        _inplace.bump(self)
        return self

    def detach_(self) -> "Tensor":
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using "
                               "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                               "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                               "called on these gradients. To fix this error, please refer to the "
                               "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self.grad_fn = None
        self._requires_grad = False
        return self


def _twin(name: str) -> Callable[..., "Tensor"]:
    """``x.exp_()`` is ``x.exp()`` written back into x (recorded in the graph as ``ExpBackward0``)."""
    def method(self: "Tensor", *args: Any, **kwargs: Any) -> "Tensor":
        if not self.dtype.is_floating_point and name in _FLOAT_RESULT:
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{_type_name(self._data.dtype)}")
        return self._inplace_from(lambda t: getattr(t, name)(*args, **kwargs))
    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}``: ``x.{name}_(...)`` writes ``x.{name}(...)`` into x."
    return method


# exp, log, ... of an integer tensor is float: it cannot be written back (PyTorch's error)
_FLOAT_RESULT = {"exp", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sigmoid", "tanh", "sin", "cos",
                 "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "reciprocal", "erf",
                 "erfc", "erfinv", "exp2", "logit"}
for _name in sorted(_FLOAT_RESULT | {"abs", "neg", "relu", "square", "floor", "ceil", "round", "trunc", "frac",
                                     "sign", "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv", "remainder",
                                     "fmod", "maximum", "minimum", "hardtanh", "leaky_relu", "elu", "celu", "selu",
                                     "silu", "mish", "hardsigmoid", "hardswish", "nan_to_num", "float_power",
                                     "negative", "absolute", "fix", "sgn", "deg2rad", "rad2deg", "atan2",
                                     "hypot", "logical_not", "xlogy", "true_divide", "multiply", "subtract",
                                     "divide", "index_fill", "index_copy", "masked_scatter", "tril", "triu",
                                     "renorm", "sinc", "digamma", "lgamma", "i0", "polygamma", "mvlgamma",
                                     "copysign", "nextafter", "heaviside", "logaddexp", "bitwise_and",
                                     "bitwise_or", "bitwise_xor", "bitwise_not"}):
    if not hasattr(InPlaceMethods, _name + "_"):
        setattr(InPlaceMethods, _name + "_", _twin(_name))


def _renamed(t: "Tensor", name: str) -> "Tensor":
    if t.grad_fn is not None:
        t.grad_fn.torch_name = name
    return t


def _castable(source: Any, target: Any) -> bool:
    """PyTorch's rule for writing a result back in place: no float into integers, no integers or
    floats into bool (a wider float into a narrower one is fine)."""
    return np.can_cast(source, target, casting="same_kind")


def _type_name(dtype: Any) -> str:
    name = dtypes.from_numpy_dtype(np.dtype(dtype)).name
    return _TYPE_NAMES.get(name, name)


class Fill(Op):
    """out = value everywhere (``fill_``/``zero_``);  d/da = 0"""
    torch_name = "FillBackward2"

    def forward(self, a, value: Any):
        return self.xp.full(a.shape, value, dtype=a.dtype)

    def backward(self, out_grad):
        return self.xp.zeros_like(out_grad)


class Copy(Op):
    """out = src broadcast to a's shape, in a's dtype (``copy_``);  d/da = 0,  d/dsrc = out_grad
    (summed back over the broadcast by the engine)"""
    torch_name = "CopyBackwards"

    def name(self) -> str:
        return "torch::autograd::CopyBackwards"

    def forward(self, a, src):
        return self.xp.broadcast_to(src, a.shape).astype(a.dtype, copy=True)

    def backward(self, out_grad):
        return self.xp.zeros_like(out_grad), out_grad
