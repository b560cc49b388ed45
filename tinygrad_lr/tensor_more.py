"""The rest of PyTorch's everyday Tensor methods: splitting into pieces (unbind, select,
tensor_split, hsplit/vsplit/dsplit), fused arithmetic (addcmul, addcdiv, addr, diff), more
two-operand functions (logaddexp, xlogy, fmax, float_power), quantiles and covariance, more
matrix functions (logdet, pinverse, matrix_power), aliases, the small casts (byte, char, short)
and storage facts (nbytes, storage_offset). Mixed into ``Tensor``; the new ops are in
``ops/binary_math.py`` and ``ops/linalg_extra.py``.

Composites (diff, quantile, cov) are built from differentiable ops, so their gradients are those
ops'; the last node gets PyTorch's grad_fn name.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .ops import binary_math as B
from .ops import elementwise as E
from .ops import linalg_extra as X
from .shapes import _normalize_dim
from .tensor_extra import _renamed
from .tensor_sort import return_type

if TYPE_CHECKING:
    from .tensor import Tensor

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")
FrexpResult = return_type("frexp", ("mantissa", "exponent"))


class MoreMethods:
    """Splitting, fused arithmetic, quantiles, aliases and storage facts, as Tensor methods."""

    __slots__ = ()

    # ------------------------------------------------------------------------------ pieces
    def unbind(self, dim: int = 0) -> tuple["Tensor", ...]:
        d = _normalize_dim(dim, self.ndim)
        return tuple(_renamed(self.select(d, i), "UnbindBackward0") for i in range(self.shape[d]))

    def select(self, dim: int, index: int) -> "Tensor":
        d = _normalize_dim(dim, self.ndim)
        if not -self.shape[d] <= index < self.shape[d]:
            raise IndexError(f"select(): index {index} out of range for tensor of size {list(self.shape)} at "
                             f"dimension {d}")
        return self[(slice(None),) * d + (index,)]

    def ravel(self) -> "Tensor":
        return self.reshape(-1)

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple["Tensor", ...]:
        """``n`` nearly equal pieces (the first ``size % n`` one longer), or pieces cut at the given indices."""
        d = _normalize_dim(dim, self.ndim)
        size = self.shape[d]
        if isinstance(indices_or_sections, int):
            n = indices_or_sections
            if n <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {n}")
            lengths = [size // n + (1 if i < size % n else 0) for i in range(n)]
            cuts = list(np.cumsum([0] + lengths))
        else:
            cuts = [0] + [min(max(int(i), 0), size) for i in indices_or_sections] + [size]
        return tuple(self.narrow(d, start, max(stop - start, 0)) for start, stop in zip(cuts[:-1], cuts[1:]))

    def _split_even(self, sections: Any, dim: int, name: str) -> tuple["Tensor", ...]:
        if isinstance(sections, int) and self.shape[dim] % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                               f"{self.shape[dim]} is not divisible by the split_size {sections}!")
        return self.tensor_split(sections, dim)

    def hsplit(self, sections: Any) -> tuple["Tensor", ...]:
        return self._split_even(sections, 1 if self.ndim > 1 else 0, "hsplit")

    def vsplit(self, sections: Any) -> tuple["Tensor", ...]:
        return self._split_even(sections, 0, "vsplit")

    def dsplit(self, sections: Any) -> tuple["Tensor", ...]:
        return self._split_even(sections, 2, "dsplit")

    def split_with_sizes(self, split_sizes: Sequence[int], dim: int = 0) -> tuple["Tensor", ...]:
        d = _normalize_dim(dim, self.ndim)
        if sum(split_sizes) != self.shape[d]:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {self.shape[d]} (input tensor's "
                               f"size at dimension {d}), but got split_sizes={list(split_sizes)}")
        return tuple(_renamed(t, "SplitWithSizesBackward0") for t in self.split(list(split_sizes), d))

    def where(self, condition: "Tensor", other: Any) -> "Tensor":
        return _tensor.where(condition, self, other)

    # --------------------------------------------------------------------- fused arithmetic
    def addcmul(self, tensor1: "Tensor", tensor2: "Tensor", *, value: Any = 1) -> "Tensor":
        """self + value · tensor1 · tensor2, one node, rounded as PyTorch's kernel (``E.Addcmul``)."""
        a, b, c, value = _three_operands(self, tensor1, tensor2, value)
        return E.Addcmul.apply(a, b, c, value=value)

    def addcdiv(self, tensor1: "Tensor", tensor2: "Tensor", *, value: Any = 1) -> "Tensor":
        """self + value · tensor1 / tensor2, one node, in PyTorch's order of operations (``E.Addcdiv``)."""
        a, b, c, value = _three_operands(self, tensor1, tensor2, value)
        if not b.dtype.is_floating_point and not c.dtype.is_floating_point:
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
                "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented "
                "as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the "
                "latter implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        return E.Addcdiv.apply(a, b, c, value=value)

    def addr(self, vec1: "Tensor", vec2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """β·self + α·(vec1 ⊗ vec2)"""
        return self._scaled_sum(vec1.outer(vec2), beta, alpha, "AddrBackward0")

    def diff(self, n: int = 1, dim: int = -1, prepend: "Tensor | None" = None,
             append: "Tensor | None" = None) -> "Tensor":
        """out[i] = a[i + 1] − a[i] along ``dim``, ``n`` times (after joining prepend/append)."""
        from .tensor_shape import cat
        d = _normalize_dim(dim, self.ndim)
        out = cat([t for t in (prepend, self, append) if t is not None], dim=d) if prepend is not None or \
            append is not None else self
        for _ in range(n):
            length = out.shape[d]
            later, earlier = out.narrow(d, 1, max(length - 1, 0)), out.narrow(d, 0, max(length - 1, 0))
            out = later.logical_xor(earlier) if out.dtype is dtypes.bool_ else later - earlier
        return out

    def logaddexp(self, other: "Tensor") -> "Tensor":
        a, b = self._operands(other)
        return B.Logaddexp.apply(a._float_input(), b._float_input())

    def logaddexp2(self, other: "Tensor") -> "Tensor":
        a, b = self._operands(other)
        return B.Logaddexp2.apply(a._float_input(), b._float_input())

    def xlogy(self, other: Any) -> "Tensor":
        a, b = self._operands(other)
        return B.Xlogy.apply(a._float_input(), b._float_input())

    def fmax(self, other: "Tensor") -> "Tensor":
        return B.Fmax.apply(*self._operands(other))

    def fmin(self, other: "Tensor") -> "Tensor":
        return B.Fmin.apply(*self._operands(other))

    def float_power(self, exponent: Any) -> "Tensor":
        """self ** exponent in float64 (PyTorch's definition)."""
        if isinstance(exponent, _tensor.Tensor):
            return self.double() ** exponent.double()
        return self.double() ** exponent

    def vdot(self, other: "Tensor") -> "Tensor":
        return _renamed(self.dot(other), "VdotBackward0")

    # ---------------------------------------------------------------- quantiles, covariance
    def _quantile(self, q: Any, dim: int | None, keepdim: bool, interpolation: str, ignore_nan: bool) -> "Tensor":
        """Sort, then read (and interpolate between) the two elements around rank q · (n − 1)."""
        if interpolation not in _INTERPOLATIONS:
            raise RuntimeError(f"quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                               f"but got {interpolation}")
        xp = self._xp
        qs = q._data if isinstance(q, _tensor.Tensor) else xp.asarray(q, dtype=self._data.dtype)
        if qs.ndim > 1:
            raise RuntimeError("quantile() q must be a scalar or 1D tensor")
        if bool(((qs < 0) | (qs > 1)).any()):
            if isinstance(q, _tensor.Tensor):
                raise RuntimeError("quantile() q values must be in the range [0, 1]")
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        source = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else _normalize_dim(dim, self.ndim)
        rows = source.sort(d).values.movedim(d, -1)  # NaN sorts last
        n = rows.shape[-1]
        nan_count = xp.isnan(rows._data).sum(axis=-1)
        if ignore_nan:
            rank = qs.reshape(qs.shape + (1,) * (rows.ndim - 1)) * (n - nan_count - 1)
        else:  # a row holding NaN has NaN for every quantile: point at its last (NaN) element
            rank = qs.reshape(qs.shape + (1,) * (rows.ndim - 1)) * (n - 1) + xp.where(nan_count > 0, n, 0)
        rank = xp.clip(xp.broadcast_to(rank, qs.shape + rows.shape[:-1]), 0, n - 1)
        if interpolation == "nearest":
            rank = xp.round(rank)
        low, high = xp.floor(rank), xp.ceil(rank)
        if interpolation == "lower":
            high = low
        elif interpolation == "higher":
            low = high
        expanded = rows.expand(*(qs.shape + rows.shape))

        def read(position: Any) -> "Tensor":
            index = _tensor.Tensor._wrap(position.astype(np.int64)[..., None], self.device)
            return expanded.gather(-1, index).squeeze(-1)
        out = read(low)
        if interpolation in ("linear", "midpoint"):
            weight = (rank - low).astype(self._data.dtype) if interpolation == "linear" else 0.5
            weight = _tensor.Tensor._wrap(xp.asarray(weight, dtype=self._data.dtype), self.device)
            out = out.lerp(read(high), weight)
        if keepdim:
            lead = qs.ndim
            out = out.reshape(out.shape[:lead] + (1,) * self.ndim) if dim is None else out.unsqueeze(lead + d)
        return _renamed(out, "SqueezeBackward4")

    def quantile(self, q: Any, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear") -> "Tensor":
        return self._quantile(q, dim, keepdim, interpolation, ignore_nan=False)

    def nanquantile(self, q: Any, dim: int | None = None, keepdim: bool = False, *,
                    interpolation: str = "linear") -> "Tensor":
        return self._quantile(q, dim, keepdim, interpolation, ignore_nan=True)

    def cov(self, *, correction: int = 1, fweights: "Tensor | None" = None, aweights: "Tensor | None" = None) -> "Tensor":
        """Covariance of the rows (variables) over the columns (observations), with frequency and
        importance weights w: Σ w (x − x̄)(y − ȳ) / (Σw − correction · Σ(w·aw)/Σw)."""
        if self.ndim > 2:
            raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                               f"{self.ndim} dimensions")
        x = self.reshape(1, -1) if self.ndim < 2 else self
        x = x._float_input()
        weights = None
        if fweights is not None:
            weights = fweights.to(x.dtype)
        if aweights is not None:
            weights = aweights.to(x.dtype) if weights is None else weights * aweights.to(x.dtype)
        if weights is None:
            total = x.shape[1]
            mean = x.mean(dim=1, keepdim=True)
            norm = total - correction
        else:
            total = weights.sum()
            mean = (x * weights).sum(dim=1, keepdim=True) / total
            norm = total - (correction if aweights is None else correction * (weights * aweights).sum() / total)
        centered = x - mean
        scaled = centered if weights is None else centered * weights
        if isinstance(norm, _tensor.Tensor):
            norm = norm.clamp_min(0)
        else:
            norm = max(norm, 0)
        return (scaled @ centered.T / norm).squeeze()

    def corrcoef(self) -> "Tensor":
        """cov(x)_ij / (σ_i σ_j), clamped to [−1, 1] as PyTorch does."""
        c = self.cov()
        if c.ndim == 0:
            return c / c
        std = c.diagonal().sqrt()
        return (c / std.reshape(-1, 1) / std.reshape(1, -1)).clamp(-1, 1)

    # ---------------------------------------------------------------------- matrix functions
    def logdet(self) -> "Tensor":
        """log det A: NaN for a negative determinant (PyTorch's where over slogdet)."""
        from .linalg import slogdet
        sign, logabs = slogdet(self)
        return _tensor.where(sign < 0, math.nan, logabs)

    def slogdet(self) -> Any:
        from .linalg import slogdet
        return slogdet(self)

    def pinverse(self, rcond: float = 1e-15) -> "Tensor":
        from .linalg import pinv
        return pinv(self, rtol=rcond)

    def matrix_power(self, n: int) -> "Tensor":
        from .linalg import matrix_power
        return matrix_power(self, n)

    # --------------------------------------------------------------------------- special functions
    def sinc(self) -> "Tensor":
        from .ops.special import Sinc
        return Sinc.apply(self._float_input())

    def mvlgamma(self, p: int) -> "Tensor":
        """The multivariate log-gamma: Σ_{i<p} lgamma(x − i/2) + p(p − 1)/4 · log π."""
        x = self._float_input()
        out = sum((x - i / 2).lgamma() for i in range(p)) + p * (p - 1) / 4 * math.log(math.pi)
        return _renamed(out, "MvlgammaBackward0")

    def renorm(self, p: float, dim: int, maxnorm: float) -> "Tensor":
        """Each slice along ``dim`` whose p-norm exceeds ``maxnorm`` scaled down to it (PyTorch's
        factor maxnorm / (norm + 1e-7))."""
        from .tensor_linalg import vector_norm
        d = _normalize_dim(dim, self.ndim)
        norm = vector_norm(self, p, tuple(i for i in range(self.ndim) if i != d), keepdim=True)
        factor = _tensor.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
        return _renamed(self * factor, "RenormBackward0")

    def masked_scatter(self, mask: "Tensor", source: "Tensor") -> "Tensor":
        """Where ``mask`` is True, the next elements of ``source`` in row-major order."""
        shape = tuple(np.broadcast_shapes(tuple(self.shape), tuple(mask.shape)))
        chosen = mask._xp.broadcast_to(mask._data, shape)
        count = int(chosen.sum())
        if count > source.numel():
            raise RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask")
        base = self if tuple(self.shape) == shape else self.expand(shape)
        positions = tuple(_tensor.Tensor._wrap(p, self.device) for p in mask._xp.nonzero(chosen))
        return _renamed(base.index_put(positions, source.reshape(-1)[:count]), "MaskedScatterBackward0")

    def heaviside(self, values: "Tensor") -> "Tensor":
        """0 for x < 0, ``values`` at 0, 1 for x > 0. No gradient (PyTorch has none either)."""
        a, b = self._operands(values)
        return X.ForwardOnly.apply(a, values=self._xp.heaviside(a._data, b._data), name="torch::autograd::NotImplemented",
                                   what="heaviside")

    def nextafter(self, other: "Tensor") -> "Tensor":
        """The next representable number after x toward ``other``. No gradient (none in PyTorch)."""
        a, b = self._operands(other)
        return X.ForwardOnly.apply(a, values=self._xp.nextafter(a._data, b._data), name="NextafterBackward0")

    def ldexp(self, other: "Tensor") -> "Tensor":
        """x · 2^other"""
        exponent = other if other.dtype.is_floating_point else other.to(dtypes.get_default_dtype())
        return _renamed(self._float_input() * 2.0 ** exponent, "LdexpBackward0")

    def gcd(self, other: "Tensor") -> "Tensor":
        return _tensor.Tensor._wrap(self._xp.gcd(*(t._data for t in self._operands(other))), self.device)

    def lcm(self, other: "Tensor") -> "Tensor":
        return _tensor.Tensor._wrap(self._xp.lcm(*(t._data for t in self._operands(other))), self.device)

    def frexp(self) -> Any:
        mantissa, exponent = self._xp.frexp(self._data)
        return FrexpResult((_tensor.Tensor._wrap(mantissa, self.device),
                            _tensor.Tensor._wrap(exponent.astype(np.int32), self.device)))

    # ------------------------------------------------------------------------------ aliases
    def negative(self) -> "Tensor":
        return -self

    def positive(self) -> "Tensor":
        return self

    def absolute(self) -> "Tensor":
        return self.abs()

    def greater(self, other: Any) -> "Tensor":
        return self > other

    def greater_equal(self, other: Any) -> "Tensor":
        return self >= other

    def less(self, other: Any) -> "Tensor":
        return self < other

    def less_equal(self, other: Any) -> "Tensor":
        return self <= other

    def not_equal(self, other: Any) -> "Tensor":
        return self != other

    def broadcast_to(self, size: Sequence[int]) -> "Tensor":
        return self.expand(*size)

    # --------------------------------------------------------------- small casts and storage
    def byte(self) -> "Tensor":
        return self.to(dtypes.uint8)

    def char(self) -> "Tensor":
        return self.to(dtypes.int8)

    def short(self) -> "Tensor":
        return self.to(dtypes.int16)

    def is_signed(self) -> bool:
        return self.dtype not in (dtypes.uint8, dtypes.bool_)

    def is_complex(self) -> bool:
        return False

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    @property
    def itemsize(self) -> int:
        return int(self._data.itemsize)

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)

    def get_device(self) -> int:
        return -1 if self.device.type == "cpu" else int(self.device.index or 0)

    def is_nonzero(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous" if self.numel() else
                               "Boolean value of Tensor with no values is ambiguous")
        return bool(self.item())

    def is_same_size(self, other: "Tensor") -> bool:
        return self.shape == other.shape

    def storage_offset(self) -> int:
        """Elements between the start of the memory this tensor views and its first element."""
        base = self._data.base if self._data.base is not None else self._data
        return (self.data_ptr() - _address(base)) // self._data.itemsize


def _address(array: Any) -> int:
    return int(array.ctypes.data) if isinstance(array, np.ndarray) else int(array.data.ptr)


def _three_operands(a: "Tensor", b: "Tensor", c: "Tensor", value: Any) -> tuple:
    """The three tensors in their promoted dtype (0-d tensors rank below dimensioned ones, as in
    PyTorch) and ``value`` as that dtype's kind of number (PyTorch casts it: 2.5 is 2 for integers)."""
    result = dtypes.result_type(*((t.dtype, 2 if t.ndim else 1) for t in (a, b, c)))
    a, b, c = (t if t.dtype is result else t.to(result) for t in (a, b, c))
    return a, b, c, value if result.is_floating_point else int(value)
