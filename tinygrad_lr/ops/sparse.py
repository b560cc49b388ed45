"""Embedding lookup: rows of a weight matrix picked by integer indices.

out[..., :] = W[index[...], :];  grad_W[k] = Σ of out_grad over the positions whose index is k,
a scatter-add (an index used twice gets both gradients), with two of PyTorch's options:
``padding_idx`` (that row's gradient is zero: the padding vector stays as it is) and
``scale_grad_by_freq`` (each contribution divided by how often its index occurs in the batch).
"""
from __future__ import annotations

from ..autograd import Op
from ..backend import scatter_add


class Embedding(Op):
    torch_name = "EmbeddingBackward0"

    def forward(self, weight, indices, padding_idx: int = -1, scale_grad_by_freq: bool = False):
        self.save(weight.shape, indices, padding_idx, scale_grad_by_freq)
        return self.xp.take(weight, indices, axis=0)

    def backward(self, out_grad):
        shape, indices, padding_idx, scale_grad_by_freq = self.saved
        xp = self.xp
        rows = indices.reshape(-1)
        g = out_grad.reshape(rows.shape[0], shape[1])
        if scale_grad_by_freq:
            counts = xp.bincount(rows, minlength=shape[0])
            g = g / counts[rows][:, None].astype(g.dtype)
        grad = xp.zeros(shape, dtype=out_grad.dtype)
        scatter_add(xp, grad, rows, g)
        if padding_idx >= 0:
            grad[padding_idx] = 0
        return grad
