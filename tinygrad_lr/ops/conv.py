"""Convolutions as im2col + one matrix product, and col2im for the way back.

A convolution (PyTorch's, which is a cross-correlation) with weight W of shape (O, C/G, kh, kw)
and G groups computes, for every output position p = (oh, ow),

    out[n, o, p] = b[o] + Σ_{c, i, j} W[o, c, i, j] · x[n, g·C/G + c, oh·sh + i·dh, ow·sw + j·dw]

(g is o's group). im2col lays every window out as a column: cols[n, g, (c, i, j), p] is the
input value that W[·, c, i, j] meets at output position p. The windows are a *strided view* of
the (zero-padded) input — no copy, just strides — and one reshape copies them into a matrix, so
the whole convolution is one matrix product per group, ``out = W_g @ cols``. Its gradients are
products with the same matrix:

    grad_W = Σ_n out_grad[n] @ cols[n]ᵀ          grad_b = Σ over n and p of out_grad
    grad_cols = W_gᵀ @ out_grad,   grad_x = col2im(grad_cols)

col2im puts each column entry back where im2col took it from, *adding* where windows overlap:
one strided add per kernel offset (i, j). A transposed convolution (``conv_transpose2d``) is the
gradient of a convolution with respect to its input, so its forward is col2im and its backward
is im2col. Both ops work on 4-D arrays; a 1-D convolution is a 2-D one with a height of 1.

Memory: the column matrix is kh·kw times the input. When it would exceed ``CHUNK_BYTES`` the batch
is processed in chunks, and the backward rebuilds each chunk's columns instead of keeping them.
"""
from __future__ import annotations

from typing import Any

from ..autograd import Op

CHUNK_BYTES = 256 * 2**20  # no single temporary larger than this

Pair = tuple[int, int]


def window_view(xp: Any, x: Any, kernel: Pair, stride: Pair, dilation: Pair, out_size: Pair) -> Any:
    """The view v of shape (N, C, kh, kw, OH, OW) with v[n, c, i, j, oh, ow] = x[n, c, oh·sh + i·dh,
    ow·sw + j·dw]: every window of ``x`` without copying anything."""
    n, c = x.shape[:2]
    s_n, s_c, s_h, s_w = x.strides
    shape = (n, c, kernel[0], kernel[1], out_size[0], out_size[1])
    strides = (s_n, s_c, dilation[0] * s_h, dilation[1] * s_w, stride[0] * s_h, stride[1] * s_w)
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


def im2col(xp: Any, x: Any, kernel: Pair, stride: Pair, dilation: Pair, out_size: Pair, groups: int) -> Any:
    """cols of shape (N, G, C/G·kh·kw, OH·OW): the windows copied into one matrix per group (one pass)."""
    n, c = x.shape[:2]
    view = window_view(xp, x, kernel, stride, dilation, out_size)
    return view.reshape(n, groups, c // groups * kernel[0] * kernel[1], out_size[0] * out_size[1])


def col2im(xp: Any, cols_t: Any, canvas: Pair, stride: Pair, dilation: Pair) -> Any:
    """The inverse placement of im2col: returns (N, C, H, W) with every column entry added at the
    input position it came from. ``cols_t`` has shape (C, kh, kw, OH, OW, N): the batch is the
    last axis so that each of the kh·kw strided adds below runs over long contiguous rows (OW·N
    floats) instead of rows of OW; with the batch first, the adds took ~3x longer."""
    c, kh, kw, oh, ow, n = cols_t.shape
    out = xp.zeros((c, canvas[0], canvas[1], n), dtype=cols_t.dtype)
    for i in range(kh):
        rows = slice(i * dilation[0], i * dilation[0] + stride[0] * (oh - 1) + 1, stride[0])
        for j in range(kw):
            columns = slice(j * dilation[1], j * dilation[1] + stride[1] * (ow - 1) + 1, stride[1])
            out[:, rows, columns] += cols_t[:, i, j]
    return out.transpose(3, 0, 1, 2)


def zero_pad(xp: Any, x: Any, padding: tuple[Pair, Pair]) -> Any:
    """x with zeros added around its last two axes: padding = ((top, bottom), (left, right))."""
    (top, bottom), (left, right) = padding
    if not (top or bottom or left or right):
        return x
    n, c, h, w = x.shape
    out = xp.zeros((n, c, h + top + bottom, w + left + right), dtype=x.dtype)
    out[:, :, top:top + h, left:left + w] = x
    return out


def batch_chunks(n: int, bytes_per_sample: int) -> list[tuple[int, int]]:
    """[(start, stop), ...] covering range(n) so that each chunk's columns fit in CHUNK_BYTES."""
    size = max(1, CHUNK_BYTES // max(1, bytes_per_sample))
    return [(start, min(n, start + size)) for start in range(0, n, size)]


def _to_batch_last(xp: Any, a: Any, groups: int) -> Any:
    """(N, C, ...) -> (G, C/G, (...)·N), contiguous: the layout in which the products whose result
    col2im consumes give it its batch-last input."""
    n, c = a.shape[:2]
    moved = xp.ascontiguousarray(xp.moveaxis(a.reshape(n, c, -1), 0, -1))
    return moved.reshape(groups, c // groups, -1)


class Convolution(Op):
    """``conv1d``/``conv2d``: out = W ⋆ x + b (see the module docstring for the formula).

    With cols = im2col(x) and W_g the (O/G, C/G·kh·kw) matrix of group g:
    out = W_g @ cols;  grad_W = Σ_n out_grad[n] @ cols[n]ᵀ;  grad_b = Σ_{n,p} out_grad;
    grad_x = col2im(W_gᵀ @ out_grad), cropped to the unpadded input.
    """
    torch_name = "ConvolutionBackward0"

    def forward(self, x, weight, bias=None, *, stride: Pair, padding: tuple[Pair, Pair], dilation: Pair,
                groups: int, one_d: bool = False):
        xp = self.xp
        if one_d:  # (N, C, L) as (N, C, 1, L)
            x, weight = x[:, :, None, :], weight[:, :, None, :]
        padded = zero_pad(xp, x, padding)
        n = x.shape[0]
        out_channels, group_channels, kh, kw = weight.shape
        out_size = tuple((padded.shape[2 + a] - dilation[a] * ((kh, kw)[a] - 1) - 1) // stride[a] + 1 for a in (0, 1))
        w3 = weight.reshape(groups, out_channels // groups, -1)
        per_sample = w3.shape[0] * w3.shape[2] * out_size[0] * out_size[1] * x.itemsize
        chunks = batch_chunks(n, per_sample)
        geometry = ((kh, kw), stride, dilation, out_size, groups)
        if len(chunks) == 1:
            cols = im2col(xp, padded, *geometry)
            out = xp.matmul(w3, cols)
        else:
            cols = None
            out = xp.empty((n, groups, out_channels // groups, out_size[0] * out_size[1]), dtype=x.dtype)
            for start, stop in chunks:
                out[start:stop] = xp.matmul(w3, im2col(xp, padded[start:stop], *geometry))
        out = out.reshape(n, out_channels, *out_size)
        if bias is not None:
            out += bias[:, None, None]
        self.save(padded if cols is None else None, cols, weight, x.shape, padding, geometry, chunks, one_d)
        return out[:, :, 0] if one_d else out

    def backward(self, out_grad):
        padded, cols, weight, x_shape, padding, geometry, chunks, one_d = self.saved
        xp = self.xp
        kernel, stride, dilation, out_size, groups = geometry
        if one_d:
            out_grad = out_grad[:, :, None, :]
        n, out_channels = out_grad.shape[:2]
        g = out_grad.reshape(n, groups, out_channels // groups, -1)
        w3 = weight.reshape(groups, out_channels // groups, -1)
        needs_x, needs_w = self.needs_grad[0], self.needs_grad[1]
        grad_x = grad_w = grad_b = None
        if needs_x:
            (top, bottom), (left, right) = padding
            canvas = (x_shape[2] + top + bottom, x_shape[3] + left + right)
            grad_x = xp.empty(x_shape, dtype=out_grad.dtype)
        for start, stop in chunks:
            chunk_cols = cols if cols is not None else im2col(xp, padded[start:stop], *geometry)
            g_chunk = g[start:stop]
            if needs_w:
                part = xp.matmul(g_chunk, chunk_cols.swapaxes(-1, -2)).sum(axis=0)
                grad_w = part if grad_w is None else grad_w + part
            if needs_x:
                cols_t = xp.matmul(w3.swapaxes(-1, -2), _to_batch_last(xp, out_grad[start:stop], groups))
                cols_t = cols_t.reshape(x_shape[1], *kernel, *out_size, stop - start)
                full = col2im(xp, cols_t, canvas, stride, dilation)
                grad_x[start:stop] = full[:, :, top:canvas[0] - bottom, left:canvas[1] - right]
        if needs_w:
            grad_w = grad_w.reshape(weight.shape)
        if len(self.needs_grad) > 2 and self.needs_grad[2]:
            grad_b = out_grad.sum(axis=(0, 2, 3))
        if one_d:
            grad_x = None if grad_x is None else grad_x[:, :, 0]
            grad_w = None if grad_w is None else grad_w[:, :, 0]
        return grad_x, grad_w, grad_b


class ConvolutionTranspose(Op):
    """``conv_transpose2d``: the gradient of a convolution with respect to its input, used forward.

    W has shape (C_in, C_out/G, kh, kw). Each input value spreads a copy of its kernel, scaled by
    it, onto the output: out = col2im(W_gᵀ @ x) cropped by ``padding`` (plus ``output_padding``
    extra rows/columns at the end), + b. Backward, with gcols = im2col(out_grad padded back):
    grad_x = W_g @ gcols;  grad_W = Σ_n x[n] @ gcols[n]ᵀ;  grad_b = Σ_{n,p} out_grad.
    """
    torch_name = "ConvolutionBackward0"

    def forward(self, x, weight, bias=None, *, stride: Pair, padding: Pair, output_padding: Pair,
                dilation: Pair, groups: int):
        xp = self.xp
        n, in_channels, h, w = x.shape
        kh, kw = weight.shape[2:]
        out_channels = weight.shape[1] * groups
        w3 = weight.reshape(groups, in_channels // groups, -1)
        canvas = tuple((size - 1) * stride[a] + dilation[a] * (k - 1) + 1 + output_padding[a]
                       for a, (size, k) in enumerate(((h, kh), (w, kw))))
        crop = (slice(None), slice(None), slice(padding[0], canvas[0] - padding[0]),
                slice(padding[1], canvas[1] - padding[1]))
        chunks = batch_chunks(n, out_channels * kh * kw * h * w * x.itemsize)
        out = xp.empty((n, out_channels, canvas[0] - 2 * padding[0], canvas[1] - 2 * padding[1]), dtype=x.dtype)
        for start, stop in chunks:
            cols_t = xp.matmul(w3.swapaxes(-1, -2), _to_batch_last(xp, x[start:stop], groups))
            cols_t = cols_t.reshape(out_channels, kh, kw, h, w, stop - start)
            out[start:stop] = col2im(xp, cols_t, canvas, stride, dilation)[crop]
        if bias is not None:
            out += bias[:, None, None]
        self.save(x, weight, ((kh, kw), stride, dilation, (h, w), groups), crop, canvas, chunks)
        return out

    def backward(self, out_grad):
        x, weight, geometry, crop, canvas, chunks = self.saved
        xp = self.xp
        groups = geometry[-1]
        n, in_channels = x.shape[:2]
        w3 = weight.reshape(groups, in_channels // groups, -1)
        x4 = x.reshape(n, groups, in_channels // groups, -1)
        grad_x = xp.empty(x.shape, dtype=x.dtype) if self.needs_grad[0] else None
        grad_w = grad_b = None
        for start, stop in chunks:  # the columns of out_grad, as many samples at a time as fit
            padded = xp.zeros((stop - start, out_grad.shape[1], *canvas), dtype=out_grad.dtype)
            padded[crop] = out_grad[start:stop]
            gcols = im2col(xp, padded, *geometry)
            if grad_x is not None:
                grad_x[start:stop] = xp.matmul(w3, gcols).reshape(grad_x[start:stop].shape)
            if self.needs_grad[1]:
                part = xp.matmul(x4[start:stop], gcols.swapaxes(-1, -2)).sum(axis=0)
                grad_w = part if grad_w is None else grad_w + part
        if grad_w is not None:
            grad_w = grad_w.reshape(weight.shape)
        if len(self.needs_grad) > 2 and self.needs_grad[2]:
            grad_b = out_grad.sum(axis=(0, 2, 3))
        return grad_x, grad_w, grad_b


class Unfold(Op):
    """``F.unfold``: out[n, (c, i, j), p] = x[n, c, window p shifted by (i, j)] — im2col itself.
    grad_x = col2im(out_grad)."""
    torch_name = "Im2ColBackward0"

    def forward(self, x, *, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair):
        xp = self.xp
        pad = ((padding[0], padding[0]), (padding[1], padding[1]))
        padded = zero_pad(xp, x, pad)
        out_size = tuple((padded.shape[2 + a] - dilation[a] * (kernel[a] - 1) - 1) // stride[a] + 1 for a in (0, 1))
        self.save(x.shape, kernel, stride, padding, dilation, out_size, padded.shape[2:])
        cols = im2col(xp, padded, kernel, stride, dilation, out_size, 1)
        return cols.reshape(x.shape[0], -1, out_size[0] * out_size[1])

    def backward(self, out_grad):
        x_shape, kernel, stride, padding, dilation, out_size, canvas = self.saved
        n, c = x_shape[:2]
        cols_t = self.xp.moveaxis(out_grad.reshape(n, c, *kernel, *out_size), 0, -1)
        full = col2im(self.xp, cols_t, canvas, stride, dilation)
        return full[:, :, padding[0]:canvas[0] - padding[0], padding[1]:canvas[1] - padding[1]]


class Fold(Op):
    """``F.fold``: the sum of sliding blocks back into an image — col2im itself.
    grad_cols = im2col(out_grad)."""
    torch_name = "Col2ImBackward0"

    def forward(self, cols, *, output_size: Pair, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                blocks: Pair):
        xp = self.xp
        n = cols.shape[0]
        c = cols.shape[1] // (kernel[0] * kernel[1])
        canvas = (output_size[0] + 2 * padding[0], output_size[1] + 2 * padding[1])
        self.save(kernel, stride, padding, dilation, blocks, canvas)
        cols_t = xp.moveaxis(cols.reshape(n, c, *kernel, *blocks), 0, -1)
        full = col2im(xp, cols_t, canvas, stride, dilation)
        return xp.ascontiguousarray(full[:, :, padding[0]:canvas[0] - padding[0], padding[1]:canvas[1] - padding[1]])

    def backward(self, out_grad):
        kernel, stride, padding, dilation, blocks, canvas = self.saved
        padded = zero_pad(self.xp, out_grad, ((padding[0], padding[0]), (padding[1], padding[1])))
        n = out_grad.shape[0]
        return im2col(self.xp, padded, kernel, stride, dilation, blocks, 1).reshape(n, -1, blocks[0] * blocks[1])
