"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose2d``.

Each stores its options as PyTorch does (tuples per spatial axis; ``padding`` may be 'same' or
'valid'), holds ``weight`` (out_channels, in_channels/groups, *kernel_size) — (in_channels,
out_channels/groups, *kernel_size) when transposed — and ``bias`` (out_channels), and calls the
matching function of ``nn.functional`` in ``forward``.

Default init (PyTorch's ``_ConvNd.reset_parameters``): W by kaiming_uniform_(a=√5), which is
U(−1/√fan_in, 1/√fan_in) with fan_in = in_channels/groups · kernel area (weight.shape[1] times the
kernel area), and b from U(−1/√fan_in, 1/√fan_in).
"""
from __future__ import annotations

from typing import Any, Sequence

from ..creation import empty
from ..shapes import Size
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

# sets built in PyTorch's order, so that they print in the same order as PyTorch's in one process
_PADDING_STRINGS = {"same", "valid"}
_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


def _ntuple(value: Any, n: int) -> tuple:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


class _ConvNd(Module):
    """What every convolution layer shares: argument checks, parameters, init and ``repr``."""

    dims = 2
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any, padding: Any,
                 dilation: Any, output_padding: Any, groups: int, bias: bool, padding_mode: str,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        n = self.dims
        stride = _ntuple(stride, n)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _ntuple(padding, n)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = stride
        self.padding = padding
        self.dilation = _ntuple(dilation, n)
        self.output_padding = _ntuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        if self.transposed:
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init._default_layer_init(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Conv1d/Conv2d: pad as ``padding_mode`` says, then the functional form (``_convolve``)."""
        x, padding = self._padded(input)
        return self._convolve(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)

    def _padded(self, input: Tensor) -> tuple[Tensor, Any]:  # noqa: A002
        """The input and the padding to convolve it with: PyTorch pads non-'zeros' modes with F.pad
        first (reversed per-axis pairs, 'same' split as F.conv does) and convolves unpadded."""
        if self.padding_mode == "zeros":
            return input, self.padding
        pad = getattr(F, "pad", None)
        if pad is None:
            raise NotImplementedError(f"padding_mode='{self.padding_mode}' needs F.pad, which is not available")
        pairs = []
        for k, d, p in zip(self.kernel_size, self.dilation,
                           self.padding if not isinstance(self.padding, str) else (None,) * self.dims):
            if self.padding == "valid":
                pairs.append((0, 0))
            elif isinstance(self.padding, str):
                total = d * (k - 1)
                pairs.append((total // 2, total - total // 2))
            else:
                pairs.append((p, p))
        reversed_pairs = [v for pair in reversed(pairs) for v in pair]
        return pad(input, reversed_pairs, mode=self.padding_mode), 0

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    """Conv1d and Conv2d: the same arguments, in PyTorch's order; a subclass names its ``dims`` and
    the functional form it calls (``_convolve``)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, 0, groups, bias,
                         padding_mode, device, dtype)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) or (C_in, L)."""

    dims = 1
    _convolve = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) or (C_in, H, W): out = W ⋆ x + b."""

    dims = 2
    _convolve = staticmethod(F.conv2d)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution (the gradient of Conv2d with respect to its input): upsampling
    in autoencoders and decoders. ``forward(input, output_size=None)`` may ask for a specific size
    among the (stride) valid ones, as PyTorch's does."""

    dims = 2
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, _ntuple(padding, 2), dilation,
                         output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input: Tensor, output_size: Sequence[int] | None) -> tuple[int, ...]:  # noqa: A002
        if output_size is None:
            return self.output_padding
        output_size = list(output_size)
        non_spatial = 2 if input.ndim == 4 else 1
        if len(output_size) == non_spatial + 2:
            output_size = output_size[non_spatial:]
        if len(output_size) != 2:
            raise ValueError(f"ConvTranspose2D: for {input.ndim}D input, output_size must have 2 or "
                             f"{non_spatial + 2} elements (got {len(output_size)})")
        spatial = Size(input.shape[non_spatial:])
        low = [(spatial[a] - 1) * self.stride[a] - 2 * self.padding[a] + self.dilation[a] * (self.kernel_size[a] - 1)
               + 1 for a in range(2)]
        high = [low[a] + self.stride[a] - 1 for a in range(2)]
        for a in range(2):
            if not low[a] <= output_size[a] <= high[a]:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {low} to "
                                 f"{high} (for an input of {spatial})")
        return tuple(output_size[a] - low[a] for a in range(2))

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:  # noqa: A002
        output_padding = self._output_padding(input, output_size)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)
