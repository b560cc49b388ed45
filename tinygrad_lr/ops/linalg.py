"""Matrix products.

For out = A @ B with A (n, k) and B (k, m):  grad_A = out_grad @ Bᵀ  and  grad_B = Aᵀ @ out_grad.
``matmul`` follows NumPy/PyTorch's rules for the other cases: a 1-D operand is treated as a row
(left) or column (right) vector whose extra dimension is removed from the result, and leading
(batch) dimensions broadcast.
"""
from __future__ import annotations

import numpy as np

from .. import _blas
from ..autograd import Op, unbroadcast
from ..backend import sum_leading


def transposed_product(xp, a, b):
    """aᵀ @ b for 2-D ``a`` (n, k) and ``b`` (n, m): a weight gradient, Σ over the n rows of
    outer products. Which spelling is fastest depends on n (NumPy's OpenBLAS, one thread, 512×784):

    * n = 1: NumPy's matmul skips BLAS for an outer product (~6x slower); ``dot`` calls ``sgemm``
      with k = 1; ``ger`` on zeroed memory (``_blas.outer``) takes 105 µs where ``dot`` takes 124 µs
      (PyTorch: 52 µs).
    * n ≥ 2: ``aᵀ @ b`` (matmul) beats ``dot(aᵀ, b)`` on the transposed view: 2 rows 59 vs 94 µs,
      16 rows 156 vs 210 µs, 64 rows 422 vs 474 µs, equal from ~1,000 rows.

    All three give the same bits (each product is rounded once and summed in the same order)."""
    if xp is np:
        if a.shape[0] == 1:
            out = _blas.outer(a[0], b[0])
            if out is not None:
                return out
        elif a.shape[0] > 1:
            return a.T @ b
    return xp.dot(a.T, b)


def matmul_grad_fn_name(a_shape: tuple, b_shape: tuple, a_grad: bool, b_grad: bool) -> str:
    """The grad_fn PyTorch's ``matmul`` ends in, which depends on how ATen decomposes it.

    ATen (``_matmul_impl``): 1-D @ 1-D is ``dot``, 2-D @ 1-D ``mv``, 1-D @ 2-D a row ``mm`` squeezed
    in place, 2-D @ 2-D ``mm``. A 3-D @ 3-D product whose batch of one would broadcast drops that
    batch first when its operand requires grad. Otherwise the larger operand's batch is folded
    into an ``mm`` (or batches are broadcast into a ``bmm``) and the result is ``_unsafe_view``-ed
    back, except when a 2-D matrix that requires grad multiplies a batch from the left: then ATen
    folds ``bᵀ @ aᵀ`` and returns ``.mT().contiguous()`` of it, a copy unless a side is 1.
    """
    a_dim, b_dim = len(a_shape), len(b_shape)
    if a_dim == 1 and b_dim == 1:
        return "DotBackward0"
    if a_dim == 2 and b_dim == 1:
        return "MvBackward0"
    if a_dim == 1 and b_dim == 2:
        return "SqueezeBackward4"
    if a_dim == 2 and b_dim == 2:
        return "MmBackward0"
    if a_dim == 3 and b_dim == 3 and a_shape[0] != b_shape[0]:
        if a_shape[0] == 1 and a_grad:
            return matmul_grad_fn_name(a_shape[1:], b_shape, a_grad, b_grad)
        if b_shape[0] == 1 and b_grad:
            return matmul_grad_fn_name(a_shape, b_shape[1:], a_grad, b_grad)
    if a_dim == 2 and b_dim >= 3 and a_grad:  # folded as (bᵀ @ aᵀ)ᵀ
        rows, cols = a_shape[0], b_shape[-1]
        return "TransposeBackward0" if rows == 1 or cols == 1 else "CloneBackward0"
    return "UnsafeViewBackward0"


class MatMul(Op):
    """out = a @ b;  d/da = out_grad @ bᵀ, d/db = aᵀ @ out_grad (a 1-D operand as a row or column)"""
    torch_name = "MmBackward0"

    def forward(self, a, b):
        self.save(a, b)
        self.torch_name = matmul_grad_fn_name(a.shape, b.shape, *self.needs_grad)
        return self.xp.matmul(a, b)

    def backward(self, out_grad):
        a, b = self.saved
        xp = self.xp
        # Lift 1-D operands to matrices, and out_grad to the matching (..., n, m) shape.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g = out_grad  # restore b's removed column first: for 1-D @ 1-D, out_grad is 0-d
        if b.ndim == 1:
            g = xp.expand_dims(g, -1)
        if a.ndim == 1:
            g = xp.expand_dims(g, -2)
        grad_a = grad_b = None
        if self.needs_grad[0]:
            grad_a = unbroadcast(xp.matmul(g, xp.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if self.needs_grad[1]:
            if a.ndim == 2 and b.ndim == 2:
                # As in PyTorch, grad_b takes b's layout: for b = W.t() it is computed as (gᵀ a)ᵀ, so that W.grad
                # comes out row-major like W and ``W -= lr * W.grad`` does not walk it transposed.
                if b.flags.f_contiguous and not b.flags.c_contiguous:
                    grad_b = transposed_product(xp, g, a).T
                else:
                    grad_b = transposed_product(xp, a, g)
            else:
                grad_b = unbroadcast(xp.matmul(xp.swapaxes(a2, -1, -2), g), b2.shape).reshape(b.shape)
        return grad_a, grad_b


class Linear(Op):
    """out = x @ Wᵀ + b (``nn.functional.linear``), fused into one node.

    grad_x = out_grad @ W,  grad_W = out_gradᵀ @ x,  grad_b = Σ over rows of out_grad.
    One node instead of three (transpose, matmul, add) keeps the per-layer Python cost low.
    """
    torch_name = "AddmmBackward0"

    def forward(self, x, weight, bias=None):
        if x.ndim != 2:  # PyTorch folds other ranks into a matrix product, then views the result
            self.torch_name = ("SqueezeBackward4" if x.ndim == 1 else "UnsafeViewBackward0") if bias is None \
                else "ViewBackward0"
        elif bias is None:
            self.torch_name = "MmBackward0"
        self.save(x, weight)
        if (self.xp is np and x.ndim == 2 and 2 <= x.shape[0] <= 64 and weight.shape[0] >= 32
                and x.flags.c_contiguous and weight.flags.c_contiguous
                and (bias is None or (bias.dtype == x.dtype and bias.ndim <= 1))):
            # Fast path for a few rows: OpenBLAS' sgemm with a transposed right operand and 2-64
            # rows is slow (16x784 @ Wᵀ(784x512): 314 µs); (W xᵀ)ᵀ computes the same dot products
            # (bitwise equal results, checked for float32/float64 from 1 to 1,000 rows) in 174 µs,
            # with the copy to row-major (fused with the bias add). From ~128 rows the plain product
            # is as fast or faster (1,024 rows: 8.7 vs 11.2 ms), so it takes those. MLP step at
            # batch 16: -13% (A/B in one process).
            out = (weight @ x.T).T
            return np.ascontiguousarray(out) if bias is None else np.add(out, bias, order="C")
        out = x @ weight.T
        if bias is not None:
            out += bias  # out is a fresh array: adding in place saves a temporary
        return out

    def backward(self, out_grad):
        x, weight = self.saved
        xp = self.xp
        grad_x = out_grad @ weight if self.needs_grad[0] else None
        grad_w = grad_b = None
        if self.needs_grad[1]:
            # Flatten any leading batch dims: grad_W = Σ over all rows of out_gradᵀ x.
            g2 = out_grad.reshape(-1, out_grad.shape[-1])
            grad_w = transposed_product(xp, g2, x.reshape(-1, x.shape[-1]))
        if len(self.needs_grad) > 2 and self.needs_grad[2]:
            grad_b = sum_leading(out_grad, out_grad.ndim - 1)
        return grad_x, grad_w, grad_b
