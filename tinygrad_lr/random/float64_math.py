"""Float64 helpers that decide the last bit: a fused multiply-add, and the C library's functions.

PyTorch computes ``u*(b − a) + a`` and ``z*std + mean`` as one FMA (GCC contracts them). NumPy has
no FMA, so ``fma64`` builds one from error-free transformations: Dekker's exact product and
Boldo–Melquiond's "round to odd" sum of three terms, which is then correctly rounded.

PyTorch's float64 kernels call glibc's ``log``/``log1p``; NumPy's own vectorised ``log`` differs
from glibc in the last bit now and then, so those go through Python's ``math`` (which is glibc).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's constant for float64


def two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """s = fl(a + b) and the exact error t, so that s + t == a + b."""
    s = a + b
    back = s - a
    return s, (a - (s - back)) + (b - back)


def two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p = fl(a·b) and the exact error e (Dekker, with Veltkamp's 27-bit split of each factor)."""
    def split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        big = _SPLIT * x
        high = big - (big - x)
        return high, x - high
    p = a * b
    ah, al = split(a)
    bh, bl = split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _round_to_odd_sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b rounded to odd: if inexact, the neighbour of the exact sum whose last bit is 1."""
    s, error = two_sum(a, b)
    bits = s.view(np.int64).copy()
    fix = (error != 0) & ((bits & 1) == 0)
    bits[fix] += (np.sign(error[fix]) * np.sign(s[fix])).astype(np.int64)  # one ulp towards the exact sum
    return bits.view(np.float64)


def fma64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """Correctly rounded ``a*b + c`` in float64 (no overflow or underflow assumed)."""
    a = np.asarray(a, dtype=np.float64)
    b_arr = np.full_like(a, b)
    c_arr = np.full_like(a, c)
    p, e = two_product(a, b_arr)  # a·b == p + e exactly
    th, tl = two_sum(c_arr, p)  # c + p == th + tl exactly
    return th + _round_to_odd_sum(tl, e)  # rounding to odd first makes the final rounding correct


def libm(function: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    """``function`` (from ``math``, i.e. the C library) applied to every element."""
    return np.fromiter(map(function, x.ravel().tolist()), dtype=np.float64, count=x.size).reshape(x.shape)


def log(x: np.ndarray) -> np.ndarray:
    return libm(math.log, x)


def log1p(x: np.ndarray) -> np.ndarray:
    return libm(math.log1p, x)
