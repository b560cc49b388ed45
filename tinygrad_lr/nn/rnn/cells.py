"""One time step of a recurrent layer: ``RNNCell``, ``LSTMCell``, ``GRUCell``.

Same parameters (without the layer suffix: ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``),
gate layouts and init as the layers in ``layers.py``; a step is a ``RecurrentLayer`` node over a
sequence of length one that returns only the new state.
"""
from __future__ import annotations

import math
from typing import Any

from ...creation import empty, zeros
from ...tensor import Tensor, _named
from .. import init
from ..module import Module
from ..parameter import Parameter
from .layers import _run_layer

__all__ = ["RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


class RNNCellBase(Module):
    """One time step of a recurrent layer: parameters ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``."""

    mode = ""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, input: Tensor, states: list[Tensor | None]) -> tuple:  # noqa: A002
        """PyTorch's checks and unbatched handling around one ``RecurrentLayer`` step."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for i, state in enumerate(states):
            if state is not None and state.dim() not in (1, 2):
                what = f"hx[{i}]" if len(states) > 1 else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {state.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        zero = zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)
        states = [zero if s is None else (s if batched else s.unsqueeze(0)) for s in states]
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {self.input_size}")
        for i, state in enumerate(states):
            if input.size(0) != state.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} batch size "
                                   f"{state.size(0)}")
            if state.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {state.size(1)}, expected "
                                   f"{self.hidden_size}")
        if input.dtype is not self.weight_ih.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_type_name(input)} and "
                               f"{_type_name(self.weight_ih)}")
        weights = [self.weight_ih, self.weight_hh] + ([self.bias_ih, self.bias_hh] if self.bias else [])
        _, h, c = _run_layer(self.mode, input, states[0], states[1] if len(states) > 1 else None, weights, self.bias,
                             (input.size(0),), outputs=False)
        # the names of the nodes PyTorch's cells end with: tanh/relu, h = n + z(h' - n), h = o·tanh(c), c = f·c' + i·g
        h = _named(h, {"RNN_TANH": "TanhBackward0", "RNN_RELU": "ReluBackward0", "GRU": "AddBackward0",
                       "LSTM": "MulBackward0"}[self.mode])
        c = _named(c, "AddBackward0")
        if not batched:
            h, c = h.squeeze(0), (None if c is None else c.squeeze(0))
        return h, c


def _type_name(t: Tensor) -> str:
    return t.type().split(".")[-1].replace("Tensor", "")  # torch.DoubleTensor -> Double


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    @property
    def mode(self) -> str:  # type: ignore[override]
        return "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step(input, [hx])[0]


class LSTMCell(RNNCellBase):
    """One LSTM step: returns (h', c')."""

    mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:  # noqa: A002
        return self._step(input, [None, None] if hx is None else list(hx))


class GRUCell(RNNCellBase):
    """One GRU step: returns h'."""

    mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        return self._step(input, [hx])[0]
