"""Normalization as functions: ``batch_norm``, ``instance_norm``, ``layer_norm``, ``group_norm``,
``normalize``. Each picks the axes its statistics run over and hands the rest to the one fused
node in ``ops/normalization.py``; the modules in ``nn/normalization.py`` call these.

Batch norm's running statistics are updated here, in place on the buffers' arrays (what
PyTorch's kernel does), with the batch's *unbiased* variance; the batch is normalised with the
*biased* one:

    running_mean ← (1 − m) · running_mean + m · μ
    running_var  ← (1 − m) · running_var  + m · var · n / (n − 1)
"""
from __future__ import annotations

from typing import Any, Sequence

from ...ops import normalization as N
from ...tensor import Tensor

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "normalize", "local_response_norm",
           "rms_norm"]


def _params(weight: Tensor | None, bias: Tensor | None) -> tuple[Tensor, ...]:
    return tuple(p for p in (weight, bias) if p is not None)


def _verify_batch_size(size: Sequence[int]) -> None:
    values = size[0]
    for n in size[2:]:
        values *= n
    if values == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def _check_channels(name: str, tensor: Tensor | None, channels: int) -> None:
    if tensor is not None and tensor.numel() != channels:
        raise RuntimeError(f"{name} should contain {channels} elements not {tensor.numel()}")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,  # noqa: A002
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and every spatial position.

    ``training``: normalise with the batch's statistics and, when buffers are given, update them;
    else normalise with the running statistics (which must then be given).
    """
    if training:
        _verify_batch_size(input.shape)
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if input.ndim < 2:
        raise RuntimeError(f"batch_norm: expected at least 2 dimensions for input, but got {input.ndim}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_channels(name, t, channels)
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean must be defined in evaluation mode")
    param_shape = (channels,) + (1,) * (input.ndim - 2)
    axes = (0,) + tuple(range(2, input.ndim))
    x = input._data
    if training:
        mean, var = N.moments(x, axes)
        if running_mean is not None or running_var is not None:
            n = x.size // channels
            _update(running_mean, mean, momentum)
            _update(running_var, var * (n / (n - 1)), momentum)
    else:
        mean = running_mean._data.reshape(param_shape).astype(x.dtype, copy=False)
        var = running_var._data.reshape(param_shape).astype(x.dtype, copy=False)
    return N.BatchNorm.apply(input, *_params(weight, bias), stats_shape=input.shape, axes=axes,
                             param_shape=param_shape, eps=eps, has_weight=weight is not None,
                             mean=mean, var=var, batch_stats=training)


def _update(buffer: Tensor | None, statistic: Any, momentum: float) -> None:
    """buffer ← (1 − momentum) · buffer + momentum · statistic, in place (in the buffer's dtype)."""
    if buffer is not None:
        data = buffer._data
        data[...] = (1 - momentum) * data + momentum * statistic.reshape(data.shape).astype(data.dtype, copy=False)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,  # noqa: A002
                  running_var: Tensor | None = None, weight: Tensor | None = None, bias: Tensor | None = None,
                  use_input_stats: bool = True, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its spatial positions.

    As PyTorch does it: batch norm of the input viewed as one sample with N·C channels (so the
    weight and running statistics are repeated N times); the running statistics then take the
    mean over the N copies.
    """
    if use_input_stats:
        size = input.shape
        spatial = 1
        for n in size[2:]:
            spatial *= n
        if spatial == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")
    batch, channels = input.shape[0], input.shape[1]
    folded = input.reshape(1, batch * channels, *input.shape[2:])
    repeated = [None if t is None else t.repeat(batch) for t in (running_mean, running_var, weight, bias)]
    out = batch_norm(folded, repeated[0], repeated[1], repeated[2], repeated[3], use_input_stats, momentum, eps)
    for buffer, copies in zip((running_mean, running_var), repeated[:2]):
        if buffer is not None and use_input_stats:
            buffer._data[...] = copies._data.reshape(batch, channels).mean(axis=0)
    return out.view(input.shape)


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise every sample over its last ``len(normalized_shape)`` dims (γ, β of that shape)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or tuple(input.shape[input.ndim - k:]) != shape or input.ndim < k:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(str(n) for n in shape)}], but got input of size{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(shape)}")
    axes = tuple(range(input.ndim - k, input.ndim))
    return N.LayerNorm.apply(input, *_params(weight, bias), stats_shape=input.shape, axes=axes,
                             param_shape=shape, eps=eps, has_weight=weight is not None)


def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,  # noqa: A002
             eps: float | None = None) -> Tensor:
    """x / √(mean(x²) + ε) over the last dims, times γ: layer norm without centring or β.

    Composed as PyTorch composes it (its grad_fn is a ``MulBackward0``); ε defaults to the
    machine epsilon of x's dtype.
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*{', '.join(str(n) for n in shape)}], but got input of size{list(input.shape)}")
    if eps is None:
        from ...dtypes import finfo
        eps = finfo(input.dtype).eps
    dims = tuple(range(input.ndim - k, input.ndim))
    out = input * ((input * input).mean(dim=dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Split the channels into ``num_groups`` groups; normalise each group of each sample over its
    channels and spatial positions (x viewed as (N, G, C/G · spatial)); γ, β per channel."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    batch, channels = input.shape[0], input.shape[1]
    _verify_batch_size([batch * channels // num_groups, num_groups] + list(input.shape[2:]))
    if channels % num_groups:
        raise RuntimeError("Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    return N.GroupNorm.apply(input, *_params(weight, bias), stats_shape=(batch, num_groups, -1), axes=(2,),
                             param_shape=(channels,) + (1,) * (input.ndim - 2), eps=eps,
                             has_weight=weight is not None)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,  # noqa: A002
              out: Any = None) -> Tensor:
    """x / max(‖x‖_p, ε) along ``dim``: unit vectors (a zero vector stays zero)."""
    if out is not None:
        raise NotImplementedError("normalize(out=...) is not supported")
    from ...shapes import _normalize_dim
    axis = _normalize_dim(dim, input.ndim)
    norm = N.VectorNorm.apply(input, p=float(p), dim=(axis,), keepdim=True)
    return input / norm.clamp_min(eps).expand_as(input)  # clamp_min: PyTorch's node (ClampMinBackward0)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,  # noqa: A002
                        k: float = 1.0) -> Tensor:
    """x / (k + α · mean of x² over ``size`` neighbouring channels)^β (AlexNet's normalization).

    The window of channel c is c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋, zero-padded at the ends and always
    divided by ``size`` (PyTorch's avg_pool with the padding counted).
    """
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {input.ndim} "
                         "dimensions)")
    if input.numel() == 0:
        return input
    from .padding import pad
    channels = input.shape[1]
    squares = (input * input).unsqueeze(1)  # (N, 1, C, ...): pad the channel axis only
    zeros_around = [0, 0] * (input.ndim - 2) + [size // 2, (size - 1) // 2]
    padded = pad(squares, zeros_around)
    window = padded.narrow(2, 0, channels)
    for offset in range(1, size):
        window = window + padded.narrow(2, offset, channels)
    div = (window.squeeze(1) / size) * alpha + k
    return input / div ** beta
