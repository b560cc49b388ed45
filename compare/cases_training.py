"""Optimizer and training parity: N steps on identical data from identical initial weights (PyTorch's,
copied over with ``convert.same_start``); the loss curve and every final parameter are compared.

Errors compound over steps, so these cases hold the loss after each step and the weights after
the last one to the same tolerances as a single op: any wrong update rule (a missing bias
correction, weight decay applied after instead of before momentum) moves them by far more.
"""
from __future__ import annotations

from typing import Any, Callable

import tinygrad_lr

from .check import Probe
from .convert import same_start
from .registry import Arg, Case, farg, register

if not hasattr(tinygrad_lr, "optim") or not hasattr(tinygrad_lr.optim, "SGD"):
    raise ModuleNotFoundError("tinygrad_lr.optim is not there yet", name=__name__)


def small_mlp(ns: Any) -> Any:
    return ns.nn.Sequential(ns.nn.Linear(5, 8), ns.nn.Tanh(), ns.nn.Linear(8, 3))


def train(build: Callable[[Any], Any], optimizer: str, steps: int, loss: str = "cross_entropy",
          **options: Any) -> Callable[..., Probe]:
    """A case function: ``steps`` optimizer steps on one batch; outputs the losses and final weights."""
    def run(ns: Any, x: Any, target: Any) -> Probe:
        model = same_start(ns, build, x)
        opt = getattr(ns.optim, optimizer)(model.parameters(), **options)
        criterion = getattr(ns.nn.functional, loss)
        losses = []
        for _ in range(steps):
            opt.zero_grad()
            value = criterion(model(x), target)
            value.backward()
            opt.step()
            losses.append(value.item())
        final = {name: p.detach() for name, p in model.named_parameters()}
        return Probe([ns.tensor(losses, dtype=x.dtype), final])
    return run


X, Y = Arg((16, 5), grad=False), Arg((16,), kind="index", high=3, grad=False)
STEPS = 10


def optimizer_case(name: str, optimizer: str, **options: Any) -> None:
    register(Case(f"{optimizer}_{name}" if name else optimizer, kind="optimizer", args=(X, Y), gradcheck=False,
                  fn=train(small_mlp, optimizer, STEPS, **options)))


optimizer_case("", "SGD", lr=0.1)
optimizer_case("momentum", "SGD", lr=0.1, momentum=0.9)
optimizer_case("nesterov", "SGD", lr=0.1, momentum=0.9, nesterov=True)
optimizer_case("weight_decay_dampening", "SGD", lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0.01)
optimizer_case("maximize", "SGD", lr=0.01, momentum=0.5, maximize=True)
optimizer_case("", "Adam", lr=0.01)
optimizer_case("amsgrad", "Adam", lr=0.01, amsgrad=True)
optimizer_case("weight_decay", "Adam", lr=0.01, weight_decay=0.1, betas=(0.8, 0.9))
optimizer_case("", "AdamW", lr=0.01)
optimizer_case("weight_decay_amsgrad", "AdamW", lr=0.01, weight_decay=0.1, amsgrad=True)
optimizer_case("", "RMSprop", lr=0.01)
optimizer_case("centered_momentum", "RMSprop", lr=0.01, centered=True, momentum=0.9)
optimizer_case("weight_decay", "RMSprop", lr=0.01, alpha=0.9, weight_decay=0.05)


def mse_regression(ns: Any, x: Any, y: Any) -> Probe:
    """Linear regression with MSE and SGD: the first thing the lecture trains."""
    model = same_start(ns, lambda n: n.nn.Linear(5, 1), x)
    opt = ns.optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(20):
        opt.zero_grad()
        value = ns.nn.MSELoss()(model(x), y)
        value.backward()
        opt.step()
        losses.append(value.item())
    return Probe([ns.tensor(losses, dtype=x.dtype), dict(model.named_parameters())])


register(Case("linear_regression_SGD", kind="training", fn=mse_regression, gradcheck=False,
              args=(Arg((32, 5), grad=False), Arg((32, 1), grad=False))))

# The lecture's NeuralNetworkV2 (784-512-512-10), 50 SGD steps of cross-entropy on one fixed batch
# of random images, in float32 as in the lecture (and float64).
from .cases_nn import neural_network_v2  # noqa: E402

# lr=0.01 keeps the run well-conditioned: there PyTorch's own float32 trajectory stays within 2e-7
# of its float64 one over 50 steps, so float32 parity can be held to 1e-5. At lr=0.05 the run sits
# at the edge of stability: PyTorch float32 drifts 7e-4 from PyTorch float64, and on a 16-core box
# its CPU run took a different path with 2 threads than with 16, so no float32 implementation could
# be held to it. (float64 parity at 1e-8 held either way.)
register(Case("NeuralNetworkV2_SGD_50_steps", kind="training", gradcheck=False,
              fn=train(neural_network_v2, "SGD", 50, lr=0.01),
              args=(farg(16, 28, 28, low=0.0, high=1.0, grad=False), Arg((16,), kind="index", high=10, grad=False))))
