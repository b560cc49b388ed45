"""``a·b + c`` rounded once: the fused multiply-add (FMA) that PyTorch's CPU kernels use.

PyTorch's vectorised CPU kernels compute ``lerp`` as ``fma(w, end − start, start)`` (or
``fma(w − 1, end − start, end)`` for |w| ≥ 0.5) and ``addcmul`` as ``fma(value·t1, t2, self)``, and
its optimizers' ``add(alpha=)`` likewise (``optim/_axpy.py``). To print its numbers, the same
operations must round once. NumPy has no FMA:

- a scalar ``a`` times an array ``b`` like ``c`` (lerp with a number as weight): OpenBLAS' axpy,
  float32 and float64 (``_blas.axpy_``);
- other float32 arrays: ``fma32`` computes the exact product in float64 (24 + 24 bits fit in 53)
  and corrects the one case where rounding the sum twice goes wrong;
- CuPy arrays (float32/float64): one fused kernel calling CUDA's ``fma`` (``_kernels``);
- other float64 arrays: ``fma64``, Boldo and Melquiond's emulation from error-free transformations
  (the exact product as a sum of two doubles, exact sums, one rounding to odd), about 30 array
  operations; outside its range (huge or tiny magnitudes, inf, NaN) ``a * b + c``, within an ulp.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._blas import axpy_
from ._kernels import FUSED


def fma(xp: Any, a: Any, b: Any, c: Any) -> Any:
    """``a * b + c`` with one rounding where it can (see above), in ``c``'s dtype; ``a``, ``b``
    arrays or NumPy scalars of that dtype, broadcasting as NumPy does."""
    fused = FUSED.get(xp)
    if fused is not None and fused.takes(c):
        return fused.fma(a, b, c)
    if xp is np:
        if np.ndim(a) == 0 and isinstance(b, np.ndarray) and b.shape == c.shape:
            out = np.array(c, order="K")  # a copy in c's layout, which axpy adds a · b into
            if b.strides == out.strides and axpy_(out, a, b):
                return out
        if c.dtype == np.float32:
            return fma32(a, b, c)
        if c.dtype == np.float64:
            return fma64(a, b, c)
    return a * b + c


def fma32(a: np.ndarray, b, c) -> np.ndarray:
    """Correctly rounded float32 ``a*b + c`` (any float32 operands), returned as float32.

    The product of two float32 numbers is exact in float64 (24 + 24 bits < 53), so only the sum
    rounds twice: once to float64, once to float32. Double rounding goes wrong only when the
    float64 sum lands exactly on a float32 rounding midpoint (its 29 dropped bits are 1000…0) while
    the exact sum is not that midpoint; there we nudge the float64 sum one ulp towards the exact
    value (its error comes from TwoSum) so the float32 rounding goes the right way.
    """
    product = _as64(a) * _as64(b)
    total = product + _as64(c)
    bits = total.view(np.int64)
    midpoint = (bits & 0x1FFFFFFF) == 0x10000000
    if midpoint.any():
        i = np.nonzero(midpoint)
        p, s = np.broadcast_to(product, total.shape)[i], total[i]
        addend = np.broadcast_to(np.asarray(c, dtype=np.float64), total.shape)[i]
        back = s - p
        error = (p - (s - back)) + (addend - back)  # TwoSum: s + error == p + c exactly
        bits = bits.copy()
        bits[i] += (np.sign(error) * np.sign(s)).astype(np.int64)
        total = bits.view(np.float64)
    return total.astype(np.float32)




def _as64(x):
    """float32 array or scalar -> float64 (an explicit cast: NumPy's mixed-type ufunc loops are slow)."""
    if isinstance(x, np.ndarray):
        return x if x.dtype == np.float64 else x.astype(np.float64)
    return np.float64(x)


_SPLIT = 2.0 ** 27 + 1  # Veltkamp's splitting constant for 53-bit doubles


def _two_sum(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(s, e) with s = x + y rounded and s + e = x + y exactly (Knuth's TwoSum)."""
    s = x + y
    y_part = s - x
    return s, (x - (s - y_part)) + (y - y_part)


def _split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x = high + low with each half 26 bits or fewer (Veltkamp), so their products are exact."""
    t = _SPLIT * x
    high = t - (t - x)
    return high, x - high


def fma64(a: Any, b: Any, c: Any) -> np.ndarray:
    """Correctly rounded float64 ``a*b + c`` (Boldo and Melquiond, "Emulation of FMA and correctly
    rounded sums: proved algorithms using rounding to odd", 2008):

        a·b = uh + ul exactly (Dekker's product);  c + ul = th + tl;  uh + th = vh + vl (TwoSum)
        result = round-to-nearest(vh + round-to-odd(tl + vl))

    Rounding the small part to odd keeps the information a second rounding needs, so the last
    rounding is the only one. The transformations are exact only without overflow and underflow:
    where magnitudes leave [2^-960, 2^960] (or a value is inf or NaN), the plain ``a * b + c`` is used.
    """
    a, b, c = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64))
    with np.errstate(all="ignore"):
        uh = a * b
        a_high, a_low = _split(a)
        b_high, b_low = _split(b)
        ul = ((a_high * b_high - uh) + a_high * b_low + a_low * b_high) + a_low * b_low
        th, tl = _two_sum(c, ul)
        vh, vl = _two_sum(uh, th)
        w, error = _two_sum(tl, vl)
        # round to odd: where w is inexact and its last bit even, step to the neighbour towards the
        # exact value (one of the two floats around it is odd)
        bits = w.view(np.int64)
        step = (error != 0) & ((bits & 1) == 0)
        bits = np.where(step, bits + np.where((error > 0) == (w > 0), 1, -1), bits)
        result = vh + bits.view(np.float64)
        plain = a * b + c
        magnitudes = [np.abs(x) for x in (a, b, c, uh)]
        safe = np.logical_and.reduce([(m < 2.0 ** 960) & ((m > 2.0 ** -960) | (m == 0)) for m in magnitudes])
    return np.where(safe, result, plain)
