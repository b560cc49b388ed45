"""Data types that mirror PyTorch's ``torch.float32`` and friends.

A dtype here is a thin name around a NumPy dtype. Its ``repr`` is PyTorch's (``torch.float32``) on
purpose: lecture code run with ``import tinygrad_lr as torch`` should print exactly what it printed
under PyTorch.

Type promotion follows PyTorch's documented rules, which differ from NumPy's in one important way:
a Python number, or a 0-dimensional tensor, only changes the result dtype when it is of a higher
*category* (bool < integer < floating point) than the dimensioned tensors. So
``float32_tensor * 2.5`` stays float32, and ``int64_tensor * 2.5`` becomes the default float32.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

# The aliases below (``float``, ``int``) shadow the builtins in this module, as they do in torch.
builtins_float, builtins_int, builtins_bool = builtins.float, builtins.int, builtins.bool


class dtype:
    """A PyTorch-style dtype: a name, the NumPy dtype behind it, and its category."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize")

    def __init__(self, name: str, np_dtype: Any) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):  # pickles as the module-level singleton
        return (from_numpy_dtype, (self.np.str,))


float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
float16 = dtype("float16", np.float16)
int64 = dtype("int64", np.int64)
int32 = dtype("int32", np.int32)
int16 = dtype("int16", np.int16)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
bool_ = dtype("bool", np.bool_)

# PyTorch's aliases
float = float32  # noqa: A001 - mirrors torch.float
double = float64
half = float16
long = int64
int = int32  # noqa: A001 - mirrors torch.int
short = int16

_ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool_)
_BY_TENSOR_TYPE_NAME = {"FloatTensor": float32, "DoubleTensor": float64, "HalfTensor": float16, "LongTensor": int64,
                        "IntTensor": int32, "ShortTensor": int16, "CharTensor": int8, "ByteTensor": uint8,
                        "BoolTensor": bool_}


class _Unsupported(dtype):
    """A dtype PyTorch has and NumPy lacks: it prints, and any use (its NumPy dtype) raises."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.is_floating_point = True
        self.itemsize = 2

    @property
    def np(self) -> Any:  # type: ignore[override]
        raise TypeError(f"torch.{self.name} is not supported: NumPy has no {self.name} type (use float16 or float32)")


bfloat16 = _Unsupported("bfloat16")
_BY_NUMPY = {d.np: d for d in _ALL}

_default_float = float32


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Set the dtype that Python floats and float factories (``zeros``, ``randn``) produce."""
    global _default_float
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def from_numpy_dtype(np_dtype: Any) -> dtype:
    found = _BY_NUMPY.get(np_dtype)  # fast path: already a NumPy dtype
    if found is not None:
        return found
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported "
                        "types are: float64, float32, float16, int64, int32, int16, int8, uint8, "
                        "and bool.") from None


def to_dtype(d: Any) -> dtype:
    """Accept our dtype, a NumPy dtype or the Python types ``float``/``int``/``bool``."""
    if isinstance(d, dtype):
        return d
    if d is builtins_float:
        return _default_float
    if d is builtins_int:
        return int64
    if d is builtins_bool:
        return bool_
    if isinstance(d, type) and isinstance(getattr(d, "dtype", None), dtype):  # torch.FloatTensor & co.
        return d.dtype
    if isinstance(d, str) and d.startswith("torch."):  # t.type("torch.FloatTensor")
        found = _BY_TENSOR_TYPE_NAME.get(d.removeprefix("torch.").removeprefix("cuda."))
        if found is not None:
            return found
    return from_numpy_dtype(d)


def category(d: dtype) -> builtins.int:
    """0 for bool, 1 for integers, 2 for floating point: PyTorch's promotion categories."""
    if d is bool_:
        return 0
    return 2 if d.is_floating_point else 1


def scalar_dtype(value: Any) -> dtype:
    """The dtype PyTorch gives a bare Python number."""
    if isinstance(value, builtins_bool):
        return bool_
    if isinstance(value, builtins_int):
        return int64
    if isinstance(value, builtins_float):
        return _default_float
    raise TypeError(f"unsupported scalar of type {type(value).__name__}")


def promote(a: dtype, b: dtype) -> dtype:
    """PyTorch's ``promote_types``: the higher category wins outright (int64 + float32 is float32,
    where NumPy would say float64); within a category the larger type wins."""
    if category(a) != category(b):
        return a if category(a) > category(b) else b
    return from_numpy_dtype(np.promote_types(a.np, b.np))


def result_type(*operands: tuple[dtype, builtins.int]) -> dtype:
    """PyTorch's result type for operands given as ``(dtype, priority)`` pairs.

    Priority 2 is a dimensioned tensor, 1 a zero-dimensional tensor, 0 a Python number. The result
    is the promotion of the highest-priority group, unless a lower-priority group holds a higher
    category; then that group decides (a Python float decides as the default float dtype).
    """
    result: dtype | None = None
    for level in (2, 1, 0):
        group = [d for d, p in operands if p == level]
        if not group:
            continue
        promoted = group[0]
        for d in group[1:]:
            promoted = promote(promoted, d)
        if result is None:
            result = promoted
        elif category(promoted) > category(result):
            result = _default_float if (level == 0 and promoted.is_floating_point) else promoted
    assert result is not None
    return result


# ------------------------------------------------------------------------ finfo and iinfo

def _short(value: builtins_float) -> str:
    """PyTorch prints finfo/iinfo numbers with 6 significant digits (C's %g)."""
    return f"{value:g}"


class finfo:
    """``torch.finfo(dtype)``: the limits of a floating-point dtype (the default dtype when omitted)."""

    def __init__(self, type: Any = None) -> None:  # noqa: A002 - PyTorch's name
        d = get_default_dtype() if type is None else to_dtype(type)
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = np.finfo(d.np)
        self.bits = builtins_int(info.bits)
        self.eps = builtins_float(info.eps)
        self.max = builtins_float(info.max)
        self.min = builtins_float(info.min)
        self.tiny = self.smallest_normal = builtins_float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins_int(info.precision)  # PyTorch's is the exact power of ten
        self.dtype = d.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={_short(self.resolution)}, min={_short(self.min)}, max={_short(self.max)}, "
                f"eps={_short(self.eps)}, smallest_normal={_short(self.smallest_normal)}, "
                f"tiny={_short(self.tiny)}, dtype={self.dtype})")


class iinfo:
    """``torch.iinfo(dtype)``: the limits of an integer dtype."""

    def __init__(self, type: Any) -> None:  # noqa: A002
        d = to_dtype(type)
        if d.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = np.iinfo(np.uint8 if d is bool_ else d.np)
        self.bits = builtins_int(info.bits)
        self.max = builtins_int(info.max)
        self.min = builtins_int(info.min)
        self.dtype = d.name

    def __repr__(self) -> str:
        return f"iinfo(min={_short(self.min)}, max={_short(self.max)}, dtype={self.dtype})"
