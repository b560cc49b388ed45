"""PyTorch's CPU distributions: how 32-bit words become uniforms, normals, integers, permutations.

Every function takes a ``Generator`` and a count and returns the values in the order PyTorch
writes them (memory order of the output), as a flat NumPy array. The formulas are ATen's
(``DistributionsHelper.h``, ``TransformationHelper.h``, ``cpu/DistributionTemplates.h``).

Uniform [0, 1): float32 takes 24 bits of one word, float64 53 bits of a 64-bit draw:
``u = (word & (2**24 − 1)) · 2**−24``. So a float32 uniform is a multiple of 2**−24.

Normal, two paths chosen by size:
- fewer than 16 values (or a non-contiguous output): scalar Box–Muller in float64. Two uniforms
  u1, u2 give r = √(−2·log(1 − u2)), θ = 2π·u1; return r·cos θ and *keep* r·sin θ in the generator:
  the next scalar normal is that cached partner. So ``randn(1)`` twice is one pair.
- 16 or more contiguous values: first fill the output with uniforms, then turn each block of 16
  in place into normals (u1 = the first 8, u2 = the last 8; r·cos θ goes in the first half,
  r·sin θ in the second). A size that is not a multiple of 16 gets 16 fresh uniforms for the last
  16 slots. float32 uses the AVX2 kernels of ``float32_math.py``.
"""
from __future__ import annotations

import math

import numpy as np

from . import float32_math as F32
from .float64_math import fma64, libm, log, log1p
from .generator import Generator

_CHUNK = 1 << 15  # elements per pass of the normal transform: keeps the temporaries in cache
_TWO_PI_32 = np.float32(2.0 * math.pi)


def _opmath(dtype: np.dtype) -> np.dtype:
    """The type PyTorch computes a distribution in: float64 for float64, float32 for the rest."""
    return np.dtype(np.float64) if dtype == np.float64 else np.dtype(np.float32)


def uniform01(gen: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """n uniforms on [0, 1) in ``dtype``'s opmath type (float64 for float64, else float32)."""
    if _opmath(dtype) == np.float64:
        return (gen.random64(n) & np.uint64(2 ** 53 - 1)).astype(np.float64) * 2.0 ** -53
    low_bits = gen.random(n).astype(np.uint32) & np.uint32(2 ** 24 - 1)  # (int32 -> float32 is the fast cast)
    return low_bits.view(np.int32).astype(np.float32) * np.float32(2.0 ** -24)  # exact


def uniform(gen: Generator, n: int, dtype: np.dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """``uniform_(low, high)``: one FMA ``u·(high − low) + low``; a value rounding to high becomes low."""
    if not low <= high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
    dtype = np.dtype(dtype)
    u = uniform01(gen, n, dtype)
    if _opmath(dtype) == np.float64:
        values = fma64(u, high - low, low) if low != 0.0 else u * (high - low)
    else:  # ATen casts the bounds to float32 first, and takes their difference in float32
        low32, high32 = np.float32(low), np.float32(high)
        values = F32.fma32(u, high32 - low32, low32)
    out = values.astype(dtype, copy=False)
    out[out == dtype.type(high)] = dtype.type(low)
    return out


def normal(gen: Generator, n: int, dtype: np.dtype, mean: float = 0.0, std: float = 1.0,
           contiguous: bool = True) -> np.ndarray:
    """``normal_(mean, std)`` on n values: the block path for ≥ 16 contiguous values, else the scalar path."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    dtype = np.dtype(dtype)
    if n >= 16 and contiguous:
        return _normal_blocks(gen, n, dtype, mean, std)
    return (scalar_normals(gen, n) if (mean, std) == (0.0, 1.0)
            else fma64(scalar_normals(gen, n), std, mean)).astype(dtype)


def scalar_normals(gen: Generator, n: int) -> np.ndarray:
    """n standard normals from ``normal_distribution<double>``, using and refilling the cached partner."""
    out = np.empty(n, dtype=np.float64)
    start = 0
    if n and gen.normal_cache is not None:
        out[0], gen.normal_cache, start = gen.normal_cache, None, 1
    pairs = (n - start + 1) // 2
    if pairs:
        words = uniform01(gen, 2 * pairs, np.dtype(np.float64))
        u1, u2 = words[0::2], words[1::2]
        radius = np.sqrt(-2.0 * log1p(-u2))
        theta = 2.0 * math.pi * u1
        both = np.empty(2 * pairs)
        both[0::2], both[1::2] = radius * np.cos(theta), radius * np.sin(theta)
        out[start:] = both[:n - start]
        if (n - start) % 2:
            gen.normal_cache = float(both[-1])  # the unused sine waits for the next scalar normal
    return out


def _normal_blocks(gen: Generator, n: int, dtype: np.dtype, mean: float, std: float) -> np.ndarray:
    opmath = _opmath(dtype)
    full = n // 16 * 16
    if dtype == opmath:  # all n uniforms first, then 16 fresh ones for a ragged end
        data = uniform01(gen, n, dtype)
        tail = uniform01(gen, 16, dtype) if n % 16 else None
    else:  # float16: each block of 16 is drawn and transformed in a buffer, so the tail follows the blocks
        data = uniform01(gen, full, dtype)
        tail = uniform01(gen, 16, dtype) if n % 16 else None
        data = np.concatenate([data, np.zeros(n - full, dtype=opmath)])
    transform = _box_muller_blocks_64 if opmath == np.float64 else _box_muller_blocks_32
    for start in range(0, full, _CHUNK):
        transform(data[start:min(full, start + _CHUNK)].reshape(-1, 16), mean, std)
    if tail is not None:
        transform(tail.reshape(1, 16), mean, std)
        data[n - 16:] = tail
    return data.astype(dtype, copy=False)


def _box_muller_blocks_32(blocks: np.ndarray, mean: float, std: float) -> None:
    """``NormalFill16<float>`` (AVX2), in place on rows of 16 float32 uniforms."""
    u1 = np.float32(1) - blocks[:, :8]  # [0, 1) -> (0, 1] for the log
    radius = np.sqrt(np.float32(-2) * F32.log256(u1))
    sine, cosine = F32.sincos256(_TWO_PI_32 * blocks[:, 8:])
    std32, mean32 = np.float32(std), np.float32(mean)
    for half, trig in ((slice(0, 8), cosine), (slice(8, 16), sine)):
        z = radius * trig
        blocks[:, half] = F32.fma32(z, std32, mean32) if mean32 != 0 else z * std32  # one rounding when mean is 0


def _box_muller_blocks_64(blocks: np.ndarray, mean: float, std: float) -> None:
    """``NormalFill16<double>``, in place: the same transform with glibc's log, sin, cos."""
    radius = np.sqrt(-2.0 * log(1.0 - blocks[:, :8]))
    theta = 2.0 * math.pi * blocks[:, 8:]
    for half, trig in ((slice(0, 8), np.cos(theta)), (slice(8, 16), np.sin(theta))):
        z = radius * trig
        blocks[:, half] = fma64(z, std, mean) if (mean, std) != (0.0, 1.0) else z


# -------------------------------------------------------------------------------- integers

def _digits(dtype: np.dtype) -> int:
    """Bits of a float's significand (24, 53, 11) — the range of ``random_()`` on a float tensor."""
    return {np.dtype(np.float16): 11, np.dtype(np.float32): 24, np.dtype(np.float64): 53}[np.dtype(dtype)]


def integers(gen: Generator, n: int, low: int, high: int) -> np.ndarray:
    """``random_(low, high)``: ``word % (high − low) + low``, a 64-bit word once the range reaches 2**28."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    span = high - low
    words = gen.random64(n) if span >= 2 ** 28 else gen.random(n)
    return ((words % np.uint64(span)).astype(np.int64) + np.int64(low)) if n else np.zeros(0, np.int64)


def random_bits(gen: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """``random_()`` with no bounds: [0, 2**63) for int64, [0, 2**digits] for floats, [0, max] for the rest."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return (gen.random(n) & np.uint64(1)).astype(np.bool_)
    if dtype.kind == "f":
        words = gen.random64(n) if dtype == np.float64 else gen.random(n)
        return (words % np.uint64(2 ** _digits(dtype) + 1)).astype(dtype)
    words = gen.random64(n) if dtype == np.int64 else gen.random(n)
    return (words % np.uint64(int(np.iinfo(dtype).max) + 1)).astype(dtype)


def randperm(gen: Generator, n: int) -> np.ndarray:
    """``randperm(n)``: from 0..n−1, for i = 0..n−2 swap a[i] with a[i + random() % (n − i)]."""
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if n >= 2 ** 32 // 20:
        raise NotImplementedError("randperm: n >= 214748364 uses a different shuffle that is not reproduced")
    if n < 2:
        return np.arange(n, dtype=np.int64)
    offsets = (gen.random(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
    perm = list(range(n))
    for i, offset in enumerate(offsets):  # the swaps depend on each other: a plain loop
        j = i + offset
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)


# ------------------------------------------------------------------ other distributions

def bernoulli(gen: Generator, n: int, p: float) -> np.ndarray:
    """``bernoulli_(p)`` with a number p: a float64 uniform per value, 1 where it is below p."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return uniform01(gen, n, np.dtype(np.float64)) < p


def bernoulli_tensor(gen: Generator, p: np.ndarray) -> np.ndarray:
    """``bernoulli_(p)`` with a tensor p (flat, in output order): uniforms of p's own float type."""
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")
    return uniform01(gen, p.size, p.dtype) < p


def exponential(gen: Generator, n: int, lambd: float) -> np.ndarray:
    """−log(1 − u) / λ in float64."""
    return (-1.0 / lambd) * log1p(-uniform01(gen, n, np.dtype(np.float64)))


def geometric(gen: Generator, n: int, p: float) -> np.ndarray:
    """⌈log u / log(1 − p)⌉: the number of trials up to the first success."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return np.ceil(log(uniform01(gen, n, np.dtype(np.float64))) / math.log1p(-p))


def cauchy(gen: Generator, n: int, median: float, sigma: float) -> np.ndarray:
    """median + σ·tan(π(u − ½)), one FMA."""
    tangent = libm(math.tan, math.pi * (uniform01(gen, n, np.dtype(np.float64)) - 0.5))
    return fma64(tangent, sigma, median)


def log_normal(gen: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """exp of scalar-path normals (it shares the cached partner with ``normal_``)."""
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    return libm(math.exp, fma64(scalar_normals(gen, n), std, mean))


def multinomial(gen: Generator, probs: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    """Category indices drawn from each row of ``probs`` (rows × categories), int64 (rows × samples).

    Without replacement (or one sample) PyTorch uses the exponential race: with q ~ Exp(1), the
    largest p/q is a draw from p, and the k largest are k draws without replacement. With
    replacement, each sample is a float64 uniform looked up in the row's normalised cumulative sum
    (in the row's own dtype), by binary search for the first bucket ≥ u.
    """
    categories = probs.shape[-1]
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if probs.size == 0:
        return np.zeros((probs.shape[0], num_samples), dtype=np.int64)
    if not replacement or num_samples == 1:
        if not (np.isfinite(probs).all() and (probs >= 0).all()):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if (probs.sum(axis=-1) == 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        q = exponential(gen, probs.size, 1.0).astype(probs.dtype).reshape(probs.shape)
        race = probs / q
        if num_samples == 1:
            return np.argmax(race, axis=-1)[:, None]
        return np.argsort(-race, axis=-1, kind="stable")[:, :num_samples]
    out = np.empty((probs.shape[0], num_samples), dtype=np.int64)
    for row, p in enumerate(probs):
        if (p < 0).any():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if not np.isfinite(p).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        cumulative = np.cumsum(p)  # sequential, in p's dtype, as ATen's loop
        total = cumulative[-1]
        if not total > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        cumulative = cumulative / total
        cumulative[-1] = 1
        out[row] = np.searchsorted(cumulative, uniform01(gen, num_samples, np.dtype(np.float64)), side="left")
    return out
