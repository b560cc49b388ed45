"""Padding and interpolation: every one of them is a linear map along each spatial axis.

Reflect, replicate and circular padding and nearest-neighbour upsampling read, for output
position i along an axis, the input at one index ``source[i]`` (reflect: ... 2 1 | 0 1 2 3 | 2 1
...; replicate: 0 0 | 0 1 2 3 | 3 3; circular: 2 3 | 0 1 2 3 | 0 1). (Bi)linear interpolation reads
two neighbours with weights λ and 1 − λ, bicubic four. So one op covers them all: per axis a short list of
*taps* (index array, weight array or None),

    out[..., i, ...] = Σ_taps  w_t[i] · x[..., idx_t[i], ...]

applied axis after axis (last axis first: for bilinear that is PyTorch's order of operations,
h0λ·(w0λ·x00 + w1λ·x01) + h1λ·(...)). The gradient of a gather is a scatter-add: every output
gradient goes back, times its weight, to the input position it was read from (positions read
twice, like a reflected border, accumulate; ``_scatter_plan`` does it with slices):

    dx[..., j, ...] = Σ_taps Σ_{i: idx_t[i] = j}  w_t[i] · dout[..., i, ...]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import Op
from ..backend import CPU, move


def _scatter_plan(index: Any) -> list[tuple[Any, Any]]:
    """How to add ``values[..., i]`` into ``into[..., index[i]]`` for every i (targets repeat:
    a reflected border, an upsampling) fast, as a short list of (targets, positions) pairs.

    The positions are split into groups in which no target repeats (every first read of a
    target, every second read, ...), where ``into[targets] += values[positions]`` is exact. Each
    group is then cut into runs in which positions and targets both step evenly, and each run
    becomes a pair of basic slices: the index arrays of padding and interpolation are made of such
    runs, and slicing is ~80x faster than NumPy's fancy indexing along the last axis (and than an
    unbuffered ``add.at``). A group with no such structure stays one fancy-index pair.
    """
    host = np.asarray(move(index, CPU)).astype(np.int64)
    if host.size == 0:
        return []
    order = np.argsort(host, kind="stable")
    ranked = host[order]
    rank = np.empty(host.size, dtype=np.int64)
    rank[order] = np.arange(host.size) - np.searchsorted(ranked, ranked, side="left")
    plan = []
    for r in range(int(rank.max()) + 1):
        positions = np.flatnonzero(rank == r)
        runs = _even_runs(positions, host[positions])
        if len(runs) > 16:
            plan.append((host[positions], positions))
        else:
            plan += runs
    return plan


def _even_runs(positions: Any, targets: Any) -> list[tuple[slice, slice]]:
    """(target slice, position slice) for each maximal run where both step evenly."""
    runs, start, n = [], 0, len(positions)
    while start < n:
        end = start + 1  # the run is positions[start:end]
        if end < n:
            dp, dt = positions[end] - positions[start], targets[end] - targets[start]
            while end + 1 < n and positions[end + 1] - positions[end] == dp and targets[end + 1] - targets[end] == dt:
                end += 1
            end += 1
        else:
            dp = dt = 1
        last_t = targets[end - 1] + dt
        runs.append((slice(int(targets[start]), int(last_t) if last_t >= 0 else None, int(dt)),
                     slice(int(positions[start]), int(positions[end - 1] + dp), int(dp))))
        start = end
    return runs


def _weights(w: Any, axis: int, ndim: int) -> Any:
    """A per-position weight vector shaped to broadcast along ``axis``."""
    return w.reshape((-1,) + (1,) * (ndim - axis - 1))


class AxisTaps(Op):
    """out = Σ_t w_t · take(x, idx_t, axis), for each axis in turn (see the module docstring);
    dx = the transposed map: scatter-add of w_t · dout at idx_t, axis by axis in reverse."""

    def forward(self, x, axes: Sequence[tuple[int, Sequence[tuple[Any, Any]]]]):
        xp = self.xp
        shapes = []
        for axis, taps in reversed(axes):
            shapes.append(x.shape)
            out = None
            for index, weight in taps:
                part = xp.take(x, index, axis=axis)
                if weight is not None:
                    part = part * _weights(weight, axis, x.ndim)
                out = part if out is None else out + part
            x = out
        self.save(axes, shapes)
        return x

    def backward(self, out_grad):
        axes, shapes = self.saved
        xp = self.xp
        grad = out_grad
        for (axis, taps), shape in zip(axes, reversed(shapes)):
            into = xp.zeros(shape, dtype=grad.dtype)
            where = (slice(None),) * axis
            for index, weight in taps:
                part = grad if weight is None else grad * _weights(weight, axis, grad.ndim)
                for targets, positions in _scatter_plan(index):
                    if not isinstance(targets, slice):
                        targets, positions = xp.asarray(targets), xp.asarray(positions)
                    into[where + (targets,)] += part[where + (positions,)]
            grad = into
        return grad


class ReflectionPad1d(AxisTaps):
    torch_name = "ReflectionPad1DBackward0"


class ReflectionPad2d(AxisTaps):
    torch_name = "ReflectionPad2DBackward0"


class ReflectionPad3d(AxisTaps):
    torch_name = "ReflectionPad3DBackward0"


class ReplicationPad1d(AxisTaps):
    torch_name = "ReplicationPad1DBackward0"


class ReplicationPad2d(AxisTaps):
    torch_name = "ReplicationPad2DBackward0"


class ReplicationPad3d(AxisTaps):
    torch_name = "ReplicationPad3DBackward0"


class CircularPad(AxisTaps):
    torch_name = "torch::autograd::CopySlices"  # PyTorch builds circular padding from slice copies


class UpsampleNearest1d(AxisTaps):
    torch_name = "UpsampleNearest1DBackward0"


class UpsampleNearest2d(AxisTaps):
    torch_name = "UpsampleNearest2DBackward0"


class UpsampleNearest3d(AxisTaps):
    torch_name = "UpsampleNearest3DBackward0"


class UpsampleNearestExact1d(AxisTaps):
    torch_name = "UpsampleNearestExact1DBackward0"


class UpsampleNearestExact2d(AxisTaps):
    torch_name = "UpsampleNearestExact2DBackward0"


class UpsampleNearestExact3d(AxisTaps):
    torch_name = "UpsampleNearestExact3DBackward0"


class UpsampleTrilinear3d(AxisTaps):
    torch_name = "UpsampleTrilinear3DBackward0"


class UpsampleBicubic2d(AxisTaps):
    torch_name = "UpsampleBicubic2DBackward0"


class UpsampleLinear1d(AxisTaps):
    torch_name = "UpsampleLinear1DBackward0"


class UpsampleBilinear2d(AxisTaps):
    torch_name = "UpsampleBilinear2DBackward0"


class ConstantPadNd(Op):
    """out = x placed inside a block of ``value`` (negative pads crop);  dx = dout at x's place."""
    torch_name = "ConstantPadNdBackward0"

    def forward(self, x, pads: Sequence[tuple[int, int]], value: float):
        # pads: (before, after) for every axis of x
        inner = tuple(slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in zip(pads, x.shape))
        cropped = x[inner]
        out_shape = tuple(max(b, 0) + m + max(a, 0) for (b, a), m in zip(pads, cropped.shape))
        out = self.xp.full(out_shape, value, dtype=x.dtype)
        place = tuple(slice(max(b, 0), max(b, 0) + m) for (b, _), m in zip(pads, cropped.shape))
        out[place] = cropped
        self.save(x.shape, inner, place)
        return out

    def backward(self, out_grad):
        shape, inner, place = self.saved
        grad = self.xp.zeros(shape, dtype=out_grad.dtype)
        grad[inner] = out_grad[place]
        return grad


class PixelShuffle(Op):
    """(N, C·r², H, W) → (N, C, H·r, W·r): a reshape and a transpose; the gradient is the inverse."""
    torch_name = "PixelShuffleBackward0"

    def forward(self, x, r: int):
        *lead, c, h, w = x.shape
        k = len(lead)
        y = x.reshape(*lead, c // (r * r), r, r, h, w)
        order = tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2)
        self.save(x.shape, y.shape, order)
        return y.transpose(order).reshape(*lead, c // (r * r), h * r, w * r)

    def backward(self, out_grad):
        shape, grouped, order = self.saved
        inverse = [0] * len(order)
        for i, o in enumerate(order):
            inverse[o] = i
        staged = tuple(grouped[o] for o in order)
        return out_grad.reshape(staged).transpose(inverse).reshape(shape)


class PixelUnshuffle(Op):
    """(N, C, H·r, W·r) → (N, C·r², H, W): PixelShuffle's inverse, a reshape and a transpose."""
    torch_name = "PixelUnshuffleBackward0"

    def forward(self, x, r: int):
        *lead, c, h, w = x.shape
        k = len(lead)
        y = x.reshape(*lead, c, h // r, r, w // r, r)
        order = tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3)
        self.save(x.shape, y.shape, order)
        return y.transpose(order).reshape(*lead, c * r * r, h // r, w // r)

    def backward(self, out_grad):
        shape, grouped, order = self.saved
        inverse = [0] * len(order)
        for i, o in enumerate(order):
            inverse[o] = i
        staged = tuple(grouped[o] for o in order)
        return out_grad.reshape(staged).transpose(inverse).reshape(shape)
