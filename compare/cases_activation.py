"""Parity cases for the activations (``nn/activation.py`` and ``nn.functional``): every module once
or more (kind "module", fixed shapes) and every functional form (kind "op", shapes from hypothesis).

Inputs stay ``margin`` away from each function's kinks (0 for the ELU family and PReLU, ±1 for
Hardtanh, ±3 for Hardsigmoid/Hardswish, ±λ for the shrinks, the threshold of Threshold and of
Softplus's switch to linear), where the one-sided derivatives differ and a finite difference
straddles them.
"""
from __future__ import annotations

from typing import Any, Callable

import tinygrad_lr

from .cases_nn import module
from .registry import AWAY_FROM_0, Arg, Case, farg, register

if not hasattr(tinygrad_lr.nn, "GELU"):
    raise ModuleNotFoundError("tinygrad_lr.nn.activation is not there yet", name=__name__)

from .strategies import single  # noqa: E402


def module_case(name: str, build: Callable[[Any], Any], *args: Arg, **options: Any) -> None:
    register(Case(name, fn=module(build), args=args or (farg(3, 4, **AWAY_FROM_0),), kind="module", **options))


def functional_case(name: str, fn: Callable[..., Any], arg: Arg, **options: Any) -> None:
    options.setdefault("shapes", single())
    register(Case(f"F.{name}", fn=fn, args=(arg,), kind="op", **options))


def avoid(*points: float, low: float = -4.0, high: float = 4.0, margin: float = 0.1) -> dict:
    return {"avoid": points, "margin": margin, "low": low, "high": high}


nn = lambda name, *a, **kw: (lambda ns: getattr(ns.nn, name)(*a, **kw))  # noqa: E731
F = lambda name, *a, **kw: (lambda ns, x: getattr(ns.nn.functional, name)(x, *a, **kw))  # noqa: E731

# ------------------------------------------------------------------------------ modules
X = farg(3, 4, **AWAY_FROM_0)
WIDE = farg(3, 4, **avoid(0.0, low=-6, high=6))
module_case("ELU", nn("ELU"), X)
module_case("ELU_alpha", nn("ELU", alpha=0.5), WIDE)
module_case("CELU", nn("CELU"), X)
module_case("CELU_alpha", nn("CELU", alpha=2.0), WIDE)
module_case("SELU", nn("SELU"), WIDE)
module_case("GELU", nn("GELU"), farg(3, 4, low=-5, high=5))
module_case("GELU_tanh", nn("GELU", approximate="tanh"), farg(3, 4, low=-5, high=5))
module_case("SiLU", nn("SiLU"), farg(3, 4, low=-6, high=6))
module_case("Mish", nn("Mish"), farg(3, 4, low=-6, high=6))
module_case("Softplus", nn("Softplus"), farg(3, 4, low=-6, high=6))
module_case("Softplus_beta_threshold", nn("Softplus", beta=2.0, threshold=1.0), farg(3, 4, **avoid(0.5)),
            note="both sides of the switch to linear at beta·x = threshold")
module_case("Softplus_large", lambda ns: ns.nn.Sequential(ns.nn.Softplus()), farg(3, 4, **avoid(0.0, low=-40, high=40)),
            note="the linear part above the threshold and the vanishing tail below")
module_case("Softsign", nn("Softsign"), X)
module_case("Hardtanh", nn("Hardtanh"), farg(3, 4, **avoid(-1.0, 1.0, low=-2, high=2)))
module_case("Hardtanh_bounds", nn("Hardtanh", -0.5, 1.5), farg(3, 4, **avoid(-0.5, 1.5, low=-2, high=2)))
module_case("ReLU6", nn("ReLU6"), farg(3, 4, **avoid(0.0, 6.0, low=-3, high=9)))
module_case("Hardsigmoid", nn("Hardsigmoid"), farg(3, 4, **avoid(-3.0, 3.0, low=-5, high=5)))
module_case("Hardswish", nn("Hardswish"), farg(3, 4, **avoid(-3.0, 3.0, low=-5, high=5)))
module_case("LogSigmoid", nn("LogSigmoid"), farg(3, 4, low=-6, high=6))
module_case("LogSigmoid_large", lambda ns: ns.nn.Sequential(ns.nn.LogSigmoid()), farg(3, 4, low=-60, high=60),
            note="no overflow for |x| ~ 60")
module_case("PReLU", nn("PReLU"), farg(2, 3, 4, **AWAY_FROM_0))
module_case("PReLU_channels", nn("PReLU", 3, init=0.1), farg(2, 3, 4, **AWAY_FROM_0),
            note="one slope per channel (dim 1); the weight's gradient sums over the other dims")
module_case("RReLU_eval", lambda ns: ns.nn.RReLU().eval(), X)
module_case("RReLU_eval_bounds", lambda ns: ns.nn.RReLU(0.1, 0.6).eval(), X)
module_case("Tanhshrink", nn("Tanhshrink"), X)
module_case("Softshrink", nn("Softshrink"), farg(3, 4, **avoid(-0.5, 0.5, low=-2, high=2)))
module_case("Softshrink_lambd", nn("Softshrink", 1.0), farg(3, 4, **avoid(-1.0, 1.0, low=-3, high=3)))
module_case("Hardshrink", nn("Hardshrink"), farg(3, 4, **avoid(-0.5, 0.5, low=-2, high=2)))
module_case("Threshold", nn("Threshold", 0.1, 20.0), farg(3, 4, **avoid(0.1, low=-2, high=2)))
module_case("Softmin", nn("Softmin", dim=1), farg(3, 4))
module_case("Softmin_dim0", nn("Softmin", dim=0), farg(2, 3, 4))
module_case("Softmax2d", nn("Softmax2d"), farg(2, 3, 2, 2))
module_case("Softmax2d_3d", nn("Softmax2d"), farg(3, 2, 2))
module_case("GLU", nn("GLU"), farg(3, 4))
module_case("GLU_dim0", nn("GLU", dim=0), farg(4, 3))
for name in ("ReLU", "ELU", "SELU", "SiLU", "Hardtanh", "Threshold"):
    # on a non-leaf (PyTorch refuses in-place on a leaf that requires grad); the flag changes no value
    build = nn(name, 0.1, 20.0, inplace=True) if name == "Threshold" else nn(name, inplace=True)
    register(Case(f"{name}_inplace", fn=lambda ns, x, build=build: build(ns)(x * 1), args=(X,), kind="module"))

# --------------------------------------------------------------------------- functionals
functional_case("elu", F("elu", alpha=1.5), farg(3, 4, **AWAY_FROM_0))
functional_case("selu", F("selu"), farg(3, 4, **AWAY_FROM_0))
functional_case("celu", F("celu", alpha=0.7), farg(3, 4, **AWAY_FROM_0))
functional_case("gelu", F("gelu"), farg(3, 4, low=-4, high=4))
functional_case("gelu_tanh", F("gelu", approximate="tanh"), farg(3, 4, low=-4, high=4))
functional_case("silu", F("silu"), farg(3, 4, low=-4, high=4))
functional_case("mish", F("mish"), farg(3, 4, low=-4, high=4))
functional_case("softplus", F("softplus", beta=0.5, threshold=1.5), farg(3, 4, **avoid(3.0, low=-5, high=5)))
functional_case("softsign", F("softsign"), farg(3, 4, **AWAY_FROM_0))
functional_case("hardtanh", F("hardtanh", -2.0, 2.0), farg(3, 4, **avoid(-2.0, 2.0, low=-3, high=3)))
functional_case("relu6", F("relu6"), farg(3, 4, **avoid(0.0, 6.0, low=-3, high=9)))
functional_case("hardsigmoid", F("hardsigmoid"), farg(3, 4, **avoid(-3.0, 3.0, low=-5, high=5)))
functional_case("hardswish", F("hardswish"), farg(3, 4, **avoid(-3.0, 3.0, low=-5, high=5)))
functional_case("logsigmoid", F("logsigmoid"), farg(3, 4, low=-6, high=6))
functional_case("rrelu_eval", F("rrelu", 0.2, 0.4), farg(3, 4, **AWAY_FROM_0))
functional_case("tanhshrink", F("tanhshrink"), farg(3, 4))
functional_case("softshrink", F("softshrink", 0.3), farg(3, 4, **avoid(-0.3, 0.3, low=-2, high=2)))
functional_case("hardshrink", F("hardshrink", 0.3), farg(3, 4, **avoid(-0.3, 0.3, low=-2, high=2)))
functional_case("threshold", F("threshold", -0.5, 3.0), farg(3, 4, **avoid(-0.5, low=-2, high=2)))
functional_case("softmin", F("softmin", dim=-1), farg(3, 4), shapes=single(1))
register(Case("F.prelu", fn=lambda ns, x, w: ns.nn.functional.prelu(x, w), kind="op",
              args=(farg(2, 3, 4, **AWAY_FROM_0), farg(3, low=0.05, high=0.9)),
              note="the weight is an input here, so finite differences check its gradient too"))
register(Case("F.prelu_single", fn=lambda ns, x, w: ns.nn.functional.prelu(x, w), kind="op",
              args=(farg(5, **AWAY_FROM_0), farg(1, low=0.05, high=0.9))))
register(Case("F.glu", fn=lambda ns, x: ns.nn.functional.glu(x, 1), kind="op", args=(farg(2, 6, 3),)))


def gumbel(hard: bool) -> Callable[..., Any]:
    """Both frameworks seeded alike: PyTorch's CPU stream is reproduced, so the Gumbel noise is equal."""
    def run(ns: Any, x: Any) -> Any:
        ns.manual_seed(0)
        return ns.nn.functional.gumbel_softmax(x, tau=0.7, hard=hard, dim=1)
    return run


CPU_ONLY = (("numpy", "torch-cpu"),)  # CUDA draws come from each side's own GPU generator
register(Case("F.gumbel_softmax", fn=gumbel(False), args=(farg(3, 5),), kind="op", pairings=CPU_ONLY))
register(Case("F.gumbel_softmax_hard", fn=gumbel(True), args=(farg(3, 5),), kind="op", pairings=CPU_ONLY,
              gradcheck=False, note="the forward is a one-hot (piecewise constant); the gradient is the soft "
                                    "sample's (straight-through), which no finite difference sees"))
