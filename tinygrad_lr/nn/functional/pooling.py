"""Pooling as functions: max, average and adaptive pools in 1-D and 2-D, ``max_unpool2d``.

The 2-D functions accept (N, C, H, W) or unbatched (C, H, W) inputs and run one op of
``ops/pooling.py`` (3-D inputs are given a batch axis of 1 inside it, so the ``grad_fn`` is the
pool's own, as in PyTorch). The 1-D functions are the 2-D ones on (N, C, 1, L), as in PyTorch
(whose 1-D pools therefore end in ``SqueezeBackward1``). Sizes follow PyTorch's
``pooling_output_shape``: ⌊(L + 2p − d·(k − 1) − 1 + (s − 1 if ceil_mode)) / s⌋ + 1, minus one when
a ceil_mode window would start inside the right padding.
"""
from __future__ import annotations

from typing import Any

from ...ops import pooling as P
from ...tensor import Tensor

__all__ = ["max_pool1d", "max_pool2d", "max_pool1d_with_indices", "max_pool2d_with_indices", "avg_pool1d",
           "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "max_unpool2d"]


def _pair(value: Any, name: str, what: str = "max_pool2d") -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    value = tuple(value)
    if len(value) == 1:
        return (int(value[0]),) * 2
    if len(value) != 2:
        raise RuntimeError(f"{what}: {name} must either be a single int, or a tuple of two ints")
    return int(value[0]), int(value[1])


def _single(value: Any, name: str, fn: str) -> int:
    if isinstance(value, int):
        return value
    value = tuple(value)
    if len(value) != 1:
        raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(value)})")
    return int(value[0])


def _out_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's ``pooling_output_shape`` for one axis."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _geometry(x: Tensor, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool,
              name: str) -> tuple:
    """Checks (PyTorch's pool2d_shape_check) and (kernel, stride, padding, dilation, out, canvas):
    canvas is the padded size, enlarged so that ceil_mode's last window fits."""
    kernel = _pair(kernel, "kernel_size", name)
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _pair(stride, "stride", name)
    padding, dilation = _pair(padding, "padding", name), _pair(dilation, "dilation", name)
    if min(stride) == 0:
        raise RuntimeError("stride should not be zero")
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if min(stride) < 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {stride[0]} dW: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    for p, k, d in zip(padding, kernel, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} "
                               f"and dilation={d}")
    size = x.shape[-2:]
    out = tuple(_out_size(size[a], kernel[a], stride[a], padding[a], dilation[a], ceil_mode) for a in (0, 1))
    if min(out) < 1:
        planes = x.shape[-3]
        raise RuntimeError(f"Given input size: ({planes}x{size[0]}x{size[1]}). Calculated output size: "
                           f"({planes}x{out[0]}x{out[1]}). Output size is too small")
    canvas = tuple(max(size[a] + 2 * padding[a], (out[a] - 1) * stride[a] + dilation[a] * (kernel[a] - 1) + 1)
                   for a in (0, 1))
    return kernel, stride, padding, dilation, out, canvas


def _as_batch(x: Tensor) -> tuple[Any, bool]:
    """The array as (N, C, H, W), and whether a batch axis was added."""
    return (x._data[None], True) if x.ndim == 3 else (x._data, False)


def _max_pool2d(input: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,  # noqa: A002
                ceil_mode: bool) -> tuple[Tensor, Any, tuple]:
    """The pooled tensor, each window's winning offset (4-D) and the geometry."""
    if input.ndim not in (3, 4) or input.numel() == 0 and input.ndim == 3:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    geometry = _geometry(input, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    x = input._data if input.ndim == 4 else input._data[None]
    values, offsets = P.max_pool_forward(input._xp, x, *geometry)
    return P.MaxPool2d.apply(input, values=values, offsets=offsets, geometry=geometry), offsets, geometry


def max_pool2d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
                            dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
                            ) -> tuple[Tensor, Tensor]:
    """(maxima, indices): each window's maximum and its position h·W + w in the input plane."""
    out, offsets, (kernel, stride, padding, dilation, _, _) = _max_pool2d(input, kernel_size, stride, padding,
                                                                         dilation, ceil_mode)
    indices = P.flat_indices(input._xp, offsets, kernel, stride, padding, dilation, input.shape[-1])
    return out, Tensor._wrap(indices if input.ndim == 4 else indices[0], input.device)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each kh×kw window (stride defaults to the kernel size); with
    ``return_indices`` also where each maximum sits (for ``max_unpool2d``)."""
    if return_indices:
        return max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)[0]


def _check_1d(input: Tensor, name: str) -> None:  # noqa: A002
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {name})")


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
                            dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
                            ) -> tuple[Tensor, Tensor]:
    if input.ndim not in (2, 3):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    k, s = _single(kernel_size, "kernel_size", "max_pool1d"), stride
    s = k if s is None or (not isinstance(s, int) and len(s) == 0) else _single(s, "stride", "max_pool1d")
    p, d = _single(padding, "padding", "max_pool1d"), _single(dilation, "dilation", "max_pool1d")
    out, indices = max_pool2d_with_indices(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode)
    return out.squeeze(-2), indices.squeeze(-2)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """``max_pool2d`` over (N, C, 1, L)."""
    out, indices = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (out, indices) if return_indices else out


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each window: Σ / (window size counting padding, or only the real entries when
    ``count_include_pad=False``, or ``divisor_override``)."""
    if input.ndim not in (3, 4):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{list(input.shape)}")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    geometry = _geometry(input, kernel_size, stride, padding, dilation=1, ceil_mode=ceil_mode, name="avg_pool2d")
    kernel, stride_, padding_, _, out_size, _ = geometry
    xp = input._xp
    divisor = P.avg_pool_divisor(input.shape[-2:], kernel, stride_, padding_, out_size, count_include_pad,
                                 divisor_override)
    divisor = xp.asarray(divisor, dtype=input._data.dtype) if input.dtype.is_floating_point else xp.asarray(divisor)
    return P.AvgPool2d.apply(input, divisor=divisor, geometry=geometry)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """``avg_pool2d`` over (N, C, 1, L)."""
    _check_1d(input, "avg_pool1d")
    k = _single(kernel_size, "kernel_size", "avg_pool1d")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _single(stride, "stride", "avg_pool1d")
    p = _single(padding, "padding", "avg_pool1d")
    return avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode, count_include_pad).squeeze(-2)


def _adaptive_size(input: Tensor, output_size: Any, name: str) -> tuple[int, int]:  # noqa: A002
    if isinstance(output_size, int) or output_size is None:
        output_size = (output_size, output_size)
    output_size = tuple(output_size)
    if len(output_size) != 2:
        raise RuntimeError(f"{name}: output_size must be 2")
    size = tuple(input.shape[-2 + a] if output_size[a] is None else int(output_size[a]) for a in (0, 1))
    if min(size) < 0:
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{size[0]}, {size[1]}}}")
    for axis in range(1, input.ndim):  # every axis but the first, batch or channel, must be non-empty
        if input.shape[axis] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input has "
                               f"sizes {list(input.shape)} with dimension {axis} being empty")
    return size


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Mean over PyTorch's adaptive windows, so the output is ``output_size`` for any input size
    (``None`` keeps that axis). An output of 1×1 is a mean over the plane, as in PyTorch."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    size = _adaptive_size(input, output_size, "adaptive_avg_pool2d")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"adaptive_avg_pool2d\" not implemented for '{input.type().split('.')[-1][:-6]}'")
    if size == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    return P.AdaptiveAvgPool2d.apply(input, out_size=size)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    _check_1d(input, "adaptive_avg_pool1d")
    size = _single(output_size, "output_size", "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False  # noqa: A002
                                     ) -> tuple[Tensor, Tensor]:
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: {list(input.shape)}")
    size = _adaptive_size(input, output_size, "adaptive_max_pool2d")
    x, added = _as_batch(input)
    values, indices = P.adaptive_max_forward(input._xp, x, size)
    if added:
        values, indices = values[0], indices[0]
    out = P.IndexedMax.apply(input, values=values, indices=indices)
    return out, Tensor._wrap(indices, input.device)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """The maximum over PyTorch's adaptive windows; ``return_indices`` also gives h·W + w of each."""
    out, indices = adaptive_max_pool2d_with_indices(input, output_size)
    return (out, indices) if return_indices else out


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False  # noqa: A002
                                     ) -> tuple[Tensor, Tensor]:
    _check_1d(input, "adaptive_max_pool1d")
    size = _single(output_size, "output_size", "adaptive_max_pool1d")
    out, indices = adaptive_max_pool2d_with_indices(input.unsqueeze(-2), (1, size))
    return out.squeeze(-2), indices.squeeze(-2)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    out, indices = adaptive_max_pool1d_with_indices(input, output_size)
    return (out, indices) if return_indices else out


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
                 output_size: Any = None) -> Tensor:
    """The inverse of ``max_pool2d`` (given its indices): zeros, with each input value placed at
    the position its index names. Default output size (H − 1)·s − 2p + k."""
    kernel = _pair(kernel_size, "kernel_size", "max_unpool2d")
    stride = kernel if stride is None else _pair(stride, "stride", "max_unpool2d")
    padding = _pair(padding, "padding", "max_unpool2d")
    spatial = input.shape[-2:]
    default = [(spatial[a] - 1) * stride[a] - 2 * padding[a] + kernel[a] for a in (0, 1)]
    if output_size is None:
        size = tuple(default)
    else:
        size = tuple(output_size)[-2:]
        for a in (0, 1):
            low, high = default[a] - stride[a], default[a] + stride[a]
            if not low < size[a] < high:
                raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {a} must be between {low} and {high})')
    if str(indices.dtype) != "torch.int64":
        name = indices.type().split(".")[-1].replace("Tensor", "")
        raise RuntimeError(f"elements in indices should be type int64 but got: {name}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
                           f"but got indices tensor with shape: {list(indices.shape)}")
    flat = indices._data
    if flat.size and (int(flat.max()) >= size[0] * size[1] or int(flat.min()) < 0):
        bad = int(flat.max()) if int(flat.max()) >= size[0] * size[1] else int(flat.min())
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size {size[0]}x{size[1]})")
    if input.ndim == 3:
        return P.MaxUnpool2d.apply(input.unsqueeze(0), indices=flat[None], out_size=size).squeeze(0)
    return P.MaxUnpool2d.apply(input, indices=flat, out_size=size)
