"""Ops that move values around without changing them: reshape, transpose, indexing, cat, casts.

Their backward routes each output gradient back to the position it came from.
"""
from __future__ import annotations

from typing import Any

from ..autograd import Op
from ..backend import move, reshape_view, scatter_add


class Reshape(Op):
    """out = a with a new shape;  grad_a = out_grad reshaped back"""
    torch_name = "ViewBackward0"
    is_view = True  # when NumPy could reshape without a copy (checked by inplace.link_view)

    def forward(self, a, shape: tuple[int, ...], view: bool = False):
        self.save(a.shape)
        return reshape_view(a, shape) if view else a.reshape(shape)

    def backward(self, out_grad):
        (shape,) = self.saved
        return out_grad.reshape(shape)


class Unsqueeze(Reshape):
    torch_name = "UnsqueezeBackward0"


class Squeeze(Reshape):
    torch_name = "SqueezeBackward1"


class Permute(Op):
    """out = a with its axes reordered;  grad_a = out_grad with the inverse order"""
    torch_name = "PermuteBackward0"
    is_view = True

    def forward(self, a, dims: tuple[int, ...]):
        self.save(dims)
        return a.transpose(dims)

    def backward(self, out_grad):
        (dims,) = self.saved
        inverse = [0] * len(dims)
        for position, d in enumerate(dims):
            inverse[d] = position
        return out_grad.transpose(inverse)


class Transpose(Op):
    """out = a with two axes swapped;  grad_a = out_grad with them swapped back"""
    torch_name = "TransposeBackward0"
    is_view = True

    def forward(self, a, dim0: int, dim1: int):
        self.save(dim0, dim1)
        return self.xp.swapaxes(a, dim0, dim1)

    def backward(self, out_grad):
        dim0, dim1 = self.saved
        return self.xp.swapaxes(out_grad, dim0, dim1)


class T(Transpose):
    torch_name = "TBackward0"


class Expand(Op):
    """out = a broadcast to a larger shape (a view);  grad_a = out_grad summed back by the engine"""
    torch_name = "ExpandBackward0"
    is_view = True

    def forward(self, a, shape: tuple[int, ...]):
        return self.xp.broadcast_to(a, shape)

    def backward(self, out_grad):
        return out_grad


class Index(Op):
    """out = a[index];  grad_a = zeros with out_grad added at the indexed positions.

    Repeated integer indices (``x[[0, 0]]``) read one position twice, so its gradient must be the
    sum of both: that needs an unbuffered scatter-add, not ``grad[index] += out_grad``.
    """
    torch_name = "IndexBackward0"
    is_view = True  # basic indexing gives a view; advanced indexing copies (link_view tells them apart)

    def forward(self, a, index: Any, advanced: bool):
        self.save(a.shape, a.dtype, index, advanced)
        out = a[index]
        if type(out) is not type(a) and not advanced:  # NumPy gives a scalar for x[0, 1]: a 0-d view instead
            out = a[(*index, Ellipsis) if type(index) is tuple else (index, Ellipsis)]
        return out

    def backward(self, out_grad):
        shape, dtype, index, advanced = self.saved
        grad = self.xp.zeros(shape, dtype=dtype)
        if advanced:
            scatter_add(self.xp, grad, index, out_grad)
        else:
            grad[index] = out_grad  # basic indexing: every position at most once
        return grad


class Gather(Index):
    """``torch.gather``: out[i][j] = a[i][index[i][j]] along ``dim``; an Index op with the index
    spelled out for every axis."""
    torch_name = "GatherBackward0"
    is_view = False


class MaxAlongDim(Index):
    """``max(dim)``/``min(dim)`` values: the gradient goes to the one position each index names."""
    torch_name = "MaxBackward0"
    is_view = False


class Cat(Op):
    """out = the inputs joined along ``dim``;  each grad is its slice of out_grad"""
    torch_name = "CatBackward0"

    def forward(self, *arrays, dim: int):
        sizes = [a.shape[dim] for a in arrays]
        self.save(sizes, dim)
        return self.xp.concatenate(arrays, axis=dim)

    def backward(self, out_grad):
        sizes, dim = self.saved
        grads, start = [], 0
        for size in sizes:
            index = [slice(None)] * out_grad.ndim
            index[dim] = slice(start, start + size)
            grads.append(out_grad[tuple(index)])
            start += size
        return tuple(grads)


class Stack(Op):
    """out = the inputs stacked along a new axis ``dim``;  grad_i = out_grad[..., i, ...]"""
    torch_name = "StackBackward0"

    def forward(self, *arrays, dim: int):
        self.save(len(arrays), dim)
        return self.xp.stack(arrays, axis=dim)

    def backward(self, out_grad):
        count, dim = self.saved
        return tuple(self.xp.take(out_grad, i, axis=dim) for i in range(count))


class Cast(Op):
    """out = a converted to another dtype;  grad_a = out_grad converted back"""
    torch_name = "ToCopyBackward0"

    def forward(self, a, dtype: Any):
        self.save(a.dtype)
        return a.astype(dtype)

    def backward(self, out_grad):
        (dtype,) = self.saved
        return out_grad.astype(dtype)


class ToDevice(Op):
    """out = a copied to another device;  grad_a = out_grad copied back"""
    torch_name = "ToCopyBackward0"

    def forward(self, a, device: Any):
        from ..backend import device_of_array
        self.save(device_of_array(a))
        self.out_device = device
        return move(a, device)

    def backward(self, out_grad):
        (source,) = self.saved
        return move(out_grad, source)


class Clone(Op):
    """out = a copy of a;  grad_a = out_grad"""
    torch_name = "CloneBackward0"

    def forward(self, a):
        return a.copy()

    def backward(self, out_grad):
        return out_grad
