"""Parity cases for the elementwise math of ``tinygrad_lr/tensor_math.py`` (``ops/trig.py``,
``ops/special.py``): trigonometry, logs and exponentials, the error function, logit, two-operand
functions and one-sided clamps. Shapes are fixed and small (cheap for the 20 seeds per dtype the
tests draw); each domain keeps away from the function's poles and kinks.
"""
from __future__ import annotations

from typing import Any, Callable

from . import strategies as S
from .registry import AWAY_FROM_0, NONZERO, POSITIVE, Arg, Case, farg, register


def op(name: str, fn: Callable[..., Any], *args: Arg, **options: Any) -> None:
    register(Case(name, fn=fn, args=args, **options))


def integers(*shape: int, high: int = 5) -> Arg:
    return Arg(tuple(shape), kind="index", high=high, grad=False)


UNARY, BINARY = S.single(), S.broadcastable_pair()  # hypothesis shapes: 0-4 dims, size-1 dims, broadcasting
UNIT = {"low": -0.9, "high": 0.9}          # asin, acos, atanh, erfinv: inside (-1, 1)
PROBABILITY = {"low": 0.05, "high": 0.95}  # logit
NOT_WHOLE = {"avoid": (-2.0, -1.0, 0.0, 1.0, 2.0), "margin": 0.05}  # trunc/frac jump at integers

op("sin", lambda ns, a: a.sin(), farg(2, 3), shapes=UNARY)
op("cos", lambda ns, a: ns.cos(a), farg(2, 3), shapes=UNARY)
op("tan", lambda ns, a: a.tan(), farg(2, 3, low=-1.2, high=1.2), shapes=UNARY)
op("asin", lambda ns, a: a.asin(), farg(2, 3, **UNIT), shapes=UNARY)
op("acos", lambda ns, a: ns.acos(a), farg(2, 3, **UNIT), shapes=UNARY)
op("atan", lambda ns, a: a.atan(), farg(2, 3), shapes=UNARY)
op("arcsin_alias", lambda ns, a: ns.arcsin(a) + a.arctan(), farg(2, 3, **UNIT))
op("sinh", lambda ns, a: a.sinh(), farg(2, 3), shapes=UNARY)
op("cosh", lambda ns, a: ns.cosh(a), farg(2, 3), shapes=UNARY)
op("asinh", lambda ns, a: a.asinh(), farg(2, 3), shapes=UNARY)
op("acosh", lambda ns, a: a.acosh(), farg(2, 3, low=1.2, high=3.0), shapes=UNARY)
op("atanh", lambda ns, a: ns.atanh(a), farg(2, 3, **UNIT), shapes=UNARY)
op("atan2", lambda ns, a, b: ns.atan2(a, b), farg(2, 3), farg(3, **NONZERO), shapes=BINARY)
op("hypot", lambda ns, a, b: ns.hypot(a, b), farg(2, 3, **NONZERO), farg(2, 3), shapes=BINARY)
op("deg2rad_rad2deg", lambda ns, a: a.deg2rad() + ns.rad2deg(a), farg(2, 3))
op("log1p", lambda ns, a: a.log1p(), farg(2, 3, low=-0.7, high=2.0), shapes=UNARY)
op("expm1", lambda ns, a: ns.expm1(a), farg(2, 3), shapes=UNARY)
op("log2", lambda ns, a: a.log2(), farg(2, 3, **POSITIVE), shapes=UNARY)
op("log10", lambda ns, a: ns.log10(a), farg(2, 3, **POSITIVE), shapes=UNARY)
op("exp2", lambda ns, a: a.exp2(), farg(2, 3), shapes=UNARY)
op("rsqrt", lambda ns, a: a.rsqrt(), farg(2, 3, **POSITIVE), shapes=UNARY)
op("reciprocal", lambda ns, a: ns.reciprocal(a), farg(2, 3, **NONZERO), shapes=UNARY)
op("trunc_frac", lambda ns, a: a.trunc() * a + ns.frac(a * 2), farg(2, 3, **NOT_WHOLE), note="frac jumps at a*2 whole: gaps kept by the domain of a")
op("fix", lambda ns, a: ns.fix(a * 1.5) + a, farg(2, 3, low=-0.6, high=0.6))
op("erf", lambda ns, a: a.erf(), farg(2, 3), shapes=UNARY)
op("erfc", lambda ns, a: ns.erfc(a), farg(2, 3), shapes=UNARY)
op("erfinv", lambda ns, a: a.erfinv(), farg(2, 3, **UNIT), shapes=UNARY)
op("special_erf_expit", lambda ns, a: ns.special.erf(a) + ns.special.expit(a), farg(2, 3))
op("logit", lambda ns, a: a.logit(), farg(2, 3, **PROBABILITY), shapes=UNARY)
op("logit_eps", lambda ns, a: ns.logit(a, eps=0.2), farg(2, 3, low=0.02, high=0.98, avoid=(0.2, 0.8), margin=0.03),
   note="0 gradient outside [eps, 1 - eps]")
op("special_logit", lambda ns, a: ns.special.logit(a), farg(2, 3, **PROBABILITY))
op("special_log_softmax", lambda ns, a: ns.special.log_softmax(a, 1), farg(2, 3))
op("sgn", lambda ns, a: a.sgn() * a, farg(2, 3, **AWAY_FROM_0), shapes=UNARY)
op("fmod", lambda ns, a, b: ns.fmod(a, b), farg(2, 3), farg(3, low=0.4, high=1.7),
   note="jumps where a/b is whole; random inputs land there with probability ~0")
op("fmod_scalar", lambda ns, a: a.fmod(0.7), farg(2, 3))
# rounded division is piecewise constant: zero gradient (PyTorch's DivBackward2), no finite differences
op("div_trunc", lambda ns, a, b: (a * 3).div(b, rounding_mode="trunc") * a, farg(2, 3), farg(3, **NONZERO),
   shapes=BINARY, gradcheck=False, note="piecewise constant quotient times a: the gradient is the quotient")
op("div_floor", lambda ns, a, b: ns.div(a * 3, b, rounding_mode="floor") * a, farg(2, 3), farg(3, **NONZERO),
   shapes=BINARY, gradcheck=False, note="piecewise constant quotient times a: the gradient is the quotient")
op("copysign", lambda ns, a, b: ns.copysign(a, b), farg(2, 3, **AWAY_FROM_0), farg(2, 3, **AWAY_FROM_0), shapes=BINARY)
op("lerp_scalar", lambda ns, a, b: ns.lerp(a, b, 0.3), farg(2, 3), farg(2, 3))
op("lerp_tensor", lambda ns, a, b, w: a.lerp(b, w), farg(2, 3), farg(3), farg(2, 3, low=0.0, high=1.0))
CLAMP = {"avoid": (-0.5, 0.5), "margin": 0.1}
op("clamp_min_method", lambda ns, a: a.clamp_min(-0.5), farg(3, 4, **CLAMP))
op("clamp_max_method", lambda ns, a: ns.clamp_max(a, 0.5), farg(3, 4, **CLAMP))
op("nan_to_num", lambda ns, a: ns.nan_to_num(a.masked_fill(a > 1.5, float("inf")).masked_fill(a < -1.5, float("nan")),
                                             nan=0.5, posinf=9.0),
   farg(3, 4, avoid=(-1.5, 1.5), margin=0.05))
op("nan_to_num_defaults", lambda ns, a: (a.masked_fill(a < -1.0, -float("inf")).nan_to_num() * 1e-38),
   farg(3, 4, avoid=(-1.0,), margin=0.05), note="-inf becomes the dtype's lowest finite value")
op("int_sin_is_float32", lambda ns, i: ns.sin(i) + i.erf(), integers(3))
op("int_atan2_promotes", lambda ns, a, i: ns.atan2(a, i + 1), farg(3), integers(3))
