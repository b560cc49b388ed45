"""Parity cases for ``nn``: every layer and loss (forward, input gradients, parameter gradients)
and whole models. Modules start from PyTorch's initial weights, copied over with
``convert.same_start``, so both sides hold identical parameters; ``Probe(..., params=module)``
makes the harness compare every parameter's gradient by name.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import tinygrad_lr

from .check import Probe
from .convert import same_start
from .registry import AWAY_FROM_0, POSITIVE, Arg, Case, farg, register

if not hasattr(tinygrad_lr, "nn") or not hasattr(tinygrad_lr.nn, "Linear"):
    raise ModuleNotFoundError("tinygrad_lr.nn is not there yet", name=__name__)


def case(name: str, fn: Callable[..., Any], *args: Arg, kind: str = "module", **options: Any) -> None:
    register(Case(name, fn=fn, args=args, kind=kind, **options))


def module(build: Callable[[Any], Any]) -> Callable[..., Probe]:
    """A case function that runs ``build(ns)`` (with PyTorch's initial weights) on the first input."""
    def run(ns: Any, x: Any, *rest: Any) -> Probe:
        m = same_start(ns, build, x)
        return Probe(m(x, *rest), params=m)
    return run


def classes(n: int, c: int, *, ignore: int | None = None) -> Arg:
    return Arg((n,), kind="index", high=c, grad=False)


# ----------------------------------------------------------------------------------- layers
case("Linear", module(lambda ns: ns.nn.Linear(3, 5)), farg(4, 3))
case("Linear_no_bias", module(lambda ns: ns.nn.Linear(3, 5, bias=False)), farg(4, 3))
case("Linear_batched", module(lambda ns: ns.nn.Linear(3, 2)), farg(2, 4, 3))
case("Linear_1d_input", module(lambda ns: ns.nn.Linear(3, 2)), farg(3))
case("F.linear", lambda ns, x, w, b: ns.nn.functional.linear(x, w, b), farg(4, 3), farg(5, 3), farg(5), kind="op")
case("F.linear_no_bias", lambda ns, x, w: ns.nn.functional.linear(x, w), farg(2, 4, 3), farg(5, 3), kind="op")
case("ReLU", module(lambda ns: ns.nn.ReLU()), farg(3, 4, **AWAY_FROM_0))
case("LeakyReLU", module(lambda ns: ns.nn.LeakyReLU()), farg(3, 4, **AWAY_FROM_0))
case("LeakyReLU_0.2", module(lambda ns: ns.nn.LeakyReLU(0.2)), farg(3, 4, **AWAY_FROM_0))
case("F.leaky_relu", lambda ns, x: ns.nn.functional.leaky_relu(x), farg(3, 4, **AWAY_FROM_0), kind="op")
case("F.leaky_relu_slope", lambda ns, x: ns.nn.functional.leaky_relu(x, negative_slope=0.3), farg(3, 4, **AWAY_FROM_0),
     kind="op")
case("F.relu", lambda ns, x: ns.nn.functional.relu(x), farg(3, 4, **AWAY_FROM_0), kind="op")
case("Sigmoid", module(lambda ns: ns.nn.Sigmoid()), farg(3, 4))
case("Tanh", module(lambda ns: ns.nn.Tanh()), farg(3, 4))
case("Softmax", module(lambda ns: ns.nn.Softmax(dim=1)), farg(3, 4))
case("LogSoftmax", module(lambda ns: ns.nn.LogSoftmax(dim=-1)), farg(2, 3, 4))
case("F.softmax", lambda ns, x: ns.nn.functional.softmax(x, dim=0), farg(3, 4), kind="op")
case("F.log_softmax", lambda ns, x: ns.nn.functional.log_softmax(x, dim=1), farg(3, 4), kind="op")
case("Flatten", module(lambda ns: ns.nn.Flatten()), farg(2, 3, 2, 2))
case("Flatten_0", module(lambda ns: ns.nn.Flatten(0)), farg(2, 3, 2))
case("Unflatten", module(lambda ns: ns.nn.Unflatten(1, (2, 3))), farg(4, 6))
case("Identity", module(lambda ns: ns.nn.Identity()), farg(2, 3))
case("Dropout_eval", module(lambda ns: ns.nn.Dropout(0.5).eval()), farg(3, 4))
case("Dropout_p0", module(lambda ns: ns.nn.Dropout(0.0)), farg(3, 4))
case("F.one_hot", lambda ns, t: ns.nn.functional.one_hot(t, 5), classes(6, 5), kind="op")
case("Sequential_mlp", module(lambda ns: ns.nn.Sequential(ns.nn.Linear(4, 8), ns.nn.ReLU(), ns.nn.Linear(8, 3))),
     farg(5, 4), note="parameter names 0.weight ... 2.bias")
case("ModuleList_tanh_stack", module(lambda ns: _Stack(ns)), farg(5, 4))


def _Stack(ns: Any) -> Any:  # noqa: N802 - a model class built per framework
    class Stack(ns.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = ns.nn.ModuleList([ns.nn.Linear(4, 4) for _ in range(3)])

        def forward(self, x: Any) -> Any:
            for layer in self.layers:
                x = layer(x).tanh()
            return x
    return Stack()


# ------------------------------------------------------------------------------------ losses
N, C = 6, 4


def targets_with(ignored: int, value: int) -> Callable:
    """Logits (N, C) and class targets where ``ignored`` of them are ``value`` (ignore_index)."""
    def make(rng: np.random.Generator, dtype: str) -> list[np.ndarray]:
        target = rng.integers(0, C, size=N)
        target[rng.permutation(N)[:ignored]] = value
        return [rng.uniform(-2, 2, size=(N, C)).astype(dtype), target.astype(np.int64)]
    return make


def probability_targets(rng: np.random.Generator, dtype: str) -> list[np.ndarray]:
    logits = rng.uniform(-2, 2, size=(N, C))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return [rng.uniform(-2, 2, size=(N, C)).astype(dtype), probs.astype(dtype)]


def loss(name: str, fn: Callable[..., Any], *args: Arg, **options: Any) -> None:
    case(name, fn, *args, kind="loss", **options)


LOGITS, TARGET, WEIGHT = farg(N, C), classes(N, C), farg(C, low=0.2, high=2.0, grad=False)
CE = lambda **kw: (lambda ns, x, t, *w: ns.nn.CrossEntropyLoss(*(w[:1]), **kw)(x, t))  # noqa: E731

loss("CrossEntropyLoss", CE(), LOGITS, TARGET)
loss("CrossEntropyLoss_sum", CE(reduction="sum"), LOGITS, TARGET)
loss("CrossEntropyLoss_none", CE(reduction="none"), LOGITS, TARGET)
loss("CrossEntropyLoss_weight", CE(), LOGITS, TARGET, WEIGHT)
loss("CrossEntropyLoss_weight_none", CE(reduction="none"), LOGITS, TARGET, WEIGHT)
loss("CrossEntropyLoss_ignore_index", CE(), make_inputs=targets_with(2, -100), grads=(True, False))
loss("CrossEntropyLoss_ignore_index_1", CE(ignore_index=1), make_inputs=targets_with(2, 1), grads=(True, False))
loss("CrossEntropyLoss_label_smoothing", CE(label_smoothing=0.1), LOGITS, TARGET)
loss("CrossEntropyLoss_label_smoothing_weight", CE(label_smoothing=0.2), LOGITS, TARGET, WEIGHT)
loss("CrossEntropyLoss_smoothing_ignore", CE(label_smoothing=0.1), make_inputs=targets_with(2, -100),
     grads=(True, False))
loss("CrossEntropyLoss_probabilities", CE(), make_inputs=probability_targets, grads=(True, False))
loss("CrossEntropyLoss_probabilities_smoothing", CE(label_smoothing=0.1), make_inputs=probability_targets,
     grads=(True, False))
loss("CrossEntropyLoss_probabilities_none", CE(reduction="none"), make_inputs=probability_targets, grads=(True, False))
loss("CrossEntropyLoss_k_dim", CE(), farg(2, C, 3), Arg((2, 3), kind="index", high=C, grad=False))
loss("CrossEntropyLoss_1d_input", CE(), farg(C), Arg((), kind="index", high=C, grad=False))
loss("F.cross_entropy", lambda ns, x, t: ns.nn.functional.cross_entropy(x, t, label_smoothing=0.05), LOGITS, TARGET)

NLL = lambda **kw: (lambda ns, x, t, *w: ns.nn.NLLLoss(*(w[:1]), **kw)(x.log_softmax(dim=1), t))  # noqa: E731
loss("NLLLoss", NLL(), LOGITS, TARGET)
loss("NLLLoss_weight", NLL(), LOGITS, TARGET, WEIGHT)
loss("NLLLoss_weight_sum", NLL(reduction="sum"), LOGITS, TARGET, WEIGHT)
loss("NLLLoss_none", NLL(reduction="none"), LOGITS, TARGET)
loss("NLLLoss_ignore_index", NLL(ignore_index=2), make_inputs=targets_with(2, 2), grads=(True, False))
loss("F.nll_loss_raw", lambda ns, x, t: ns.nn.functional.nll_loss(x, t), LOGITS, TARGET)

for reduction in ("mean", "sum", "none"):
    loss(f"MSELoss_{reduction}", lambda ns, x, y, r=reduction: ns.nn.MSELoss(reduction=r)(x, y), farg(4, 3), farg(4, 3))
    loss(f"BCEWithLogitsLoss_{reduction}", lambda ns, x, y, r=reduction: ns.nn.BCEWithLogitsLoss(reduction=r)(x, y),
         farg(4, 3), farg(4, 3, low=0.0, high=1.0))
    loss(f"BCELoss_{reduction}", lambda ns, x, y, r=reduction: ns.nn.BCELoss(reduction=r)(x, y),
         farg(4, 3, low=0.05, high=0.95), farg(4, 3, low=0.0, high=1.0))


def l1_inputs(rng: np.random.Generator, dtype: str) -> list[np.ndarray]:
    """|input - target| >= 0.1 everywhere: away from L1's kink."""
    x = rng.uniform(-2, 2, size=(4, 3))
    gap = rng.uniform(0.1, 1.0, size=(4, 3)) * rng.choice([-1, 1], size=(4, 3))
    return [x.astype(dtype), (x + gap).astype(dtype)]


for reduction in ("mean", "sum", "none"):
    loss(f"L1Loss_{reduction}", lambda ns, x, y, r=reduction: ns.nn.L1Loss(reduction=r)(x, y), make_inputs=l1_inputs)
loss("MSELoss_target_grad", lambda ns, x, y: ns.nn.functional.mse_loss(x, y), farg(4, 3), farg(4, 3),
     note="the target also gets a gradient")
loss("BCELoss_weight", lambda ns, x, y, w: ns.nn.BCELoss(weight=w)(x, y),
     farg(4, 3, low=0.05, high=0.95), farg(4, 3, low=0.0, high=1.0, grad=False), farg(3, **POSITIVE, grad=False))
loss("BCEWithLogitsLoss_pos_weight", lambda ns, x, y, p: ns.nn.BCEWithLogitsLoss(pos_weight=p)(x, y),
     farg(4, 3), farg(4, 3, low=0.0, high=1.0, grad=False), farg(3, **POSITIVE, grad=False))
loss("BCEWithLogitsLoss_weight_pos_weight_sum",
     lambda ns, x, y, w, p: ns.nn.BCEWithLogitsLoss(weight=w, pos_weight=p, reduction="sum")(x, y),
     farg(4, 3), farg(4, 3, low=0.0, high=1.0, grad=False), farg(4, 1, **POSITIVE, grad=False),
     farg(3, **POSITIVE, grad=False))
loss("BCEWithLogitsLoss_large_logits", lambda ns, x, y: ns.nn.BCEWithLogitsLoss()(x * 50, y),
     farg(4, 3, **AWAY_FROM_0), farg(4, 3, low=0.0, high=1.0), note="no overflow for |logits| ~ 100")

# ------------------------------------------------------------------------------------ models


def neural_network_v2(ns: Any) -> Any:
    """The lecture's model: Flatten -> Linear(784, 512) -> ReLU -> Linear(512, 512) -> ReLU -> Linear(512, 10)."""
    class NeuralNetworkV2(ns.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.flatten = ns.nn.Flatten()
            self.linear_relu_stack = ns.nn.Sequential(
                ns.nn.Linear(28 * 28, 512), ns.nn.ReLU(),
                ns.nn.Linear(512, 512), ns.nn.ReLU(),
                ns.nn.Linear(512, 10))

        def forward(self, x: Any) -> Any:
            return self.linear_relu_stack(self.flatten(x))
    return NeuralNetworkV2()


def model_loss(build: Callable[[Any], Any]) -> Callable[..., Probe]:
    """Logits, the cross-entropy loss and (through Probe) every parameter's gradient."""
    def run(ns: Any, x: Any, target: Any) -> Probe:
        model = same_start(ns, build, x)
        logits = model(x)
        return Probe([logits, ns.nn.functional.cross_entropy(logits, target)], params=model)
    return run


case("NeuralNetworkV2", model_loss(neural_network_v2), farg(8, 28, 28, low=0.0, high=1.0), classes(8, 10),
     gradcheck=False)
case("mlp_tanh_softmax", model_loss(lambda ns: ns.nn.Sequential(ns.nn.Linear(5, 16), ns.nn.Tanh(), ns.nn.Linear(16, 16),
                                                                 ns.nn.Sigmoid(), ns.nn.Linear(16, 3))),
     farg(7, 5), classes(7, 3))
