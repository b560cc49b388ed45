"""Pooling: max and average over windows, fixed (``max_pool2d``, ``avg_pool2d``) or adaptive.

All ops take (N, C, H, W) arrays. A window's entries are visited one kernel offset (i, j) at a
time: ``offset_view`` is the (N, C, OH, OW) strided view of the entries at offset (i, j) of every
window, so a pool is kh·kw whole-array operations (no Python loop over windows), and its backward
adds the gradient back through the same views.

Max pooling keeps, for every output, which offset held the maximum — the first one in row-major
window order on ties, as PyTorch's CPU kernel (a later entry wins only if strictly greater) — and
the backward sends each output's gradient to that entry only. Adaptive pools use PyTorch's window
rule: output i covers input [⌊i·in/out⌋, ⌈(i+1)·in/out⌉), so windows may differ in size and overlap.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._kernels import FUSED
from ..autograd import Op
from ..backend import scatter_add

Pair = tuple[int, int]


def offset_view(a: Any, i: int, j: int, stride: Pair, dilation: Pair, out_size: Pair) -> Any:
    """a[:, :, oh·sh + i·dh, ow·sw + j·dw] for all (oh, ow): entry (i, j) of every window."""
    top, left = i * dilation[0], j * dilation[1]
    return a[:, :, top:top + stride[0] * (out_size[0] - 1) + 1:stride[0],
             left:left + stride[1] * (out_size[1] - 1) + 1:stride[1]]


def pad_to(xp: Any, x: Any, padding: Pair, canvas: Pair, fill: float) -> Any:
    """x placed at (padding[0], padding[1]) on a (N, C, *canvas) array of ``fill``."""
    if x.shape[2:] == tuple(canvas):
        return x
    out = xp.full(x.shape[:2] + tuple(canvas), fill, dtype=x.dtype)
    out[:, :, padding[0]:padding[0] + x.shape[2], padding[1]:padding[1] + x.shape[3]] = x
    return out


def max_pool_forward(xp: Any, x: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                     out_size: Pair, canvas: Pair) -> tuple[Any, Any]:
    """(values, offsets): the window maxima and, for each, the row-major offset i·kw + j in its window
    of the first maximum. Padding is −inf (the lowest integer for integer inputs), so it never wins."""
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    padded = pad_to(xp, x, padding, canvas, lowest)
    kh, kw = kernel
    offsets_dtype = np.uint8 if kh * kw <= 256 else np.int64
    fused = FUSED.get(xp)
    if fused is not None and fused.takes(padded):  # CuPy: one kernel, one thread per output
        return fused.max_pool(padded, kernel, stride, dilation, out_size, offsets_dtype)
    best = offset_view(padded, 0, 0, stride, dilation, out_size).copy()
    offsets = xp.zeros(best.shape, dtype=offsets_dtype)
    for k in range(1, kh * kw):
        candidate = offset_view(padded, k // kw, k % kw, stride, dilation, out_size)
        better = candidate > best  # strictly greater: the first maximum keeps its place on ties
        xp.maximum(best, candidate, out=best)
        # offsets[better] = k, ~15x faster than a masked store; k in the offsets' own dtype, so that
        # the arithmetic stays uint8 on CuPy too (whatever its Python-scalar promotion rules)
        offsets += better * (offsets.dtype.type(k) - offsets)
    if xp.isnan(best).any():  # PyTorch's kernel takes a NaN entry (the last one) as the maximum
        for k in range(kh * kw):
            nan = xp.isnan(offset_view(padded, k // kw, k % kw, stride, dilation, out_size))
            offsets += nan * (offsets.dtype.type(k) - offsets)
    return best, offsets


def flat_indices(xp: Any, offsets: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                 width: int) -> Any:
    """PyTorch's returned indices: the position h·W + w of each maximum within its (H, W) plane."""
    oh, ow = offsets.shape[2:]
    i, j = offsets // kernel[1], offsets % kernel[1]
    rows = xp.arange(oh).reshape(oh, 1) * stride[0] - padding[0] + i.astype(np.int64) * dilation[0]
    cols = xp.arange(ow).reshape(1, ow) * stride[1] - padding[1] + j.astype(np.int64) * dilation[1]
    return rows * width + cols


def _batched(shape: tuple[int, ...]) -> tuple[int, ...]:
    """An unbatched (C, H, W) shape as (1, C, H, W): the ops compute on 4-D arrays."""
    return shape if len(shape) == 4 else (1, *shape)


class MaxPool2d(Op):
    """out = the maximum of each window (found by ``max_pool_forward``, outside the node, so that
    the indices can also be returned); grad_x = out_grad at each window's first maximum, 0 elsewhere
    (added up where windows overlap)."""
    torch_name = "MaxPool2DWithIndicesBackward0"

    def forward(self, x, *, values: Any, offsets: Any, geometry: tuple):
        self.save(x.shape, offsets, geometry)
        return values if x.ndim == 4 else values[0]

    def backward(self, out_grad):
        x_shape, offsets, (kernel, stride, padding, dilation, out_size, canvas) = self.saved
        xp = self.xp
        shape = _batched(x_shape)
        out_grad = out_grad.reshape(offsets.shape)
        # Windows that tile the canvas exactly (MaxPool2d(2) on an even size) write every entry
        # once; windows that do not overlap write each entry at most once: no zeros, no adds.
        spans = [dilation[a] * (kernel[a] - 1) + 1 for a in (0, 1)]
        apart = all(stride[a] >= spans[a] for a in (0, 1))
        tiled = apart and all(stride[a] == kernel[a] and dilation[a] == 1 and out_size[a] * stride[a] == canvas[a]
                              for a in (0, 1))
        fused = FUSED.get(xp)
        if apart and fused is not None and fused.takes(out_grad):  # CuPy: one kernel for every entry
            grad = fused.max_pool_backward(out_grad, offsets, kernel, stride, dilation, shape[:2] + tuple(canvas),
                                           zeroed=not tiled)
            return grad[:, :, padding[0]:padding[0] + shape[2], padding[1]:padding[1] + shape[3]].reshape(x_shape)
        grad = (xp.empty if tiled else xp.zeros)(shape[:2] + tuple(canvas), dtype=out_grad.dtype)
        for k in range(kernel[0] * kernel[1]):
            view = offset_view(grad, k // kernel[1], k % kernel[1], stride, dilation, out_size)
            if apart:
                xp.multiply(out_grad, offsets == k, out=view)
            else:
                view += out_grad * (offsets == k)
        return grad[:, :, padding[0]:padding[0] + shape[2], padding[1]:padding[1] + shape[3]].reshape(x_shape)


class AvgPool2d(Op):
    """out = (Σ over the window) / divisor, the divisor per output from ``avg_pool_divisor``;
    grad_x = Σ over the windows containing x of out_grad / divisor."""
    torch_name = "AvgPool2DBackward0"

    def forward(self, x, *, divisor: Any, geometry: tuple):
        kernel, stride, padding, dilation, out_size, canvas = geometry
        padded = pad_to(self.xp, x.reshape(_batched(x.shape)), padding, canvas, 0.0)
        total = offset_view(padded, 0, 0, stride, dilation, out_size).copy()
        for k in range(1, kernel[0] * kernel[1]):
            total += offset_view(padded, k // kernel[1], k % kernel[1], stride, dilation, out_size)
        self.save(x.shape, divisor, geometry)
        if x.dtype.kind == "f":
            out = total / divisor
        else:  # integers: PyTorch divides in integer arithmetic, truncating towards zero
            out = self.xp.fix(total / divisor).astype(x.dtype)
        return out if x.ndim == 4 else out[0]

    def backward(self, out_grad):
        x_shape, divisor, (kernel, stride, padding, dilation, out_size, canvas) = self.saved
        shape = _batched(x_shape)
        share = out_grad.reshape(shape[:2] + tuple(out_size)) / divisor
        grad = self.xp.zeros(shape[:2] + tuple(canvas), dtype=out_grad.dtype)
        for k in range(kernel[0] * kernel[1]):
            offset_view(grad, k // kernel[1], k % kernel[1], stride, dilation, out_size)[...] += share
        return grad[:, :, padding[0]:padding[0] + shape[2], padding[1]:padding[1] + shape[3]].reshape(x_shape)


def avg_pool_divisor(size: Pair, kernel: Pair, stride: Pair, padding: Pair, out_size: Pair,
                     count_include_pad: bool, divisor_override: int | None) -> np.ndarray:
    """PyTorch's divisor per output, an (OH, OW) array: the window size, counting padding (but not
    the part of a ceil_mode window that hangs past the padding) or only the real entries."""
    if divisor_override:
        return np.full(out_size, float(divisor_override))
    counts = []
    for axis in (0, 1):
        start = np.arange(out_size[axis]) * stride[axis] - padding[axis]
        end = np.minimum(start + kernel[axis], size[axis] + padding[axis])
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(np.minimum(end, size[axis]) - np.maximum(start, 0))
    return np.outer(counts[0], counts[1]).astype(np.float64)


def adaptive_windows(size: int, out: int) -> list[tuple[int, int]]:
    """[(start, end), ...]: output i covers [⌊i·size/out⌋, ⌈(i+1)·size/out⌉)."""
    return [((i * size) // out, -((-(i + 1) * size) // out)) for i in range(out)]


class AdaptiveAvgPool2d(Op):
    """out[oh, ow] = mean of x over rows R(oh) and columns C(ow) (PyTorch's uneven windows).

    The mean over a rectangle is a mean over its columns of the means over its rows, so the pool
    runs in two passes, one per axis (OH + OW slices, not OH·OW). Backward likewise:
    grad_x[h, w] = Σ over the windows containing (h, w) of out_grad / (|R| · |C|).
    """
    torch_name = "AdaptiveAvgPool2DBackward0"

    def forward(self, x, *, out_size: Pair):
        xp = self.xp
        rows, cols = adaptive_windows(x.shape[-2], out_size[0]), adaptive_windows(x.shape[-1], out_size[1])
        self.save(x.shape, rows, cols)
        along_w = xp.stack([x[..., a:b].mean(axis=-1) for a, b in cols], axis=-1)  # (N, C, H, OW)
        return xp.stack([along_w[..., a:b, :].mean(axis=-2) for a, b in rows], axis=-2)  # (N, C, OH, OW)

    def backward(self, out_grad):
        x_shape, rows, cols = self.saved
        xp = self.xp
        along_w = xp.zeros(x_shape[:-1] + (len(cols),), dtype=out_grad.dtype)
        for oh, (a, b) in enumerate(rows):
            along_w[..., a:b, :] += out_grad[..., oh:oh + 1, :] / (b - a)
        grad = xp.zeros(x_shape, dtype=out_grad.dtype)
        for ow, (a, b) in enumerate(cols):
            grad[..., a:b] += along_w[..., ow:ow + 1] / (b - a)
        return grad


def adaptive_max_forward(xp: Any, x: Any, out_size: Pair) -> tuple[Any, Any]:
    """(values, indices h·W + w) of each adaptive window's first maximum in row-major order.

    Two passes: the first maximum of each row segment (per column window), then the first row whose
    segment maximum is the window's maximum — together the row-major first maximum."""
    n, c, h, w = x.shape
    rows, cols = adaptive_windows(h, out_size[0]), adaptive_windows(w, out_size[1])
    col_values, col_index = [], []
    for a, b in cols:
        segment = x[..., a:b]
        where = segment.argmax(axis=-1)
        col_index.append(where + a)
        col_values.append(xp.take_along_axis(segment, where[..., None], axis=-1)[..., 0])
    along_w, along_w_index = xp.stack(col_values, axis=-1), xp.stack(col_index, axis=-1)  # (N, C, H, OW)
    values, indices = [], []
    for a, b in rows:
        segment = along_w[:, :, a:b]
        where = segment.argmax(axis=2)[:, :, None]
        values.append(xp.take_along_axis(segment, where, axis=2)[:, :, 0])
        column = xp.take_along_axis(along_w_index[:, :, a:b], where, axis=2)[:, :, 0]
        indices.append((where[:, :, 0] + a) * w + column)
    return xp.stack(values, axis=2), xp.stack(indices, axis=2).astype(np.int64)


class IndexedMax(Op):
    """out = x at the given flat positions of each (H, W) plane (``adaptive_max_pool2d``);
    grad_x = out_grad added at those positions (windows may overlap, so repeats accumulate)."""
    torch_name = "AdaptiveMaxPool2DBackward0"

    def forward(self, x, *, values: Any, indices: Any):
        self.save(x.shape, indices)
        return values

    def backward(self, out_grad):
        x_shape, indices = self.saved
        planes = indices.size // (indices.shape[-1] * indices.shape[-2])
        grad = self.xp.zeros((planes, x_shape[-2] * x_shape[-1]), dtype=out_grad.dtype)
        rows = self.xp.arange(planes).reshape(-1, 1)
        scatter_add(self.xp, grad, (rows, indices.reshape(planes, -1)), out_grad.reshape(planes, -1))
        return grad.reshape(x_shape)


class MaxUnpool2d(Op):
    """out = zeros with x placed at the flat positions ``indices`` of each (H_out, W_out) plane;
    grad_x = out_grad read back at those positions."""
    torch_name = "MaxUnpool2DBackward0"

    def forward(self, x, *, indices: Any, out_size: Pair):
        xp = self.xp
        n, c = x.shape[:2]
        flat = indices.reshape(n * c, -1)
        planes = xp.arange(n * c).reshape(-1, 1)
        out = xp.zeros((n * c, out_size[0] * out_size[1]), dtype=x.dtype)
        out[planes, flat] = x.reshape(n * c, -1)
        self.save(x.shape, planes, flat)
        return out.reshape(n, c, *out_size)

    def backward(self, out_grad):
        x_shape, planes, flat = self.saved
        n, c = x_shape[:2]
        return out_grad.reshape(n * c, -1)[planes, flat].reshape(x_shape)
