"""``nn.LazyLinear``, ``LazyConv2d``, ``LazyBatchNorm1d/2d``: shapes read from the first input, then the real layer.

The module is materialized by a forward on a batch of zeros before ``same_start`` copies PyTorch's
weights into it, so the case checks the materialized shapes and the forward/backward of the
``Linear`` it becomes."""
from __future__ import annotations

from .cases_nn import case, module
from .registry import farg


def materialized(ns, out_features, in_features, **options):
    layer = ns.nn.LazyLinear(out_features, **options)
    layer(ns.zeros(1, in_features))
    return layer


case("LazyLinear", module(lambda ns: materialized(ns, 5, 3)), farg(4, 3))
case("LazyLinear_no_bias", module(lambda ns: materialized(ns, 2, 3, bias=False)), farg(2, 4, 3))


def materialized_from(ns, layer, example_shape):
    layer(ns.zeros(*example_shape))
    return layer


case("LazyConv2d", module(lambda ns: materialized_from(ns, ns.nn.LazyConv2d(4, 3, padding=1), (1, 2, 5, 5))),
     farg(2, 2, 5, 5))
case("LazyConv2d_groups_no_bias", module(lambda ns: materialized_from(
    ns, ns.nn.LazyConv2d(4, 3, groups=2, bias=False), (1, 4, 5, 5))), farg(1, 4, 5, 5))
case("LazyBatchNorm1d", module(lambda ns: materialized_from(ns, ns.nn.LazyBatchNorm1d(), (2, 3))), farg(4, 3))
case("LazyBatchNorm2d", module(lambda ns: materialized_from(ns, ns.nn.LazyBatchNorm2d(), (2, 3, 2, 2))),
     farg(2, 3, 4, 4))
