"""Recurrent layers over whole sequences: ``RNN`` (tanh or relu), ``LSTM``, ``GRU``.

Parameters, their names and registration order are PyTorch's (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``, then ``..._reverse`` for the backward direction, layer by layer),
so state dicts move between the two frameworks as they are. Gates are stacked along the rows of
each weight in PyTorch's order: LSTM (i, f, g, o), GRU (r, z, n). Every parameter starts from
U(−1/√hidden_size, 1/√hidden_size).

Each layer and direction runs as one graph node (``ops.rnn.RecurrentLayer``: the time loop and
backpropagation through time on plain arrays); this module checks arguments as PyTorch does,
arranges the input as packed rows (a padded batch is the case where every step has all rows),
stacks the layers with dropout between them in training, and shapes the outputs back.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from ... import dtypes
from ...creation import empty, zeros
from ...ops.rnn import GATES, RecurrentLayer
from ...tensor import Tensor, _named
from ...tensor_shape import cat, stack
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from ..utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU"]


def _run_layer(mode: str, x: Tensor, h0: Tensor, c0: Tensor | None, weights: list[Tensor], bias: bool,
               batch_sizes: tuple[int, ...], reverse: bool = False, outputs: bool = True) -> tuple:
    """One layer and direction: (per-step outputs or None, final h, final c or None). ``weights``
    in PyTorch's order: W_ih, W_hh, then b_ih, b_hh with ``bias``, then W_hr for projections."""
    inputs = [x, h0] + ([c0] if mode == "LSTM" else []) + list(weights)
    proj = len(weights) > (4 if bias else 2)
    result = RecurrentLayer.apply(*inputs, mode=mode, batch_sizes=batch_sizes, reverse=reverse, bias=bias,
                                  proj=proj, outputs=outputs)
    # the result is flat: [outputs (S, P)] [h (N, P)] [c (N, H)], cut apart here
    S, (N, P) = (x.shape[0] if outputs else 0), h0.shape
    out = result[:S * P].reshape(S, P) if outputs else None
    h = result[S * P:(S + N) * P].reshape(N, P)
    c = result[(S + N) * P:].reshape(c0.shape) if mode == "LSTM" else None
    return out, h, c


class RNNBase(Module):
    """What RNN, LSTM and GRU share: parameters, argument checks, the layer stack."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int), ("hidden_size", hidden_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
            if kind is int and value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        real_hidden_size = proj_size if proj_size > 0 else hidden_size  # the width of h
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * directions
                shapes = [(gate_size, layer_input_size), (gate_size, real_hidden_size)]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if proj_size > 0:
                    shapes += [(proj_size, hidden_size)]
                    names += ["weight_hr_l{}{}"]
                names = [n.format(layer, "_reverse" if direction == 1 else "") for n in names]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """A no-op, as in PyTorch off cuDNN: there is no flat weight buffer to rebuild here."""

    @property
    def _flat_weights(self) -> list[Parameter]:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------------------------------ checks
    def check_input(self, input: Tensor, batch_sizes: Any) -> None:  # noqa: A002 - PyTorch's names
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype is not weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                             f"Convert input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    def get_expected_hidden_size(self, input: Tensor, batch_sizes: Any) -> tuple[int, int, int]:  # noqa: A002
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch,
                self.proj_size if self.proj_size > 0 else self.hidden_size)

    def check_hidden_size(self, hx: Tensor, expected: tuple[int, int, int],
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.size()) != tuple(expected):
            raise RuntimeError(msg.format(expected, list(hx.size())))

    def check_forward_args(self, input: Tensor, hidden: Any, batch_sizes: Any) -> None:  # noqa: A002
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx: Any, permutation: Tensor | None) -> Any:
        return hx if permutation is None else hx.index_select(1, permutation)

    # ----------------------------------------------------------------------------------- forward
    def _zeros_state(self, input: Tensor, batch: int, cell: bool = False) -> Tensor:  # noqa: A002
        size = self.proj_size if self.proj_size > 0 and not cell else self.hidden_size
        return zeros(self.num_layers * (2 if self.bidirectional else 1), batch, size, dtype=input.dtype,
                     device=input.device)

    def _initial_state(self, input: Tensor, batch: int) -> Any:  # noqa: A002
        if self.mode != "LSTM":
            return self._zeros_state(input, batch)
        return self._zeros_state(input, batch), self._zeros_state(input, batch, cell=True)

    def _stack(self, data: Tensor, batch_sizes: tuple[int, ...], h0: Tensor, c0: Tensor | None) -> tuple:
        """Every layer over packed rows ``data``: (last layer's output rows, h_n, c_n or None)."""
        directions = 2 if self.bidirectional else 1
        finals_h, finals_c = [], []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                out, h, c = _run_layer(self.mode, data, h0[k], None if c0 is None else c0[k],
                                       self.all_weights[k], self.bias, batch_sizes, reverse=direction == 1)
                outputs.append(out)
                finals_h.append(h)
                finals_c.append(c)
            data = outputs[0] if directions == 1 else cat(outputs, dim=1)
            if self.dropout != 0 and self.training and layer < self.num_layers - 1:
                data = F.dropout(data, self.dropout, True)
        return data, stack(finals_h), (stack(finals_c) if c0 is not None else None)

    def _output_node_name(self, out: Tensor) -> str:
        """The grad_fn PyTorch's CPU kernels give the output (so that printed outputs read alike):
        the cat of the two directions, the oneDNN node of a float32 LSTM, else the stack of the steps."""
        if self.bidirectional:
            return "CatBackward0"
        if self.mode == "LSTM" and out.dtype is dtypes.float32 and self.proj_size == 0:  # oneDNN has no projections
            return "MkldnnRnnLayerBackward0"
        return "StackBackward0"

    def _forward(self, input: Any, hx: Any) -> tuple:  # noqa: A002
        """The shared forward: PyTorch's argument handling around ``_stack``."""
        lstm = self.mode == "LSTM"
        if isinstance(input, PackedSequence):
            data, batch_sizes_tensor, sorted_indices, unsorted_indices = input
            batch_sizes = tuple(int(b) for b in batch_sizes_tensor.tolist())
            if hx is None:
                hx = self._initial_state(data, batch_sizes[0])
            else:
                hx = self.permute_hidden(hx, sorted_indices)
            self.check_forward_args(data, hx, batch_sizes_tensor)
            out, h_n, c_n = self._stack(data, batch_sizes, *(hx if lstm else (hx, None)))
            hidden = (h_n, c_n) if lstm else h_n
            out = _named(out, "CatBackward0")  # PyTorch joins the steps' rows with a cat
            return PackedSequence(out, batch_sizes_tensor, sorted_indices, unsorted_indices), \
                self.permute_hidden(hidden, unsorted_indices)
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        if input.dim() not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D"
                             + (" tensor instead" if name == "RNN" else " instead"))
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        if hx is not None:
            dims = [hx[0].dim(), hx[1].dim()] if lstm else [hx.dim()]
            want = 3 if batched else 2
            if any(d != want for d in dims):
                kind = "batched 3-D" if batched else "unbatched 2-D"
                if lstm:
                    raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                       f"({dims[0]}-D, {dims[1]}-D) tensors")
                raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got {dims[0]}-D tensor")
            if not batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1)) if lstm else hx.unsqueeze(1)
        batch = input.size(batch_dim)
        if hx is None:
            hx = self._initial_state(input, batch)
        self.check_forward_args(input, hx, None)
        x = input.transpose(0, 1) if self.batch_first else input  # time-major (T, N, input_size)
        T, N = x.shape[0], x.shape[1]
        out, h_n, c_n = self._stack(x.reshape(T * N, x.shape[2]), (N,) * T, *(hx if lstm else (hx, None)))
        output = _named(out.reshape(T, N, out.shape[1]), self._output_node_name(out))
        if self.batch_first:
            output = _named(output.transpose(0, 1), "TransposeBackward0" if lstm else "TransposeBackward1")
        if not batched:
            output = output.squeeze(batch_dim)
            h_n, c_n = h_n.squeeze(1), (None if c_n is None else c_n.squeeze(1))
        return output, ((h_n, c_n) if lstm else h_n)


class RNN(RNNBase):
    """h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (or relu with ``nonlinearity="relu"``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple:  # noqa: A002
        return self._forward(input, hx)


class LSTM(RNNBase):
    """Gates i, f, g, o = σ, σ, tanh, σ of x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh;
    c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t), projected to h_t = W_hr h_t when ``proj_size`` > 0."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input: Tensor, batch_sizes: Any) -> tuple[int, int, int]:  # noqa: A002
        layers, mini_batch, _ = self.get_expected_hidden_size(input, batch_sizes)
        return (layers, mini_batch, self.hidden_size)

    def check_forward_args(self, input: Tensor, hidden: Any, batch_sizes: Any) -> None:  # noqa: A002
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx: Any, permutation: Tensor | None) -> Any:
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)

    def forward(self, input: Any, hx: tuple[Tensor, Tensor] | None = None) -> tuple:  # noqa: A002
        return self._forward(input, hx)


class GRU(RNNBase):
    """r, z = σ(…), n = tanh(x_t W_inᵀ + b_in + r ⊙ (h_{t−1} W_hnᵀ + b_hn)), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple:  # noqa: A002
        return self._forward(input, hx)
