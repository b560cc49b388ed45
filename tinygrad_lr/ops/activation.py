"""Fused activation ops: one graph node each, as PyTorch has (``EluBackward0``, ``GeluBackward0``, …).

Each forward computes the function on plain arrays and saves what its derivative needs; each
backward is that derivative times ``out_grad``. Inputs arrive as floating arrays; constants are
Python numbers, which keep float32 in float32. Where a function has a kink, the derivative at the
kink is PyTorch's choice, written next to it.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd import Op
from ..backend import erf_family
from .elementwise import masked_gradient, sigmoid_of


class Elu(Op):
    """out = scale · a                                    for a > 0
           = scale · alpha · (e^(input_scale · a) − 1)    otherwise
    d/da = scale (a > 0), else input_scale · scale · alpha · e^(input_scale · a)

    ELU is scale = input_scale = 1; SELU fixes alpha and scale; CELU is input_scale = 1/alpha.
    ``expm1`` keeps e^x − 1 accurate for small |x|.
    """
    torch_name = "EluBackward0"

    def forward(self, a, alpha: float, scale: float = 1.0, input_scale: float = 1.0):
        xp = self.xp
        self.save(a, alpha, scale, input_scale)
        negative = xp.minimum(a, 0) * input_scale  # the exponential only where it is used: no overflow
        return xp.where(a > 0, a * scale, xp.expm1(negative) * (alpha * scale))

    def backward(self, out_grad):
        a, alpha, scale, input_scale = self.saved
        xp = self.xp
        input_scale = self._backward_input_scale(alpha, input_scale)
        # PyTorch's elu_backward: g · input_scale · (alpha · scale) · e^(input_scale · a) where a ≤ 0, else
        # g · scale (so a NaN input takes the second branch), constants rounded to the dtype first
        f = a.dtype.type
        negative = out_grad * f(input_scale) * (f(alpha) * f(scale)) * xp.exp(xp.minimum(a, 0) * f(input_scale))
        return xp.where(a <= 0, negative, out_grad * f(scale))

    @staticmethod
    def _backward_input_scale(alpha: float, input_scale: float) -> float:
        return input_scale


class Celu(Elu):
    """CELU(a) = max(0, a) + min(0, alpha · (e^(a/alpha) − 1)): ``Elu`` with input_scale = 1/alpha.

    PyTorch's backward takes 1/alpha from alpha rounded to float32 (``1.0 / alpha.toFloat()``), even
    for float64 inputs; we do the same, so float64 gradients agree to the last bits.
    """
    torch_name = "CeluBackward0"

    @staticmethod
    def _backward_input_scale(alpha: float, input_scale: float) -> float:
        return 1 / float(np.float32(alpha))


class Gelu(Op):
    """out = a · Φ(a) = a/2 · (1 + erf(a/√2));  d/da = Φ(a) + a · φ(a), φ(a) = e^(−a²/2)/√(2π).

    approximate='tanh': out = a/2 · (1 + tanh(u)), u = √(2/π) (a + 0.044715 a³);
    d/da = (1 + tanh u)/2 + a/2 · (1 − tanh² u) · √(2/π) (1 + 3 · 0.044715 a²).
    """
    torch_name = "GeluBackward0"

    def forward(self, a, approximate: str):
        xp = self.xp
        if approximate == "tanh":
            inner = math.sqrt(2 / math.pi) * (a + 0.044715 * a * a * a)
            t = xp.tanh(inner)
            self.save(a, approximate, t)
            return 0.5 * a * (1 + t)
        cdf = 0.5 * (1 + erf_family(xp, "erf", a * math.sqrt(0.5)))
        self.save(a, approximate, cdf)
        return a * cdf

    def backward(self, out_grad):
        a, approximate, saved = self.saved
        xp = self.xp
        if approximate == "tanh":
            t = saved
            d_inner = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * a * a)
            return out_grad * (0.5 * (1 + t) + 0.5 * a * (1 - t * t) * d_inner)
        pdf = xp.exp(-0.5 * a * a) * (1 / math.sqrt(2 * math.pi))
        return out_grad * (saved + a * pdf)


_sigmoid = sigmoid_of  # σ(a) = 1 / (1 + e^−a), PyTorch's formula


class Silu(Op):
    """out = a · σ(a);  d/da = σ(a) · (1 + a · (1 − σ(a)))"""
    torch_name = "SiluBackward0"

    def forward(self, a):
        xp = self.xp
        self.save(a, _sigmoid(xp, a))
        return a / (1 + xp.exp(-a))  # PyTorch's formula: −0 (not a denormal) far to the left

    def backward(self, out_grad):
        a, s = self.saved
        return out_grad * s * (1 + a * (1 - s))  # PyTorch's order: (g · σ) · (1 + a · (1 − σ))


class Mish(Op):
    """out = a · tanh(softplus(a));  d/da = t + a · σ(a) · (1 − t²) with t = tanh(softplus(a))"""
    torch_name = "MishBackward0"

    def forward(self, a):
        xp = self.xp
        t = xp.tanh(xp.log1p(xp.exp(a)))  # PyTorch's softplus inside (inf → tanh 1 far to the right)
        self.save(a, t)
        return a * t

    def backward(self, out_grad):
        a, t = self.saved
        return out_grad * (t + a * _sigmoid(self.xp, a) * (1 - t * t))


class Softplus(Op):
    """out = log(1 + e^(beta·a)) / beta, or a itself where beta·a > threshold (PyTorch's switch to
    the linear part, which also avoids overflow);  d/da = e^(beta·a) / (1 + e^(beta·a)), or 1 there."""
    torch_name = "SoftplusBackward0"

    def forward(self, a, beta: float, threshold: float):
        xp = self.xp
        scaled = a * beta
        linear = scaled > threshold
        z = xp.exp(xp.where(linear, 0, scaled))
        self.save(linear, z)
        return xp.where(linear, a, xp.log1p(z) / beta)

    def backward(self, out_grad):
        linear, z = self.saved
        return self.xp.where(linear, out_grad, out_grad * z / (z + 1))


class Hardtanh(Op):
    """out = min(max(a, low), high);  d/da = 1 strictly inside (low, high), 0 elsewhere (PyTorch
    gives 0 at the bounds, unlike clamp). ReLU6 is Hardtanh(0, 6)."""
    torch_name = "HardtanhBackward0"

    def forward(self, a, low: float, high: float):
        self.save(a, low, high)
        return self.xp.clip(a, low, high).astype(a.dtype, copy=False)  # integer inputs stay integer

    def backward(self, out_grad):
        a, low, high = self.saved
        return masked_gradient(self.xp, out_grad, ~((a <= low) | (a >= high)))  # a NaN input passes the gradient


_ONE_SIXTH = float(np.float32(1 / 6))  # PyTorch's backward multiplies by 1.0f/6, a float32 constant


class Hardsigmoid(Op):
    """out = min(max(a + 3, 0), 6) / 6;  d/da = 1/6 strictly inside (−3, 3), else 0"""
    torch_name = "HardsigmoidBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.clip(a + 3, 0, 6) / 6

    def backward(self, out_grad):
        (a,) = self.saved
        return masked_gradient(self.xp, out_grad * _ONE_SIXTH, (a > -3) & (a < 3))


class Hardswish(Op):
    """out = a · min(max(a + 3, 0), 6) / 6;
    d/da = 0 for a ≤ −3, a/3 + 1/2 for −3 < a < 3, 1 for a ≥ 3 (PyTorch's sides at the kinks)"""
    torch_name = "HardswishBackward0"

    def forward(self, a):
        self.save(a)
        return a * self.xp.clip(a + 3, 0, 6) / 6

    def backward(self, out_grad):
        (a,) = self.saved
        xp = self.xp
        return xp.where(a <= -3, 0, xp.where(a < 3, out_grad * (a / 3 + 0.5), out_grad))


class LogSigmoid(Op):
    """out = log σ(a) = −log(1 + e^−a), as min(a, 0) − log(1 + e^−|a|) (no overflow);
    d/da = 1 − σ(a) = σ(−a)"""
    torch_name = "LogSigmoidBackward0"

    def forward(self, a):
        xp = self.xp
        self.save(a)
        return xp.minimum(a, 0) - xp.log1p(xp.exp(-xp.abs(a)))

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * _sigmoid(self.xp, -a)


class Prelu(Op):
    """out = a where a > 0, else w · a, with one learned slope w per channel (dim 1), or one for all;
    d/da = 1 where a > 0, else w;  d/dw = Σ a · out_grad over the elements where a ≤ 0 of its channel."""
    torch_name = "PreluKernelBackward0"

    def forward(self, a, weight):
        shape = [1] * a.ndim
        if weight.size > 1:
            shape[1] = weight.size
        w = weight.reshape(shape)
        self.save(a, w, weight.shape)
        return self.xp.where(a > 0, a, w * a)

    def backward(self, out_grad):
        a, w, weight_shape = self.saved
        xp = self.xp
        grad_a = xp.where(a > 0, out_grad, w * out_grad)
        per_element = xp.where(a > 0, 0, a * out_grad)
        if w.size > 1:
            axes = tuple(i for i in range(a.ndim) if i != 1)
            grad_w = per_element.sum(axis=axes)
        else:
            grad_w = per_element.sum()
        return grad_a, grad_w.reshape(weight_shape)


class RreluWithNoise(Op):
    """out = a where a > 0, else r · a with the slope r given per element (``noise``: drawn from
    U(lower, upper) in training, (lower + upper)/2 in eval);  d/da = 1 where a > 0, else r"""
    torch_name = "RreluWithNoiseBackward0"

    def forward(self, a, noise):
        slope = self.xp.where(a > 0, 1, noise).astype(a.dtype, copy=False)
        self.save(slope)
        return a * slope

    def backward(self, out_grad):
        (slope,) = self.saved
        return out_grad * slope


class Softshrink(Op):
    """out = a − λ for a > λ, a + λ for a < −λ, else 0;  d/da = 1 where |a| > λ, else 0"""
    torch_name = "SoftshrinkBackward0"

    def forward(self, a, lambd: float):
        xp = self.xp
        self.save(a, lambd)
        # PyTorch's kernel: a · 0 in between (−0 for a negative a, NaN for NaN)
        return xp.where(a > lambd, a - lambd, xp.where(a < -lambd, a + lambd, a * 0)).astype(a.dtype, copy=False)

    def backward(self, out_grad):
        a, lambd = self.saved
        return masked_gradient(self.xp, out_grad, ~((a >= -lambd) & (a <= lambd)))


class Hardshrink(Op):
    """out = a where |a| > λ, else 0;  d/da = 1 where |a| > λ, else 0"""
    torch_name = "HardshrinkBackward0"

    def forward(self, a, lambd: float):
        inside = (a >= -lambd) & (a <= lambd)  # PyTorch's test: a NaN is outside, and stays NaN
        self.save(inside)
        return self.xp.where(inside, 0, a).astype(a.dtype, copy=False)

    def backward(self, out_grad):
        (inside,) = self.saved
        return masked_gradient(self.xp, out_grad, ~inside)


class Threshold(Op):
    """out = a where a > threshold, else value;  d/da = 1 where a > threshold, else 0"""
    torch_name = "ThresholdBackward0"

    def forward(self, a, threshold: float, value: float):
        replaced = a <= threshold  # PyTorch's test: a NaN is kept (and passes its gradient)
        self.save(replaced)
        return self.xp.where(replaced, value, a).astype(a.dtype, copy=False)

    def backward(self, out_grad):
        (replaced,) = self.saved
        return masked_gradient(self.xp, out_grad, ~replaced)


class Glu(Op):
    """Split a in two halves (first, second) along ``dim``: out = first · σ(second);
    d/dfirst = σ(second), d/dsecond = first · σ(second) · (1 − σ(second))."""
    torch_name = "GluBackward0"

    def forward(self, a, dim: int):
        xp = self.xp
        first, second = xp.split(a, 2, axis=dim)
        s = _sigmoid(xp, second)
        self.save(first, s, dim)
        return first * s

    def backward(self, out_grad):
        first, s, dim = self.saved
        return self.xp.concatenate([out_grad * s, out_grad * first * s * (1 - s)], axis=dim)
