"""Parity cases for convolutions: ``Conv1d``, ``Conv2d``, ``ConvTranspose2d`` (every option PyTorch
gives them), ``F.conv1d/conv2d/conv_transpose2d`` with the weight and bias as inputs (so the
finite-difference check covers their gradients too), ``F.unfold``/``F.fold``, and a LeNet-style CNN
trained a few steps with SGD-momentum and Adam.

Shapes are small (a few hundred input elements) so that the float64 finite differences stay fast;
hypothesis draws the batch and spatial sizes of the functional cases (``shapes``), and
tests/test_conv.py draws strides, paddings, dilations and groups.
"""
from __future__ import annotations

from typing import Any, Callable

from hypothesis import strategies as st

import tinygrad_lr

from .check import Probe
from .convert import same_start
from .registry import Arg, Case, farg, register

if not hasattr(tinygrad_lr.nn, "Conv2d"):
    raise ModuleNotFoundError("tinygrad_lr.nn.Conv2d is not there yet", name=__name__)


# The float64 finite differences of x, W and b run on the F.conv* cases below; a module case adds
# them only for what those do not cover (each evaluation rebuilds the module from PyTorch's weights).
FINITE_DIFFERENCES = {"Conv2d_same_even_kernel", "Conv2d_padding_mode_reflect", "Conv2d_padding_mode_circular",
                      "Conv2d_unbatched", "Conv1d_groups_same", "ConvTranspose2d_output_size"}


def case(name: str, fn: Callable[..., Any], *args: Arg, kind: str = "module", **options: Any) -> None:
    if kind == "module":
        options.setdefault("gradcheck", name in FINITE_DIFFERENCES)
    register(Case(name, fn=fn, args=args, kind=kind, **options))


def module(build: Callable[[Any], Any], **call: Any) -> Callable[..., Probe]:
    """A case function: ``build(ns)`` with PyTorch's initial weights, applied to the first input."""
    def run(ns: Any, x: Any) -> Probe:
        m = same_start(ns, build, x)
        return Probe(m(x, **call), params=m)
    return run


# ----------------------------------------------------------------------------------- Conv2d
case("Conv2d", module(lambda ns: ns.nn.Conv2d(3, 4, 3)), farg(2, 3, 5, 4))
case("Conv2d_stride_padding", module(lambda ns: ns.nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 2))),
     farg(1, 3, 5, 4))
case("Conv2d_dilation", module(lambda ns: ns.nn.Conv2d(2, 3, 3, dilation=2, padding=1)), farg(1, 2, 5, 5))
case("Conv2d_groups", module(lambda ns: ns.nn.Conv2d(4, 6, 3, groups=2, stride=2)), farg(1, 4, 5, 5))
case("Conv2d_depthwise", module(lambda ns: ns.nn.Conv2d(3, 6, 3, groups=3, padding=1)), farg(1, 3, 4, 4))
case("Conv2d_same_even_kernel", module(lambda ns: ns.nn.Conv2d(2, 3, (4, 3), padding="same")), farg(1, 2, 5, 4),
     note="'same' with an even kernel pads one more at the bottom than at the top, as PyTorch")
case("Conv2d_same_dilation", module(lambda ns: ns.nn.Conv2d(2, 3, 3, padding="same", dilation=(2, 1))),
     farg(1, 2, 5, 4))
case("Conv2d_valid_no_bias", module(lambda ns: ns.nn.Conv2d(2, 3, 2, padding="valid", bias=False)), farg(1, 2, 4, 4))
case("Conv2d_1x1", module(lambda ns: ns.nn.Conv2d(4, 3, 1)), farg(2, 4, 3, 3))
case("Conv2d_unbatched", module(lambda ns: ns.nn.Conv2d(3, 2, 3, padding=1)), farg(3, 5, 4))
for mode in ("reflect", "replicate", "circular"):
    case(f"Conv2d_padding_mode_{mode}", module(lambda ns, m=mode: ns.nn.Conv2d(2, 3, 3, padding=1, padding_mode=m)),
         farg(1, 2, 4, 4))

# ----------------------------------------------------------------------------------- Conv1d
case("Conv1d", module(lambda ns: ns.nn.Conv1d(3, 4, 3)), farg(2, 3, 8))
case("Conv1d_stride_padding_dilation", module(lambda ns: ns.nn.Conv1d(2, 4, 3, stride=2, padding=2, dilation=2)),
     farg(2, 2, 9))
case("Conv1d_groups_same", module(lambda ns: ns.nn.Conv1d(4, 4, 4, groups=4, padding="same")), farg(2, 4, 7))
case("Conv1d_unbatched", module(lambda ns: ns.nn.Conv1d(3, 2, 2, bias=False)), farg(3, 6))

# -------------------------------------------------------------------------------- ConvTranspose2d
case("ConvTranspose2d", module(lambda ns: ns.nn.ConvTranspose2d(3, 2, 3)), farg(2, 3, 4, 3))
case("ConvTranspose2d_stride_output_padding",
     module(lambda ns: ns.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)), farg(2, 3, 3, 4),
     note="the autoencoder decoder's upsampling: 3x4 -> 6x8")
case("ConvTranspose2d_groups_dilation",
     module(lambda ns: ns.nn.ConvTranspose2d(4, 6, (2, 3), stride=(2, 1), groups=2, dilation=(1, 2), bias=False)),
     farg(2, 4, 3, 3))
case("ConvTranspose2d_output_size",
     module(lambda ns: ns.nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1), output_size=[6, 5]), farg(2, 2, 3, 3))
case("ConvTranspose2d_unbatched", module(lambda ns: ns.nn.ConvTranspose2d(2, 3, 2, stride=2)), farg(2, 3, 2))


# --------------------------------------------------------------------------------- functionals
@st.composite
def batch_and_size(draw: Any, channels: int, weight: tuple[int, ...], min_side: int = 1, dims: int = 2,
                   bias: int | None = None) -> tuple[tuple[int, ...], ...]:
    """(input, weight, bias) shapes: the batch (1-3) and spatial sizes (min_side-6) drawn."""
    sides = tuple(draw(st.integers(min_side, 6)) for _ in range(dims))
    return (draw(st.integers(1, 3)), channels, *sides), weight, (weight[0] if bias is None else bias,)


def functional(name: str, fn: Callable[..., Any], x: tuple[int, ...], weight: tuple[int, ...], bias: int,
               shapes: Any = None) -> None:
    case(name, fn, farg(*x), farg(*weight), farg(bias), kind="op", shapes=shapes)


F_ = lambda ns: ns.nn.functional  # noqa: E731
functional("F.conv2d", lambda ns, x, w, b: F_(ns).conv2d(x, w, b, padding=1), (2, 3, 5, 4), (4, 3, 3, 3), 4,
           shapes=batch_and_size(3, (4, 3, 3, 3)))
functional("F.conv2d_stride_dilation_groups",
           lambda ns, x, w, b: F_(ns).conv2d(x, w, b, stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2),
           (1, 4, 7, 6), (6, 2, 2, 3), 6, shapes=batch_and_size(4, (6, 2, 2, 3), min_side=5))
functional("F.conv2d_same", lambda ns, x, w, b: F_(ns).conv2d(x, w, b, padding="same"), (2, 2, 4, 5), (3, 2, 2, 3), 3,
           shapes=batch_and_size(2, (3, 2, 2, 3)))
functional("F.conv1d", lambda ns, x, w, b: F_(ns).conv1d(x, w, b, stride=2, padding=1), (2, 2, 7), (3, 2, 3), 3,
           shapes=batch_and_size(2, (3, 2, 3), dims=1))
functional("F.conv_transpose2d",
           lambda ns, x, w, b: F_(ns).conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
           (2, 3, 3, 4), (3, 2, 3, 3), 2, shapes=batch_and_size(3, (3, 2, 3, 3), bias=2))
functional("F.conv_transpose2d_groups_dilation",
           lambda ns, x, w, b: F_(ns).conv_transpose2d(x, w, b, stride=(1, 2), groups=2, dilation=2),
           (1, 4, 3, 3), (4, 3, 2, 2), 6, shapes=batch_and_size(4, (4, 3, 2, 2), bias=6))
case("F.unfold", lambda ns, x: F_(ns).unfold(x, (2, 3), padding=1, stride=(2, 1), dilation=(1, 2)), farg(2, 3, 5, 6),
     kind="op")
case("F.fold", lambda ns, x: F_(ns).fold(x, (5, 6), (2, 3), padding=1, stride=(2, 1)), farg(2, 18, 18), kind="op",
     note="overlapping blocks are summed")
case("F.unfold_fold_roundtrip", lambda ns, x: F_(ns).fold(F_(ns).unfold(x, 3, padding=1), (4, 5), 3, padding=1),
     farg(1, 2, 4, 5), kind="op")


# ------------------------------------------------------------------------------- LeNet training
def lenet(ns: Any) -> Any:
    """conv 1->6 5x5, ReLU, maxpool 2, conv 6->16 5x5, ReLU, maxpool 2, flatten, 256-120-84-10."""
    nn = ns.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def train_lenet(optimizer: str, steps: int, **options: Any) -> Callable[..., Probe]:
    def run(ns: Any, x: Any, target: Any) -> Probe:
        model = same_start(ns, lenet, x)
        opt = getattr(ns.optim, optimizer)(model.parameters(), **options)
        losses = []
        for _ in range(steps):
            opt.zero_grad()
            value = ns.nn.functional.cross_entropy(model(x), target)
            value.backward()
            opt.step()
            losses.append(value.item())
        return Probe([ns.tensor(losses, dtype=x.dtype), {k: p.detach() for k, p in model.named_parameters()}])
    return run


# Adam's eps is 1e-4, not 1e-8: with eps=1e-8 a weight whose gradient is nearly zero (an input pixel
# that few samples reach through ReLU and max-pool) moves by ±lr whatever the gradient's size, so
# float32 rounding noise in a 1e-9 gradient decided a 4e-3 step; one of 10,080 weights then differed
# by 2e-5. A larger eps keeps the run well-conditioned (float64 parity is 1e-12 either way).
IMAGES, LABELS = farg(8, 1, 28, 28, low=0.0, high=1.0, grad=False), Arg((8,), kind="index", high=10, grad=False)
for name, optimizer, options in (("SGD_momentum", "SGD", dict(lr=0.05, momentum=0.9)),
                                 ("Adam", "Adam", dict(lr=0.002, eps=1e-4))):
    register(Case(f"LeNet_{name}_5_steps", kind="training", fn=train_lenet(optimizer, 5, **options),
                  args=(IMAGES, LABELS), gradcheck=False,
                  note="losses after each step and every final weight, from PyTorch's initial weights"))

