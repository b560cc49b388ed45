"""Norms, diagonals and triangles, cross products, ``einsum``, and the matrix functions of
``torch.linalg`` (inverse, determinant, solve; SVD/QR/eigh forward only).

Matrix calculus used below (A square, X = A⁻¹, G = out_grad):
inverse: grad_A = -Xᵀ G Xᵀ;  determinant: grad_A = G · det(A) · A⁻ᵀ;
solve (X = A⁻¹ B): grad_B = A⁻ᵀ G,  grad_A = -grad_B Xᵀ.
"""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Op
from ..backend import strided_view
from .elementwise import _quiet


def _expand_reduced(xp: Any, grad: Any, dims: tuple[int, ...], keepdim: bool) -> Any:
    return grad if keepdim else xp.expand_dims(grad, dims)


class VectorNorm(Op):
    """out = (Σ |a|^p)^(1/p) over dims (p = ord);  d/da = sign(a) |a|^(p-1) / out^(p-1).

    Special orders: p = 2 gives a / out; p = 1 gives sign(a); p = ±inf is max/min |a|, whose
    gradient sign(a) is shared evenly by the tied extremes; p = 0 counts non-zeros (gradient 0).
    Where out == 0 the gradient is 0, as in PyTorch.
    """
    torch_name = "LinalgVectorNormBackward0"

    def forward(self, a, ord: float, dims: tuple[int, ...], keepdim: bool):
        xp = self.xp
        magnitude = xp.abs(a)
        if ord == math.inf:
            out = magnitude.max(axis=dims, keepdims=True)
        elif ord == -math.inf:
            out = magnitude.min(axis=dims, keepdims=True)
        elif ord == 0:
            out = (a != 0).sum(axis=dims, keepdims=True).astype(a.dtype)
        elif ord == 1:
            out = magnitude.sum(axis=dims, keepdims=True)
        elif ord == 2:
            out = xp.sqrt((a * a).sum(axis=dims, keepdims=True))
        else:
            out = ((magnitude ** ord).sum(axis=dims, keepdims=True)) ** (1.0 / ord)
        self.save(a, out, ord, dims, keepdim)
        return out if keepdim else out.squeeze(axis=dims)

    def backward(self, out_grad):
        a, out, ord, dims, keepdim = self.saved
        xp = self.xp
        g = _expand_reduced(xp, out_grad, dims, keepdim)
        if ord == 0:
            return xp.zeros_like(a)
        if ord == 1:
            return g * xp.sign(a)
        if ord in (math.inf, -math.inf):
            hits = (xp.abs(a) == out).astype(a.dtype)
            return g * xp.sign(a) * hits / hits.sum(axis=dims, keepdims=True)
        safe = xp.where(out == 0, 1, out)
        if ord == 2:
            return xp.where(out == 0, 0, g * a / safe)
        with _quiet(xp):
            grad = g * xp.sign(a) * xp.abs(a) ** (ord - 1) / safe ** (ord - 1)
        return xp.where(out == 0, 0, grad)


def _diagonal_positions(xp: Any, shape: tuple[int, ...], offset: int, dim1: int, dim2: int) -> tuple[Any, Any]:
    """Row and column indices of the ``offset`` diagonal of the (dim1, dim2) plane."""
    rows, cols = shape[dim1], shape[dim2]
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    i = xp.arange(length) + max(-offset, 0)
    return i, i + offset


def _diagonal(xp: Any, a: Any, offset: int, dim1: int, dim2: int) -> Any:
    """a's diagonal as the last axis (PyTorch's layout): a view whose step is one row plus one
    column, so ``x.diagonal().fill_(0)`` writes into x, as in PyTorch."""
    rows, cols = _diagonal_positions(xp, a.shape, offset, dim1, dim2)
    moved = xp.moveaxis(a, (dim1, dim2), (-2, -1))
    if len(rows):
        corner = moved[..., int(rows[0]):, int(cols[0]):]
        view = strided_view(corner, corner.shape[:-2] + (len(rows),),
                            corner.strides[:-2] + (corner.strides[-2] + corner.strides[-1],))
        if view is not None:
            return view
    return moved[..., rows, cols]  # a copy (memory not owned by an array): writes through it do not reach a


def _write_diagonal(xp: Any, shape: tuple[int, ...], values: Any, offset: int, dim1: int, dim2: int) -> Any:
    """zeros of ``shape`` with ``values`` (diagonal last) written onto the diagonal."""
    out = xp.zeros(shape, dtype=values.dtype)
    rows, cols = _diagonal_positions(xp, shape, offset, dim1, dim2)
    xp.moveaxis(out, (dim1, dim2), (-2, -1))[..., rows, cols] = values  # writes through the view
    return out


class Diagonal(Op):
    """out = the ``offset`` diagonal of planes (dim1, dim2), as the last axis;
    grad_a = zeros with out_grad written back on that diagonal"""
    torch_name = "DiagonalBackward0"
    is_view = True  # shares a's memory: writes through it reach a (autograd.inplace.link_view)

    def forward(self, a, offset: int, dim1: int, dim2: int):
        self.save(a.shape, offset, dim1, dim2)
        return _diagonal(self.xp, a, offset, dim1, dim2)

    def backward(self, out_grad):
        shape, offset, dim1, dim2 = self.saved
        return _write_diagonal(self.xp, shape, out_grad, offset, dim1, dim2)


class DiagEmbed(Op):
    """out = matrices (in new dims dim1, dim2) with a's last axis on the ``offset`` diagonal;
    grad_a = the diagonal of out_grad"""
    torch_name = "DiagEmbedBackward0"

    def forward(self, a, offset: int, dim1: int, dim2: int):
        n = a.shape[-1] + abs(offset)
        shape = list(a.shape[:-1])
        for d in sorted((dim1, dim2)):
            shape.insert(d, n)
        self.save(offset, dim1, dim2)
        return _write_diagonal(self.xp, tuple(shape), a, offset, dim1, dim2)

    def backward(self, out_grad):
        offset, dim1, dim2 = self.saved
        return _diagonal(self.xp, out_grad, offset, dim1, dim2)


class Tril(Op):
    """out = a with everything above the ``diagonal``-th diagonal zeroed;  grad_a = tril(out_grad)"""
    torch_name = "TrilBackward0"

    def forward(self, a, diagonal: int):
        self.save(diagonal)
        return self.xp.tril(a, diagonal)

    def backward(self, out_grad):
        (diagonal,) = self.saved
        return self.xp.tril(out_grad, diagonal)


class Triu(Op):
    """out = a with everything below the ``diagonal``-th diagonal zeroed;  grad_a = triu(out_grad)"""
    torch_name = "TriuBackward0"

    def forward(self, a, diagonal: int):
        self.save(diagonal)
        return self.xp.triu(a, diagonal)

    def backward(self, out_grad):
        (diagonal,) = self.saved
        return self.xp.triu(out_grad, diagonal)


class Cross(Op):
    """out = a × b along a dim of size 3;  grad_a = b × out_grad,  grad_b = out_grad × a
    (from ⟨g, a × b⟩ = ⟨b × g, a⟩ = ⟨g × a, b⟩)"""
    torch_name = "LinalgCrossBackward0"

    def forward(self, a, b, dim: int):
        self.save(a, b, dim)
        return self.xp.cross(a, b, axis=dim)

    def backward(self, out_grad):
        a, b, dim = self.saved
        xp = self.xp
        return xp.cross(b, out_grad, axis=dim), xp.cross(out_grad, a, axis=dim)


class Einsum(Op):
    """out = einsum(subscripts, *operands). The gradient of operand k is the einsum of out_grad
    with the other operands onto k's subscripts: every term of the sum that contained a_k[idx]
    contributes out_grad[...] · (the other factors). Letters summed in operand k alone are
    broadcast back; a repeated letter (a diagonal, as in "ii") is written onto the diagonal."""
    torch_name = "ViewBackward0"

    def forward(self, *operands, inputs: tuple[str, ...], output: str):
        self.save(operands, inputs, output)
        return self.xp.einsum(",".join(inputs) + "->" + output, *operands)

    def backward(self, out_grad):
        operands, inputs, output = self.saved
        xp = self.xp
        grads = []
        for k, (operand, letters) in enumerate(zip(operands, inputs)):
            if not self.needs_grad[k]:
                grads.append(None)
                continue
            others = [op for j, op in enumerate(operands) if j != k]
            other_letters = [s for j, s in enumerate(inputs) if j != k]
            available = set(output).union(*other_letters)
            unique = "".join(dict.fromkeys(letters))
            present = "".join(c for c in unique if c in available)
            spec = ",".join([output] + other_letters) + "->" + present
            g = xp.einsum(spec, out_grad, *others)
            sizes = {c: operand.shape[letters.index(c)] for c in unique}
            g = g.reshape([sizes[c] if c in present else 1 for c in unique])
            g = xp.broadcast_to(g, [sizes[c] for c in unique])
            if unique == letters:
                grads.append(g.astype(operand.dtype, copy=False))
                continue
            grad = xp.zeros(operand.shape, dtype=operand.dtype)
            index = []
            for c in letters:
                shape = [1] * len(unique)
                shape[unique.index(c)] = sizes[c]
                index.append(xp.arange(sizes[c]).reshape(shape))
            grad[tuple(index)] = g
            grads.append(grad)
        return tuple(grads)


class Inverse(Op):
    """out = A⁻¹;  grad_A = -A⁻ᵀ G A⁻ᵀ"""
    torch_name = "LinalgInvExBackward0"

    def forward(self, a):
        out = self.xp.linalg.inv(a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        inv_t = self.xp.swapaxes(out, -1, -2)
        return -(inv_t @ out_grad @ inv_t)


class Det(Op):
    """out = det A;  grad_A = G · det(A) · A⁻ᵀ (the adjugate, transposed)"""
    torch_name = "LinalgDetBackward0"

    def forward(self, a):
        out = self.xp.linalg.det(a)
        self.save(a, out)
        return out

    def backward(self, out_grad):
        a, out = self.saved
        xp = self.xp
        inv_t = xp.swapaxes(xp.linalg.inv(a), -1, -2)
        return (out_grad * out)[..., None, None] * inv_t


class Solve(Op):
    """out = X with A X = B (B a vector when ``vector``);  grad_B = A⁻ᵀ G,  grad_A = -grad_B Xᵀ"""
    torch_name = "LinalgSolveExBackward0"

    def forward(self, a, b, vector: bool):
        xp = self.xp
        out = xp.linalg.solve(a, b[..., None])[..., 0] if vector else xp.linalg.solve(a, b)
        self.save(a, out, vector)
        return out

    def backward(self, out_grad):
        a, out, vector = self.saved
        xp = self.xp
        g = out_grad[..., None] if vector else out_grad
        x = out[..., None] if vector else out
        grad_b = xp.linalg.solve(xp.swapaxes(a, -1, -2), g)
        grad_a = -grad_b @ xp.swapaxes(x, -1, -2)
        return grad_a, (grad_b[..., 0] if vector else grad_b)


class ForwardOnly(Op):
    """A node for results we compute but do not differentiate (SVD, QR, eigh): its backward
    raises, so a missing gradient is never silent."""

    def forward(self, *inputs, values: Any, name: str, what: str | None = None):
        self.torch_name = name
        self.what = what or name[:-len("Backward0")]
        return values

    def backward(self, out_grad):
        raise NotImplementedError(f"tinygrad_lr computes {self.what} without a backward; "
                                  "detach() its input or compute the gradient another way")


class SvdVals(Op):
    """out = the singular values σ of A (descending);  dσ_i = u_iᵀ dA v_i, so
    grad_A = U diag(out_grad) Vᵀ (for distinct singular values)"""
    torch_name = "LinalgSvdBackward0"

    def forward(self, a):
        u, s, vh = self.xp.linalg.svd(a, full_matrices=False)
        self.save(u, vh)
        return s

    def backward(self, out_grad):
        u, vh = self.saved
        return (u * out_grad[..., None, :]) @ vh


class SlogdetLogAbs(Op):
    """out = log |det A|;  grad_A = G · A⁻ᵀ (d log|det A| = tr(A⁻¹ dA))"""
    torch_name = "LinalgSlogdetBackward0"

    def forward(self, a):
        _, out = self.xp.linalg.slogdet(a)
        self.save(a)
        return out

    def backward(self, out_grad):
        (a,) = self.saved
        xp = self.xp
        return out_grad[..., None, None] * xp.swapaxes(xp.linalg.inv(a), -1, -2)


class SlogdetSign(Op):
    """out = sign(det A);  piecewise constant: grad_A = 0"""
    torch_name = "LinalgSlogdetBackward0"

    def forward(self, a):
        sign, _ = self.xp.linalg.slogdet(a)
        self.save(a.shape, a.dtype)
        return sign

    def backward(self, out_grad):
        shape, dtype = self.saved
        return self.xp.zeros(shape, dtype=dtype)


class Pinv(Op):
    """out = A⁺, the Moore-Penrose pseudo-inverse (from the SVD, singular values below
    rtol · σ_max dropped). For A of constant rank (Golub & Pereyra), with G = out_grad:
    grad_A = -A⁺ᵀ G A⁺ᵀ + (I - A A⁺) Gᵀ A⁺ A⁺ᵀ + A⁺ᵀ A⁺ Gᵀ (I - A⁺ A)"""
    torch_name = "LinalgPinvBackward0"

    def forward(self, a, rtol: float):
        out = self.xp.linalg.pinv(a, rcond=rtol)
        self.save(a, out)
        return out

    def backward(self, out_grad):
        a, out = self.saved
        xp = self.xp
        t = lambda m: xp.swapaxes(m, -1, -2)  # noqa: E731
        eye_m, eye_n = xp.eye(a.shape[-2], dtype=a.dtype), xp.eye(a.shape[-1], dtype=a.dtype)
        return (-t(out) @ out_grad @ t(out) + (eye_m - a @ out) @ t(out_grad) @ out @ t(out)
                + t(out) @ out @ t(out_grad) @ (eye_n - out @ a))


class BlockDiag(Op):
    """out = the matrices on the diagonal of one matrix;  each gradient is its block of out_grad"""
    torch_name = "BlockDiagBackward0"

    def forward(self, *matrices):
        rows = sum(m.shape[0] for m in matrices)
        cols = sum(m.shape[1] for m in matrices)
        out = self.xp.zeros((rows, cols), dtype=matrices[0].dtype)
        corners, r, c = [], 0, 0
        for m in matrices:
            out[r:r + m.shape[0], c:c + m.shape[1]] = m
            corners.append((r, c, m.shape))
            r, c = r + m.shape[0], c + m.shape[1]
        self.save(corners)
        return out

    def backward(self, out_grad):
        (corners,) = self.saved
        return tuple(out_grad[r:r + shape[0], c:c + shape[1]] for r, c, shape in corners)
