"""``nn.LazyLinear``, ``LazyConv2d``, ``LazyBatchNorm1d/2d``: layers whose input size is read from the first input.

Textbooks write ``nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))`` and never count
input sizes. Until the first forward the weights are ``UninitializedParameter``s (no shape, no values);
the first forward gives them their shapes, initializes them as ``Linear.reset_parameters`` does (so the
random draws are PyTorch's, in the same order), and the module becomes a plain ``Linear`` — PyTorch's
``cls_to_become``. The Parameter objects stay the same, so an optimizer built before the first forward
still updates them.
"""
from __future__ import annotations

from typing import Any

from ..creation import empty, ones, zeros
from ..tensor import Tensor
from .conv import Conv2d
from .layers import Linear
from .normalization import BatchNorm1d, BatchNorm2d
from .module import Module
from .parameter import Parameter

UNINITIALIZED = ("Attempted to use an uninitialized parameter in {}. This error happens when you are using a "
                 "`LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` objects. "
                 "When using LazyModules Call `forward` with a dummy batch to initialize the parameters before "
                 "calling torch functions")


class UninitializedParameter(Parameter):
    """A Parameter with no shape yet; ``materialize(shape)`` gives it one (and makes it a Parameter)."""

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(empty(0, device=device, dtype=dtype), requires_grad)

    def materialize(self, shape: tuple, device: Any = None, dtype: Any = None) -> None:
        fresh = empty(tuple(shape), device=device or self.device, dtype=dtype or self.dtype)
        self._data, self.device = fresh._data, fresh.device
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    @property
    def shape(self) -> Any:
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def numel(self) -> int:
        raise ValueError(UNINITIALIZED.format("<method 'numel' of 'torch._C.TensorBase' objects>"))


class LazyLinear(Linear):
    """``Linear(in_features, out_features)`` with ``in_features = input.shape[-1]`` of the first input."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        Module.__init__(self)
        self.in_features = 0
        self.out_features = out_features
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if not isinstance(self.weight, UninitializedParameter) and self.in_features != 0:
            super().reset_parameters()

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        if isinstance(self.weight, UninitializedParameter):
            self.in_features = input.shape[-1]
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()
            self.__class__ = self.cls_to_become
        return Linear.forward(self, input)


class LazyConv2d(Conv2d):
    """``Conv2d(in_channels, ...)`` with ``in_channels`` read from the first input (dim -3)."""

    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(0, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         device, dtype)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not isinstance(self.weight, UninitializedParameter) and self.in_channels != 0:
            super().reset_parameters()

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        if isinstance(self.weight, UninitializedParameter):
            self.in_channels = input.shape[-3]  # (N, C, H, W) or unbatched (C, H, W)
            self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()
            self.__class__ = self.cls_to_become
        return Conv2d.forward(self, input)


class _LazyBatchNorm:
    """The shared part of LazyBatchNorm1d/2d: ``num_features`` is ``input.shape[1]`` of the first input
    (dim 0 of an unbatched 1-D input); the running statistics start as zeros/ones of that size."""

    def _lazy_init(self, device: Any, dtype: Any) -> None:
        if self.affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if self.bias is not None:
                self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if self.num_features != 0:
            super().reset_parameters()

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        if self.num_features == 0:
            n = input.shape[1] if input.ndim > 1 else input.shape[0]
            self.num_features = n
            for name in ("weight", "bias"):
                if isinstance(getattr(self, name), UninitializedParameter):
                    getattr(self, name).materialize((n,))
            if self.track_running_stats:
                self.running_mean = zeros(n, device=input.device, dtype=self.running_mean.dtype)
                self.running_var = ones(n, device=input.device, dtype=self.running_var.dtype)
            self.reset_parameters()
            self.__class__ = self.cls_to_become
        return type(self).forward(self, input)  # the class it became


class LazyBatchNorm1d(_LazyBatchNorm, BatchNorm1d):
    cls_to_become = BatchNorm1d

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None) -> None:
        BatchNorm1d.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype)
        self._lazy_init(device, dtype)


class LazyBatchNorm2d(_LazyBatchNorm, BatchNorm2d):
    cls_to_become = BatchNorm2d

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None) -> None:
        BatchNorm2d.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype)
        self._lazy_init(device, dtype)
