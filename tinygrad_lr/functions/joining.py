"""Functions of several tensors that join or combine them: ``hstack``/``vstack``/``dstack``/
``column_stack``, ``atleast_nd``, ``meshgrid``, ``broadcast_tensors``, ``cartesian_prod``,
``combinations``, ``block_diag``, and ``tril_indices``/``triu_indices``.
"""
from __future__ import annotations

import itertools
from typing import Any, Sequence

import numpy as np

from .. import dtypes
from ..backend import array_module, to_device
from ..shapes import Size
from ..tensor import Tensor
from ..tensor_shape import cat, stack

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "dstack", "column_stack", "meshgrid",
           "broadcast_shapes", "broadcast_tensors", "broadcast_to", "cartesian_prod", "combinations",
           "tril_indices", "triu_indices", "block_diag", "row_stack"]


# --------------------------------------------------------------------------- joining, grids
def atleast_1d(*tensors: Any) -> Any:
    out = [t.reshape(1) if t.ndim == 0 else t for t in _tensors(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_2d(*tensors: Any) -> Any:
    out = [t.reshape(1, 1) if t.ndim == 0 else t.unsqueeze(0) if t.ndim == 1 else t for t in _tensors(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_3d(*tensors: Any) -> Any:
    def lift(t: Tensor) -> Tensor:
        if t.ndim == 0:
            return t.reshape(1, 1, 1)
        if t.ndim == 1:
            return t.unsqueeze(0).unsqueeze(-1)
        return t.unsqueeze(-1) if t.ndim == 2 else t
    out = [lift(t) for t in _tensors(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def _tensors(tensors: Sequence[Any]) -> list[Tensor]:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors)."""
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, dim=0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 0, 1-D tensors as rows."""
    return cat([atleast_2d(t) for t in tensors], dim=0)


row_stack = vstack


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 2, after lifting to 3-D."""
    return cat([atleast_3d(t) for t in tensors], dim=2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Join as columns: 0-d and 1-D tensors become columns first."""
    return hstack([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors])


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids: out_k[i0, i1, ...] = tensors[k][i_k] ("ij"); "xy" swaps the first two axes."""
    tensors = _tensors(tensors)
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    if indexing == "xy" and len(tensors) >= 2:
        swapped = [tensors[1], tensors[0]] + tensors[2:]
        grids = meshgrid(*swapped, indexing="ij")
        return (grids[1], grids[0]) + grids[2:]
    sizes = [t.numel() for t in tensors]
    out = []
    for k, t in enumerate(tensors):
        shape = [1] * len(tensors)
        shape[k] = sizes[k]
        out.append(t.reshape(shape).expand(sizes))
    return tuple(out)


def broadcast_shapes(*shapes: Any) -> Size:
    try:
        return Size(np.broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s) for s in shapes]))
    except ValueError:
        raise RuntimeError("Shape mismatch: objects cannot be broadcast to a single shape") from None


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    tensors = _tensors(tensors)
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:  # noqa: A002
    return input.expand(*size)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each 1-D tensor, as rows."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """The r-element combinations of a 1-D tensor's elements (itertools' order), as rows."""
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(choose(range(input.numel()), r))
    if not rows:
        return input.new_zeros(0, r) if r else input.new_zeros(0)
    columns = np.array(rows, dtype=np.int64).T
    return stack([input[Tensor._wrap(input._xp.asarray(c), input.device)] for c in columns], dim=1)


def _triangle_indices(upper: bool, row: int, col: int, offset: int, dtype: Any, device: Any) -> Tensor:
    dev = to_device(device)
    xp = array_module(dev)
    rows, cols = (np.triu_indices if upper else np.tril_indices)(row, offset, col)
    values = np.stack([rows, cols]).astype((dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)).np)
    return Tensor._wrap(xp.asarray(values), dev)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    return _triangle_indices(False, row, col, offset, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    return _triangle_indices(True, row, col, offset, dtype, device)



def block_diag(*tensors: Tensor) -> Tensor:
    """The inputs (0-d, 1-D as rows, 2-D) on the diagonal of one matrix, zeros elsewhere."""
    from ..ops.linalg_extra import BlockDiag
    matrices = [t.reshape(1, -1) if t.ndim == 1 else t.reshape(1, 1) if t.ndim == 0 else t for t in tensors]
    if any(t.ndim != 2 for t in matrices):
        raise RuntimeError("torch.block_diag: Input tensors must have 2 or fewer dimensions.")
    result = dtypes.result_type(*((t.dtype, 2) for t in matrices))
    return BlockDiag.apply(*[t if t.dtype is result else t.to(result) for t in matrices])
