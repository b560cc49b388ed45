"""``nn.LazyLinear``: a Linear layer whose ``in_features`` is read from the first input.

Textbooks write ``nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))`` and never count
input sizes. Until the first forward the weights are ``UninitializedParameter``s (no shape, no values);
the first forward gives them their shapes, initializes them as ``Linear.reset_parameters`` does (so the
random draws are PyTorch's, in the same order), and the module becomes a plain ``Linear`` — PyTorch's
``cls_to_become``. The Parameter objects stay the same, so an optimizer built before the first forward
still updates them.
"""
from __future__ import annotations

from typing import Any

from ..creation import empty
from ..tensor import Tensor
from .layers import Linear
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
