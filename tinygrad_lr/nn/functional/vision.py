"""``F.interpolate`` (modes ``nearest``, ``nearest-exact``, ``linear``, ``bilinear``, ``bicubic``,
``trilinear``, ``area``), ``F.upsample`` and
``F.pixel_shuffle``. The index and weight rules are PyTorch's, computed in the input's dtype as
its kernels do; the op is ``ops/resample.py`` (a gather per axis, scatter-add backward).

With ``scale_factor`` given, PyTorch maps output position i to the input through 1/scale_factor
(not in/out) unless ``recompute_scale_factor=True``: ``interpolate(x of width 5, scale_factor=1.5)``
has width 7 and reads input ⌊i / 1.5⌋, not ⌊i · 5/7⌋.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Sequence

import numpy as np

from ...ops import resample as R
from ...tensor import Tensor

__all__ = ["interpolate", "upsample", "pixel_shuffle", "pixel_unshuffle"]

_NEAREST = {1: R.UpsampleNearest1d, 2: R.UpsampleNearest2d, 3: R.UpsampleNearest3d}
_NEAREST_EXACT = {1: R.UpsampleNearestExact1d, 2: R.UpsampleNearestExact2d, 3: R.UpsampleNearestExact3d}
_LINEAR = {"linear": (1, R.UpsampleLinear1d), "bilinear": (2, R.UpsampleBilinear2d),
           "trilinear": (3, R.UpsampleTrilinear3d), "bicubic": (2, R.UpsampleBicubic2d)}
_CUBIC_A = -0.75  # PyTorch's (and OpenCV's) cubic convolution constant


def _scale(dtype: Any, n_in: int, n_out: int, factor: float | None, align_corners: bool) -> Any:
    """Input units per output unit, PyTorch's ``area_pixel_compute_scale`` in the input's dtype."""
    if align_corners:
        return dtype.type((n_in - 1) / (n_out - 1)) if n_out > 1 else dtype.type(0)
    if factor is not None and factor > 0:
        return dtype.type(1.0 / factor)
    return dtype.type(n_in) / dtype.type(n_out)


def _nearest_taps(xp: Any, n_in: int, n_out: int, factor: float | None) -> list:
    i = np.arange(n_out)
    if n_out == n_in:
        index = i
    elif n_out == 2 * n_in:
        index = i >> 1
    else:  # PyTorch computes this one in float32 whatever the input dtype
        scale = np.float32(1.0 / factor) if factor is not None and factor > 0 else np.float32(n_in) / np.float32(n_out)
        index = np.minimum(np.floor(i.astype(np.float32) * scale).astype(np.int64), n_in - 1)
    return [(xp.asarray(index), None)]


def _nearest_exact_taps(xp: Any, n_in: int, n_out: int, factor: float | None) -> list:
    """'nearest-exact': the input pixel whose centre is nearest, ⌊(i + ½) · scale⌋ (float32, as PyTorch)."""
    scale = np.float32(1.0 / factor) if factor is not None and factor > 0 else np.float32(n_in) / np.float32(n_out)
    source = ((np.arange(n_out) + 0.5) * np.float64(scale)).astype(np.float32)
    return [(xp.asarray(np.minimum(np.floor(source).astype(np.int64), n_in - 1)), None)]


def _cubic_taps(xp: Any, dtype: Any, n_in: int, n_out: int, factor: float | None, align_corners: bool) -> list:
    """Four taps around the source point t ∈ [0, 1) past x[k] (indices clamped to the edge), with
    Keys' cubic convolution weights (A = −0.75): for the inner pair w(s) = ((A+2)s − (A+3))s² + 1
    at s = t and 1 − t, for the outer pair w(s) = ((As − 5A)s + 8A)s − 4A at s = 1 + t and 2 − t."""
    scale = _scale(dtype, n_in, n_out, factor, align_corners)
    i = np.arange(n_out).astype(dtype)
    source = scale * i if align_corners else scale * (i + dtype.type(0.5)) - dtype.type(0.5)  # no clamp at 0
    low = np.minimum(np.floor(source).astype(np.int64), n_in - 1)
    t = np.clip(source - low.astype(dtype), 0, 1).astype(dtype)
    a = dtype.type(_CUBIC_A)

    def inner(s: Any) -> Any:
        return ((a + 2) * s - (a + 3)) * s * s + 1

    def outer(s: Any) -> Any:
        return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a

    one = dtype.type(1)
    weights = (outer(t + one), inner(t), inner(one - t), outer((one - t) + one))
    return [(xp.asarray(np.clip(low - 1 + k, 0, n_in - 1)), xp.asarray(w.astype(dtype)))
            for k, w in enumerate(weights)]


def _linear_taps(xp: Any, dtype: Any, n_in: int, n_out: int, factor: float | None, align_corners: bool) -> list:
    """Two taps: the neighbours below and above the source point, weights 1 − λ and λ."""
    scale = _scale(dtype, n_in, n_out, factor, align_corners)
    i = np.arange(n_out).astype(dtype)
    if align_corners:
        source = scale * i
    else:
        source = np.maximum(scale * (i + dtype.type(0.5)) - dtype.type(0.5), dtype.type(0))
    low = np.minimum(np.floor(source).astype(np.int64), n_in - 1)
    lam = np.clip(source - low.astype(dtype), 0, 1).astype(dtype)
    high = low + (low < n_in - 1)
    return [(xp.asarray(low), xp.asarray((1 - lam).astype(dtype))), (xp.asarray(high), xp.asarray(lam))]


def interpolate(input: Tensor, size: int | Sequence[int] | None = None,  # noqa: A002
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims (all dims after (N, C)) to ``size`` or by ``scale_factor``."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with spatial "
                    f"dimensions of {list(input.shape[2:])} and output size of {size}. Please provide input tensor "
                    "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            out_size = [int(n) for n in size]
        else:
            out_size = [int(size)] * dim
        factors: list[float | None] = [None] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(input.shape[2:])} and scale_factor of shape {scale_factor}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                    "(s1, s2, ...,sK) format.")
            factors = [float(s) for s in scale_factor]
        else:
            factors = [float(scale_factor)] * dim
        out_size = [int(math.floor(n * s)) for n, s in zip(input.shape[2:], factors)]
        if recompute_scale_factor:
            factors = [None] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not supported")
    xp, dtype = input._xp, np.dtype(input._data.dtype)
    spatial = list(zip(range(2, input.ndim), input.shape[2:], out_size, factors))
    if dim in _NEAREST and mode in ("nearest", "nearest-exact"):
        taps, ops = (_nearest_taps, _NEAREST) if mode == "nearest" else (_nearest_exact_taps, _NEAREST_EXACT)
        return ops[dim].apply(input, axes=[(axis, taps(xp, n, m, f)) for axis, n, m, f in spatial])
    if dim in (1, 2) and mode == "area":  # PyTorch's 'area' is adaptive average pooling
        from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d
        return (adaptive_avg_pool1d if dim == 1 else adaptive_avg_pool2d)(input, out_size)
    if mode in _LINEAR and dim in (1, 2, 3):
        want, op = _LINEAR[mode]
        if dim != want:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {want + 2}D input")
        taps = _cubic_taps if mode == "bicubic" else _linear_taps
        axes = [(axis, taps(xp, dtype, n, m, f, align_corners)) for axis, n, m, f in spatial]
        return op.apply(input, axes=axes)
    if mode in ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact") \
            and input.ndim not in (3, 4, 5):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  "the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                                  f"nearest-exact (got {mode})")
    raise NotImplementedError(f"interpolate(mode={mode!r}) is not supported for {input.ndim}D input")


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
             align_corners: bool | None = None) -> Tensor:
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C·r², H, W) → (*, C, H·r, W·r)."""
    r = upscale_factor
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if input.shape[-3] % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={input.shape[-3]} is not divisible by {r * r}")
    return R.PixelShuffle.apply(input, r=r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C, H·r, W·r) → (*, C·r², H, W)."""
    r = downscale_factor
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    for name, dim in (("height", -2), ("width", -1)):
        if input.shape[dim] % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                               f"input.size({dim})={input.shape[dim]} is not divisible by {r}")
    return R.PixelUnshuffle.apply(input, r=r)
