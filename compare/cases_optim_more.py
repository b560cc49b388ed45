"""Trajectory parity for the optimizers beyond SGD/Adam/RMSprop: 8 steps of a small MLP on one
batch from PyTorch's initial weights; the loss after every step and the final weights are compared
(see ``cases_training.py``). Eight steps let the warm-ups play out (RAdam switches to its
rectified adaptive step at step 6, ASGD starts averaging after ``t0`` = 5); ``tests/test_optim_more.py``
runs 120 steps on a smaller problem, where that is cheap."""
from __future__ import annotations

from typing import Any

import tinygrad_lr

from .cases_training import X, Y, small_mlp, train
from .check import Probe
from .convert import same_start
from .registry import Case, register

if not hasattr(tinygrad_lr.optim, "NAdam"):
    raise ModuleNotFoundError("tinygrad_lr's extra optimizers are not there yet", name=__name__)

STEPS = 8


def optimizer_case(name: str, optimizer: str, **options: Any) -> None:
    register(Case(f"{optimizer}_{name}" if name else optimizer, kind="optimizer", args=(X, Y), gradcheck=False,
                  fn=train(small_mlp, optimizer, STEPS, **options)))


optimizer_case("", "Adagrad", lr=0.1)
optimizer_case("lr_decay_weight_decay", "Adagrad", lr=0.1, lr_decay=0.01, weight_decay=0.05,
               initial_accumulator_value=0.1)
optimizer_case("", "Adadelta")
optimizer_case("rho_weight_decay", "Adadelta", lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.01)
optimizer_case("", "Adamax", lr=0.01)
optimizer_case("weight_decay_maximize", "Adamax", lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, maximize=True)
optimizer_case("", "NAdam", lr=0.01)
optimizer_case("weight_decay", "NAdam", lr=0.01, weight_decay=0.1, momentum_decay=0.01)
optimizer_case("decoupled_weight_decay", "NAdam", lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)
optimizer_case("", "RAdam", lr=0.01)
optimizer_case("weight_decay", "RAdam", lr=0.01, weight_decay=0.1, betas=(0.8, 0.9))
optimizer_case("decoupled_weight_decay", "RAdam", lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)
optimizer_case("", "Rprop", lr=0.01)
optimizer_case("etas_step_sizes_maximize", "Rprop", lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True)
optimizer_case("", "Adafactor", lr=0.05)
optimizer_case("weight_decay", "Adafactor", lr=0.05, beta2_decay=-0.5, weight_decay=0.05, d=2.0)
optimizer_case("", "ASGD", lr=0.05)
optimizer_case("averaging", "ASGD", lr=0.05, lambd=0.01, alpha=0.6, t0=5, weight_decay=0.01)  # ax moves from step 6


def lbfgs(steps: int, **options: Any) -> Any:
    """``steps`` calls of ``LBFGS.step(closure)``; the tolerances are 0 so that float32 rounding can
    never decide when an iteration stops (each call runs exactly ``max_iter`` iterations)."""
    def run(ns: Any, x: Any, target: Any) -> Probe:
        model = same_start(ns, small_mlp, x)
        opt = ns.optim.LBFGS(model.parameters(), tolerance_grad=0.0, tolerance_change=0.0, **options)

        def closure() -> Any:
            opt.zero_grad()
            value = ns.nn.functional.cross_entropy(model(x), target)
            value.backward()
            return value
        losses = [opt.step(closure).item() for _ in range(steps)]
        final = {name: p.detach() for name, p in model.named_parameters()}
        return Probe([ns.tensor(losses, dtype=x.dtype), final])
    return run


register(Case("LBFGS", kind="optimizer", args=(X, Y), gradcheck=False, fn=lbfgs(2, max_iter=4, history_size=3)))
register(Case("LBFGS_strong_wolfe", kind="optimizer", args=(X, Y), gradcheck=False,
              fn=lbfgs(1, max_iter=5, line_search_fn="strong_wolfe")))
