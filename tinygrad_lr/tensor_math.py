"""Elementwise math as Tensor methods: trigonometry, logs and exponentials in other bases, the
error function, logit, rounding toward zero, two-operand functions (atan2, hypot, fmod,
copysign, lerp), one-sided clamps, and the non-differentiable tests and logic (isinf, isclose,
logical_and, bitwise ops). Mixed into ``Tensor``; the ops are in ``ops/trig.py`` and
``ops/special.py``.

Integer inputs of a float function compute in the default float dtype, as in PyTorch.
"""
from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .ops import gamma as G
from .ops import special as S
from .ops import trig as T

if TYPE_CHECKING:
    from .tensor import Tensor


def _unary(op: Any, name: str) -> Any:
    def method(self: "Tensor") -> "Tensor":
        return op.apply(self._float_input())

    method.__name__ = method.__qualname__ = name
    method.__doc__ = op.__doc__
    return method


def _wrap(t: "Tensor", array: Any) -> "Tensor":
    return _tensor.Tensor._wrap(array, t.device)


class MathMethods:
    """Elementwise math, as Tensor methods."""

    __slots__ = ()

    sin, cos, tan = _unary(T.Sin, "sin"), _unary(T.Cos, "cos"), _unary(T.Tan, "tan")
    asin, acos, atan = _unary(T.Asin, "asin"), _unary(T.Acos, "acos"), _unary(T.Atan, "atan")
    sinh, cosh = _unary(T.Sinh, "sinh"), _unary(T.Cosh, "cosh")
    asinh, acosh, atanh = _unary(T.Asinh, "asinh"), _unary(T.Acosh, "acosh"), _unary(T.Atanh, "atanh")
    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
    deg2rad, rad2deg = _unary(T.Deg2Rad, "deg2rad"), _unary(T.Rad2Deg, "rad2deg")
    log1p, expm1 = _unary(S.Log1p, "log1p"), _unary(S.Expm1, "expm1")
    log2, log10, exp2 = _unary(S.Log2, "log2"), _unary(S.Log10, "log10"), _unary(S.Exp2, "exp2")
    rsqrt, reciprocal = _unary(S.Rsqrt, "rsqrt"), _unary(S.Reciprocal, "reciprocal")
    erf, erfc, erfinv = _unary(S.Erf, "erf"), _unary(S.Erfc, "erfc"), _unary(S.Erfinv, "erfinv")
    lgamma, digamma = _unary(G.Lgamma, "lgamma"), _unary(G.Digamma, "digamma")

    def polygamma(self, n: int) -> "Tensor":
        """ψ⁽ⁿ⁾; only n = 0 (digamma) is here."""
        if n != 0:
            raise NotImplementedError("polygamma is supported for n = 0 (digamma) only")
        return self.digamma()

    def trunc(self) -> "Tensor":
        return S.Trunc.apply(self) if self.dtype.is_floating_point else self.clone()

    fix = trunc

    def frac(self) -> "Tensor":
        if not self.dtype.is_floating_point:
            raise NotImplementedError(f"\"frac_cpu\" not implemented for '{_c_name(self.dtype)}'")
        return S.Frac.apply(self)

    def logit(self, eps: float | None = None) -> "Tensor":
        return S.Logit.apply(self._float_input(), eps=eps)

    def sgn(self) -> "Tensor":
        out = self.sign()
        if out.grad_fn is not None:
            out.grad_fn.torch_name = "SgnBackward0"
        return out

    def signbit(self) -> "Tensor":
        return _wrap(self, self._xp.signbit(self._data))

    # ---------------------------------------------------------------------- two operands
    def _float_pair(self, other: Any) -> tuple["Tensor", "Tensor"]:
        a, b = self._operands(other)
        return a._float_input(), b._float_input()

    def atan2(self, other: Any) -> "Tensor":
        return T.Atan2.apply(*self._float_pair(other))

    arctan2 = atan2

    def hypot(self, other: Any) -> "Tensor":
        return T.Hypot.apply(*self._operands(other))

    def fmod(self, other: Any) -> "Tensor":
        out = S.Fmod.apply(*self._operands(other))
        if not isinstance(other, _tensor.Tensor) and out.grad_fn is not None:
            out.grad_fn.torch_name = "FmodBackward0"  # PyTorch's overload for a Python number
        return out

    def copysign(self, other: Any) -> "Tensor":
        return S.Copysign.apply(*self._float_pair(other))

    def lerp(self, end: "Tensor", weight: Any) -> "Tensor":
        for name, other in (("end", end), ("weight", weight)):
            if isinstance(other, _tensor.Tensor) and other.dtype is not self.dtype:
                raise RuntimeError(f"expected dtype {_c_name(self.dtype).lower()} for `{name}` but got dtype "
                                   f"{_c_name(other.dtype).lower()}")
        if isinstance(weight, _tensor.Tensor):
            return S.Lerp.apply(self, end, weight)
        return S.Lerp.apply(self, end, weight=weight)

    def floor_divide(self, other: Any) -> "Tensor":
        return self // other

    def clamp_min(self, min: Any) -> "Tensor":  # noqa: A002 - PyTorch's name
        return S.ClampMin.apply(self, low=min.item() if isinstance(min, _tensor.Tensor) else min)

    def clamp_max(self, max: Any) -> "Tensor":  # noqa: A002
        return S.ClampMax.apply(self, high=max.item() if isinstance(max, _tensor.Tensor) else max)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> "Tensor":
        if not self.dtype.is_floating_point:
            return self.clone()
        return S.NanToNum.apply(self, nan=nan, posinf=posinf, neginf=neginf)

    # ------------------------------------------------------------- tests (no gradient)
    def isinf(self) -> "Tensor":
        return _wrap(self, self._xp.isinf(self._data))

    def isposinf(self) -> "Tensor":
        return _wrap(self, self._xp.isinf(self._data) & (self._data > 0))

    def isneginf(self) -> "Tensor":
        return _wrap(self, self._xp.isinf(self._data) & (self._data < 0))

    def isreal(self) -> "Tensor":
        return _wrap(self, self._xp.ones(self._data.shape, dtype=bool))

    def isclose(self, other: "Tensor", rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> "Tensor":
        a, b = self._operands(other)
        return _wrap(self, self._xp.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def _logical(self, fn: str, other: Any) -> "Tensor":
        other_data = other._data if isinstance(other, _tensor.Tensor) else other
        return _wrap(self, getattr(self._xp, fn)(self._data, other_data))

    def logical_and(self, other: Any) -> "Tensor":
        return self._logical("logical_and", other)

    def logical_or(self, other: Any) -> "Tensor":
        return self._logical("logical_or", other)

    def logical_xor(self, other: Any) -> "Tensor":
        return self._logical("logical_xor", other)

    def _bitwise(self, fn: str, other: Any) -> "Tensor":
        if self.dtype.is_floating_point or (isinstance(other, _tensor.Tensor) and other.dtype.is_floating_point) \
                or isinstance(other, builtins.float):
            raise NotImplementedError(f"\"{fn}_cpu\" not implemented for 'Float'")
        return self._compare(fn, other)

    def bitwise_and(self, other: Any) -> "Tensor":
        return self._bitwise("bitwise_and", other)

    def bitwise_or(self, other: Any) -> "Tensor":
        return self._bitwise("bitwise_or", other)

    def bitwise_xor(self, other: Any) -> "Tensor":
        return self._bitwise("bitwise_xor", other)

    def bitwise_not(self) -> "Tensor":
        if self.dtype.is_floating_point:
            raise NotImplementedError("\"bitwise_not_cpu\" not implemented for 'Float'")
        return ~self

    def bitwise_left_shift(self, other: Any) -> "Tensor":
        return self._bitwise("left_shift", other)

    def bitwise_right_shift(self, other: Any) -> "Tensor":
        return self._bitwise("right_shift", other)

    def __xor__(self, other: Any) -> "Tensor":
        return self._compare("logical_xor" if self.dtype is dtypes.bool_ else "bitwise_xor", other)

    def __lshift__(self, other: Any) -> "Tensor":
        return self.bitwise_left_shift(other)

    def __rshift__(self, other: Any) -> "Tensor":
        return self.bitwise_right_shift(other)

    __rand__ = lambda self, other: self & other  # noqa: E731 - the operands commute
    __ror__ = lambda self, other: self | other  # noqa: E731
    __rxor__ = lambda self, other: self ^ other  # noqa: E731


def _c_name(d: dtypes.dtype) -> str:
    """PyTorch's kernel errors name the C++ scalar type."""
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half"}[d.name]
