"""Parity cases for ``tinygrad_lr/tensor_sort.py``: sort, topk, kthvalue, median, mode, the scans
(cumsum, cumprod, cummax, logcumsumexp), prod and the NaN-aware and paired reductions, plus the
counting ops (unique, bincount, histc), whose integer outputs are compared exactly.

Order statistics need distinct values (``DISTINCT``): a tie makes the picked index a free choice.
"""
from __future__ import annotations

from typing import Any, Callable

from . import strategies as S
from .registry import DISTINCT, Arg, Case, farg, register


# hypothesis shapes for ops along dim 1 (or -1): at least 2 dims, sides of 1 to 4
LAST_DIM = S.single(2)


def op(name: str, fn: Callable[..., Any], *args: Arg, **options: Any) -> None:
    register(Case(name, fn=fn, args=args, **options))


def integers(*shape: int, high: int = 5) -> Arg:
    return Arg(tuple(shape), kind="index", high=high, grad=False)


def whole_numbers(*shape: int, high: int = 3) -> Callable:
    """Small whole numbers as floats: ties on purpose (mode, unique)."""
    return lambda rng, dtype: [rng.integers(0, high, size=shape).astype(dtype)]


op("sort", lambda ns, a: a.sort(1), farg(3, 4, **DISTINCT), note="values and indices", shapes=LAST_DIM)
op("sort_descending_dim0", lambda ns, a: ns.sort(a, dim=0, descending=True), farg(3, 4, **DISTINCT))
op("sort_stable_ties", lambda ns, a: (a * 0 + ns.tensor([1.0, 0.0, 1.0, 0.0], dtype=a.dtype)).sort(stable=True, descending=True),
   farg(3, 4), note="ties keep their order")
op("argsort", lambda ns, a: ns.argsort(a, dim=-1, descending=True), farg(3, 4, grad=False, **DISTINCT))
op("topk", lambda ns, a: a.topk(2), farg(3, 5, **DISTINCT), shapes=S.sides_at_least(2, 2))
op("topk_smallest_dim0", lambda ns, a: ns.topk(a, 2, dim=0, largest=False), farg(4, 3, **DISTINCT))
op("kthvalue", lambda ns, a: a.kthvalue(2, dim=1), farg(3, 4, **DISTINCT), shapes=S.sides_at_least(2, 2))
op("kthvalue_keepdim", lambda ns, a: ns.kthvalue(a, 3, 0, keepdim=True), farg(4, 3, **DISTINCT))
op("median_all", lambda ns, a: a.median(), farg(3, 5, **DISTINCT))
op("median_all_even", lambda ns, a: ns.median(a), farg(2, 4, **DISTINCT), note="the lower of the two middle values")
op("median_dim", lambda ns, a: a.median(dim=1), farg(3, 4, **DISTINCT), shapes=LAST_DIM)
op("median_dim_keepdim", lambda ns, a: ns.median(a, 0, keepdim=True), farg(5, 2, **DISTINCT))
op("nanmedian", lambda ns, a: a.masked_fill(a > 1.2, float("nan")).nanmedian(dim=1), farg(3, 5, **DISTINCT))
op("nanmedian_all", lambda ns, a: a.masked_fill(a > 1.2, float("nan")).nanmedian(), farg(3, 5, **DISTINCT))
op("median_with_nan", lambda ns, a: a.masked_fill(a > 1.5, float("nan")).median(dim=1), farg(3, 5, **DISTINCT),
   note="a NaN in the row is the median")
op("mode", lambda ns, a: a.mode(1), make_inputs=whole_numbers(3, 6), gradcheck=False,
   note="ties on purpose: the smallest most frequent value, at its last position")
op("mode_dim0_keepdim", lambda ns, a: ns.mode(a, 0, keepdim=True), make_inputs=whole_numbers(5, 3), gradcheck=False)
op("cumsum", lambda ns, a: a.cumsum(1), farg(3, 4), shapes=LAST_DIM)
op("cumsum_dim0", lambda ns, a: ns.cumsum(a, dim=0), farg(3, 4))
op("cumsum_int_is_int64", lambda ns, i: i.cumsum(0), integers(5))
op("cumprod", lambda ns, a: a.cumprod(1), farg(3, 4), shapes=LAST_DIM)
op("cumprod_with_zero", lambda ns, a: (a * ns.tensor([1.0, 0.0, 1.0, 1.0], dtype=a.dtype)).cumprod(-1), farg(3, 4),
   note="zeros take the exact (no division) path")
op("cummax", lambda ns, a: a.cummax(1), farg(3, 4, **DISTINCT), shapes=LAST_DIM)
op("cummin", lambda ns, a: ns.cummin(a, 0), farg(3, 4, **DISTINCT))
op("cummax_ties", lambda ns, a: a.cummax(1), make_inputs=whole_numbers(3, 6), gradcheck=False,
   note="ties point at the latest position")
op("logcumsumexp", lambda ns, a: a.logcumsumexp(1), farg(3, 4, low=-5, high=5), shapes=LAST_DIM)
# |a| up to 100: e^a overflows float32 (log space is needed) while the rounding of a itself (one ulp
# of 100 is 8e-6) stays inside float32's tolerance; at |a| ~ 300 the gradient e^(a_k - out_j) is
# ill-conditioned in float32 on both sides. Large inputs, not a * 100: a chain factor would magnify it.
op("logcumsumexp_large", lambda ns, a: ns.logcumsumexp(a, 0), farg(3, 4, low=-100.0, high=100.0))
op("prod_all", lambda ns, a: a.prod(), farg(2, 3, low=0.5, high=1.5))
op("prod_dim", lambda ns, a: ns.prod(a, 1), farg(3, 4), shapes=LAST_DIM)
op("prod_dim_keepdim", lambda ns, a: a.prod(0, keepdim=True), farg(3, 4))
op("prod_with_zero", lambda ns, a: (a * ns.tensor([1.0, 0.0, 1.0], dtype=a.dtype)).prod(1), farg(2, 3),
   note="the gradient at the zero is the product of the others")
op("prod_two_zeros", lambda ns, a: (a * ns.tensor([0.0, 0.0, 1.0], dtype=a.dtype)).prod(-1), farg(2, 3))
op("prod_int_is_int64", lambda ns, i: i.prod(0), integers(4))
op("nansum", lambda ns, a: a.masked_fill(a > 1.0, float("nan")).nansum(1), farg(3, 4), shapes=LAST_DIM)
op("nansum_all", lambda ns, a: ns.nansum(a.masked_fill(a > 1.0, float("nan"))), farg(3, 4))
op("nanmean", lambda ns, a: ns.nanmean(a.masked_fill(a > 1.0, float("nan")), dim=0), farg(3, 4, low=-2.0, high=0.9))
op("aminmax", lambda ns, a: ns.aminmax(a), farg(3, 4, **DISTINCT))
op("aminmax_dim", lambda ns, a: a.aminmax(dim=1, keepdim=True), farg(3, 4, **DISTINCT))
op("std_mean", lambda ns, a: ns.std_mean(a, 1), farg(3, 4), shapes=LAST_DIM)
op("std_mean_all", lambda ns, a: ns.std_mean(a), farg(3, 4))
op("var_mean", lambda ns, a: ns.var_mean(a, dim=0, correction=0, keepdim=True), farg(3, 4))
op("count_nonzero", lambda ns, a: (a * (a > 0)).count_nonzero(dim=1), farg(3, 4, grad=False))
op("count_nonzero_all", lambda ns, i: ns.count_nonzero(i), integers(3, 4, high=3))
op("unique", lambda ns, a: ns.unique(a, return_inverse=True, return_counts=True), make_inputs=whole_numbers(3, 5),
   grads=(False,))
op("unique_dim", lambda ns, i: i.unique(dim=0, return_counts=True), make_inputs=lambda rng, dt: [rng.integers(0, 2, (6, 2))])
op("unique_consecutive", lambda ns, i: ns.unique_consecutive(i, return_inverse=True, return_counts=True),
   integers(8, high=2))
op("bincount", lambda ns, i: ns.bincount(i, minlength=7), integers(9))
op("bincount_weights", lambda ns, i, w: i.bincount(w), integers(6), farg(6, grad=False))
op("histc", lambda ns, a: ns.histc(a, bins=5, min=-1.5, max=1.5), farg(20, grad=False, avoid=(-0.9, -0.3, 0.3, 0.9), margin=0.01))
op("histc_data_range", lambda ns, a: a.histc(4), farg(20, grad=False, distinct=True))
