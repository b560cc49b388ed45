"""``nn.LazyLinear``: shapes read from the first input, then PyTorch's Linear init and forward.

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
