"""Ops that reorder or window elements: flip, roll, and ``Tensor.unfold``'s sliding windows.

Each backward undoes the reordering on the gradient (flip it back, roll it back), or, for the
overlapping windows of unfold, adds every window's gradient back where it was read.
"""
from __future__ import annotations

from ..autograd import Op
from ..backend import scatter_add


class Flip(Op):
    """out = a reversed along dims;  grad_a = out_grad reversed along the same dims"""
    torch_name = "FlipBackward0"

    def forward(self, a, dims: tuple[int, ...]):
        self.save(dims)
        return self.xp.flip(a, dims).copy()

    def backward(self, out_grad):
        (dims,) = self.saved
        return self.xp.flip(out_grad, dims)


class Roll(Op):
    """out = a shifted cyclically by ``shifts`` along ``dims`` (flattened when dims is None);
    grad_a = out_grad shifted back"""
    torch_name = "RollBackward0"

    def forward(self, a, shifts: tuple[int, ...], dims: tuple[int, ...] | None):
        self.save(a.shape, shifts, dims)
        if dims is None:
            return self.xp.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
        return self.xp.roll(a, shifts, dims)

    def backward(self, out_grad):
        shape, shifts, dims = self.saved
        back = tuple(-s for s in shifts)
        if dims is None:
            return self.xp.roll(out_grad.reshape(-1), back[0]).reshape(shape)
        return self.xp.roll(out_grad, back, dims)


class Unfold(Op):
    """``Tensor.unfold(dim, size, step)``: out[..., w, ..., i] = a[..., w·step + i, ...], the
    windows along ``dim`` with the window's own axis last;  windows may overlap, so the gradient
    of each element is the sum over every window that read it (a scatter-add)"""
    torch_name = "UnfoldBackward0"

    def forward(self, a, dim: int, size: int, step: int):
        xp = self.xp
        count = (a.shape[dim] - size) // step + 1
        positions = xp.arange(count)[:, None] * step + xp.arange(size)[None, :]
        self.save(a.shape, a.dtype, dim, positions)
        return xp.moveaxis(xp.take(a, positions, axis=dim), dim + 1, -1)

    def backward(self, out_grad):
        shape, dtype, dim, positions = self.saved
        xp = self.xp
        grad = xp.zeros(shape, dtype=dtype)
        index = (slice(None),) * dim + (positions,)
        scatter_add(xp, grad, index, xp.moveaxis(out_grad, -1, dim + 1))
        return grad
