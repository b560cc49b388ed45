"""``F.embedding``: look up rows of an embedding matrix (``nn.Embedding`` calls this)."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...autograd import no_grad
from ...ops import sparse as S
from ...tensor import Tensor

__all__ = ["embedding"]


def _renorm_(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``: every row that ``indices`` name whose ``norm_type``-norm exceeds
    ``max_norm`` is scaled in place by max_norm / (norm + 1e-7). The norm is taken in the weight's
    dtype and the scale in double precision, as PyTorch does."""
    xp = weight._xp
    rows = xp.unique(indices.reshape(-1))
    values = weight._data[rows]
    magnitude = xp.abs(values)
    if norm_type == float("inf"):
        norms = magnitude.max(axis=1)
    elif norm_type == 2:
        norms = xp.sqrt((magnitude * magnitude).sum(axis=1))
    else:
        norms = (magnitude ** norm_type).sum(axis=1) ** (1 / norm_type)
    norms = norms.astype(np.float64)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    with no_grad():
        weight._data[rows] = values * scale[:, None].astype(values.dtype)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,  # noqa: A002 - PyTorch's names
              max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """``weight[input]``: shape ``input.shape + (embedding_dim,)``, one graph node whose backward is a
    scatter-add into the rows (zero at ``padding_idx``). With ``max_norm``, the looked-up rows of
    ``weight`` are first renormalised in place, as PyTorch does."""
    if sparse:
        raise NotImplementedError("sparse=True (sparse gradients) is not supported by tinygrad_lr's embedding")
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= weight.size(0):
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if input.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    indices = input._data
    if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= weight.size(0)):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_(weight, indices, max_norm, norm_type)
    return S.Embedding.apply(weight, indices=indices, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)
