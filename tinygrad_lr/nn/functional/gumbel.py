"""``gumbel_softmax``: a differentiable sample from a categorical distribution given by logits."""
from __future__ import annotations

import warnings

from ...creation import empty_like, zeros_like
from ...tensor import Tensor

__all__ = ["gumbel_softmax"]


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """softmax((logits + g) / tau) with g ~ Gumbel(0, 1) drawn as −log(Exponential(1)) — PyTorch's
    draws, under the same seed. ``hard=True`` returns the one-hot of the sample's argmax in the
    forward pass and the soft sample's gradient in the backward pass (the straight-through trick
    ``y_hard − y_soft.detach() + y_soft``)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
