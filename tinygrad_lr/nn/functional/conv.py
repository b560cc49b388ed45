"""Convolutions as functions: ``conv1d``, ``conv2d``, ``conv_transpose2d``, ``unfold``, ``fold``.

These check their arguments as PyTorch does (with its error messages), normalise ``stride``,
``padding`` and ``dilation`` to one value per spatial axis, and hand the arrays to the ops in
``ops/conv.py``, where the math lives. An unbatched input (no batch axis) is given one and has it
removed again afterwards, as PyTorch does (so its ``grad_fn`` is ``SqueezeBackward1``).
"""
from __future__ import annotations

from typing import Any, Sequence

from ...ops import conv as C
from ...tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv_transpose2d", "unfold", "fold"]

_SCALAR_NAMES = {"float32": "float", "float64": "double", "float16": "half", "int64": "long", "int32": "int",
                 "int16": "short", "int8": "char", "uint8": "byte", "bool": "bool"}


def _scalar_name(t: Tensor) -> str:
    name = str(t.dtype).split(".")[-1]
    return _SCALAR_NAMES.get(name, name)


def _per_axis(value: Any, n: int, name: str) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints as an ``n``-tuple (PyTorch's ``expand_param_if_needed``)."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={list(value)}")
    return value


def _check_convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,  # noqa: A002
                       dilation: Any, groups: int, dims: int, name: str, transposed: bool = False
                       ) -> tuple[tuple[int, ...], Any, tuple[int, ...]]:
    """PyTorch's checks of a convolution's arguments; returns stride, padding, dilation per axis."""
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got "
                           f"input of size: {list(input.shape)}")
    spatial = weight.ndim - 2
    stride = _per_axis(stride, spatial, "stride")
    if spatial != dims:
        raise RuntimeError(f"expected stride to be a single integer value or a list of {spatial} values to match "
                           f"the convolution dimensions, but got stride={list(stride[:1] * dims)}")
    if not isinstance(padding, str):
        padding = _per_axis(padding, dims, "padding")
        if any(p < 0 for p in padding):
            raise RuntimeError("negative padding is not supported")
    dilation = _per_axis(dilation, dims, "dilation")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    shape = list(input.shape) if input.ndim == dims + 2 else [1, *input.shape]
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(weight.shape)}] instead")
    expected = weight.shape[0] if transposed else weight.shape[1] * groups
    if shape[1] != expected:
        what = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(f"Given {what}, weight of size {list(weight.shape)}, expected input{shape} to have "
                           f"{expected} channels, but got {shape[1]} channels instead")
    out_channels = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")
    # PyTorch checks the bias first; its weight message depends on the kernel it picks (this is the
    # common one, e.g. a float64 NumPy batch fed to a float32 model without bias)
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({_scalar_name(input)}) and bias type ({_scalar_name(bias)}) should be the same")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(input).capitalize()} but found "
                           f"{_scalar_name(weight).capitalize()}")
    return stride, padding, dilation


def _pad_pairs(padding: Any, kernel: Sequence[int], stride: Sequence[int], dilation: Sequence[int]
               ) -> tuple[tuple[int, int], ...]:
    """(before, after) per axis. 'same' splits d·(k − 1) with the extra one after, as PyTorch does."""
    if isinstance(padding, str):
        if padding == "valid":
            return tuple((0, 0) for _ in kernel)
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in padding)


def _check_kernel_fits(size: Sequence[int], pads: Any, kernel: Sequence[int], dilation: Sequence[int]) -> None:
    padded = [s + a + b for s, (a, b) in zip(size, pads)]
    effective = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(e > p for e, p in zip(effective, padded)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, effective))}). Kernel size can't be greater than actual input size")


def _convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,  # noqa: A002
                 dilation: Any, groups: int, dims: int) -> Tensor:
    name = f"conv{dims}d"
    stride, padding, dilation = _check_convolution(input, weight, bias, stride, padding, dilation, groups, dims, name)
    pads = _pad_pairs(padding, weight.shape[2:], stride, dilation)
    unbatched = input.ndim == dims + 1
    x = input.unsqueeze(0) if unbatched else input
    _check_kernel_fits(x.shape[2:], pads, weight.shape[2:], dilation)
    if dims == 1:  # one op for both: a 1-D convolution is a 2-D one of height 1
        options = dict(stride=(1, stride[0]), padding=((0, 0), pads[0]), dilation=(1, dilation[0]), one_d=True)
    else:
        options = dict(stride=stride, padding=pads, dilation=dilation)
    tensors = (x, weight) if bias is None else (x, weight, bias)
    out = C.Convolution.apply(*tensors, groups=groups, **options)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D convolution of (N, C_in, L) (or (C_in, L)) with weight (C_out, C_in/groups, k)."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution of (N, C_in, H, W) (or (C_in, H, W)) with weight (C_out, C_in/groups, kh, kw).

    out[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c] (a cross-correlation, as in PyTorch); ``padding`` is an
    int, a pair, 'valid' (none) or 'same' (output as large as the input, stride 1 only).
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 2)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """Transposed 2-D convolution with weight (C_in, C_out/groups, kh, kw): the gradient of conv2d
    with respect to its input. Output size (H − 1)·s − 2p + d·(k − 1) + output_padding + 1."""
    if isinstance(padding, str):
        raise RuntimeError("conv_transpose2d(): argument 'padding' must be tuple of ints, not str")
    stride, padding, dilation = _check_convolution(input, weight, bias, stride, padding, dilation, groups, 2,
                                                   "conv_transpose2d", transposed=True)
    output_padding = _per_axis(output_padding, 2, "output_padding")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                           f"output_padding_height: {output_padding[0]} output_padding_width: {output_padding[1]} "
                           f"stride_height: {stride[0]} stride_width: {stride[1]} dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    size = [(n - 1) * s - 2 * p + d * (k - 1) + op + 1
            for n, s, p, d, k, op in zip(x.shape[2:], stride, padding, dilation, weight.shape[2:], output_padding)]
    if any(s <= 0 for s in size):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated output "
                           f"size per channel: ({' x '.join(map(str, size))}). Output size is too small")
    tensors = (x, weight) if bias is None else (x, weight, bias)
    out = C.ConvolutionTranspose.apply(*tensors, stride=stride, padding=padding, output_padding=output_padding,
                                       dilation=dilation, groups=groups)
    return out.squeeze(0) if unbatched else out


def _pair(value: Any) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:  # noqa: A002
    """Sliding blocks as columns: (N, C, H, W) -> (N, C·kh·kw, L) with L the number of blocks (im2col)."""
    if input.ndim not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    kernel, dilation, padding, stride = _pair(kernel_size), _pair(dilation), _pair(padding), _pair(stride)
    x = input.unsqueeze(0) if input.ndim == 3 else input
    blocks = [(s + 2 * p - d * (k - 1) - 1) // st + 1
              for s, p, d, k, st in zip(x.shape[2:], padding, dilation, kernel, stride)]
    if any(b <= 0 for b in blocks):
        raise RuntimeError(f"Given input with spatial size ({x.shape[2]}, {x.shape[3]}), kernel_size=({kernel[0]}, "
                           f"{kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, "
                           f"{padding[1]}), calculated shape of the array of sliding blocks as ({blocks[0]}, "
                           f"{blocks[1]}), but its components must be at least one.")
    out = C.Unfold.apply(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    return out.squeeze(0) if input.ndim == 3 else out


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,  # noqa: A002
         stride: Any = 1) -> Tensor:
    """The inverse of unfold: (N, C·kh·kw, L) -> (N, C, H, W), overlapping blocks summed (col2im)."""
    if input.ndim not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                                  f"(got {input.ndim}D)")
    output_size, kernel = _pair(output_size), _pair(kernel_size)
    dilation, padding, stride = _pair(dilation), _pair(padding), _pair(stride)
    cols = input.unsqueeze(0) if input.ndim == 2 else input
    if cols.shape[1] % (kernel[0] * kernel[1]):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={cols.shape[1]} and kernel_size=({kernel[0]}, {kernel[1]}).")
    blocks = tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                   for s, p, d, k, st in zip(output_size, padding, dilation, kernel, stride))
    if cols.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size=({output_size[0]}, {output_size[1]}), kernel_size=({kernel[0]}, "
                           f"{kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, "
                           f"{padding[1]}), stride=({stride[0]}, {stride[1]}), expected size of input's dimension 2 "
                           f"to match the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size(2)={cols.shape[2]}.")
    out = C.Fold.apply(cols, output_size=output_size, kernel=kernel, stride=stride, padding=padding,
                       dilation=dilation, blocks=blocks)
    return out.squeeze(0) if input.ndim == 2 else out
