"""Activations, ``linear``, ``dropout`` and ``one_hot`` as functions (the modules in ``nn/layers.py`` call these)."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ... import dtypes
from ...backend import move
from ...ops import elementwise as E
from ...ops import linalg as L
from ...tensor import Tensor

__all__ = ["relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "linear", "dropout", "one_hot"]

# ------------------------------------------------------------------------------------ activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002 - PyTorch's names throughout
    """max(x, 0). ``inplace`` is accepted for compatibility; the result is always a new tensor."""
    return input.relu()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:  # noqa: A002
    return E.LeakyRelu.apply(input, negative_slope=negative_slope)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    return input.tanh()


def _softmax_dim(ndim: int) -> int:
    """PyTorch's legacy choice when ``dim`` is left out (with a warning): 0 for 0-, 1- and 3-D inputs, else 1."""
    warnings.warn("Implicit dimension choice for softmax has been deprecated. "
                  "Change the call to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:  # noqa: A002
    if dtype is not None:
        input = input.to(dtype)
    return input.softmax(_softmax_dim(input.ndim) if dim is None else dim)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:  # noqa: A002
    if dtype is not None:
        input = input.to(dtype)
    return input.log_softmax(_softmax_dim(input.ndim) if dim is None else dim)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """x @ Wᵀ + b, one fused graph node (``AddmmBackward0``) with W of shape (out_features, in_features)."""
    if input.ndim == 0 or weight.ndim != 2:
        raise RuntimeError(f"linear(): expected a 2-D weight and an input of at least 1 dimension, got "
                           f"input {list(input.shape)} and weight {list(weight.shape)}")
    if input.shape[-1] != weight.shape[1]:
        rows = input.numel() // input.shape[-1] if input.shape[-1] else 0
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
                           f"{weight.shape[1]}x{weight.shape[0]})")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_type_name(input.dtype)} and "
                           f"{_type_name(weight.dtype)}")
    if bias is None:
        return L.Linear.apply(input, weight)
    return L.Linear.apply(input, weight, bias)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """In training, zero each element with probability p and scale the rest by 1/(1 − p), so the
    expected value of every element is unchanged; outside training, the input itself."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:  # everything dropped (1/(1 − p) would be inf)
        return input * 0
    # PyTorch's CPU draw: noise = empty_like(x).bernoulli_(1 − p) (a float64 uniform per element),
    # noise /= 1 − p in x's dtype, out = x * noise (MulBackward0)
    noise = Tensor._wrap(input._xp.empty(input.shape, dtype=input._data.dtype), input.device)
    noise.bernoulli_(1 - p).div_(1 - p)
    return input * noise


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64) to rows of 0s with a 1 at the index; int64, shape ``tensor.shape + (C,)``."""
    if tensor.dtype is not dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor._data
    if data.size == 0 and num_classes == -1:
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if data.size and int(data.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(data.max()) + 1
    elif data.size and int(data.max()) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    classes = tensor._xp.arange(num_classes)
    return Tensor._wrap((data[..., None] == classes).astype(np.int64), tensor.device)


