"""Elementwise ops. Each backward returns d(out)/d(input) * out_grad, one per input.

Binary ops may broadcast; the engine sums each gradient back to its input's shape, so the
backwards below are written as if no broadcasting happened. Inputs arrive already cast to one
dtype (the Tensor methods apply PyTorch's promotion first), and every constant here is a Python
number, which NumPy treats as "weak": float32 stays float32.
"""
from __future__ import annotations

from typing import Any

from .._fma import fma
from .._kernels import FUSED
from ..autograd import Op


class Add(Op):
    """out = a + b;  d/da = 1, d/db = 1"""
    torch_name = "AddBackward0"

    def forward(self, a, b):
        return a + b

    def backward(self, out_grad):
        return out_grad, out_grad


class Sub(Op):
    """out = a - b;  d/da = 1, d/db = -1"""
    torch_name = "SubBackward0"

    def forward(self, a, b):
        return a - b

    def backward(self, out_grad):
        return out_grad, -out_grad


class Mul(Op):
    """out = a * b;  d/da = b, d/db = a"""
    torch_name = "MulBackward0"

    def forward(self, a, b):
        self.save(a, b)
        return a * b

    def backward(self, out_grad):
        a, b = self.saved
        return out_grad * b, out_grad * a


class Div(Op):
    """out = a / b;  d/da = 1/b, d/db = -a/b² = -out/b"""
    torch_name = "DivBackward0"

    def forward(self, a, b):
        out = a / b
        self.save(b, out)
        return out

    def backward(self, out_grad):
        b, out = self.saved
        # PyTorch's products in its order, -g · ((a / b) / b), so that the last bit agrees (a / b is out)
        return out_grad / b, -out_grad * (out / b)


class _Stepwise(Op):
    """A piecewise-constant op (round, floor, ceil, sign): d/da = 0 wherever it is defined, and
    PyTorch returns 0 at the jumps too."""

    def backward(self, out_grad):
        return self.xp.zeros_like(out_grad)


class Round(_Stepwise):
    """out = a rounded to the nearest integer, halves to even (as PyTorch and NumPy);  d/da = 0"""
    torch_name = "RoundBackward0"

    def forward(self, a):
        return self.xp.round(a)


class RoundDecimals(_Stepwise):
    """out = a rounded to ``decimals`` places as PyTorch's kernel, in a's dtype: rint(a·10^d) / 10^d, or
    rint(a / 10^|d|) · 10^|d| for d < 0 (so float32 1.005 becomes 1.0, and a 10^d that overflows gives
    NaN);  d/da = 0"""
    torch_name = "RoundBackward1"

    def forward(self, a, decimals: int):
        ten = self.xp.asarray(10.0 ** abs(decimals)).astype(a.dtype)
        return self.xp.rint(a / ten) * ten if decimals < 0 else self.xp.rint(a * ten) / ten


class Floor(_Stepwise):
    """out = ⌊a⌋;  d/da = 0"""
    torch_name = "FloorBackward0"

    def forward(self, a):
        return self.xp.floor(a)


class Ceil(_Stepwise):
    """out = ⌈a⌉;  d/da = 0"""
    torch_name = "CeilBackward0"

    def forward(self, a):
        return self.xp.ceil(a)


class Sign(_Stepwise):
    """out = −1, 0 or 1;  d/da = 0. PyTorch computes (0 < a) − (a < 0): +0 for ±0 and for NaN."""
    torch_name = "SignBackward0"

    def forward(self, a):
        return sign_of(self.xp, a)


def masked_gradient(xp: Any, out_grad: Any, keep: Any) -> Any:
    """``out_grad`` where ``keep``, +0 elsewhere: PyTorch's ``where(keep, grad, 0)`` at the kinks of
    relu, clamp and their kin, a choice and not a product (g · 0 is −0 for a negative g, which prints
    as ``-0.``). Computed as the product plus +0 (−0 + 0 = +0): NumPy's ``where`` is much slower
    (4096×512 float32: 12.9 ms against 2.4 ms). A non-finite incoming gradient at a dropped entry
    gives NaN here where PyTorch gives 0."""
    grad = xp.multiply(out_grad, keep)
    grad += 0
    return grad


def sigmoid_of(xp: Any, a: Any) -> Any:
    """σ(a) = 1 / (1 + e^−a), as PyTorch computes it: where e^−a overflows (a < −88.7 in float32) the
    result is 0, PyTorch's value, not the denormal e^a a log-sum-exp form would give; elsewhere tiny
    values keep their relative precision. (Callers run with NumPy's overflow warning off, as ops do.)"""
    return 1 / (1 + xp.exp(-a))


def sign_of(xp: Any, a: Any) -> Any:
    """PyTorch's sign of a float array, (0 < a) − (a < 0): 0 (not NaN) for NaN, +0 for −0."""
    if a.dtype.kind != "f":
        return xp.sign(a)
    return (a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)


def check_integer_divisor(b: Any) -> None:
    """Integer division by zero has no answer: PyTorch raises where NumPy would warn and return 0."""
    if b.dtype.kind in "iub" and not b.all():
        raise RuntimeError("ZeroDivisionError")


class Remainder(Op):
    """out = a - floor(a / b) * b (Python's and PyTorch's sign convention);
    d/da = 1, d/db = -floor(a / b)"""
    torch_name = "RemainderBackward1"

    def forward(self, a, b):
        check_integer_divisor(b)
        self.save(a, b)
        return self.xp.remainder(a, b)

    def backward(self, out_grad):
        a, b = self.saved
        return out_grad, -out_grad * self.xp.floor_divide(a, b)


class Neg(Op):
    """out = -a;  d/da = -1"""
    torch_name = "NegBackward0"

    def forward(self, a):
        return -a

    def backward(self, out_grad):
        return -out_grad


class PowScalar(Op):
    """out = a ** p for a Python number p;  d/da = p * a ** (p - 1)"""
    torch_name = "PowBackward0"

    def forward(self, a, exponent: float):
        if a.dtype.kind in "iu" and isinstance(exponent, int) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        self.save(a, exponent)
        return (a ** exponent).astype(a.dtype, copy=False)  # NumPy turns bool ** bool into int8

    def backward(self, out_grad):
        a, p = self.saved
        if p == 0:
            return out_grad * 0
        return out_grad * (p * a ** (p - 1))


def _integer_power(xp, a, b):
    """Integer a ** b with some b < 0, as PyTorch's kernel: 1 for a == 1, ±1 for a == -1 (by b's
    parity), 0 otherwise (NumPy refuses negative integer powers)."""
    a, b = xp.broadcast_arrays(a, b)
    positive = a ** xp.where(b < 0, 0, b)
    negative = xp.where(a == 1, 1, xp.where(a == -1, xp.where(b % 2 == 0, 1, -1), 0)).astype(positive.dtype)
    return xp.where(b < 0, negative, positive)


class Pow(Op):
    """out = a ** b for tensors;  d/da = b * a ** (b - 1),  d/db = out * ln(a)

    As in PyTorch, d/db is taken as 0 where a == 0 and b >= 0 (the limit of a^b ln a), not NaN.
    """
    torch_name = "PowBackward1"

    def forward(self, a, b):
        if a.dtype == bool:
            raise RuntimeError('"pow" not implemented for \'Bool\'')
        if b.dtype.kind == "i" and a.dtype.kind in "iu" and (b < 0).any():
            out = _integer_power(self.xp, a, b)
        else:
            out = a ** b
        self.save(a, b, out)
        return out

    def backward(self, out_grad):
        a, b, out = self.saved
        xp = self.xp
        grad_a = out_grad * b * a ** (b - 1) if self.needs_grad[0] else None
        grad_b = None
        if self.needs_grad[1]:
            with _quiet(xp):
                log_a = xp.log(a)
            grad_b = xp.where((a == 0) & (b >= 0), 0, out_grad * out * log_a)
        return grad_a, grad_b


class Exp(Op):
    """out = e^a;  d/da = e^a = out"""
    torch_name = "ExpBackward0"

    def forward(self, a):
        out = self.xp.exp(a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return out_grad * out


class Log(Op):
    """out = ln a;  d/da = 1/a"""
    torch_name = "LogBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.log(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / a


class Sqrt(Op):
    """out = √a;  d/da = 1 / (2√a)"""
    torch_name = "SqrtBackward0"

    def forward(self, a):
        out = self.xp.sqrt(a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return out_grad / (2 * out)


class Abs(Op):
    """out = |a|;  d/da = sign(a) (0 at 0, PyTorch's choice)"""
    torch_name = "AbsBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.abs(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * sign_of(self.xp, a)


class Sigmoid(Op):
    """out = 1 / (1 + e^-a);  d/da = out * (1 - out)

    PyTorch's formula (``sigmoid_of``), also at the far left: for a < −88.7 (float32) e^-a overflows
    and the result is 0, as PyTorch prints it.
    """
    torch_name = "SigmoidBackward0"

    def forward(self, a):
        xp = self.xp
        fused = FUSED.get(xp)
        if fused is not None and fused.takes(a):  # CuPy: one kernel instead of four (negate, exp, add, divide)
            out = fused.sigmoid_forward(a)
        else:
            out = sigmoid_of(xp, a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        fused = FUSED.get(self.xp)
        if fused is not None and fused.takes(out_grad, out):  # CuPy: one kernel instead of three
            return fused.sigmoid_backward(out_grad, out)
        return out_grad * (1 - out) * out  # PyTorch's order: (g · (1 − y)) · y


class Tanh(Op):
    """out = tanh a;  d/da = 1 - out²"""
    torch_name = "TanhBackward0"

    def forward(self, a):
        out = self.xp.tanh(a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        fused = FUSED.get(self.xp)
        if fused is not None and fused.takes(out_grad, out):  # CuPy: one kernel instead of three
            return fused.tanh_backward(out_grad, out)
        return out_grad * (1 - out * out)


class Relu(Op):
    """out = max(a, 0);  d/da = 1 where a > 0, else 0 (0 at a == 0, as PyTorch). The gradient is
    PyTorch's ``threshold_backward``, a choice and not a product: where out ≤ 0 it is +0, also for
    a negative incoming gradient (g · 0 would print as ``-0.``)."""
    torch_name = "ReluBackward0"

    def forward(self, a):
        out = self.xp.maximum(a, 0)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        fused = FUSED.get(self.xp)
        if fused is not None and fused.takes(out_grad, out):  # CuPy: one kernel instead of two (compare, where)
            return fused.relu_backward(out_grad, out)
        return masked_gradient(self.xp, out_grad, ~(out <= 0))  # (a NaN output passes, as in PyTorch)


class LeakyRelu(Op):
    """out = a if a > 0 else slope * a;  d/da = 1 where a > 0, else slope"""
    torch_name = "LeakyReluBackward0"

    def forward(self, a, negative_slope: float):
        self.save(a, negative_slope)
        return self.xp.where(a > 0, a, a * negative_slope)

    def backward(self, out_grad):
        a, slope = self.saved
        return self.xp.where(a > 0, out_grad, out_grad * slope)


def _inside(a, low, high):
    """Where low <= a <= high, bounds included (either may be None: no bound on that side). Clamp
    passes the gradient through there and nowhere else."""
    inside = True
    if low is not None:
        inside = inside & (a >= low)
    if high is not None:
        inside = inside & (a <= high)
    return inside


class Clamp(Op):
    """out = min(max(a, low), high);  d/da = 1 where low <= a <= high (bounds included), else 0"""
    torch_name = "ClampBackward1"

    def forward(self, a, low: Any, high: Any):
        self.save(a, low, high)
        return self.xp.clip(a, low, high)

    def backward(self, out_grad):
        a, low, high = self.saved
        return masked_gradient(self.xp, out_grad, _inside(a, low, high))  # +0 outside (and for NaN)


class ClampTensor(Op):
    """out = min(max(a, low), high) with tensor bounds (either may be absent), broadcast together.
    PyTorch's gradients: a's where low <= a <= high; low's where a < low < high; high's where
    a > high or high < low (then the output is high everywhere)."""
    torch_name = "ClampBackward0"

    def forward(self, a, *bounds, has_min: bool, has_max: bool):
        low = bounds[0] if has_min else None
        high = bounds[-1] if has_max else None
        self.save(a, low, high)
        out = a if low is None else self.xp.maximum(a, low)
        return out if high is None else self.xp.minimum(out, high)

    def backward(self, out_grad):
        a, low, high = self.saved
        xp = self.xp
        grads = [masked_gradient(xp, out_grad, _inside(a, low, high))]
        if low is not None:
            grads.append(masked_gradient(xp, out_grad, (a < low) & (low < high) if high is not None else a < low))
        if high is not None:
            grads.append(masked_gradient(xp, out_grad, (a > high) | (high < low) if low is not None else a > high))
        return tuple(grads)


def _to_winner(xp, out_grad, a_loses, b_loses, tie):
    """The gradient of max and min: all of it to the input that was picked, half to each on a tie
    (PyTorch's choice; the true derivative does not exist there). PyTorch's formula, a choice and not
    a product: where(tie, g/2, g) with the loser's entries set to +0, so a NaN (neither loses nor
    ties) passes the whole gradient to both inputs."""
    shared = xp.where(tie, out_grad / 2, out_grad)
    return xp.where(a_loses, 0, shared), xp.where(b_loses, 0, shared)


class Maximum(Op):
    """out = max(a, b);  the gradient goes to the larger input, split in half on ties (PyTorch)"""
    torch_name = "MaximumBackward0"

    def forward(self, a, b):
        self.save(a, b)
        return self.xp.maximum(a, b)

    def backward(self, out_grad):
        a, b = self.saved
        return _to_winner(self.xp, out_grad, a < b, a > b, a == b)


class Minimum(Op):
    """out = min(a, b);  the gradient goes to the smaller input, split in half on ties"""
    torch_name = "MinimumBackward0"

    def forward(self, a, b):
        self.save(a, b)
        return self.xp.minimum(a, b)

    def backward(self, out_grad):
        a, b = self.saved
        return _to_winner(self.xp, out_grad, a > b, a < b, a == b)


class Where(Op):
    """out = a where condition else b;  d/da = condition, d/db = not condition"""
    torch_name = "WhereBackward0"

    def forward(self, a, b, condition):
        self.save(condition)
        return self.xp.where(condition, a, b)

    def backward(self, out_grad):
        (condition,) = self.saved
        xp = self.xp
        return xp.where(condition, out_grad, 0), xp.where(condition, 0, out_grad)


class _quiet:
    """Silence NumPy's divide/invalid warnings where inf/NaN are the intended result."""

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def __enter__(self) -> None:
        self.state = self.xp.seterr(divide="ignore", invalid="ignore") if hasattr(self.xp, "seterr") else None

    def __exit__(self, *exc: object) -> None:
        if self.state is not None:
            self.xp.seterr(**self.state)


class AddScaled(Op):
    """out = a + alpha · b (``add``/``sub`` with ``alpha``; ``sub`` passes −alpha), rounded once as
    PyTorch's kernel does (a fused multiply-add);  d/da = 1, d/db = alpha"""
    torch_name = "AddBackward0"

    def forward(self, a, b, alpha: Any):
        self.save(alpha)
        if a.dtype.kind == "f":
            return fma(self.xp, a.dtype.type(alpha), b, a)
        return a + b * alpha

    def backward(self, out_grad):
        (alpha,) = self.saved
        return out_grad, out_grad * alpha


class Addcmul(Op):
    """out = a + value · t1 · t2 (``addcmul``), rounded as PyTorch's kernel: fma(value·t1, t2, a);
    d/da = 1, d/dt1 = value · t2, d/dt2 = value · t1"""
    torch_name = "AddcmulBackward0"

    def forward(self, a, t1, t2, value: Any):
        scaled = t1 if value == 1 else t1 * value  # (value · t1 is rounded first, as in PyTorch)
        self.save(t1, t2, value)
        return fma(self.xp, scaled, t2, a) if a.dtype.kind == "f" else a + scaled * t2

    def backward(self, out_grad):
        t1, t2, value = self.saved
        return out_grad, out_grad * (t2 * value), out_grad * (t1 * value)


class Addcdiv(Op):
    """out = a + (value · t1) / t2 (``addcdiv``, PyTorch's order of operations);
    d/da = 1, d/dt1 = value / t2, d/dt2 = −value · t1 / t2²"""
    torch_name = "AddcdivBackward0"

    def forward(self, a, t1, t2, value: Any):
        self.save(t1, t2, value)
        return a + (t1 * value) / t2

    def backward(self, out_grad):
        t1, t2, value = self.saved
        return out_grad, out_grad * (value / t2), -out_grad * (value * t1 / (t2 * t2))
