"""Logarithms and exponentials in other bases, reciprocals, rounding toward zero, the error
function family, logit, and elementwise ops with a second operand (fmod, copysign, lerp) or a
one-sided bound (clamp_min/clamp_max), and ``nan_to_num``.

Each backward is the derivative in its docstring times ``out_grad``. ``math.log(2)`` and friends
are Python floats, so a float32 input stays float32.
"""
from __future__ import annotations

import math
from typing import Any

from .._fma import fma
from ..autograd import Op
from ..backend import erf_family
from .elementwise import _quiet, check_integer_divisor, masked_gradient

LN2, LN10 = math.log(2.0), math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Log1p(Op):
    """out = ln(1 + a), accurate for small a;  d/da = 1 / (1 + a)"""
    torch_name = "Log1PBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.log1p(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / (1 + a)


class Expm1(Op):
    """out = e^a - 1, accurate for small a;  d/da = e^a = out + 1"""
    torch_name = "Expm1Backward0"

    def forward(self, a):
        out = self.xp.expm1(a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return out_grad * (out + 1)


class Log2(Op):
    """out = log₂ a;  d/da = 1 / (a ln 2)"""
    torch_name = "Log2Backward0"

    def forward(self, a):
        self.save(a)
        return self.xp.log2(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / (a * LN2)


class Log10(Op):
    """out = log₁₀ a;  d/da = 1 / (a ln 10)"""
    torch_name = "Log10Backward0"

    def forward(self, a):
        self.save(a)
        return self.xp.log10(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / (a * LN10)


class Exp2(Op):
    """out = 2^a;  d/da = 2^a ln 2 = out ln 2"""
    torch_name = "Exp2Backward0"

    def forward(self, a):
        out = self.xp.exp2(a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return out_grad * out * LN2


class Rsqrt(Op):
    """out = 1 / √a;  d/da = -1/2 · a^(-3/2) = -out³ / 2"""
    torch_name = "RsqrtBackward0"

    def forward(self, a):
        out = 1 / self.xp.sqrt(a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return out_grad * (-0.5 * out * out * out)


class Reciprocal(Op):
    """out = 1 / a;  d/da = -1/a² = -out²"""
    torch_name = "ReciprocalBackward0"

    def forward(self, a):
        out = 1 / a
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return -out_grad * (out * out)  # PyTorch's order of the products (derivatives.yaml): same last bit


class Trunc(Op):
    """out = a rounded toward zero;  d/da = 0 (PyTorch's value at the jumps too)"""
    torch_name = "TruncBackward0"

    def forward(self, a):
        return self.xp.trunc(a)

    def backward(self, out_grad):
        return self.xp.zeros_like(out_grad)


class Frac(Op):
    """out = a - trunc(a) (keeps a's sign);  d/da = 1"""
    torch_name = "FracBackward0"

    def forward(self, a):
        return a - self.xp.trunc(a)

    def backward(self, out_grad):
        return out_grad


class Erf(Op):
    """out = erf a = 2/√π ∫₀^a e^(-t²) dt;  d/da = 2/√π · e^(-a²)"""
    torch_name = "ErfBackward0"

    def forward(self, a):
        self.save(a)
        return erf_family(self.xp, "erf", a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * (TWO_OVER_SQRT_PI * self.xp.exp(-a * a))


class Erfc(Op):
    """out = erfc a = 1 - erf a (accurate in the right tail);  d/da = -2/√π · e^(-a²)"""
    torch_name = "ErfcBackward0"

    def forward(self, a):
        self.save(a)
        return erf_family(self.xp, "erfc", a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * (-TWO_OVER_SQRT_PI * self.xp.exp(-a * a))


class Erfinv(Op):
    """out = erf⁻¹ a (|a| < 1);  d/da = 1 / erf'(out) = √π/2 · e^(out²)"""
    torch_name = "ErfinvBackward0"

    def forward(self, a):
        out = erf_family(self.xp, "erfinv", a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return out_grad * ((1 / TWO_OVER_SQRT_PI) * self.xp.exp(out * out))


class Logit(Op):
    """out = ln(z / (1 - z)) with z = clamp(a, eps, 1 - eps) when eps is given;
    d/da = 1 / (a (1 - a)), and 0 outside [eps, 1 - eps] (where the clamp is flat), as PyTorch"""
    torch_name = "LogitBackward0"

    def forward(self, a, eps: Any):
        self.save(a, eps)
        z = a if eps is None else self.xp.clip(a, eps, 1 - eps)
        with _quiet(self.xp):  # logit(0) = -inf and logit(1) = inf, silently as in PyTorch
            return self.xp.log(z / (1 - z))

    def backward(self, out_grad):
        a, eps = self.saved
        grad = out_grad / (a * (1 - a))
        if eps is None:
            return grad
        return self.xp.where((a < eps) | (a > 1 - eps), 0, grad)


class ClampMin(Op):
    """out = max(a, low);  d/da = 1 where a >= low, else 0"""
    torch_name = "ClampMinBackward0"

    def forward(self, a, low: Any):
        self.save(a, low)
        return self.xp.maximum(a, low)

    def backward(self, out_grad):
        a, low = self.saved
        return masked_gradient(self.xp, out_grad, a >= low)


class ClampMax(Op):
    """out = min(a, high);  d/da = 1 where a <= high, else 0"""
    torch_name = "ClampMaxBackward0"

    def forward(self, a, high: Any):
        self.save(a, high)
        return self.xp.minimum(a, high)

    def backward(self, out_grad):
        a, high = self.saved
        return masked_gradient(self.xp, out_grad, a <= high)


class NanToNum(Op):
    """out = a with NaN, +inf, -inf replaced by given numbers;  d/da = 1 where a is finite, else 0"""
    torch_name = "NanToNumBackward0"

    def forward(self, a, nan: float, posinf: Any, neginf: Any):
        self.save(a)
        return self.xp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * self.xp.isfinite(a)


class Fmod(Op):
    """out = a - trunc(a / b) · b (the C remainder: the sign of a);  d/da = 1, d/db = -trunc(a / b)"""
    torch_name = "FmodBackward1"

    def forward(self, a, b):
        check_integer_divisor(b)
        self.save(a, b)
        return self.xp.fmod(a, b)

    def backward(self, out_grad):
        a, b = self.saved
        return out_grad, -out_grad * self.xp.trunc(a / b)


class Copysign(Op):
    """out = |a| with the sign of b;  d/da = out / a (±1; 0 where a == 0), d/db = 0"""
    torch_name = "CopysignBackward0"

    def forward(self, a, b):
        out = self.xp.copysign(a, b)
        self.save(a, out)
        return out

    def backward(self, out_grad):
        a, out = self.saved
        xp = self.xp
        sign = xp.where(a == 0, 0, xp.sign(a) * xp.sign(out))
        return out_grad * sign, xp.zeros_like(out_grad)


class Lerp(Op):
    """out = a + w (b - a);  d/da = 1 - w, d/db = w, d/dw = b - a. ``weight`` is a Python
    number (LerpBackward0) or a third tensor input (LerpBackward1)."""
    torch_name = "LerpBackward0"

    def forward(self, a, b, weight_tensor=None, weight: Any = None):
        w = weight if weight_tensor is None else weight_tensor
        if weight_tensor is not None:
            self.torch_name = "LerpBackward1"
        self.save(a, b, w)
        if a.dtype.kind != "f":
            return a + w * (b - a)
        # PyTorch's kernel: fma(w, b − a, a) where |w| < 0.5, else fma(w − 1, b − a, b) (exact at
        # w = 0 and w = 1), each rounded once
        xp, difference = self.xp, b - a
        if weight_tensor is None:
            w = a.dtype.type(weight)
            return fma(xp, w, difference, a) if abs(w) < 0.5 else fma(xp, w - a.dtype.type(1), difference, b)
        small = xp.abs(w) < 0.5
        return fma(xp, xp.where(small, w, w - 1), difference, xp.where(small, a, b))

    def backward(self, out_grad):
        a, b, w = self.saved
        grad_w = out_grad * (b - a) if len(self.needs_grad) > 2 else None
        return out_grad * (1 - w), out_grad * w, grad_w


class Nansum(Op):
    """out = Σ a over dims, NaNs counted as 0;  d/da = 1 where a is not NaN, else 0"""
    torch_name = "NansumBackward0"

    def forward(self, a, dims: tuple[int, ...], keepdim: bool):
        self.save(a, dims, keepdim)
        return self.xp.nansum(a, axis=dims, keepdims=keepdim)

    def backward(self, out_grad):
        a, dims, keepdim = self.saved
        xp = self.xp
        grad = out_grad if keepdim else xp.expand_dims(out_grad, dims)
        return xp.where(xp.isnan(a), 0, xp.broadcast_to(grad, a.shape))


class Sinc(Op):
    """out = sin(πa) / (πa), and 1 at a = 0;  d/da = (cos(πa) πa − sin(πa)) / (π a²), 0 at a = 0"""
    torch_name = "SincBackward0"

    def forward(self, a):
        xp = self.xp
        scaled = a * math.pi
        zero = scaled == 0
        safe = xp.where(zero, 1, scaled)
        self.save(a, safe, zero)
        return xp.where(zero, 1, xp.sin(safe) / safe).astype(a.dtype, copy=False)

    def backward(self, out_grad):
        a, safe, zero = self.saved
        xp = self.xp
        slope = (xp.cos(safe) * safe - xp.sin(safe)) / (safe * xp.where(zero, 1, a))
        return xp.where(zero, 0, out_grad * slope)
