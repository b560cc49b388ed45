"""Channel dropout as functions (PyTorch calls it feature dropout; the file is not named dropout.py
so that it does not shadow ``F.dropout``): ``dropout1d``, ``dropout2d``, ``dropout3d`` (whole channels), and
``alpha_dropout`` / ``feature_alpha_dropout`` (SELU's dropout). ``F.dropout`` itself lives with
the random stream (``activation.py``).

Channel dropout is PyTorch's ``feature_dropout``: one Bernoulli(1 − p) draw per (sample, channel),
noise of shape (N, C, 1, …, 1) scaled by 1/(1 − p) and broadcast over the channel's positions, so
a whole feature map is kept or zeroed together: out = x · noise (a ``MulBackward0`` node).
"""
from __future__ import annotations

import math
import warnings

from ...tensor import Tensor

__all__ = ["dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _bernoulli(like: Tensor, shape: tuple[int, ...], keep: float) -> Tensor:
    """A tensor of ``shape`` (like's dtype and device) of Bernoulli(keep) draws, 1 = keep, from
    PyTorch's random stream (``bernoulli_``): ``manual_seed`` gives PyTorch's masks."""
    from ...creation import empty
    return empty(shape, dtype=like.dtype, device=like.device).bernoulli_(keep)


def _feature_shape(input: Tensor) -> tuple[int, ...]:  # noqa: A002
    return tuple(input.shape[:2]) + (1,) * (input.ndim - 2)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool = False,  # noqa: A002
                     batched: bool = True) -> Tensor:
    """x · noise with one Bernoulli(1 − p)/(1 − p) draw per channel; an unbatched input is handled
    as a batch of one (out of place: unsqueeze, drop, squeeze, as PyTorch's graph does)."""
    if not training or p == 0:
        return input
    if not batched and not inplace:
        return _feature_dropout(input.unsqueeze(0), p, training).squeeze(0)
    if p == 1:
        return input.mul_(0.0) if inplace else input * 0.0
    shape = _feature_shape(input) if batched else (input.shape[0],) + (1,) * (input.ndim - 1)
    noise = _bernoulli(input, shape, 1 - p) / (1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero whole channels of (N, C, L) or (C, L) inputs with probability p; scale the rest by 1/(1 − p)."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, batched=input.ndim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero whole channels of (N, C, H, W) inputs with probability p; scale the rest by 1/(1 − p).

    As in PyTorch, a 3-D input is read as (N, C, L) (with a warning), not as an unbatched image.
    """
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability p."""
    _check_p(p)
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D "
                      "inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, batched=input.ndim == 5)


_SELU_ALPHA = 1.7580993408473766  # −λα of SELU: the value a dropped SELU unit is set to, in units of 1


def _alpha_dropout(input: Tensor, p: float, training: bool, shape: tuple[int, ...],  # noqa: A002
                   inplace: bool = False) -> Tensor:
    """Dropped units are set to SELU's negative saturation −α', then an affine map a·x + b brings
    mean and variance back to 0 and 1 (PyTorch's ``alpha_dropout``):
    a = 1/√((α'² p + 1)(1 − p)), out = x · (keep · a) + (keep − 1) · α' a + α' a p."""
    _check_p(p)
    if not training or p == 0:
        return input
    if p == 1:
        return input.mul_(0.0) if inplace else input * 0.0
    keep = _bernoulli(input, shape, 1 - p)
    a = 1.0 / math.sqrt((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p))
    shift = (keep - 1) * (_SELU_ALPHA * a) + _SELU_ALPHA * a * p
    if inplace:
        return input.mul_(keep * a).add_(shift)
    return input * (keep * a) + shift


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:  # noqa: A002
    return _alpha_dropout(input, p, training, tuple(input.shape), inplace)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False) -> Tensor:
    return _alpha_dropout(input, p, training, _feature_shape(input), inplace)
