"""Products and distances of several tensors: ``einsum`` (with its backward in ``ops/linalg_extra.py``),
``tensordot``, ``chain_matmul``, ``cdist``, ``cosine_similarity``, ``pairwise_distance``.
"""
from __future__ import annotations

import string
from typing import Any, Sequence

import numpy as np

from .. import dtypes
from ..ops import linalg_extra as X
from ..shapes import _normalize_dim
from ..tensor import Tensor
from ..tensor_extra import _renamed

__all__ = ["einsum", "tensordot", "chain_matmul", "cdist", "cosine_similarity", "pairwise_distance"]


# ------------------------------------------------------------------------------------ einsum
def _parse_einsum(equation: str, operands: Sequence[Tensor]) -> tuple[tuple[str, ...], str]:
    """Subscripts per operand and the output's. ``...`` becomes letters unused elsewhere; without
    ``->`` the output is the letters that appear once, in alphabetical order (NumPy's rule)."""
    equation = equation.replace(" ", "")
    left, arrow, output = equation.partition("->")
    inputs = left.split(",")
    if len(inputs) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(inputs) else
                           "einsum(): fewer operands were provided than specified in the equation")
    spare = [c for c in string.ascii_letters if c not in equation]
    ellipsis = ""
    resolved = []
    for sub, t in zip(inputs, operands):
        if "..." in sub:
            count = t.ndim - (len(sub) - 3)
            if ellipsis and count != len(ellipsis):
                raise NotImplementedError("einsum: '...' covering different numbers of dims is not supported")
            ellipsis = "".join(spare[:count])
            sub = sub.replace("...", ellipsis)
        if len(sub) != t.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(sub)}) does not match "
                               f"the number of dimensions ({t.ndim}) for operand {len(resolved)}"
                               + (" and no ellipsis was given" if "..." not in equation else ""))
        resolved.append(sub)
    if arrow:
        output = output.replace("...", ellipsis)
    else:
        letters = "".join(resolved)
        output = ellipsis + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis))
    return tuple(resolved), output


def _einsum_name(inputs: tuple[str, ...], output: str) -> str:
    """The grad_fn PyTorch's einsum ends with: it permutes, multiplies, sums, or calls bmm and views."""
    letters = set("".join(inputs))
    if len(inputs) == 1:  # a diagonal or transpose ends with a permute; anything summed, with a sum
        return "PermuteBackward0" if set(output) == letters else "SumBackward1"
    contracted = letters - set(output)
    return "MulBackward0" if not contracted else "ViewBackward0"


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, e.g. "ij,jk->ik" (matmul), "bij,bjk->bik" (batched), "ii" (trace),
    "ij->ji" (transpose), "i,j->ij" (outer), "ij->" (sum)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in operands]
    inputs, output = _parse_einsum(equation, tensors)
    result = dtypes.result_type(*((t.dtype, 2) for t in tensors))
    tensors = [t if t.dtype is result else t.to(result) for t in tensors]
    return _renamed(X.Einsum.apply(*tensors, inputs=inputs, output=output), _einsum_name(inputs, output))



def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Σ over ``dims`` (the last n of a with the first n of b, or two lists of dims): one matrix
    product after moving the contracted dims together."""
    if isinstance(dims, int):
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [_normalize_dim(d, a.ndim) for d in dims_a]
    dims_b = [_normalize_dim(d, b.ndim) for d in dims_b]
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    size = int(np.prod([a.shape[d] for d in dims_a], dtype=np.int64))
    left = a.permute(*free_a, *dims_a).reshape(-1, size)
    right = b.permute(*dims_b, *free_b).reshape(size, -1)
    return left.mm(right).reshape(*[a.shape[d] for d in free_a], *[b.shape[d] for d in free_b])


def chain_matmul(*matrices: Tensor) -> Tensor:
    from ..linalg import multi_dot
    return multi_dot(list(matrices))



# -------------------------------------------------------------------------------- distances
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """out[..., i, j] = ‖x1[..., i, :] − x2[..., j, :]‖_p, from the differences (PyTorch switches to
    a matrix-product formula for p = 2 and more than 25 rows, which rounds differently)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D" if x1.ndim < 2 else
                           f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    from ..tensor_linalg import vector_norm
    return _renamed(vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1), "CdistBackward0")


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    from ..nn.functional.distance import cosine_similarity as cosine
    return cosine(x1, x2, dim, eps)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    from ..nn.functional.distance import pairwise_distance as distance
    return distance(x1, x2, p, eps, keepdim)
