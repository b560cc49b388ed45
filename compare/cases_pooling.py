"""Parity cases for pooling: max, average and adaptive pools in 1-D and 2-D (modules and
functionals, batched and unbatched, with the indices PyTorch returns), and ``MaxUnpool2d``.

Max-pool inputs have distinct values (``DISTINCT``): with ties the gradient goes to the first
maximum, which tests/test_pooling.py checks on purpose; here ties would only make a float32
rounding difference look like a different argmax. Hypothesis draws batch and spatial sizes.
"""
from __future__ import annotations

from typing import Any, Callable

from hypothesis import strategies as st

import tinygrad_lr

from .check import Probe
from .registry import DISTINCT, Arg, Case, farg, register

if not hasattr(tinygrad_lr.nn, "MaxPool2d"):
    raise ModuleNotFoundError("tinygrad_lr.nn.MaxPool2d is not there yet", name=__name__)


def case(name: str, fn: Callable[..., Any], *args: Arg, kind: str = "module", **options: Any) -> None:
    register(Case(name, fn=fn, args=args, kind=kind, **options))


def layer(build: Callable[[Any], Any]) -> Callable[..., Any]:
    """A case function applying the (parameter-free) layer ``build(ns)`` to the input."""
    return lambda ns, x: build(ns)(x)


def distinct(*shape: int) -> Arg:
    return farg(*shape, **DISTINCT)


# ----------------------------------------------------------------------------------- max pools
case("MaxPool2d", layer(lambda ns: ns.nn.MaxPool2d(2)), distinct(2, 3, 6, 6))
case("MaxPool2d_stride_padding", layer(lambda ns: ns.nn.MaxPool2d(3, 2, 1)), distinct(2, 2, 7, 6))
case("MaxPool2d_dilation_ceil_mode",
     layer(lambda ns: ns.nn.MaxPool2d((3, 2), stride=(2, 1), dilation=(2, 1), ceil_mode=True)), distinct(2, 2, 8, 5))
case("MaxPool2d_ceil_mode_padding", layer(lambda ns: ns.nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)),
     distinct(1, 2, 6, 7), note="the last window starts in the input and hangs over the padding")
case("MaxPool2d_overlapping", layer(lambda ns: ns.nn.MaxPool2d(3, stride=1)), distinct(2, 2, 5, 5),
     note="an entry that is the maximum of several windows gets all their gradients")
case("MaxPool2d_return_indices", layer(lambda ns: ns.nn.MaxPool2d(2, padding=1, return_indices=True)),
     distinct(2, 2, 5, 6), note="indices compared exactly")
case("MaxPool2d_unbatched", layer(lambda ns: ns.nn.MaxPool2d(2, return_indices=True)), distinct(3, 4, 5))
case("MaxPool1d", layer(lambda ns: ns.nn.MaxPool1d(2)), distinct(2, 3, 8))
case("MaxPool1d_padding_dilation_ceil_indices",
     layer(lambda ns: ns.nn.MaxPool1d(3, 2, padding=1, dilation=1, ceil_mode=True, return_indices=True)),
     distinct(2, 3, 8))
case("MaxPool1d_unbatched", layer(lambda ns: ns.nn.MaxPool1d(3, stride=1, dilation=2)), distinct(3, 9))

# ----------------------------------------------------------------------------------- avg pools
case("AvgPool2d", layer(lambda ns: ns.nn.AvgPool2d(2)), farg(2, 3, 6, 6))
case("AvgPool2d_padding", layer(lambda ns: ns.nn.AvgPool2d(3, 2, 1)), farg(2, 2, 7, 6),
     note="count_include_pad=True: padding counts in the divisor")
case("AvgPool2d_exclude_pad_ceil_mode",
     layer(lambda ns: ns.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)), farg(2, 2, 6, 7))
case("AvgPool2d_ceil_mode_include_pad", layer(lambda ns: ns.nn.AvgPool2d((2, 3), (2, 2), (1, 1), ceil_mode=True)),
     farg(1, 2, 6, 6), note="the part of a window past the padding is not counted")
case("AvgPool2d_divisor_override", layer(lambda ns: ns.nn.AvgPool2d(3, 1, 1, divisor_override=4)), farg(2, 2, 4, 5))
case("AvgPool2d_unbatched", layer(lambda ns: ns.nn.AvgPool2d(2, 1)), farg(3, 4, 5))
case("AvgPool1d", layer(lambda ns: ns.nn.AvgPool1d(3)), farg(2, 3, 9))
case("AvgPool1d_padding_ceil_exclude", layer(lambda ns: ns.nn.AvgPool1d(3, 2, 1, ceil_mode=True,
                                                                         count_include_pad=False)), farg(2, 3, 8))
case("AvgPool1d_unbatched", layer(lambda ns: ns.nn.AvgPool1d(2, 1)), farg(3, 5))

# ------------------------------------------------------------------------------ adaptive pools
case("AdaptiveAvgPool2d", layer(lambda ns: ns.nn.AdaptiveAvgPool2d(3)), farg(2, 3, 7, 8),
     note="uneven, overlapping windows: start floor(i*in/out), end ceil((i+1)*in/out)")
case("AdaptiveAvgPool2d_None", layer(lambda ns: ns.nn.AdaptiveAvgPool2d((None, 3))), farg(2, 2, 5, 7))
case("AdaptiveAvgPool2d_global", layer(lambda ns: ns.nn.AdaptiveAvgPool2d(1)), farg(2, 3, 4, 5),
     note="1x1 is a mean over the plane (MeanBackward1, as PyTorch)")
case("AdaptiveAvgPool2d_larger_output", layer(lambda ns: ns.nn.AdaptiveAvgPool2d((6, 7))), farg(2, 2, 4, 5))
case("AdaptiveAvgPool2d_unbatched", layer(lambda ns: ns.nn.AdaptiveAvgPool2d((2, 3))), farg(3, 5, 7))
case("AdaptiveAvgPool1d", layer(lambda ns: ns.nn.AdaptiveAvgPool1d(4)), farg(2, 3, 10))
case("AdaptiveMaxPool2d", layer(lambda ns: ns.nn.AdaptiveMaxPool2d(3)), distinct(2, 3, 7, 8))
case("AdaptiveMaxPool2d_None_indices", layer(lambda ns: ns.nn.AdaptiveMaxPool2d((None, 2), return_indices=True)),
     distinct(2, 2, 4, 5))
case("AdaptiveMaxPool2d_unbatched", layer(lambda ns: ns.nn.AdaptiveMaxPool2d((4, 3))), distinct(2, 5, 7))
case("AdaptiveMaxPool1d", layer(lambda ns: ns.nn.AdaptiveMaxPool1d(4, return_indices=True)), distinct(2, 3, 10))


def unpool(ns: Any, x: Any) -> Probe:
    pooled, indices = ns.nn.MaxPool2d(2, return_indices=True)(x)
    return Probe([ns.nn.MaxUnpool2d(2)(pooled * 3.0, indices), ns.nn.MaxUnpool2d(2)(pooled, indices, output_size=[7, 7])])


case("MaxUnpool2d", unpool, distinct(2, 2, 6, 6))


# --------------------------------------------------------------------------------- functionals
@st.composite
def planes(draw: Any, min_side: int = 1, dims: int = 2) -> tuple[tuple[int, ...]]:
    """One (N, C, *spatial) shape: N, C in 1-3, sides in min_side-7."""
    return ((draw(st.integers(1, 3)), draw(st.integers(1, 3)),
             *(draw(st.integers(min_side, 7)) for _ in range(dims))),)


F_ = lambda ns: ns.nn.functional  # noqa: E731
case("F.max_pool2d", lambda ns, x: F_(ns).max_pool2d(x, 2), distinct(2, 3, 6, 5), kind="op", shapes=planes(2))
case("F.max_pool2d_with_indices", lambda ns, x: F_(ns).max_pool2d_with_indices(x, 3, 2, 1, ceil_mode=True),
     distinct(2, 2, 5, 6), kind="op", shapes=planes(2))
case("F.avg_pool2d", lambda ns, x: F_(ns).avg_pool2d(x, 3, 2, 1, count_include_pad=False), farg(2, 3, 6, 5),
     kind="op", shapes=planes(2))
case("F.adaptive_avg_pool2d", lambda ns, x: F_(ns).adaptive_avg_pool2d(x, (3, 2)), farg(2, 3, 7, 5), kind="op",
     shapes=planes())
case("F.adaptive_max_pool2d", lambda ns, x: F_(ns).adaptive_max_pool2d(x, (2, 3), return_indices=True),
     distinct(2, 3, 7, 5), kind="op", shapes=planes())
case("F.max_unpool2d", lambda ns, x: F_(ns).max_unpool2d(*F_(ns).max_pool2d(x, 2, return_indices=True), 2,
                                                         output_size=x.shape[-2:]),
     distinct(2, 2, 6, 5), kind="op", shapes=planes(2), note="output_size: an odd input's indices reach past the default")
