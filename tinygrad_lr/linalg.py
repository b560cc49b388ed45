"""``torch.linalg``: norms, inverse, determinant, solve, and decompositions.

``inv``, ``det``, ``solve``, ``svdvals`` and the norms have backward passes (the matrix calculus
is in ``ops/linalg_extra.py``). ``svd``, ``qr``, ``eigh`` and ``eigvalsh`` are forward only:
their results carry a node whose backward raises ``NotImplementedError`` (never a silently
missing gradient).
"""
from __future__ import annotations

from typing import Any

from .ops import binary_math as B
from .ops import linalg_extra as X
from .tensor import Tensor
from .tensor_linalg import matrix_norm, vector_norm
from .tensor_sort import return_type

SlogdetResult = return_type("linalg_slogdet", ("sign", "logabsdet"))

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve", "svd", "svdvals", "qr",
           "eigh", "eigvalsh", "cross", "matmul", "diagonal", "pinv", "matrix_power", "cholesky", "multi_dot"]


def _square(a: Tensor, name: str) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2] if a.ndim > 1 else 1} by {a.shape[-1] if a.ndim else 1} matrices")


def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The vector 2-norm of all elements without ``ord``/``dim``; else a vector norm (1-D input or
    an int dim) or a matrix norm (2-D input or a pair of dims), as ``torch.linalg.norm``."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    as_matrix = (dim is not None and len(dim) == 2) or (dim is None and A.ndim == 2)
    if isinstance(ord, str) or as_matrix:
        return matrix_norm(A, ord, (-2, -1) if dim is None else tuple(dim), keepdim, dtype=dtype)
    if dim is None and A.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def inv(A: Tensor) -> Tensor:
    _square(A, "inv")
    return X.Inverse.apply(A)


def det(A: Tensor) -> Tensor:
    _square(A, "det")
    return X.Det.apply(A)


def slogdet(A: Tensor) -> tuple[Tensor, Tensor]:
    """(sign, log|det|), without forming det (which over- or underflows for large matrices)."""
    _square(A, "slogdet")
    return SlogdetResult((X.SlogdetSign.apply(A), X.SlogdetLogAbs.apply(A)))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    if not left:
        raise NotImplementedError("linalg.solve(left=False) is not supported")
    _square(A, "solve")
    a, b = A._operands(B)
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and tuple(b.shape) == tuple(a.shape[:-1]))
    return X.Solve.apply(a, b, vector=vector)


def _forward_only(A: Tensor, values: Any, name: str) -> Tensor:
    return X.ForwardOnly.apply(A, values=values, name=name)


def svd(A: Tensor, full_matrices: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """U, S, Vh with A = U diag(S) Vh. Forward only (use ``svdvals`` for differentiable values)."""
    u, s, vh = A._xp.linalg.svd(A._data, full_matrices=full_matrices)
    return tuple(_forward_only(A, v, "LinalgSvdBackward0") for v in (u, s, vh))  # type: ignore[return-value]


def svdvals(A: Tensor) -> Tensor:
    return X.SvdVals.apply(A)


def qr(A: Tensor, mode: str = "reduced") -> tuple[Tensor, Tensor]:
    """Q, R with A = Q R. Forward only."""
    q, r = A._xp.linalg.qr(A._data, mode=mode)
    return tuple(_forward_only(A, v, "LinalgQrBackward0") for v in (q, r))  # type: ignore[return-value]


def eigh(A: Tensor, UPLO: str = "L") -> tuple[Tensor, Tensor]:
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix. Forward only."""
    values, vectors = A._xp.linalg.eigh(A._data, UPLO=UPLO)
    return tuple(_forward_only(A, v, "LinalgEighBackward0") for v in (values, vectors))  # type: ignore[return-value]


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    return eigh(A, UPLO)[0]


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:  # noqa: A002 - PyTorch's name
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    return input.cross(other, dim=dim)


def matmul(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    return input.matmul(other)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return A.diagonal(offset, dim1, dim2)


def pinv(A: Tensor, *, atol: float | None = None, rtol: float | None = None, hermitian: bool = False) -> Tensor:
    """The pseudo-inverse, singular values below rtol · σ_max treated as 0 (PyTorch's default rtol
    is eps · max(m, n))."""
    if atol is not None or hermitian:
        raise NotImplementedError("linalg.pinv(atol=..., hermitian=True) is not supported")
    if rtol is None:
        rtol = float(A._xp.finfo(A._data.dtype).eps) * max(A.shape[-2:])
    return X.Pinv.apply(A._float_input(), rtol=rtol)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """A @ A @ ... (n times; the identity for 0, powers of the inverse for n < 0), by squaring."""
    _square(A, "matrix_power")
    if n == 0:
        from .creation import eye
        return eye(A.shape[-1], dtype=A.dtype, device=A.device).expand(*A.shape)
    base = inv(A) if n < 0 else A
    result = None
    power = abs(n)
    while power:
        if power & 1:
            result = base if result is None else result @ base
        power >>= 1
        if power:
            base = base @ base
    return result


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """L with A = L Lᵀ (``upper``: U = Lᵀ with A = Uᵀ U)."""
    _square(A, "cholesky")
    return B.Cholesky.apply(A, upper=upper)


def multi_dot(tensors: list[Tensor]) -> Tensor:
    """A product of matrices (the first may be a row vector, the last a column vector), left to right."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    out = tensors[0]
    for t in tensors[1:]:
        out = out.matmul(t)
    if out.grad_fn is not None:
        out.grad_fn.torch_name = "ViewBackward0"
    return out
