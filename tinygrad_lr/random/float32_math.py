"""PyTorch's float32 ``log`` and ``sincos`` for ``randn``, exactly as its AVX2 kernel computes them.

For 16 or more float32 normals PyTorch runs ``log256_ps`` and ``sincos256_ps`` (Cephes polynomials,
in ATen's ``avx_mathfun.h``) on 8 lanes at once, compiled by GCC with fused multiply-adds. To get
its last bit we repeat every step in the same order with the same roundings. NumPy has no FMA, so
``fma32`` emulates a correctly rounded float32 ``a*b + c`` in float64.

All arrays here are float64 arrays holding float32 values: float64 is where the exact products
live, and rounding back to float32 is one ``astype``.
"""
from __future__ import annotations

import numpy as np

f32 = np.float32


def round32(x: np.ndarray) -> np.ndarray:
    """Round float64 values to the nearest float32, kept in float64."""
    return x.astype(f32).astype(np.float64)


def fma32(a: np.ndarray, b, c) -> np.ndarray:
    """Correctly rounded float32 ``a*b + c`` (all operands float32 values, held in float64).

    The product of two float32 numbers is exact in float64 (24 + 24 bits < 53), so only the sum
    rounds twice: once to float64, once to float32. Double rounding goes wrong only when the
    float64 sum lands exactly on a float32 rounding midpoint (its 29 dropped bits are 1000…0) while
    the exact sum is not that midpoint; there we nudge the float64 sum one ulp towards the exact
    value (its error comes from TwoSum) so the float32 rounding goes the right way.
    """
    product = a * b
    total = product + c
    bits = total.view(np.int64)
    midpoint = (bits & 0x1FFFFFFF) == 0x10000000
    if midpoint.any():
        i = np.nonzero(midpoint)
        p, cc, s = np.broadcast_to(product, total.shape)[i], np.broadcast_to(c, total.shape)[i], total[i]
        back = s - p
        error = (p - (s - back)) + (cc - back)  # TwoSum: s + error == p + c exactly
        bits = bits.copy()
        bits[i] += (np.sign(error) * np.sign(s)).astype(np.int64)
        total = bits.view(np.float64)
    return round32(total)


def _c(value: float) -> np.float64:
    """A constant of the header, rounded to float32 as the C compiler stores it."""
    return np.float64(f32(value))


# Cephes coefficients from avx_mathfun.h
LOG_P = [_c(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                         1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                         3.3333331174E-1)]
LOG_Q1, LOG_Q2, SQRTHF = _c(-2.12194440e-4), _c(0.693359375), _c(0.707106781186547524)
MINUS_DP1, MINUS_DP2, MINUS_DP3 = _c(-0.78515625), _c(-2.4187564849853515625e-4), _c(-3.77489497744594108e-8)
SIN_P = [_c(v) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
COS_P = [_c(v) for v in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)]
FOUR_OVER_PI = _c(1.27323954473516)


def log256(x: np.ndarray) -> np.ndarray:
    """``log256_ps`` for positive normal float32 ``x``: log x = e·ln2 + log1p(m − 1), m in [√½, √2).

    The mantissa m and exponent e come from the bits; ln 2 is split in q2 + q1 for extra precision;
    log1p(x) is x − x²/2 + x³·P(x) with a degree-8 polynomial P evaluated by Horner's rule.
    """
    bits = x.astype(f32).view(np.int32)
    e = ((bits >> 23) - 126).astype(np.float64)  # exponent + 1, for a mantissa in [0.5, 1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(f32).astype(np.float64)
    small = m < SQRTHF  # then use 2m − 1 and e − 1, so that the argument stays near 0
    e = e - small
    x = round32((m - 1.0) + np.where(small, m, 0.0))
    z = round32(x * x)
    y = fma32(LOG_P[0], x, LOG_P[1])
    for p in LOG_P[2:]:
        y = fma32(y, x, p)
    y = round32(y * x)
    y = fma32(y, z, round32(e * LOG_Q1))
    y = round32(y - 0.5 * z)  # fma(-z, 0.5, y): z/2 is exact, so a plain float32 sum
    x = round32(x + y)
    return round32(x + e * LOG_Q2)  # fma(e, q2, x): e·q2 is exact in float32 (5 + 9 bits)


def sincos256(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps`` for float32 ``x`` ≥ 0: reduce to [−π/4, π/4] by the octant j, then polynomials.

    x − j·π/4 is computed as three fused steps with π/4 split in DP1 + DP2 + DP3 (Cody–Waite), so
    the reduction loses no bits; sin and cos of the remainder are swapped and negated by octant.
    """
    j = round32(x * FOUR_OVER_PI).astype(np.int32)  # truncation, as _mm256_cvttps_epi32
    j = (j + 1) & ~1
    jf = j.astype(np.float64)
    r = round32(x + jf * MINUS_DP1)  # fmas whose products j·DP1, j·DP2 are exact in float32
    r = round32(r + jf * MINUS_DP2)
    r = fma32(jf, MINUS_DP3, r)
    z = round32(r * r)
    c = fma32(COS_P[0], z, COS_P[1])
    c = fma32(c, z, COS_P[2])
    c = round32(z * c)
    c = fma32(z, c, -round32(0.5 * z))
    c = round32(c + 1.0)
    s = fma32(SIN_P[0], z, SIN_P[1])
    s = fma32(s, z, SIN_P[2])
    s = round32(z * s)
    s = fma32(r, s, r)
    use_sin_poly = (j & 2) == 0  # octants where sin is the sine polynomial
    sine = np.where(use_sin_poly, s, c)
    cosine = np.where(use_sin_poly, c, s)
    sine = np.where((j & 4) != 0, -sine, sine)
    cosine = np.where(((j - 2) & 4) == 0, -cosine, cosine)
    return sine, cosine
