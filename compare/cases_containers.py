"""Parity cases for ``nn.ParameterList`` and ``nn.ParameterDict``: models whose weights live in them
(PyTorch's initial values copied in by state-dict key, ``ws.0``, ``gates.input``), with every
parameter's gradient compared by name."""
from __future__ import annotations

from typing import Any

import tinygrad_lr

from .cases_nn import module
from .registry import Case, farg, register

if not hasattr(tinygrad_lr.nn, "ParameterList"):
    raise ModuleNotFoundError("tinygrad_lr.nn.ParameterList is not there yet", name=__name__)


def _list_model(ns: Any) -> Any:
    class Chain(ns.nn.Module):
        """x ↦ tanh(x W0) W1 + b with the three tensors in a ParameterList."""

        def __init__(self) -> None:
            super().__init__()
            self.ws = ns.nn.ParameterList([ns.nn.Parameter(ns.randn(3, 4)), ns.randn(4, 2)])
            self.ws.append(ns.nn.Parameter(ns.zeros(2)))

        def forward(self, x: Any) -> Any:
            return (x @ self.ws[0]).tanh() @ self.ws[1] + self.ws[-1]
    return Chain()


def _dict_model(ns: Any) -> Any:
    class Gated(ns.nn.Module):
        """x ↦ (x ⊙ a) · σ(x ⊙ b) with a, b in a ParameterDict."""

        def __init__(self) -> None:
            super().__init__()
            self.gates = ns.nn.ParameterDict({"input": ns.nn.Parameter(ns.randn(3)), "gate": ns.randn(3)})

        def forward(self, x: Any) -> Any:
            return x * self.gates["input"] * (x * self.gates["gate"]).sigmoid()
    return Gated()


register(Case("ParameterList", fn=module(_list_model), args=(farg(5, 3),), kind="module"))
register(Case("ParameterDict", fn=module(_dict_model), args=(farg(5, 3),), kind="module"))
