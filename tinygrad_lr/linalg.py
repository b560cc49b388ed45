"""``torch.linalg``: norms, inverse, determinant, solve, and decompositions.

``inv``, ``det``, ``solve``, ``svdvals``, ``pinv``, ``cholesky`` and the norms have backward passes
(the matrix calculus is in ``ops/linalg_extra.py`` and ``ops/binary_math.py``); a singular or
not positive-definite input raises ``LinAlgError`` with PyTorch's message. ``svd``, ``qr``, ``eigh`` and ``eigvalsh`` are forward only:
their results carry a node whose backward raises ``NotImplementedError`` (never a silently
missing gradient).
"""
from __future__ import annotations

import math
from typing import Any

from .ops import binary_math as B
from .ops import linalg_extra as X
from .tensor import Tensor
from .tensor_linalg import matrix_norm, vector_norm
from .tensor_sort import return_type

SlogdetResult = return_type("linalg_slogdet", ("sign", "logabsdet"))

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve", "svd", "svdvals", "qr",
           "eigh", "eigvalsh", "cross", "matmul", "diagonal", "pinv", "matrix_power", "cholesky", "multi_dot",
           "LinAlgError", "inv_ex", "cholesky_ex", "solve_ex", "solve_triangular", "lstsq", "matrix_rank", "cond",
           "vecdot", "vander"]


class LinAlgError(RuntimeError):
    """``torch.linalg.LinAlgError``: a singular or not positive-definite input (a RuntimeError)."""


InvExResult = return_type("linalg_inv_ex", ("inverse", "info"))
CholeskyExResult = return_type("linalg_cholesky_ex", ("L", "info"))
SolveExResult = return_type("linalg_solve_ex", ("result", "info"))
LstsqResult = return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


def _first_zero_pivot(matrix: Any) -> int:
    """LAPACK getrf's ``info``: the 1-based position of the first exactly-zero pivot of an LU
    factorisation with partial pivoting (same steps as dgetf2: scale by the reciprocal pivot)."""
    import numpy as np
    a = np.array(matrix, dtype=np.float64)
    n = a.shape[0]
    found = 0
    for j in range(n):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        if a[p, j] == 0:
            found = found or j + 1
            continue
        a[[j, p]] = a[[p, j]]
        a[j + 1:, j] *= 1.0 / a[j, j]
        a[j + 1:, j + 1:] -= np.outer(a[j + 1:, j], a[j, j + 1:])
    return found


def _batch_prefix(A: Tensor, index: int) -> str:
    return f"(Batch element {index}): " if A.ndim > 2 else ""


def _failing(A: Tensor, test: Any) -> tuple[int, Any]:
    """The first batch element (and what ``test`` found there) that fails ``test``."""
    from .backend import CPU, move
    matrices = move(A._data, CPU).reshape(-1, *A.shape[-2:])
    for i, m in enumerate(matrices):
        found = test(m)
        if found:
            return i, found
    return 0, 0


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
    try:
        return X.Inverse.apply(A)
    except Exception as e:  # NumPy's LinAlgError: say which pivot vanished, as PyTorch does
        if type(e).__name__ != "LinAlgError":
            raise
        index, pivot = _failing(A, _first_zero_pivot)
        raise LinAlgError(f"linalg.inv: {_batch_prefix(A, index)}The diagonal element {pivot} is zero, the inversion "
                          "could not be completed because the input matrix is singular.") from None


def inv_ex(A: Tensor, *, check_errors: bool = False) -> Any:
    """(inverse, info): info is 0, or the first zero pivot of a singular matrix. When any matrix
    of the batch is singular, every inverse is NaN (PyTorch leaves the failing ones undefined)."""
    try:
        return InvExResult((inv(A), _info(A)))
    except LinAlgError:
        if check_errors:
            raise
        return InvExResult((A * math.nan, _info(A, _first_zero_pivot)))


def _info(A: Tensor, test: Any = None) -> Tensor:
    """LAPACK's ``info`` per matrix of the batch: 0, or what ``test`` finds for a failing one."""
    import numpy as np

    from .backend import CPU, move
    values = np.zeros(A.shape[:-2], dtype=np.int32)
    if test is not None:
        matrices = move(A._data, CPU).reshape(-1, *A.shape[-2:])
        values = np.array([test(m) for m in matrices], dtype=np.int32).reshape(A.shape[:-2])
    return Tensor._wrap(move(values, A.device), A.device)


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
    try:
        return X.Solve.apply(a, b, vector=vector)
    except Exception as e:
        if type(e).__name__ != "LinAlgError":
            raise
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False) -> Any:
    try:
        return SolveExResult((solve(A, B, left=left), _info(A)))
    except LinAlgError:
        if check_errors:
            raise
        return SolveExResult((B * math.nan, _info(A, _first_zero_pivot)))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False) -> Tensor:
    """X with A X = B for triangular A (X A = B when ``left=False``); only A's triangle is read,
    so its gradient is triangular too."""
    triangle = A.triu(1 if unitriangular else 0) if upper else A.tril(-1 if unitriangular else 0)
    if unitriangular:
        from .creation import eye
        triangle = triangle + eye(A.shape[-1], dtype=A.dtype, device=A.device)
    if left:
        out = solve(triangle, B)
    else:  # X A = B  <=>  Aᵀ Xᵀ = Bᵀ
        out = solve(triangle.mT, B.mT).mT
    return _named(out, "LinalgSolveTriangularBackward0")


def _named(t: Tensor, name: str) -> Tensor:
    if t.grad_fn is not None:
        t.grad_fn.torch_name = name
    return t


def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None) -> Any:
    """The least-squares solution X = A⁺ B (as the default "gelsy" driver gives for full-rank A)
    and the rank; residuals and singular values are empty, as gelsy leaves them."""
    if driver not in (None, "gelsy"):
        raise NotImplementedError(f"linalg.lstsq(driver={driver!r}) is not supported")
    vector = B.ndim == A.ndim - 1
    rhs = B.unsqueeze(-1) if vector else B
    solution = _named(pinv(A) @ rhs, "LinalgLstsqBackward0")
    empty = solution.new_zeros(0).detach()
    return LstsqResult((solution.squeeze(-1) if vector else solution, empty, matrix_rank(A), empty))


def matrix_rank(A: Tensor, *, atol: float | None = None, rtol: float | None = None, hermitian: bool = False) -> Tensor:
    """The number of singular values above max(atol, rtol · σ_max) (rtol defaults to eps · max(m, n))."""
    import numpy as np
    xp = A._xp
    values = xp.linalg.svd(A._data, compute_uv=False)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else float(xp.finfo(A._data.dtype).eps) * max(A.shape[-2:])
    tolerance = xp.maximum(atol or 0.0, rtol * values.max(axis=-1, initial=0.0))
    return Tensor._wrap((values > tolerance[..., None]).sum(axis=-1).astype(np.int64), A.device)


def cond(A: Tensor, p: Any = None) -> Tensor:
    """The condition number ‖A‖ ‖A⁻¹‖: σ_max / σ_min for p = None or 2 (σ_min / σ_max for −2)."""
    if p in (None, 2, -2):
        values = svdvals(A)
        ratio = values.amax(-1) / values.amin(-1) if p != -2 else values.amin(-1) / values.amax(-1)
        return _named(ratio, "SqueezeBackward1")  # PyTorch divides with a kept dim, then squeezes it
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Σ x·y along ``dim``."""
    return (x * y).sum(dim)


def vander(x: Tensor, *, N: int | None = None) -> Tensor:  # noqa: N803 - PyTorch's name
    """Powers x⁰, x¹, …, x^(N−1) along a new last dim (increasing, unlike torch.vander)."""
    from .creation import ones
    from .tensor_shape import cat
    n = x.shape[-1] if N is None else N
    first = ones(*x.shape, 1, dtype=x.dtype, device=x.device)
    if n == 1:
        return first
    powers = x.unsqueeze(-1).expand(*x.shape, n - 1).cumprod(-1)
    return cat([first, powers], dim=-1)


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
    try:
        return B.Cholesky.apply(A, upper=upper)
    except Exception as e:
        if type(e).__name__ != "LinAlgError":
            raise
        index, order = _failing(A, _first_non_positive_minor)
        raise LinAlgError(f"linalg.cholesky: {_batch_prefix(A, index)}The factorization could not be completed "
                          f"because the input is not positive-definite (the leading minor of order {order} is not "
                          "positive-definite).") from None


def _first_non_positive_minor(matrix: Any) -> int:
    """The order of the first leading minor whose Cholesky factorisation fails (0 if none)."""
    import numpy as np
    for k in range(1, matrix.shape[0] + 1):
        try:
            np.linalg.cholesky(matrix[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False) -> Any:
    try:
        return CholeskyExResult((cholesky(A, upper=upper), _info(A)))
    except LinAlgError:
        if check_errors:
            raise
        return CholeskyExResult((A * math.nan, _info(A, _first_non_positive_minor)))


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
