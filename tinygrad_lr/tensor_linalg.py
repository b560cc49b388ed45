"""Linear-algebra Tensor methods: norms, distances, diagonals and triangles, outer and Kronecker
products, cross products, ``mv``/``addmm``/``addmv``/``addbmm``/``baddbmm``, determinant and
inverse. Mixed into ``Tensor``; the ops are in ``ops/linalg_extra.py``.

Products with a scaled input (addmm = β·input + α·(m1 @ m2)) are composed from the core ops, so
their gradients are the core ops' gradients; the last node gets PyTorch's grad_fn name.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .ops import linalg_extra as X
from .shapes import _normalize_dim, _normalize_dims
from .tensor_extra import _renamed

if TYPE_CHECKING:
    from .tensor import Tensor


def vector_norm(x: "Tensor", ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
    """(Σ |x|^ord)^(1/ord) over ``dim`` (all elements when None); ord may be inf, -inf or 0."""
    if dtype is not None:
        x = x.to(dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_c_name(x)}")
    dims = _normalize_dims(dim, x.ndim)
    if x.ndim == 0:
        return X.VectorNorm.apply(x.reshape(1), ord=float(ord), dims=(0,), keepdim=False)
    return X.VectorNorm.apply(x, ord=float(ord), dims=dims, keepdim=keepdim)


def matrix_norm(a: "Tensor", ord: Any = "fro", dim: tuple[int, int] = (-2, -1), keepdim: bool = False,
                *, dtype: Any = None) -> "Tensor":
    """'fro' (√Σ a²), 'nuc' (Σ σ), 2 / -2 (largest / smallest σ), 1 / -1 (max / min column sum of
    |a|), inf / -inf (max / min row sum)."""
    if dtype is not None:
        a = a.to(dtype)
    if a.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    rows, cols = (_normalize_dim(d, a.ndim) for d in dim)
    if ord == "fro":
        return vector_norm(a, 2, (rows, cols), keepdim)
    if ord in (1, -1, math.inf, -math.inf):
        sums = a.abs().sum(dim=rows if ord in (1, -1) else cols, keepdim=True)
        largest = ord in (1, math.inf)
        out = sums.amax((rows, cols), keepdim) if largest else sums.amin((rows, cols), keepdim)
        return _renamed(out, "AmaxBackward0" if largest else "AminBackward0")
    if ord not in ("nuc", 2, -2):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    from .linalg import svdvals
    values = svdvals(a.movedim((rows, cols), (-2, -1)))
    if ord == "nuc":
        out = _renamed(values.sum(-1), "SumBackward1")
    else:
        out = _renamed(values.amax(-1) if ord == 2 else values.amin(-1), "AmaxBackward0" if ord == 2 else "AminBackward0")
    if keepdim:  # back where the two dims were, as size-1 dims
        out = out.reshape(*out.shape, 1, 1).movedim((-2, -1), (rows, cols))
    return out


def _c_name(t: "Tensor") -> str:
    from .tensor_math import _c_name as name
    return name(t.dtype)


class LinalgMethods:
    """Norms, diagonals, products, as Tensor methods."""

    __slots__ = ()

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        """``torch.norm``: a vector norm over ``dim`` (all elements when None); 'fro' is the 2-norm,
        'nuc' the nuclear norm of a matrix."""
        if p == "nuc":
            return matrix_norm(self, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
        if isinstance(p, str) and p != "fro":
            raise RuntimeError(f"norm(): unsupported norm type {p!r}")
        return vector_norm(self, 2 if p == "fro" or p is None else p, dim, keepdim, dtype=dtype)

    def dist(self, other: "Tensor", p: float = 2) -> "Tensor":
        a, b = self._operands(other)
        return _renamed(vector_norm(a - b, p), "DistBackward0")

    # ------------------------------------------------------------------- diagonals, triangles
    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        d1, d2 = _normalize_dim(dim1, self.ndim), _normalize_dim(dim2, self.ndim)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return X.Diagonal.apply(self, offset=offset, dim1=d1, dim2=d2)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> "Tensor":
        d1, d2 = _normalize_dim(dim1, self.ndim + 1), _normalize_dim(dim2, self.ndim + 1)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return X.DiagEmbed.apply(self, offset=offset, dim1=d1, dim2=d2)

    def diag(self, diagonal: int = 0) -> "Tensor":
        if self.ndim == 1:
            return X.DiagEmbed.apply(self, offset=diagonal, dim1=0, dim2=1)
        if self.ndim == 2:
            return _renamed(self.diagonal(diagonal).clone(), "DiagonalBackward0_copy")  # a copy, not a view
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{self.ndim}D")

    def trace(self) -> "Tensor":
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        return _renamed(self.diagonal().sum(), "TraceBackward0")

    def tril(self, diagonal: int = 0) -> "Tensor":
        if self.ndim < 2:
            raise RuntimeError("tril: input tensor must have at least 2 dimensions")
        return X.Tril.apply(self, diagonal=diagonal)

    def triu(self, diagonal: int = 0) -> "Tensor":
        if self.ndim < 2:
            raise RuntimeError("triu: input tensor must have at least 2 dimensions")
        return X.Triu.apply(self, diagonal=diagonal)

    # ------------------------------------------------------------------------------ products
    def outer(self, vec2: "Tensor") -> "Tensor":
        if self.ndim != 1 or vec2.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument self, but got {self.ndim}-D" if self.ndim != 1
                               else f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
        return self.reshape(-1, 1) * vec2

    ger = outer

    def inner(self, other: "Tensor") -> "Tensor":
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        return _renamed(_inner(self, other), "ViewBackward0")  # PyTorch's is a tensordot, then a view

    def mv(self, vec: "Tensor") -> "Tensor":
        if self.ndim != 2 or vec.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got 1, {self.ndim}, {vec.ndim}")
        return self.matmul(vec)

    def bmm(self, mat2: "Tensor") -> "Tensor":
        if self.ndim != 3 or mat2.ndim != 3:
            raise RuntimeError("batch1 must be a 3D tensor" if self.ndim != 3 else "batch2 must be a 3D tensor")
        (batch, _, inner), (batch2, inner2, _) = self.shape, mat2.shape
        if (batch2, inner2) != (batch, inner):  # bmm never broadcasts the batch (matmul would)
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {inner}] "
                               f"but got: [{batch2}, {inner2}].")
        return _renamed(self.matmul(mat2), "BmmBackward0")

    def _scaled_sum(self, product: "Tensor", beta: Any, alpha: Any, name: str) -> "Tensor":
        scaled = product if alpha == 1 else product * alpha
        base = self if beta == 1 else self * beta
        return _renamed(base + scaled, name)

    def addmm(self, mat1: "Tensor", mat2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """β·self + α·(mat1 @ mat2)"""
        return self._scaled_sum(mat1.mm(mat2), beta, alpha, "AddmmBackward0")

    def addmv(self, mat: "Tensor", vec: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """β·self + α·(mat @ vec)"""
        return self._scaled_sum(mat.mv(vec), beta, alpha, "AddmvBackward0")

    def addbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """β·self + α·Σ_b batch1[b] @ batch2[b]"""
        return self._scaled_sum(batch1.bmm(batch2).sum(0), beta, alpha, "AddbmmBackward0")

    def baddbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """β·self + α·(batch1 @ batch2), batch by batch"""
        return self._scaled_sum(batch1.bmm(batch2), beta, alpha, "BaddbmmBackward0")

    def kron(self, other: "Tensor") -> "Tensor":
        """Kronecker product: out[i·m + k, j·n + l] = a[i, j] · b[k, l] (and likewise in n dims)."""
        ndim = max(self.ndim, other.ndim)
        a = self.reshape(*([1] * (ndim - self.ndim)), *self.shape)
        b = other.reshape(*([1] * (ndim - other.ndim)), *other.shape)
        a_shape = [n for s in a.shape for n in (s, 1)]
        b_shape = [n for s in b.shape for n in (1, s)]
        product = a.reshape(a_shape) * b.reshape(b_shape)
        return _renamed(product.reshape([x * y for x, y in zip(a.shape, b.shape)]), "UnsafeViewBackward0")

    def cross(self, other: "Tensor", dim: int | None = None) -> "Tensor":
        """The cross product along ``dim`` (the first dimension of size 3 when None, as
        ``torch.cross`` does; ``torch.linalg.cross`` defaults to the last)."""
        if dim is None:
            shape = _broadcast(self, other)
            dim = next((i for i, n in enumerate(shape) if n == 3), None)
            if dim is None:
                raise RuntimeError("no dimension of size 3 in input")
        a, b = self._operands(other)
        d = _normalize_dim(dim, max(a.ndim, b.ndim))
        if _broadcast(a, b)[d] != 3:
            raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                               f"{a.shape[d] if a.ndim > d else 1} and {b.shape[d] if b.ndim > d else 1}")
        return X.Cross.apply(a, b, dim=d - max(a.ndim, b.ndim))

    # ---------------------------------------------------------------------- matrix functions
    def det(self) -> "Tensor":
        from .linalg import det
        return det(self)

    def inverse(self) -> "Tensor":
        from .linalg import inv
        return inv(self)


def _broadcast(a: "Tensor", b: "Tensor") -> tuple[int, ...]:
    import numpy as np
    return tuple(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))


def _inner(a: "Tensor", b: "Tensor") -> "Tensor":
    """Σ over the last axes: a[..., k] · b[..., k] for every pair of leading positions."""
    return a.reshape(*a.shape[:-1], *([1] * (b.ndim - 1)), a.shape[-1]).mul(b).sum(-1)
