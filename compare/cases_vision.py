"""Parity cases for padding, upsampling, pixel shuffle and channel dropout (modules and functionals).

Dropout in training mode draws from PyTorch's random stream (``bernoulli_``), so after the same
``manual_seed`` both frameworks drop the same channels: the training cases seed inside the case.
"""
from __future__ import annotations

from typing import Any, Callable

import tinygrad_lr

from .check import Probe
from .registry import Arg, Case, farg, register
from .strategies import SIDE, st

if not hasattr(tinygrad_lr.nn, "ReflectionPad2d"):
    raise ModuleNotFoundError("tinygrad_lr.nn.ReflectionPad2d is not there yet", name=__name__)


def case(name: str, fn: Callable[..., Any], *args: Arg, kind: str = "module", **options: Any) -> None:
    register(Case(name, fn=fn, args=args, kind=kind, **options))


def layer(build: Callable[[Any], Any]) -> Callable[..., Probe]:
    def run(ns: Any, x: Any) -> Probe:
        m = build(ns)
        return Probe(m(x), params=m)
    return run


# ------------------------------------------------------------------------------------ padding
for name, shape, build in [
        ("ZeroPad1d", (2, 3, 4), lambda ns: ns.nn.ZeroPad1d((2, 1))),
        ("ZeroPad2d", (2, 2, 3, 3), lambda ns: ns.nn.ZeroPad2d((1, 2, 0, 1))),
        ("ZeroPad3d", (1, 2, 2, 2, 3), lambda ns: ns.nn.ZeroPad3d(1)),
        ("ConstantPad1d", (3, 4), lambda ns: ns.nn.ConstantPad1d(2, 3.5)),
        ("ConstantPad2d", (2, 2, 3, 3), lambda ns: ns.nn.ConstantPad2d((1, 0, 2, 1), -1.0)),
        ("ConstantPad2d_negative_crops", (2, 2, 4, 4), lambda ns: ns.nn.ConstantPad2d((-1, 2, 1, -2), 0.5)),
        ("ConstantPad3d", (1, 2, 2, 2, 2), lambda ns: ns.nn.ConstantPad3d((1, 0, 0, 1, 1, 1), 2.0)),
        ("ReflectionPad1d", (2, 3, 5), lambda ns: ns.nn.ReflectionPad1d((3, 2))),
        ("ReflectionPad1d_unbatched", (3, 4), lambda ns: ns.nn.ReflectionPad1d(2)),
        ("ReflectionPad2d", (2, 2, 4, 5), lambda ns: ns.nn.ReflectionPad2d((1, 3, 2, 1))),
        ("ReflectionPad2d_unbatched", (2, 3, 3), lambda ns: ns.nn.ReflectionPad2d(2)),
        ("ReflectionPad3d", (1, 2, 3, 3, 3), lambda ns: ns.nn.ReflectionPad3d(1)),
        ("ReplicationPad1d", (2, 3, 4), lambda ns: ns.nn.ReplicationPad1d((3, 1))),
        ("ReplicationPad2d", (2, 2, 3, 4), lambda ns: ns.nn.ReplicationPad2d((2, 1, 3, 0))),
        ("ReplicationPad3d", (1, 2, 2, 3, 2), lambda ns: ns.nn.ReplicationPad3d(1)),
        ("CircularPad1d", (2, 3, 4), lambda ns: ns.nn.CircularPad1d((2, 3))),
        ("CircularPad2d", (2, 2, 3, 4), lambda ns: ns.nn.CircularPad2d((1, 2, 3, 0))),
        ("CircularPad3d", (1, 2, 2, 3, 2), lambda ns: ns.nn.CircularPad3d(1))]:
    case(name, layer(build), farg(*shape))

F = lambda ns: ns.nn.functional  # noqa: E731


def sizes(*sides: Any) -> Any:
    """A hypothesis strategy of one input shape: ints stay as they are, strategies are drawn."""
    return st.tuples(*[st.just(s) if isinstance(s, int) else s for s in sides]).map(lambda shape: (shape,))


case("F.pad_constant_any_dims", lambda ns, x: F(ns).pad(x, (1, 1, 0, 2, 1, 0), value=0.25), farg(2, 3, 2), kind="op",
     shapes=sizes(SIDE, SIDE, st.integers(1, 2)))
case("F.pad_reflect", lambda ns, x: F(ns).pad(x, (2, 2, 1, 1), mode="reflect"), farg(1, 2, 3, 3), kind="op",
     shapes=sizes(SIDE, SIDE, st.integers(2, 4), st.integers(3, 5)))
case("F.pad_replicate", lambda ns, x: F(ns).pad(x, (0, 3), mode="replicate"), farg(2, 3), kind="op",
     shapes=sizes(SIDE, SIDE))
case("F.pad_circular", lambda ns, x: F(ns).pad(x, (1, 1, 1, 1), mode="circular"), farg(1, 2, 3, 3), kind="op",
     shapes=sizes(SIDE, SIDE, SIDE, SIDE))

# -------------------------------------------------------------------------------- upsampling
for name, shape, build in [
        ("Upsample", (2, 2, 3, 3), lambda ns: ns.nn.Upsample(scale_factor=2)),
        ("Upsample_nearest_size", (1, 2, 3, 4), lambda ns: ns.nn.Upsample(size=(5, 7))),
        ("Upsample_nearest_fractional", (1, 2, 3, 5), lambda ns: ns.nn.Upsample(scale_factor=1.5)),
        ("Upsample_nearest_1d", (2, 2, 4), lambda ns: ns.nn.Upsample(scale_factor=3)),
        ("Upsample_nearest_3d", (1, 1, 2, 2, 3), lambda ns: ns.nn.Upsample(scale_factor=(2, 1, 2))),
        ("Upsample_bilinear", (2, 2, 3, 3), lambda ns: ns.nn.Upsample(scale_factor=2, mode="bilinear")),
        ("Upsample_bilinear_align_corners", (1, 2, 3, 4),
         lambda ns: ns.nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)),
        ("Upsample_bilinear_size_downsample", (1, 2, 5, 6), lambda ns: ns.nn.Upsample(size=(3, 4), mode="bilinear")),
        ("Upsample_bilinear_fractional", (1, 1, 4, 5), lambda ns: ns.nn.Upsample(scale_factor=1.7, mode="bilinear")),
        ("Upsample_linear", (2, 2, 4), lambda ns: ns.nn.Upsample(scale_factor=2.5, mode="linear")),
        ("Upsample_linear_align_corners", (2, 2, 4),
         lambda ns: ns.nn.Upsample(size=7, mode="linear", align_corners=True)),
        ("Upsample_nearest_exact", (1, 2, 3, 5), lambda ns: ns.nn.Upsample(scale_factor=1.5, mode="nearest-exact")),
        ("Upsample_nearest_exact_1d", (1, 2, 7), lambda ns: ns.nn.Upsample(size=3, mode="nearest-exact")),
        ("Upsample_bicubic", (1, 2, 3, 4), lambda ns: ns.nn.Upsample(scale_factor=2, mode="bicubic")),
        ("Upsample_bicubic_align_corners_down", (1, 1, 5, 6),
         lambda ns: ns.nn.Upsample(size=(3, 4), mode="bicubic", align_corners=True)),
        ("Upsample_trilinear", (1, 1, 2, 3, 2), lambda ns: ns.nn.Upsample(scale_factor=(1.5, 2, 2), mode="trilinear")),
        ("Upsample_area", (1, 2, 5, 7), lambda ns: ns.nn.Upsample(size=(2, 3), mode="area")),
        ("UpsamplingNearest2d", (1, 2, 2, 3), lambda ns: ns.nn.UpsamplingNearest2d(scale_factor=2)),
        ("UpsamplingBilinear2d", (1, 2, 2, 3), lambda ns: ns.nn.UpsamplingBilinear2d(size=(4, 5))),
        ("PixelShuffle", (2, 8, 2, 3), lambda ns: ns.nn.PixelShuffle(2)),
        ("PixelShuffle_unbatched", (9, 2, 2), lambda ns: ns.nn.PixelShuffle(3)),
        ("PixelUnshuffle", (2, 2, 4, 6), lambda ns: ns.nn.PixelUnshuffle(2)),
        ("PixelUnshuffle_unbatched", (1, 3, 6), lambda ns: ns.nn.PixelUnshuffle(3))]:
    case(name, layer(build), farg(*shape))

case("F.interpolate_nearest", lambda ns, x: F(ns).interpolate(x, scale_factor=(2, 3)), farg(1, 2, 2, 2), kind="op",
     shapes=sizes(SIDE, SIDE, SIDE, SIDE))
case("F.interpolate_bilinear", lambda ns, x: F(ns).interpolate(x, size=(4, 3), mode="bilinear", align_corners=False),
     farg(2, 1, 3, 5), kind="op",
     shapes=sizes(SIDE, SIDE, SIDE, SIDE))
case("F.interpolate_bicubic", lambda ns, x: F(ns).interpolate(x, scale_factor=1.7, mode="bicubic"), farg(1, 2, 3, 3),
     kind="op", shapes=sizes(SIDE, SIDE, SIDE, SIDE))
case("F.interpolate_bilinear_recompute", lambda ns, x: F(ns).interpolate(
    x, scale_factor=1.6, mode="bilinear", recompute_scale_factor=True), farg(1, 1, 3, 4), kind="op",
     shapes=sizes(SIDE, SIDE, SIDE, SIDE))

# ----------------------------------------------------------------------------------- dropout
def seeded(ns: Any, run: Callable[[], Any]) -> Any:
    ns.manual_seed(3)
    return run()


for cls, shape in [("Dropout1d", (2, 3, 4)), ("Dropout2d", (2, 3, 2, 2)), ("Dropout3d", (2, 2, 2, 2, 2)),
                   ("AlphaDropout", (3, 4)), ("FeatureAlphaDropout", (2, 3, 2))]:
    case(f"{cls}_eval", layer(lambda ns, c=cls: getattr(ns.nn, c)(0.5).eval()), farg(*shape))
    case(f"{cls}_p0", layer(lambda ns, c=cls: getattr(ns.nn, c)(0.0)), farg(*shape))
    case(f"{cls}_p1", layer(lambda ns, c=cls: getattr(ns.nn, c)(1.0)), farg(*shape), note="everything dropped")
    case(f"{cls}_train", lambda ns, x, c=cls: seeded(ns, lambda: getattr(ns.nn, c)(0.4)(x)), farg(*shape))
case("F.dropout2d_eval", lambda ns, x: F(ns).dropout2d(x, 0.3, training=False), farg(2, 3, 2, 2), kind="op")
