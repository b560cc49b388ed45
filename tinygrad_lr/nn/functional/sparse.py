"""``F.embedding`` and ``F.embedding_bag``: look up rows of an embedding matrix (``nn.Embedding`` and
``nn.EmbeddingBag`` call these)."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...autograd import no_grad
from ...backend import indices_below
from ...creation import full, tensor
from ...ops import sparse as S
from ...tensor import Tensor, _named, where
from ...tensor_shape import cat

__all__ = ["embedding", "embedding_bag"]


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
    if input.device != weight.device:
        raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                           f"{weight.device} and {input.device}!")
    indices = input._data
    if indices.size and not indices_below(indices, weight.size(0)):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_(weight, indices, max_norm, norm_type)
    return S.Embedding.apply(weight, indices=indices, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,  # noqa: A002 - PyTorch's names
                  max_norm: float | None = None, norm_type: float = 2, scale_grad_by_freq: bool = False,
                  mode: str = "mean", sparse: bool = False, per_sample_weights: Tensor | None = None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> Tensor:
    """The sum, mean or max of the embeddings in each bag, one row per bag: bags are the rows of a
    2-D ``input``, or the runs of a 1-D ``input`` that start at ``offsets``. Entries equal to
    ``padding_idx`` are left out (of the count too); an empty bag gives zeros.

    Built from ``embedding`` and a matrix product (sum, mean: a bag-membership matrix M of shape
    (bags, entries), with 1 or 1/count or the per-sample weight, times the looked-up rows), or a
    padded gather and ``max`` (max), so every gradient comes from ops that already have one; the
    last node takes PyTorch's name, ``EmbeddingBagBackward0``.
    """
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type "
                             + ("<class 'torch.Tensor'>" if isinstance(offsets, Tensor) else str(type(offsets))))
        starts, include_last_offset = list(range(0, input.numel(), input.shape[1])), False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = [int(v) for v in offsets.tolist()]
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if sparse:
        raise NotImplementedError("sparse=True (sparse gradients) is not supported by tinygrad_lr's embedding_bag")
    if scale_grad_by_freq:
        # PyTorch 2.13's CPU backward divides each unique index's gradient by the count of another
        # index (sorted_indices[k] for the k-th unique one), so no correct formula reproduces it
        raise NotImplementedError("embedding_bag with scale_grad_by_freq=True is not supported by tinygrad_lr")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    n = input.numel()
    if starts and starts[0] != 0:  # (PyTorch's message ends with its C++ print of a 0-d tensor)
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {starts[0]}\n[ {offsets.type()}{{}} ]")
    if starts and starts[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of "
                           f"{starts[-1]}")
    if any(a > b for a, b in zip(starts, starts[1:])):
        raise RuntimeError("embedding_bag: offsets must be non-decreasing")
    bounds = starts if include_last_offset else starts + [n]
    if padding_idx is not None and padding_idx < 0:
        padding_idx = weight.size(0) + padding_idx
    rows = embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)  # (n, D)
    keep = np.ones(n, dtype=bool) if padding_idx is None else np.asarray(input.cpu().numpy()) != padding_idx
    bags = [[j for j in range(lo, hi) if keep[j]] for lo, hi in zip(bounds, bounds[1:])]
    device, dtype = weight.device, weight.dtype
    if mode == "max":
        longest = max([len(b) for b in bags] + [1])
        index = np.full((len(bags), longest), n, dtype=np.int64)  # n: a row of -inf, never the max
        for b, members in enumerate(bags):
            index[b, :len(members)] = members
        padded = cat([rows, full((1, weight.shape[1]), float("-inf"), dtype=dtype, device=device)])
        values = padded[tensor(index, device=device)].amax(dim=1) if n else padded[:0]
        empty = tensor([[len(b) == 0] for b in bags], device=device)
        return _named(where(empty, 0.0, values) if len(bags) else values, "EmbeddingBagBackward0")
    membership = np.zeros((len(bags), n))
    for b, members in enumerate(bags):
        membership[b, members] = 1.0 / len(members) if mode == "mean" and members else 1.0
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    return _named(tensor(membership, dtype=dtype, device=device) @ rows, "EmbeddingBagBackward0")
