"""Activations, ``linear``, ``dropout`` and ``one_hot`` as functions (the modules in ``nn/activation.py`` and
``nn/layers.py`` call these). Most activations are one fused node from ``ops/activation.py``; the few
PyTorch itself composes from smaller ops (``softsign``, ``tanhshrink``, ``softmin``) are composed here
the same way, so their ``grad_fn`` names match too."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ... import dtypes
from ...backend import move
from ...ops import activation as A
from ...ops import elementwise as E
from ...ops import linalg as L
from ...random.factories import rand
from ...tensor import Tensor
from .loss import _type_name

__all__ = ["relu", "relu_", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "linear", "dropout", "one_hot",
           "elu", "selu", "celu", "gelu", "silu", "mish", "softplus", "softsign", "hardtanh", "relu6",
           "hardsigmoid", "hardswish", "logsigmoid", "prelu", "rrelu", "tanhshrink", "softshrink", "hardshrink",
           "threshold", "softmin", "glu"]

# ------------------------------------------------------------------------------------ activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002 - PyTorch's names throughout
    """max(x, 0); with ``inplace=True`` written into ``input`` (recorded as ``ReluBackward0``)."""
    return input.relu_() if inplace else input.relu()


def relu_(input: Tensor) -> Tensor:  # noqa: A002
    return input.relu_()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:  # noqa: A002
    return _maybe_inplace(input, inplace, lambda t: E.LeakyRelu.apply(t, negative_slope=negative_slope),
                          "LeakyReluBackward1")


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    return input.tanh()


def _softmax_dim(ndim: int, name: str = "softmax") -> int:
    """PyTorch's legacy choice when ``dim`` is left out (with a warning): 0 for 0-, 1- and 3-D inputs, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:  # noqa: A002
    if dtype is not None:
        input = input.to(dtype)
    return input.softmax(_softmax_dim(input.ndim) if dim is None else dim)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:  # noqa: A002
    if dtype is not None:
        input = input.to(dtype)
    return input.log_softmax(_softmax_dim(input.ndim, "log_softmax") if dim is None else dim)


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


def _memory_order(data: Any) -> tuple[int, ...]:
    """The dims from outermost to innermost in memory when ``data`` is a dense permutation of a
    contiguous array (what ``empty_like`` keeps); the logical order otherwise (it allocates contiguous)."""
    if data.flags.c_contiguous or data.ndim < 2:
        return tuple(range(data.ndim))
    order = tuple(sorted(range(data.ndim), key=lambda d: -data.strides[d]))
    if min(data.strides) < 0 or not data.transpose(order).flags.c_contiguous:
        return tuple(range(data.ndim))
    return order


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """In training, zero each element with probability p and scale the rest by 1/(1 − p), so the
    expected value of every element is unchanged; outside training, the input itself."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:  # everything dropped (1/(1 − p) would be inf)
        return input.mul_(0) if inplace else input * 0
    # PyTorch's CPU draw: noise = empty_like(x).bernoulli_(1 − p) (a float64 uniform per element),
    # noise /= 1 − p in x's dtype, out = x * noise (MulBackward0)
    # empty_like keeps a dense input's memory layout (a transpose, a permute), and bernoulli_ draws in
    # memory order: the noise is drawn in the layout's order and permuted back
    order = _memory_order(input._data)
    shape = tuple(input.shape[d] for d in order)
    noise = Tensor._wrap(input._xp.empty(shape, dtype=input._data.dtype), input.device).bernoulli_(1 - p)
    noise._data /= noise._data.dtype.type(1 - p)
    if order != tuple(range(input.ndim)):
        noise = Tensor._wrap(noise._data.transpose(tuple(order.index(d) for d in range(input.ndim))), input.device)
    return input.mul_(noise) if inplace else input * noise


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




# ------------------------------------------------------------------------- more activations
# The constants of SELU (Klambauer et al., 2017), as PyTorch writes them
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _floating(input: Tensor, kernel: str) -> None:  # noqa: A002
    """PyTorch's error for an integer input to a kernel that exists only for floating dtypes."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input.dtype)}\'')


def _maybe_inplace(input: Tensor, inplace: bool, compute: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """``compute(input)``, or with ``inplace=True`` written into ``input`` (a recorded in-place op,
    under PyTorch's name for its in-place kernel when it differs: ``EluBackward1`` ...)."""
    if not inplace:
        return compute(input)

    def named(t: Tensor) -> Tensor:
        out = compute(t)
        if name is not None and out.grad_fn is not None:
            out.grad_fn.torch_name = name
        return out
    return input._inplace_from(named)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x for x > 0, else alpha · (eˣ − 1)."""
    _floating(input, "elu_cpu")
    return _maybe_inplace(input, inplace, lambda t: A.Elu.apply(t, alpha=float(alpha)), "EluBackward1")


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """scale · elu(x, alpha) with PyTorch's fixed alpha ≈ 1.6733 and scale ≈ 1.0507 (self-normalizing)."""
    _floating(input, "elu_cpu")
    return _maybe_inplace(input, inplace, lambda t: A.Elu.apply(t, alpha=_SELU_ALPHA, scale=_SELU_SCALE),
                          "EluBackward1")


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """max(0, x) + min(0, alpha · (e^(x/alpha) − 1))."""
    _floating(input, "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _maybe_inplace(input, inplace, lambda t: A.Celu.apply(t, alpha=float(alpha), input_scale=1 / float(alpha)),
                          "CeluBackward1")


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """x · Φ(x) (Φ the standard normal CDF), or its tanh approximation with ``approximate='tanh'``."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _floating(input, "GeluKernelImpl")
    return A.Gelu.apply(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x · σ(x) (also called swish)."""
    _floating(input, "silu_cpu")
    return _maybe_inplace(input, inplace, A.Silu.apply)


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x · tanh(softplus(x))."""
    _floating(input, "mish_cpu")
    return _maybe_inplace(input, inplace, A.Mish.apply)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """log(1 + e^(beta·x)) / beta, linear where beta·x > threshold."""
    _floating(input, "softplus_cpu")
    return A.Softplus.apply(input, beta=float(beta), threshold=float(threshold))


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """x / (1 + |x|), composed as PyTorch composes it (``DivBackward0``)."""
    return input / (input.abs() + 1)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x clipped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, inplace, lambda t: A.Hardtanh.apply(t, low=min_val, high=max_val))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """min(max(x, 0), 6): hardtanh(x, 0, 6), as PyTorch computes it."""
    return _maybe_inplace(input, inplace, lambda t: A.Hardtanh.apply(t, low=0.0, high=6.0))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """relu6(x + 3) / 6: a piecewise-linear sigmoid."""
    _floating(input, "hardsigmoid_cpu")
    return _maybe_inplace(input, inplace, A.Hardsigmoid.apply)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x · relu6(x + 3) / 6."""
    _floating(input, "hardswish_cpu")
    return _maybe_inplace(input, inplace, A.Hardswish.apply)


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """log σ(x), computed without overflow for large |x|."""
    _floating(input, "log_sigmoid_cpu")
    return A.LogSigmoid.apply(input)


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """x where x > 0, else weight · x, with one weight per channel (dim 1) or a single one."""
    _floating(input, "prelu_cpu")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise RuntimeError("Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{weight.numel()} and channel size = {channels}.")
    return A.Prelu.apply(input, weight)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,  # noqa: A002
          inplace: bool = False) -> Tensor:
    """Leaky ReLU with a random slope: in training each element x ≤ 0 gets its own slope from
    U(lower, upper); in eval the slope is fixed at (lower + upper) / 2.

    PyTorch's CPU kernel draws one float64 uniform u per element x ≤ 0, in order, from the default
    generator, takes u · (upper − lower) + lower in float64 (no fused multiply-add; for float32
    inputs the bounds are first rounded to float32) and rounds it to the input's dtype; drawing the same count the same way (float64 ``rand``) gives PyTorch's slopes under the
    same ``manual_seed``.
    """
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    _floating(input, "leaky_relu_cpu")
    xp, dtype = input._xp, input._data.dtype
    if not training:
        noise = xp.full(input.shape, (lower + upper) / 2, dtype=dtype)
        return _maybe_inplace(input, inplace, lambda t: A.RreluWithNoise.apply(t, noise=noise),
                              "RreluWithNoiseBackward1")
    negative = input._data <= 0
    u = rand(int(negative.sum()), dtype=dtypes.float64)._data
    low, high = (float(np.float32(lower)), float(np.float32(upper))) if dtype != np.float64 else (lower, upper)
    slopes = u * (high - low) + low  # the bounds in the input's precision, the arithmetic in float64
    noise = xp.ones(input.shape, dtype=dtype)
    noise[negative] = move(slopes.astype(dtype), input.device)
    return _maybe_inplace(input, inplace, lambda t: A.RreluWithNoise.apply(t, noise=noise), "RreluWithNoiseBackward1")


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """x − tanh(x), composed as PyTorch composes it (``SubBackward0``)."""
    return input - input.tanh()


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x − λ above λ, x + λ below −λ, 0 in between."""
    _floating(input, "softshrink_check")
    if lambd < 0:
        limit = "3.40282e+38" if input.dtype is dtypes.float32 else "1.79769e+308"
        raise RuntimeError(f"lambda must be in range [0, {limit}] for input dtype {_type_name(input.dtype)}, "
                           f"but found {lambd}")
    return A.Softshrink.apply(input, lambd=float(lambd))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x where |x| > λ, else 0."""
    _floating(input, "hardshrink_cpu")
    return A.Hardshrink.apply(input, lambd=float(lambd))


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > threshold, else value."""
    return _maybe_inplace(input, inplace, lambda t: A.Threshold.apply(t, threshold=threshold, value=value),
                          "ThresholdBackward1")


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:  # noqa: A002
    """softmax(−x): PyTorch computes it so, and so do we (``SoftmaxBackward0``)."""
    if dim is None:
        dim = _softmax_dim(input.ndim, "softmin")
    if dtype is not None:
        input = input.to(dtype)
    return (-input).softmax(dim)


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """Split x in halves (a, b) along ``dim``: a · σ(b) (the gated linear unit)."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    _floating(input, "glu_cpu")
    axis = dim + input.ndim if dim < 0 else dim
    if input.shape[axis] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {axis} is size {input.shape[axis]}")
    return A.Glu.apply(input, dim=axis)
