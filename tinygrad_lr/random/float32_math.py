"""PyTorch's float32 ``log`` and ``sincos`` for ``randn``, exactly as its AVX2 kernel computes them.

For 16 or more float32 normals PyTorch runs ``log256_ps`` and ``sincos256_ps`` (Cephes polynomials,
in ATen's ``avx_mathfun.h``) on 8 lanes at once, compiled by GCC with fused multiply-adds. To get
its last bit we repeat every step in the same order with the same roundings: a plain float32
``*`` or ``+`` in NumPy is the same IEEE operation as in the vector unit. NumPy has no FMA, so
``fma32`` emulates a correctly rounded float32 ``a*b + c`` in float64.

Arrays are float32 throughout; float64 appears only inside the FMAs, where the exact product lives.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .._fma import _as64, fma32  # noqa: F401 - fma32 is this module's too (the random stream's FMAs)

f32 = np.float32


def fma32_in_kernels(a: np.ndarray, b, c) -> np.ndarray:
    """``fma32`` without the midpoint check, for the FMAs inside ``log256``/``sincos256`` only.

    Their inputs are not arbitrary: every float32 uniform is k·2**−24, so each kernel sees at most
    2**24 distinct arguments, and ``double_rounding_cases`` enumerates them all: at none of these
    FMAs does the float64 sum ever land on a float32 midpoint, so plain rounding is already exact.
    """
    return (_as64(a) * _as64(b) + _as64(c)).astype(f32)


# Cephes coefficients from avx_mathfun.h (the compiler stores them as float32)
LOG_P = [f32(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                          1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                          3.3333331174E-1)]
LOG_Q1, LOG_Q2, SQRTHF = f32(-2.12194440e-4), f32(0.693359375), f32(0.707106781186547524)
MINUS_DP1, MINUS_DP2, MINUS_DP3 = f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8)
SIN_P = [f32(v) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
COS_P = [f32(v) for v in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)]
FOUR_OVER_PI = f32(1.27323954473516)
HALF, ONE = f32(0.5), f32(1.0)


def log256(x: np.ndarray, fma: Callable = fma32_in_kernels) -> np.ndarray:
    """``log256_ps`` for positive normal float32 ``x``: log x = e·ln2 + log1p(m − 1), m in [√½, √2).

    The mantissa m and exponent e come from the bits; ln 2 is split in q2 + q1 for extra precision;
    log1p(x) is x − x²/2 + x³·P(x) with a degree-8 polynomial P evaluated by Horner's rule.
    """
    bits = x.view(np.int32)
    e = ((bits >> 23) - 126).astype(f32)  # exponent + 1, for a mantissa in [0.5, 1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(f32)
    small = m < SQRTHF  # then use 2m − 1 and e − 1, so that the argument stays near 0
    e -= small
    x = (m - ONE) + m * small  # (m − 1) + m where small
    z = x * x
    x64 = x.astype(np.float64)  # once, for the FMAs
    y = fma(LOG_P[0], x64, LOG_P[1])
    for p in LOG_P[2:]:
        y = fma(y, x64, p)
    y = y * x
    y = fma(y, z, e * LOG_Q1)
    y = y - HALF * z  # fma(-z, 0.5, y): z/2 is exact, so a plain float32 sum
    x = x + y
    return x + e * LOG_Q2  # fma(e, q2, x): e·q2 is exact in float32 (5 + 9 bits)


def sincos256(x: np.ndarray, fma: Callable = fma32_in_kernels) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps`` for float32 ``x`` ≥ 0: reduce to [−π/4, π/4] by the octant j, then polynomials.

    x − j·π/4 is computed as three fused steps with π/4 split in DP1 + DP2 + DP3 (Cody–Waite), so
    the reduction loses no bits; sin and cos of the remainder are swapped and negated by octant.
    """
    j = (x * FOUR_OVER_PI).astype(np.int32)  # truncation, as _mm256_cvttps_epi32
    j = (j + 1) & ~1
    jf = j.astype(f32)
    r = x + jf * MINUS_DP1  # fmas whose products j·DP1, j·DP2 are exact in float32
    r = r + jf * MINUS_DP2
    r = fma(jf, MINUS_DP3, r)
    z = r * r
    z64 = z.astype(np.float64)  # once, for the FMAs
    c = fma(COS_P[0], z64, COS_P[1])
    c = fma(c, z64, COS_P[2])
    c = z * c
    c = fma(z64, c, -(HALF * z))
    c = c + ONE
    s = fma(SIN_P[0], z64, SIN_P[1])
    s = fma(s, z64, SIN_P[2])
    s = z * s
    r64 = r.astype(np.float64)
    s = fma(r64, s, r64)
    # select and negate by octant with bit masks, as the AVX code does (and branch-free)
    sine_poly = ((j & 2) >> 1) - 1  # all ones where sin is the sine polynomial (octants 0, 4, 8)
    s_bits, c_bits = s.view(np.int32), c.view(np.int32)
    sine = ((s_bits & sine_poly) | (c_bits & ~sine_poly)) ^ ((j & 4) << 29)
    cosine = ((c_bits & sine_poly) | (s_bits & ~sine_poly)) ^ ((~(j - 2) & 4) << 29)
    return sine.view(f32), cosine.view(f32)


def double_rounding_cases(stride: int = 1) -> int:
    """How many of the kernels' FMAs, over every ``stride``-th float32 uniform k·2**−24, would round
    wrongly without ``fma32``'s midpoint check. 0 (checked for stride 1: all 2**24 inputs, ~30 s)
    is what lets the kernels use ``fma32_in_kernels``."""
    wrong = 0

    def probe(a: np.ndarray, b, c) -> np.ndarray:
        nonlocal wrong
        exact = fma32(a, b, c)
        wrong += int(np.count_nonzero(exact != fma32_in_kernels(a, b, c)))
        return exact

    k = np.arange(0, 2 ** 24, stride, dtype=np.int64)
    for start in range(0, k.size, 1 << 20):
        u = k[start:start + (1 << 20)].astype(f32) * f32(2.0 ** -24)
        log256(ONE - u, probe)  # u1 = 1 − u
        sincos256(f32(2.0 * np.pi) * u, probe)  # θ = 2π·u2
    return wrong
