"""The log-gamma function and its derivatives: lgamma, digamma (ψ = d lgamma / dx) and, for
digamma's own gradient, trigamma (ψ'). NumPy has none of them; ``backend.gamma_family`` computes
them (Python's math.lgamma per element, series for ψ and ψ')."""
from __future__ import annotations

from ..autograd import Op
from ..backend import gamma_family


class Lgamma(Op):
    """out = log |Γ(a)|;  d/da = ψ(a) (digamma)"""
    torch_name = "LgammaBackward0"

    def forward(self, a):
        self.save(a)
        return gamma_family(self.xp, "lgamma", a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * gamma_family(self.xp, "digamma", a)


class Digamma(Op):
    """out = ψ(a) = Γ'(a) / Γ(a);  d/da = ψ'(a) (trigamma)"""
    torch_name = "DigammaBackward0"

    def forward(self, a):
        self.save(a)
        return gamma_family(self.xp, "digamma", a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * gamma_family(self.xp, "trigamma", a)
