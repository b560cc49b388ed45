"""Two-operand functions with their own gradients: logaddexp, logaddexp2, xlogy, fmax, fmin; and
the Cholesky factor.

logaddexp(a, b) = log(e^a + e^b): d/da = e^(a - out) = sigmoid(a - b), d/db = e^(b - out).
xlogy(a, b) = a · log b, and 0 where a == 0 (even for b == 0): d/da = log b, d/db = a / b.
fmax/fmin ignore NaN (the other operand wins); the gradient goes to the chosen operand (to a on ties).
"""
from __future__ import annotations

import math

from ..autograd import Op
from .elementwise import _quiet

LN2 = math.log(2.0)


class Logaddexp(Op):
    """out = log(e^a + e^b) without overflow;  d/da = e^(a - out), d/db = e^(b - out)"""
    torch_name = "LogaddexpBackward0"

    def forward(self, a, b):
        out = self.xp.logaddexp(a, b)
        self.save(a, b, out)
        return out

    def backward(self, out_grad):
        a, b, out = self.saved
        xp = self.xp
        return out_grad * xp.exp(a - out), out_grad * xp.exp(b - out)


class Logaddexp2(Op):
    """out = log₂(2^a + 2^b);  d/da = 2^(a - out), d/db = 2^(b - out)"""
    torch_name = "Logaddexp2Backward0"

    def forward(self, a, b):
        out = self.xp.logaddexp2(a, b)
        self.save(a, b, out)
        return out

    def backward(self, out_grad):
        a, b, out = self.saved
        xp = self.xp
        return out_grad * xp.exp2(a - out), out_grad * xp.exp2(b - out)


class Xlogy(Op):
    """out = a · log b (0 where a == 0);  d/da = log b (0 where a == 0 and b <= 0, as PyTorch),
    d/db = a / b"""
    torch_name = "XlogyBackward0"

    def forward(self, a, b):
        xp = self.xp
        with _quiet(xp):
            log_b = xp.log(b)
            out = xp.where(a == 0, 0, a * log_b).astype(a.dtype, copy=False)
        out = xp.where(xp.isnan(b), b, out)  # NaN in b propagates even where a == 0
        self.save(a, b, log_b)
        return out

    def backward(self, out_grad):
        a, b, log_b = self.saved
        xp = self.xp
        with _quiet(xp):
            grad_a = xp.where((a == 0) & (b <= 0), 0, out_grad * log_b)
            grad_b = out_grad * a / b
        return grad_a, grad_b


class Fmax(Op):
    """out = max(a, b), NaN losing to a number;  the gradient goes to the operand picked (a on ties)"""
    torch_name = "FmaxBackward0"

    def forward(self, a, b):
        xp = self.xp
        takes_a = (a >= b) | xp.isnan(b)
        self.save(takes_a)
        return xp.fmax(a, b)

    def backward(self, out_grad):
        (takes_a,) = self.saved
        xp = self.xp
        return xp.where(takes_a, out_grad, 0), xp.where(takes_a, 0, out_grad)


class Fmin(Fmax):
    """out = min(a, b), NaN losing to a number;  the gradient goes to the operand picked"""
    torch_name = "FminBackward0"

    def forward(self, a, b):
        xp = self.xp
        takes_a = (a <= b) | xp.isnan(b)
        self.save(takes_a)
        return xp.fmin(a, b)


class Cholesky(Op):
    """L lower triangular with A = L Lᵀ, or U = Lᵀ (A symmetric positive definite).

    With Φ(X) = the lower triangle of X with its diagonal halved, the gradient (Murray, 2016) is
    S = L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹ made symmetric: grad_A = (S + Sᵀ) / 2.
    """
    torch_name = "LinalgCholeskyExBackward0"

    def forward(self, a, upper: bool):
        low = self.xp.linalg.cholesky(a)
        self.save(low, upper)
        return self.xp.swapaxes(low, -1, -2) if upper else low  # U = Lᵀ

    def backward(self, out_grad):
        low, upper = self.saved
        xp = self.xp
        if upper:  # the gradient of U is the transposed gradient of L
            out_grad = xp.swapaxes(out_grad, -1, -2)
        phi = xp.tril(xp.swapaxes(low, -1, -2) @ out_grad)
        diagonal = xp.arange(low.shape[-1])
        phi[..., diagonal, diagonal] *= 0.5
        inverse = xp.linalg.inv(low)
        s = xp.swapaxes(inverse, -1, -2) @ phi @ inverse
        return (s + xp.swapaxes(s, -1, -2)) / 2


class RoundedDivide(Op):
    """out = a / b rounded towards zero (``rounding_mode='trunc'``) or down (``'floor'``), as
    ``torch.div`` computes it: integers divide exactly (integer b == 0 raises), floats round the
    true quotient (``floor`` is Python's ``//``: fmod-based, so 1 // 0.1 is 9, not 10).

    The result is piecewise constant: d/da = d/db = 0 wherever it is defined (PyTorch's
    ``DivBackward2`` returns zeros too)."""
    torch_name = "DivBackward2"

    def forward(self, a, b, mode: str):
        xp = self.xp
        if mode == "floor":
            return xp.floor_divide(a, b)
        if a.dtype.kind in "iub":  # truncate exactly: floor, then step up where the signs differ
            quotient = xp.floor_divide(a, b)
            return quotient + ((quotient < 0) & (quotient * b != a)).astype(quotient.dtype)
        return xp.trunc(a / b)

    def backward(self, out_grad):
        zeros = self.xp.zeros_like(out_grad)
        return zeros, zeros


class FloorDivide(Op):
    """out = ⌊a / b⌋ (``a // b``). PyTorch records this node but declares its derivative not
    implemented, so backward through it raises (the values are piecewise constant)."""
    torch_name = "torch::autograd::NotImplemented"

    def forward(self, a, b):
        return self.xp.floor_divide(a, b)

    def backward(self, out_grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")
