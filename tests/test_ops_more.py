"""The ops beyond the core (trig, sorting, scans, scatter, linalg, ...) against live PyTorch where the
parity registry cannot look: grad_fn names, non-differentiable results (indices, masks, counts),
metadata (strides, element sizes), namespaces (``torch.linalg``, ``torch.special``), errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import tinygrad_lr as tg


def both(fn):
    """``fn`` run on each framework: (ours, torch's)."""
    return fn(tg), fn(torch)


def same(ours, ref) -> None:
    """Equal values, shape and dtype (for integer and bool results, exactly)."""
    if isinstance(ref, (tuple, list)):
        assert len(ours) == len(ref)
        for o, r in zip(ours, ref):
            same(o, r)
        return
    if isinstance(ref, torch.Tensor):
        assert repr(ours.dtype) == str(ref.dtype), (ours.dtype, ref.dtype)
        assert tuple(ours.shape) == tuple(ref.shape)
        np.testing.assert_allclose(np.asarray(ours.detach().numpy(), dtype=np.float64),
                                   ref.detach().numpy().astype(np.float64), rtol=1e-6, atol=1e-6)
        return
    assert ours == ref


# ------------------------------------------------------------------------------ grad_fn names
X = [[0.3, -0.7, 0.5, 0.9], [0.2, 0.6, -0.4, 0.1], [-0.8, 0.45, 0.35, -0.15]]
V = [0.5, -0.2, 0.8, 0.3]
SQ = [[2.0, 0.1, 0.3], [0.2, 3.0, 0.4], [0.1, 0.5, 4.0]]

NAMED = {  # expression on (m, x 3x4, v 4, s 3x3) -> the tensor whose grad_fn is compared
    "sin": lambda m, x, v, s: x.sin(), "atan2": lambda m, x, v, s: m.atan2(x, v), "log1p": lambda m, x, v, s: x.log1p(),
    "erfinv": lambda m, x, v, s: x.erfinv(), "logit": lambda m, x, v, s: (x.abs() * 0.5 + 0.1).logit(),
    "trunc": lambda m, x, v, s: x.trunc(), "frac": lambda m, x, v, s: x.frac(), "sgn": lambda m, x, v, s: x.sgn(),
    "hypot": lambda m, x, v, s: m.hypot(x, v), "lerp0": lambda m, x, v, s: m.lerp(x, v, 0.3),
    "lerp1": lambda m, x, v, s: m.lerp(x, v, x), "clamp_min": lambda m, x, v, s: x.clamp_min(0.0),
    "nan_to_num": lambda m, x, v, s: x.nan_to_num(), "fmod": lambda m, x, v, s: x.fmod(v),
    "copysign": lambda m, x, v, s: x.copysign(v), "deg2rad": lambda m, x, v, s: x.deg2rad(),
    "sort": lambda m, x, v, s: x.sort(1).values, "topk": lambda m, x, v, s: x.topk(2).values,
    "kthvalue": lambda m, x, v, s: x.kthvalue(2).values, "median": lambda m, x, v, s: x.median(),
    "median_dim": lambda m, x, v, s: x.median(1).values, "nanmedian": lambda m, x, v, s: x.nanmedian(),
    "nanmedian_dim": lambda m, x, v, s: x.nanmedian(0).values, "mode": lambda m, x, v, s: x.mode(1).values,
    "cumsum": lambda m, x, v, s: x.cumsum(0), "cumprod": lambda m, x, v, s: x.cumprod(1),
    "cummax": lambda m, x, v, s: x.cummax(1).values, "cummin": lambda m, x, v, s: x.cummin(1).values,
    "logcumsumexp": lambda m, x, v, s: x.logcumsumexp(1), "prod": lambda m, x, v, s: x.prod(),
    "prod_dim": lambda m, x, v, s: x.prod(1), "nansum": lambda m, x, v, s: x.nansum(),
    "nanmean": lambda m, x, v, s: x.nanmean(), "aminmax": lambda m, x, v, s: m.aminmax(x).min,
    "std_mean": lambda m, x, v, s: m.std_mean(x)[1], "var_mean": lambda m, x, v, s: m.var_mean(x, 1)[0],
    "norm": lambda m, x, v, s: x.norm(), "norm_inf": lambda m, x, v, s: x.norm(float("inf")),
    "dist": lambda m, x, v, s: m.dist(x, v), "diag": lambda m, x, v, s: m.diag(v), "diag2d": lambda m, x, v, s: m.diag(x),
    "diag_embed": lambda m, x, v, s: m.diag_embed(x), "diagonal": lambda m, x, v, s: x.diagonal(),
    "trace": lambda m, x, v, s: m.trace(x), "tril": lambda m, x, v, s: x.tril(), "triu": lambda m, x, v, s: x.triu(),
    "outer": lambda m, x, v, s: m.outer(v, v), "flip": lambda m, x, v, s: x.flip(0), "roll": lambda m, x, v, s: x.roll(1),
    "rot90": lambda m, x, v, s: x.rot90(), "repeat_interleave": lambda m, x, v, s: x.repeat_interleave(2),
    "tile": lambda m, x, v, s: x.tile((2, 1)), "masked_select": lambda m, x, v, s: x.masked_select(x > 0),
    "take": lambda m, x, v, s: x.take(m.tensor([0, 5])), "unfold": lambda m, x, v, s: x.unfold(1, 2, 1),
    "movedim": lambda m, x, v, s: x.movedim(0, 1), "swapaxes": lambda m, x, v, s: x.swapaxes(0, 1),
    "sum_to_size": lambda m, x, v, s: x.sum_to_size(1, 4), "hstack": lambda m, x, v, s: m.hstack([x, x]),
    "broadcast_to": lambda m, x, v, s: m.broadcast_to(v, (3, 4)), "mv": lambda m, x, v, s: m.mv(x, v),
    "addmm": lambda m, x, v, s: m.addmm(s, x, x.T), "addmv": lambda m, x, v, s: m.addmv(s[0], x, v),
    "bmm": lambda m, x, v, s: m.bmm(x[None], x.T[None]), "kron": lambda m, x, v, s: m.kron(x, s),
    "cross": lambda m, x, v, s: m.cross(s, s, dim=1), "cdist": lambda m, x, v, s: m.cdist(x, x),
    "cosine_similarity": lambda m, x, v, s: m.nn.functional.cosine_similarity(x, x),
    "pairwise_distance": lambda m, x, v, s: m.nn.functional.pairwise_distance(x, x),
    "cartesian_prod": lambda m, x, v, s: m.cartesian_prod(v, v), "combinations": lambda m, x, v, s: m.combinations(v),
    "scatter": lambda m, x, v, s: x.scatter(0, m.tensor([[0, 1, 2, 0]]), x), "scatter_value": lambda m, x, v, s:
        x.scatter(0, m.tensor([[0, 1, 2, 0]]), 1.0),
    "scatter_add": lambda m, x, v, s: x.scatter_add(0, m.tensor([[0, 1, 2, 0]]), x),
    "scatter_reduce": lambda m, x, v, s: x.scatter_reduce(0, m.tensor([[0, 1, 2, 0]]), x, "amax"),
    "index_add": lambda m, x, v, s: x.index_add(0, m.tensor([0, 2]), x[:2]),
    "index_fill": lambda m, x, v, s: x.index_fill(1, m.tensor([0, 2]), 1.0),
    "index_copy": lambda m, x, v, s: x.index_copy(0, m.tensor([0, 2]), x[:2]),
    "index_put": lambda m, x, v, s: x.index_put((m.tensor([0, 2]),), v),
    "take_along_dim": lambda m, x, v, s: m.take_along_dim(x, m.tensor([[0], [1], [2]]), 1),
    "einsum_mm": lambda m, x, v, s: m.einsum("ij,jk->ik", x, x.T), "einsum_T": lambda m, x, v, s: m.einsum("ij->ji", x),
    "einsum_outer": lambda m, x, v, s: m.einsum("i,j->ij", v, v), "einsum_sum": lambda m, x, v, s: m.einsum("ij->", x),
    "inv": lambda m, x, v, s: m.linalg.inv(s), "det": lambda m, x, v, s: m.linalg.det(s),
    "solve": lambda m, x, v, s: m.linalg.solve(s, v[:3]), "svdvals": lambda m, x, v, s: m.linalg.svd(s)[1],
    "matrix_norm": lambda m, x, v, s: m.linalg.matrix_norm(x), "expit": lambda m, x, v, s: m.special.expit(x),
    "squeeze_": lambda m, x, v, s: (x * 1)[None].squeeze_(), "t_": lambda m, x, v, s: (x * 1).t_(),
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_grad_fn_names_match_torch(name):
    def run(m):
        x = m.tensor(X, dtype=m.float64, requires_grad=True)
        v = m.tensor(V, dtype=m.float64, requires_grad=True)
        s = m.tensor(SQ, dtype=m.float64, requires_grad=True)
        return NAMED[name](m, x, v, s).grad_fn.name()
    ours, ref = both(run)
    assert ours == ref


# ------------------------------------------------------------------- non-differentiable results
NON_DIFFERENTIABLE = {
    "isinf": lambda m: m.tensor([1.0, math.inf, -math.inf, math.nan]).isinf(),
    "isposinf": lambda m: m.isposinf(m.tensor([1.0, math.inf, -math.inf])),
    "isneginf": lambda m: m.isneginf(m.tensor([1.0, math.inf, -math.inf])),
    "isfinite": lambda m: m.isfinite(m.tensor([1.0, math.inf, math.nan])),
    "isclose": lambda m: m.isclose(m.tensor([1.0, 1.001, math.nan]), m.tensor([1.0, 1.0, math.nan]), equal_nan=True),
    "allclose": lambda m: m.allclose(m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0 + 1e-9])),
    "logical_and": lambda m: m.logical_and(m.tensor([True, False, True]), m.tensor([True, True, False])),
    "logical_or": lambda m: m.tensor([0, 1, 2]).logical_or(m.tensor([0, 0, 1])),
    "logical_xor": lambda m: m.logical_xor(m.tensor([1.0, 0.0]), m.tensor([1.0, 1.0])),
    "logical_not": lambda m: m.logical_not(m.tensor([0, 3])),
    "bitwise": lambda m: (m.tensor([5, 3]) & m.tensor([3, 6]), m.tensor([5, 3]) | 8, m.tensor([5, 3]) ^ m.tensor([1, 1]),
                          m.bitwise_not(m.tensor([5, -3])), m.bitwise_xor(m.tensor([True]), m.tensor([True])),
                          m.tensor([1, 2]) << 2, m.bitwise_right_shift(m.tensor([8, 9]), 1)),
    "signbit": lambda m: m.signbit(m.tensor([-1.0, 0.0, -0.0, 2.0])),
    "nonzero": lambda m: m.tensor([[0, 1], [2, 0]]).nonzero(),
    "nonzero_as_tuple": lambda m: m.nonzero(m.tensor([[0, 1], [2, 0]]), as_tuple=True),
    "argwhere": lambda m: m.argwhere(m.tensor([0.0, 1.5, 0.0, -2.0])),
    "argsort": lambda m: m.tensor([[3, 1, 2], [1, 1, 0]]).argsort(dim=1, stable=True),
    "sort_int": lambda m: m.tensor([3, 1, 2]).sort(descending=True),
    "sort_nan": lambda m: (m.tensor([1.0, math.nan, -1.0]).sort(), m.tensor([1.0, math.nan, -1.0]).sort(descending=True)),
    "max_dim_int": lambda m: m.tensor([[3, 1, 2], [0, 5, 4]]).max(dim=1),
    "min_dim_int": lambda m: m.tensor([[3, 1, 2], [0, 5, 4]]).min(0),
    "unique": lambda m: m.unique(m.tensor([3, 1, 2, 1, 3]), return_inverse=True, return_counts=True),
    "unique_unsorted": lambda m: m.tensor([3, 1, 2, 1]).unique(sorted=False),
    "unique_consecutive": lambda m: m.tensor([1, 1, 2, 2, 3, 1, 1]).unique_consecutive(return_counts=True),
    "unique_consecutive_dim": lambda m: m.tensor([[1, 1], [1, 1], [2, 0]]).unique_consecutive(dim=0, return_inverse=True),
    "bincount": lambda m: m.bincount(m.tensor([0, 1, 1, 3])),
    "histc": lambda m: m.histc(m.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=3),
    "histc_int_range": lambda m: m.tensor([1.0, 2.0, 2.0, 5.0]).histc(bins=3),
    "count_nonzero": lambda m: m.count_nonzero(m.tensor([[0, 1], [2, 3]]), dim=0),
    "searchsorted": lambda m: m.searchsorted(m.tensor([1, 3, 5, 7]), m.tensor([3, 6, 9])),
    "searchsorted_right_2d": lambda m: m.searchsorted(m.tensor([[1, 3, 5], [2, 4, 6]]), m.tensor([[3], [5]]), right=True),
    "searchsorted_scalar": lambda m: m.searchsorted(m.tensor([1.0, 2.0, 3.0]), 2.5),
    "bucketize": lambda m: m.bucketize(m.tensor([1, 5, 9]), m.tensor([1, 3, 5, 7])),
    "bucketize_right": lambda m: m.bucketize(m.tensor([1, 5, 9]), m.tensor([1, 3, 5, 7]), right=True, out_int32=True),
    "triu_indices": lambda m: m.triu_indices(3, 4, 1),
    "tril_indices": lambda m: m.tril_indices(4, 3, -1),
    "floor_divide": lambda m: m.floor_divide(m.tensor([7, -7]), 2),
    "remainder": lambda m: m.remainder(m.tensor([7, -7]), 3),
    "fmod_int": lambda m: m.fmod(m.tensor([7, -7]), 3),
    "cumsum_bool": lambda m: m.tensor([True, False, True]).cumsum(0),
    "prod_bool": lambda m: m.tensor([[True, False], [True, True]]).prod(1),
    "mode_int": lambda m: m.tensor([[1, 2, 2, 1, 3, 3]]).mode(1),
    "cummax_int": lambda m: m.tensor([1, 3, 3, 2, 3]).cummax(0),
    "kthvalue_int": lambda m: m.tensor([[4, 1, 3]]).kthvalue(2),
    "median_int": lambda m: (m.tensor([4, 1, 3, 2]).median(), m.tensor([[4, 1, 3, 2]]).median(1)),
    "trunc_int": lambda m: m.trunc(m.tensor([1, -2])),
    "nan_to_num_int": lambda m: m.tensor([1, 2]).nan_to_num(),
    "sgn_sign": lambda m: m.tensor([-2.0, 0.0, 3.0]).sgn(),
    "new_factories": lambda m: (m.tensor([1, 2]).new_zeros(2, 3), m.tensor([1.0], dtype=m.float64).new_ones((2,)),
                                m.tensor([1.0]).new_full((2, 2), 7), m.tensor([1.0]).new_tensor([1, 2]),
                                m.tensor([1]).new_empty(3).shape, m.tensor([1.0]).new_zeros(2, dtype=m.int32)),
    "metadata": lambda m: (m.zeros(2, 3, dtype=m.float64).element_size(), m.zeros(2, 3, dtype=m.int8).element_size(),
                           m.zeros(2, 3).nelement(), m.zeros(2, 3).ndimension(), m.zeros(2, 3, 4).stride(),
                           m.zeros(2, 3).t().stride(), m.zeros(2, 3).stride(1), m.zeros(2, 3).t().is_contiguous(),
                           m.zeros(2, 3).t().contiguous().is_contiguous()),
    "broadcast_shapes": lambda m: m.broadcast_shapes((2, 1), (3,), (1, 1, 1)),
    "type_as_int": lambda m: m.tensor([1.7, -2.2]).type_as(m.tensor([1])),
    "meshgrid_default": lambda m: m.meshgrid(m.tensor([1, 2]), m.tensor([3, 4, 5]), indexing="ij"),
    "cartesian_prod_int": lambda m: m.cartesian_prod(m.tensor([1, 2]), m.tensor([3, 4]), m.tensor([5])),
    "combinations_empty": lambda m: m.combinations(m.tensor([1.0, 2.0]), r=3),
    "topk_int": lambda m: m.tensor([5, 1, 4, 2]).topk(3, largest=False),
    "scatter_reduce_int_mean": lambda m: m.zeros(3, dtype=m.int64).scatter_reduce(0, m.tensor([0, 0, 2]), m.tensor([3, 4, 5]),
                                                                                  "mean", include_self=False),
    "scatter_reduce_int_amax": lambda m: m.zeros(3, dtype=m.int64).scatter_reduce(0, m.tensor([0, 0, 2]), m.tensor([3, -4, -5]),
                                                                                  "amax", include_self=False),
    "einsum_int": lambda m: m.einsum("i,i->", m.tensor([1, 2]), m.tensor([3, 4])),
    "kron_int": lambda m: m.kron(m.tensor([1, 2]), m.tensor([[1], [10]])),
    "storage_facts": lambda m: (m.zeros(3, 4).is_signed(), m.zeros(2, dtype=m.uint8).is_signed(), m.zeros(3, 4).nbytes,
                                m.zeros(3, dtype=m.float64).itemsize, m.zeros(2).get_device(), m.zeros(2).is_cpu,
                                m.zeros(3, 4)[1:, 2:].storage_offset(), m.zeros(2).is_complex(),
                                m.tensor([2.0]).is_nonzero(), m.zeros(2, 3).is_same_size(m.ones(2, 3))),
    "small_casts": lambda m: (m.tensor([1.7, 300.0, -2.0]).char(), m.tensor([1.7, 255.0]).byte(),
                              m.tensor([1.7, -2.5]).short()),
    "greater_less_aliases": lambda m: (m.greater(m.tensor([1, 2]), 1), m.tensor([1, 2]).less_equal(1),
                                       m.not_equal(m.tensor([1, 2]), m.tensor([1, 3]))),
    "isin_invert": lambda m: m.isin(m.tensor([[1, 2], [3, 4]]), m.tensor([4, 1]), invert=True),
    "quantile_int_q": lambda m: m.tensor([1.0, 2.0, 4.0]).quantile(m.tensor([0.0, 1.0])),
    "diff_bool": lambda m: m.tensor([True, False, False]).diff(),
    "diff_append": lambda m: m.tensor([1, 4, 9]).diff(append=m.tensor([16])),
    "cov_int": lambda m: m.tensor([[1, 2, 4], [2, 2, 1]]).cov(),
    "where_condition_only": lambda m: m.where(m.tensor([[True, False], [False, True]])),
    "scatter_reduce_legacy": lambda m: (m.ones(2, 3).scatter(0, m.tensor([[0, 1, 0]]), m.full((1, 3), 2.0), reduce="multiply"),
                                        m.ones(2, 3).scatter(0, m.tensor([[0, 1, 0]]), 3.0, reduce="add")),
    "histogram": lambda m: m.histogram(m.tensor([1.0, 2.0, 1.0, 4.0]), bins=3),
    "histogram_edges_density": lambda m: m.histogram(m.tensor([1.0, 2.0, 1.0, 4.0]), bins=m.tensor([0.0, 2.0, 5.0]),
                                                     density=True),
    "histogram_range_weight": lambda m: m.histogram(m.tensor([1.0, 2.0, 3.0]), 2, range=(0.0, 4.0),
                                                    weight=m.tensor([0.5, 1.0, 2.0])),
    "legacy_new": lambda m: (m.tensor([1.0], dtype=m.float64).new(2, 3).shape, repr(m.tensor([1.0], dtype=m.float64).new(2).dtype),
                             m.tensor([1]).new([4, 5]),
                             m.tensor([1.0]).new().shape),
    "digamma_poles": lambda m: m.tensor([0.0, -1.0, -2.5, 1.0]).digamma(),
    "lgamma_poles": lambda m: m.lgamma(m.tensor([0.0, -1.0, 0.5])),
    "block_diag_int": lambda m: m.block_diag(m.tensor([[1, 2]]), m.tensor(3)),
    "heaviside": lambda m: m.heaviside(m.tensor([-1.0, 0.0, 2.0]), m.tensor(0.5)),
    "nextafter": lambda m: m.nextafter(m.tensor([1.0, 2.0], dtype=m.float64), m.tensor([2.0, 0.0], dtype=m.float64)),
    "gcd_lcm": lambda m: (m.gcd(m.tensor([4, 6, 0]), m.tensor([6, 9, 5])), m.tensor([4, 6]).lcm(m.tensor([6, 4]))),
    "frexp": lambda m: m.frexp(m.tensor([8.0, 3.0, -0.5])),
    "logspace": lambda m: (m.logspace(0, 2, 3), m.logspace(-1, 1, 4, base=2.0, dtype=m.float64)),
    "scalar_tensor": lambda m: (m.scalar_tensor(3), m.scalar_tensor(2.5, dtype=m.float64)),
    "asarray": lambda m: (m.asarray([1, 2]), m.asarray([1.5]), m.asarray(np.arange(3.0))),
    "unravel_index": lambda m: m.unravel_index(m.tensor([5, 7]), (2, 4)),
    "typename": lambda m: (m.typename(m.zeros(2, dtype=m.float64)), m.typename(3)),
    "mvlgamma_poles": lambda m: m.zeros(2).mvlgamma(2),
    "matrix_rank": lambda m: (m.linalg.matrix_rank(m.ones(3, 3)), m.linalg.matrix_rank(m.eye(3).expand(2, 3, 3)),
                              m.linalg.matrix_rank(m.tensor([[1.0, 0.0], [0.0, 1e-9]]), atol=1e-6)),
    "inv_ex_info": lambda m: m.linalg.inv_ex(m.stack([m.eye(2), m.ones(2, 2)])).info,
    "cholesky_ex_info": lambda m: m.linalg.cholesky_ex(m.stack([m.eye(2), -m.eye(2)])).info,
    "solve_ex_info": lambda m: m.linalg.solve_ex(m.eye(2), m.ones(2)),
    "lstsq_tall": lambda m: tuple(m.linalg.lstsq(m.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), m.tensor([[1.0], [2.0], [4.0]]))),
    "ndtri_edges": lambda m: m.special.ndtri(m.tensor([0.0, 1.0, 0.5])),
    "entr_edges": lambda m: m.special.entr(m.tensor([-1.0, 0.0, 1.0])),
    "xlog1py_zero": lambda m: m.special.xlog1py(m.tensor([0.0, 2.0]), m.tensor([-1.0, 0.0])),
}


@pytest.mark.parametrize("name", sorted(NON_DIFFERENTIABLE))
def test_non_differentiable_results_match_torch(name):
    same(*both(NON_DIFFERENTIABLE[name]))


def test_return_types_print_like_torch():
    for fn in (lambda m: m.tensor([[3.0, 1.0, 2.0]]).sort(), lambda m: m.tensor([3.0, 1.0]).topk(1),
               lambda m: m.tensor([3.0, 1.0]).cummin(0), lambda m: m.aminmax(m.tensor([3.0, 1.0])),
               lambda m: m.tensor([[3.0, 1.0]]).median(1), lambda m: m.tensor([1, 1]).mode()):
        ours, ref = both(fn)
        assert repr(ours) == repr(ref)
        assert [f for f in dir(ref) if f in ("values", "indices", "min", "max")] == \
            [f for f in dir(ours) if f in ("values", "indices", "min", "max")]


def test_sorting_keeps_ties_in_order_when_stable():
    ours, ref = both(lambda m: m.tensor([2.0, 1.0, 2.0, 1.0, 2.0]).sort(descending=True, stable=True))
    same(ours, ref)


# ------------------------------------------------------------------------------ namespaces
def test_linalg_and_special_namespaces_have_torchs_names():
    for name in ("norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve", "svd", "svdvals", "qr", "eigh",
                 "eigvalsh", "cross", "matmul", "diagonal"):
        assert hasattr(torch.linalg, name) and callable(getattr(tg.linalg, name)), name
    for name in ("erf", "erfc", "erfinv", "expit", "logit", "exp2", "expm1", "log1p", "log_softmax", "softmax",
                 "logsumexp", "round", "sinc"):
        assert hasattr(torch.special, name) and callable(getattr(tg.special, name)), name


@pytest.mark.parametrize("name", ["sin", "atan2", "sort", "topk", "cumsum", "prod", "norm", "diag", "tril", "flip",
                                  "roll", "unique", "bincount", "isclose", "lerp", "clamp_min", "scatter_add",
                                  "index_select", "take_along_dim", "movedim", "mv", "addmm", "kron", "cross",
                                  "logcumsumexp", "nansum", "aminmax", "count_nonzero", "masked_select", "einsum",
                                  "hstack", "meshgrid", "cdist", "std_mean", "searchsorted", "erfinv", "frac"])
def test_top_level_names_exist_where_torch_has_them(name):
    assert hasattr(torch, name)
    assert callable(getattr(tg, name)), name


def test_forward_only_decompositions_refuse_backward():
    a = tg.tensor(SQ, requires_grad=True)
    u, s, vh = tg.linalg.svd(a)
    assert s.grad_fn.name() == "LinalgSvdBackward0"
    with pytest.raises(NotImplementedError, match="without a backward"):
        u.sum().backward()
    values, vectors = tg.linalg.eigh(a + a.T)
    np.testing.assert_allclose(values.detach().numpy(), torch.linalg.eigh(torch.tensor(SQ) + torch.tensor(SQ).T)[0].numpy(),
                               rtol=1e-5)
    with pytest.raises(NotImplementedError):
        values.sum().backward()


def test_ops_without_a_derivative_refuse_backward():
    for name in ("heaviside", "nextafter"):
        ours, ref = both(lambda m: getattr(m, name)(m.tensor([-1.0, 0.5], requires_grad=True), m.tensor([0.5, 0.5])))
        assert ours.grad_fn.name() == ref.grad_fn.name()
        with pytest.raises(NotImplementedError, match="without a backward"):
            ours.sum().backward()


def test_scatter_reduce_prod_backward_with_zeros_is_refused():
    a = tg.tensor([[1.0, 0.0], [2.0, 3.0]], requires_grad=True)
    out = a.scatter_reduce(0, tg.tensor([[0, 0]]), tg.tensor([[2.0, 2.0]]), "prod")
    with pytest.raises(NotImplementedError, match="prod"):
        out.sum().backward()


# ---------------------------------------------------------------------------------- errors
ERRORS = {
    "vector_norm_int": lambda m: m.linalg.vector_norm(m.tensor([1, 2])),
    "kthvalue_range": lambda m: m.tensor([1.0, 2.0]).kthvalue(3),
    "topk_range": lambda m: m.tensor([1.0, 2.0]).topk(3),
    "gather_like_float_index": lambda m: m.zeros(3).scatter_add(0, m.tensor([0.0]), m.ones(1)),
    "bincount_2d": lambda m: m.bincount(m.tensor([[1, 2]])),
    "bincount_negative": lambda m: m.bincount(m.tensor([1, -2])),
    "unfold_too_large": lambda m: m.zeros(2, 3).unfold(1, 4, 1),
    "roll_mismatch": lambda m: m.zeros(2, 3).roll((1, 2), 0),
    "diagonal_same_dims": lambda m: m.zeros(2, 3).diagonal(0, 1, 1),
    "diag_3d": lambda m: m.diag(m.zeros(2, 2, 2)),
    "trace_1d": lambda m: m.trace(m.zeros(3)),
    "tril_1d": lambda m: m.tril(m.zeros(3)),
    "inv_not_square": lambda m: m.linalg.inv(m.zeros(2, 3)),
    "cross_no_3": lambda m: m.linalg.cross(m.zeros(2, 2), m.zeros(2, 2)),
    "cdist_columns": lambda m: m.cdist(m.zeros(2, 3), m.zeros(2, 4)),
    "meshgrid_indexing": lambda m: m.meshgrid(m.zeros(2), indexing="ab"),
    "frac_int": lambda m: m.tensor([1, 2]).frac(),
    "bitwise_float": lambda m: m.tensor([1.0]).bitwise_and(m.tensor([1.0])),
    "scatter_reduce_name": lambda m: m.zeros(3).scatter_reduce(0, m.tensor([0]), m.ones(1), "maximum"),
    "t__leaf": lambda m: m.zeros(2, 3, requires_grad=True).t_(),
    "einsum_operands": lambda m: m.einsum("ij,jk->ik", m.zeros(2, 2)),
    "iinfo_float": lambda m: m.iinfo(m.float32),
    "finfo_int": lambda m: m.finfo(m.int64),
    "sum_to_size": lambda m: m.zeros(2, 3).sum_to_size(4),
    "scatter_dtype": lambda m: m.zeros(2, dtype=m.float64).scatter(0, m.tensor([0]), m.ones(1)),
    "index_add_dtype": lambda m: m.zeros(2, dtype=m.float64).index_add(0, m.tensor([0]), m.ones(1)),
    "index_copy_dtype": lambda m: m.zeros(2, dtype=m.float64).index_copy(0, m.tensor([0]), m.ones(1)),
    "index_put_dtype": lambda m: m.zeros(2, dtype=m.float64).index_put((m.tensor([0]),), m.ones(1)),
    "lerp_dtype": lambda m: m.zeros(2, dtype=m.float64).lerp(m.ones(2), 0.5),
    "hsplit_uneven": lambda m: m.zeros(2, 3).hsplit(2),
    "split_with_sizes_sum": lambda m: m.zeros(4).split_with_sizes([1, 2]),
    "quantile_q_range": lambda m: m.zeros(4).quantile(1.5),
    "quantile_interpolation": lambda m: m.zeros(4).quantile(0.5, interpolation="cubic"),
    "multi_dot_one": lambda m: m.linalg.multi_dot([m.zeros(2, 2)]),
    "select_range": lambda m: m.zeros(2, 3).select(1, 3),
    "is_nonzero_many": lambda m: m.zeros(2).is_nonzero(),
    "cov_3d": lambda m: m.zeros(2, 2, 2).cov(),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_torchs_type(name):
    with pytest.raises(Exception) as ref:
        ERRORS[name](torch)
    with pytest.raises(type(ref.value)):
        ERRORS[name](tg)


def test_linalg_errors_are_linalg_errors():
    for fn in (lambda m: m.linalg.inv(m.ones(2, 2)), lambda m: m.linalg.cholesky(-m.eye(2))):
        for m in (tg, torch):
            with pytest.raises(m.linalg.LinAlgError):
                fn(m)
            with pytest.raises(RuntimeError):
                fn(m)


def test_errors_with_torchs_wording():
    for fn in (lambda m: m.linalg.vector_norm(m.tensor([1, 2])), lambda m: m.iinfo(m.float32), lambda m: m.finfo(m.int64),
               lambda m: m.tensor([1.0, 2.0]).topk(3), lambda m: m.zeros(2, 3).unfold(1, 4, 1),
               lambda m: m.zeros(2, 3, requires_grad=True).t_(), lambda m: m.linalg.cross(m.zeros(2, 3), m.zeros(3)),
               lambda m: m.linalg.inv(m.ones(3, 3)), lambda m: m.linalg.inv(m.tensor([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])),
               lambda m: m.linalg.solve(m.ones(3, 3), m.ones(3)), lambda m: m.linalg.cholesky(-m.eye(3)),
               lambda m: m.linalg.inv(m.stack([m.eye(2), m.ones(2, 2)])),
               lambda m: m.linalg.cholesky(m.stack([m.eye(2), m.tensor([[1.0, 0.0], [0.0, -1.0]])])),
               *(ERRORS[k] for k in ("scatter_dtype", "index_add_dtype", "index_copy_dtype", "index_put_dtype",
                                     "lerp_dtype", "hsplit_uneven", "split_with_sizes_sum", "quantile_q_range",
                                     "quantile_interpolation", "multi_dot_one", "is_nonzero_many", "cov_3d"))):
        with pytest.raises(Exception) as ref:
            fn(torch)
        with pytest.raises(Exception) as ours:
            fn(tg)
        # torch.linalg.LinAlgError is torch._C._LinAlgError; ours is tinygrad_lr.linalg.LinAlgError
        assert type(ours.value).__name__.lstrip("_") == type(ref.value).__name__.lstrip("_")
        assert isinstance(ours.value, type(ref.value).__mro__[1] if type(ref.value).__module__ != "builtins"
                          else type(ref.value))
        assert str(ours.value) == str(ref.value)


# ----------------------------------------------------------------------- dtypes and limits
def test_finfo_and_iinfo_match_torch():
    for dt in ("float32", "float64", "float16"):
        ours, ref = tg.finfo(getattr(tg, dt)), torch.finfo(getattr(torch, dt))
        assert repr(ours) == repr(ref)
        for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            assert getattr(ours, field) == getattr(ref, field), (dt, field)
    assert repr(tg.finfo()) == repr(torch.finfo())
    for dt in ("uint8", "int8", "int16", "int32", "int64"):
        ours, ref = tg.iinfo(getattr(tg, dt)), torch.iinfo(getattr(torch, dt))
        assert (repr(ours), ours.bits, ours.max, ours.min, ours.dtype) == (repr(ref), ref.bits, ref.max, ref.min, ref.dtype)


def test_bfloat16_is_named_but_refused_clearly():
    assert repr(tg.bfloat16) == repr(torch.bfloat16)
    with pytest.raises(TypeError, match="bfloat16 is not supported"):
        tg.zeros(2, dtype=tg.bfloat16)
    with pytest.raises(TypeError, match="bfloat16 is not supported"):
        tg.ones(2).to(tg.bfloat16)


def test_small_dtypes_exist_and_print_like_torch():
    for name in ("uint8", "int8", "int16", "float16", "short", "half"):
        ours, ref = both(lambda m: m.tensor([1, 2], dtype=getattr(m, name)))
        assert repr(ours) == repr(ref)


LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
          "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_constructors_match_torch(name):
    for make in (lambda m: getattr(m, name)([1, 0, 3]), lambda m: getattr(m, name)([[1, 2], [3, 4]]),
                 lambda m: getattr(m, name)(), lambda m: getattr(m, name)(2, 3).shape,
                 lambda m: getattr(m, name)(m.Size([4])).shape):
        ours, ref = both(make)
        if isinstance(ref, torch.Tensor):
            assert repr(ours) == repr(ref)
        else:
            assert tuple(ours) == tuple(ref)
    ours, ref = both(lambda m: m.tensor([1.5, 2.5]).type(getattr(m, name)))
    assert repr(ours) == repr(ref)
    ours, ref = both(lambda m: m.tensor([1.5, 2.5]).type(f"torch.{name}"))
    assert repr(ours) == repr(ref)
    for other in LEGACY:
        ours, ref = both(lambda m: isinstance(m.tensor([1, 2]).to(getattr(m, other)().dtype), getattr(m, name)))
        assert ours == ref, other


# --------------------------------------------------------------------------- print options
PRINTED = {
    "mixed": lambda m: m.tensor([[1.123456789, -22.5, 0.001], [1000.0, 3.0, -0.25]]),
    "small": lambda m: m.tensor([1e-5, 1.0, 2.0]),
    "whole": lambda m: m.tensor([1.0, 200.0, -3.0]),
    "wide": lambda m: m.arange(30, dtype=m.float32) / 7,
    "long": lambda m: m.arange(2000).reshape(20, 100),
    "long_float": lambda m: (m.arange(1500, dtype=m.float64) / 3).reshape(3, 500),
    "int": lambda m: m.arange(12).reshape(3, 4),
    "grad": lambda m: (m.tensor([0.5, 1.5], requires_grad=True) * 3),
}
OPTIONS = [dict(precision=2), dict(precision=8), dict(sci_mode=True), dict(sci_mode=False), dict(threshold=5),
           dict(edgeitems=1, threshold=10), dict(edgeitems=0, threshold=10), dict(linewidth=40), dict(profile="short"),
           dict(profile="full"), dict(profile="short", precision=5), dict(precision=3, sci_mode=True, linewidth=60)]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_set_printoptions_is_honoured_by_repr(options):
    try:
        tg.set_printoptions(**options)
        torch.set_printoptions(**options)
        for name, make in PRINTED.items():
            ours, ref = both(make)
            assert repr(ours) == repr(ref), name
        assert tg.get_printoptions() == torch._tensor_str.get_printoptions()
    finally:
        tg.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


def test_printoptions_context_restores():
    before = repr(tg.tensor([1.23456]))
    with tg.printoptions(precision=1):
        assert repr(tg.tensor([1.23456])) == "tensor([1.2])"
    assert repr(tg.tensor([1.23456])) == before == "tensor([1.2346])"
    with pytest.raises(ValueError):
        tg.set_printoptions(profile="tiny")


INPLACE = {
    "index_fill_": lambda m, y: y.index_fill_(1, m.tensor([1]), 2.0),
    "index_copy_": lambda m, y: y.index_copy_(0, m.tensor([1]), m.tensor([[7.0, 8.0]], dtype=m.float64)),
    "scatter_reduce_": lambda m, y: y.scatter_reduce_(0, m.tensor([[1, 0]]), m.tensor([[5.0, -5.0]], dtype=m.float64),
                                                      "amax"),
    "clamp_min_": lambda m, y: y.clamp_min_(3.0),
    "clamp_max_": lambda m, y: y.clamp_max_(3.0),
    "lerp_": lambda m, y: y.lerp_(m.tensor([1.0, -1.0], dtype=m.float64), 0.25),
    "cumsum_": lambda m, y: y.cumsum_(1),
    "tril_": lambda m, y: y.tril_(),
    "triu_": lambda m, y: y.triu_(1),
    "fill_diagonal_": lambda m, y: y.fill_diagonal_(0.5),
    "nan_to_num_": lambda m, y: y.nan_to_num_(),
    "squeeze_unsqueeze_": lambda m, y: y.unsqueeze_(0).squeeze_(0),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_twins_match_torch(name):
    """In a graph: the values, PyTorch's grad_fn, and the gradient through the rewritten history."""
    def run(m):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=m.float64, requires_grad=True)
        y = x * 2
        out = INPLACE[name](m, y)
        assert out is y
        (y * m.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=m.float64)).sum().backward()
        return y.detach(), y.grad_fn.name(), x.grad
    (ours_y, ours_name, ours_grad), (ref_y, ref_name, ref_grad) = both(run)
    same(ours_y, ref_y)
    if name != "fill_diagonal_":  # PyTorch writes through a diagonal view (CopySlices); ours scatters
        assert ours_name == ref_name
    same(ours_grad, ref_grad)


# ------------------------------------------------------------------------------ edge cases
# 0-d and empty inputs, NaN and inf, integer inputs, unusual arguments: the printed result (values,
# dtype, shape, return type) or the error type and message must be PyTorch's.
EDGE = {
    "sort0d": lambda m: m.tensor(3.0).sort(),
    "sort_empty": lambda m: m.zeros(0, 3).sort(0),
    "cumsum_empty": lambda m: m.zeros(0).cumsum(0),
    "prod_empty": lambda m: m.zeros(0).prod(),
    "prod_empty_dim": lambda m: m.zeros(2, 0).prod(1),
    "norm_empty": lambda m: m.zeros(0).norm(),
    "topk0": lambda m: m.tensor([1.0, 2.0]).topk(0),
    "unique_empty": lambda m: m.tensor([], dtype=m.int64).unique(),
    "cummax0d": lambda m: m.tensor(2.0).cummax(0),
    "cumsum0d": lambda m: m.tensor(2.0).cumsum(0),
    "median0d": lambda m: m.tensor(2.0).median(),
    "median0d_dim": lambda m: m.tensor(2.0).median(0),
    "kth0d": lambda m: m.tensor(2.0).kthvalue(1),
    "mode0d": lambda m: m.tensor(2.0).mode(),
    "prod0d_dim": lambda m: m.tensor(2.0).prod(0),
    "logcumsumexp_neg_inf": lambda m: m.tensor([-math.inf, 0.0, -math.inf]).logcumsumexp(0),
    "norm_int_p": lambda m: m.tensor([3.0, 4.0]).norm(p=1),
    "norm_dim_list": lambda m: m.ones(2, 3, 4).norm(dim=[0, 2]),
    "flip_neg": lambda m: m.arange(6).reshape(2, 3).flip(-1),
    "roll_neg_dim": lambda m: m.arange(6).reshape(2, 3).roll(1, -1),
    "diag_embed_3d": lambda m: m.arange(6.).reshape(2, 3).diag_embed(-1),
    "diagonal_neg": lambda m: m.arange(12.).reshape(3, 4).diagonal(-2),
    "diagonal_big_offset": lambda m: m.arange(12.).reshape(3, 4).diagonal(5),
    "tril_int": lambda m: m.ones(3, 3, dtype=m.int64).tril(),
    "nonzero0d": lambda m: m.tensor(5).nonzero(),
    "nonzero0d_zero": lambda m: m.tensor(0).nonzero(),
    "isin": lambda m: m.isin(m.tensor([1, 2, 3]), m.tensor([2, 5])),
    "repeat_interleave_tensor": lambda m: m.repeat_interleave(m.tensor([1, 2, 0])),
    "cross_int": lambda m: m.cross(m.tensor([[1, 0, 0]]), m.tensor([[0, 1, 0]]), dim=1),
    "histc_edges": lambda m: m.tensor([0.0, 1.0, 2.0, 3.0]).histc(bins=3, min=0, max=3),
    "bincount_minlength_empty": lambda m: m.tensor([], dtype=m.int64).bincount(minlength=3),
    "einsum_spaces": lambda m: m.einsum("i j , j k -> i k", m.ones(2, 3), m.ones(3, 2)),
    "einsum_bij_scalar_out": lambda m: m.einsum("bij,bij->b", m.ones(2, 3, 2), m.ones(2, 3, 2)),
    "searchsorted_sorter": lambda m: m.searchsorted(m.tensor([3, 1, 2]), m.tensor([2]), sorter=m.tensor([1, 2, 0])),
    "cdist_int": lambda m: m.cdist(m.ones(2, 3), m.zeros(4, 3)),
    "aminmax0d": lambda m: m.tensor(1.5).aminmax(),
    "std_mean_unbiased_pos": lambda m: m.std_mean(m.arange(6.).reshape(2, 3), 1, False),
    "var_mean_keepdim": lambda m: m.var_mean(m.arange(6.).reshape(2, 3), dim=None, keepdim=True),
    "unfold_0d": lambda m: m.tensor(3.0).unfold(0, 1, 1),
    "take_along_dim_broadcast": lambda m: m.take_along_dim(m.arange(6.).reshape(2, 3), m.tensor([[0], [2]]), dim=1),
    "scatter_value_int": lambda m: m.zeros(3, dtype=m.int64).scatter(0, m.tensor([1]), 5),
    "index_fill_neg_dim": lambda m: m.zeros(2, 3).index_fill(-1, m.tensor([0]), 2.0),
    "masked_select_empty": lambda m: m.ones(2, 2).masked_select(m.zeros(2, 2, dtype=m.bool)),
    "tile_fewer": lambda m: m.ones(2, 3).tile(2),
    "movedim_neg": lambda m: m.ones(2, 3, 4).movedim(-1, 0).shape,
    "matrix_norm_neg2": lambda m: m.linalg.matrix_norm(m.tensor([[3.0, 0], [0, 1.0]]), -2),
    "linalg_norm_vec_inf": lambda m: m.linalg.norm(m.tensor([3.0, -4.0]), math.inf),
    "linalg_norm_3d_dim": lambda m: m.linalg.norm(m.ones(2, 3, 4), dim=(1, 2)),
    "dist_inf": lambda m: m.dist(m.tensor([1.0, 5.0]), m.tensor([2.0, 1.0]), math.inf),
    "erfinv_edges": lambda m: m.tensor([-1.0, 1.0, 0.0, 1.5]).erfinv(),
    "logit_int": lambda m: m.tensor([0, 1]).logit(),
    "trunc_neg": lambda m: m.tensor([-1.5, 1.5, -0.0]).trunc(),
    "frac_neg": lambda m: m.tensor([-1.25, 1.75]).frac(),
    "atan2_int": lambda m: m.atan2(m.tensor([1, 0]), m.tensor([0, -1])),
    "hypot_broadcast": lambda m: m.hypot(m.tensor([[3.0], [5.0]]), m.tensor([4.0, 12.0])),
    "copysign_scalar": lambda m: m.copysign(m.tensor([1.0, -2.0]), -1.0),
    "fmod_scalar_int": lambda m: m.tensor([5, -5]).fmod(3),
    "lerp_tensor_scalar_w": lambda m: m.lerp(m.tensor([0.0, 1.0]), m.tensor([10.0, 11.0]), m.tensor(0.5)),
    "clamp_min_int": lambda m: m.tensor([1, 5]).clamp_min(3),
    "nan_to_num_all": lambda m: m.tensor([math.nan, math.inf, -math.inf], dtype=m.float64).nan_to_num(),
    "sgn_int": lambda m: m.tensor([-3, 0, 2]).sgn(),
    "deg2rad_int": lambda m: m.tensor([180]).deg2rad(),
    "exp2_int": lambda m: m.tensor([3]).exp2(),
    "square_int": lambda m: m.square(m.tensor([3])),
    "count_nonzero_tuple": lambda m: m.ones(2, 3, 4).count_nonzero(dim=(0, 2)),
    "nanmean_all_nan_row": lambda m: m.tensor([[math.nan, math.nan], [1.0, 2.0]]).nanmean(1),
    "nanmedian_all_nan": lambda m: m.tensor([[math.nan, math.nan], [1.0, 2.0]]).nanmedian(1),
    "cummin_nan": lambda m: m.tensor([1.0, math.nan, 0.5]).cummin(0),
    "cummax_nan": lambda m: m.tensor([1.0, math.nan, 2.5]).cummax(0),
    "sort_stable_desc_nan": lambda m: m.tensor([math.nan, 1.0, math.nan]).sort(descending=True),
    "topk_nan": lambda m: m.tensor([1.0, math.nan, 3.0]).topk(2),
    "kthvalue_nan": lambda m: m.tensor([1.0, math.nan, 3.0]).kthvalue(3),
    "median_even": lambda m: m.tensor([[1.0, 4.0, 2.0, 3.0]]).median(1),
    "unique_float_dim1": lambda m: m.tensor([[1.0, 1.0, 2.0], [3.0, 3.0, 4.0]]).unique(dim=1, return_inverse=True),
    "unique_consecutive_counts_only": lambda m: m.unique_consecutive(m.tensor([5, 5, 1])),
    "combinations_r1": lambda m: m.combinations(m.tensor([1, 2, 3]), 1),
    "cartesian_single": lambda m: m.cartesian_prod(m.tensor([1, 2])),
    "meshgrid_single": lambda m: m.meshgrid(m.tensor([1, 2]), indexing="ij"),
    "vstack_0d": lambda m: m.vstack([m.tensor(1.0), m.tensor(2.0)]),
    "column_stack_0d": lambda m: m.column_stack([m.tensor(1.0), m.tensor(2.0)]),
    "dstack_1d": lambda m: m.dstack([m.tensor([1.0, 2.0]), m.tensor([3.0, 4.0])]),
    "kron_3d": lambda m: m.kron(m.ones(2, 1, 2), m.arange(4.).reshape(2, 2)),
    "outer_int": lambda m: m.outer(m.tensor([1, 2]), m.tensor([3, 4])),
    "addmm_int": lambda m: m.addmm(m.ones(2, 2, dtype=m.int64), m.ones(2, 3, dtype=m.int64), m.ones(3, 2, dtype=m.int64)),
    "triu_indices_neg": lambda m: m.triu_indices(3, 3, -1),
    "tril_indices_int32": lambda m: m.tril_indices(3, 3, dtype=m.int32),
    "bucketize_float": lambda m: m.bucketize(m.tensor([0.5, 2.5]), m.tensor([1.0, 2.0, 3.0])),
    "new_tensor_keeps_dtype": lambda m: m.ones(2, dtype=m.float64).new_tensor([1, 2]),
    "stride0d": lambda m: m.tensor(1.0).stride(),
    "data_ptr_same_view": lambda m: (lambda t: t.data_ptr() == t[0].data_ptr())(m.ones(3)),
    "element_size_bool": lambda m: m.ones(2, dtype=m.bool).element_size(),
    "det_singular": lambda m: m.linalg.det(m.ones(2, 2)),
    "slogdet_neg": lambda m: m.linalg.slogdet(m.tensor([[0.0, 1.0], [1.0, 0.0]])),
    "solve_batch_vec": lambda m: m.linalg.solve(m.eye(2).expand(3, 2, 2), m.ones(3, 2)),
    "svdvals": lambda m: m.linalg.svdvals(m.tensor([[3.0, 0.0], [0.0, 4.0]])),
    "finfo_double": lambda m: repr(m.finfo(m.double)),
    "histc_int_input": lambda m: m.tensor([1, 2]).histc(bins=2),
}


@pytest.mark.parametrize("name", sorted(EDGE))
def test_edge_cases_print_like_torch(name):
    def run(m):
        try:
            return "ok", repr(EDGE[name](m))
        except Exception as e:  # the error must match too
            return type(e).__name__, str(e)
    with np.errstate(all="ignore"):
        ours, ref = both(run)
    assert ours == ref


def test_nodes_without_a_derivative_print_like_torch():
    for fn in (lambda m: m.heaviside(m.tensor([-1.0, 2.0], requires_grad=True), m.tensor(0.5)),
               lambda m: (m.ones(2, 3, requires_grad=True) * 1).scatter(0, m.tensor([[0, 1, 0]]), 3.0, reduce="add")):
        ours, ref = both(fn)
        assert repr(ours) == repr(ref)
        assert ours.grad_fn.name() == ref.grad_fn.name()


DIAGONAL_WRITES = {
    "fill": lambda m, y: y.diagonal().fill_(0.5),
    "copy_offset": lambda m, y: y.diagonal(1).copy_(m.tensor([7.0, 8.0], dtype=m.float64)),
    "transposed": lambda m, y: y.T.diagonal(-1).mul_(10),
    "batched_dims": lambda m, y: y.reshape(1, 3, 3).diagonal(dim1=1, dim2=2).add_(1),
}


@pytest.mark.parametrize("name", sorted(DIAGONAL_WRITES))
def test_diagonal_is_a_view_writes_reach_the_tensor(name):
    """As in PyTorch, ``diagonal()`` shares memory: writing through it changes the tensor, inside
    a graph too (CopySlices), while ``torch.diag`` of a matrix is a copy."""
    def run(m):
        x = m.arange(9, dtype=m.float64).reshape(3, 3).requires_grad_()
        y = x * 1
        DIAGONAL_WRITES[name](m, y)
        copy = m.diag(y)
        copy.zero_()
        (y * m.arange(9, dtype=m.float64).reshape(3, 3)).sum().backward()
        target = m.zeros(3, 3, dtype=m.float64)
        DIAGONAL_WRITES[name](m, target)
        return y.detach(), x.grad, y.grad_fn.name(), target
    ours, ref = both(run)
    same(ours, ref)


def _course_script(torch):  # noqa: ANN001 - the framework, named as lecture code names it
    """Lecture-style code that uses many of the extra ops; run under both frameworks."""
    x = torch.tensor([[3., 1., 2.], [0.5, 4., -1.]], requires_grad=True)
    vals, idx = x.topk(2, dim=1)
    print(vals, idx)
    print(torch.sort(x, descending=True))
    c = x.cumsum(1); print(c)
    n = torch.norm(x, dim=1); print(n)
    loss = vals.sum() + c.mean() + n.prod() + x.logsumexp(1).sum() + torch.trace(x[:, :2]) + x.median()
    loss.backward(); print(loss, x.grad)
    print(torch.einsum('ij,kj->ik', x, x))
    torch.set_printoptions(precision=2); print(x.softmax(-1)); torch.set_printoptions(profile='default')
    print(torch.ByteTensor([1, 2, 3]), torch.finfo(torch.float32).eps, torch.iinfo(torch.int8))
    print(x.detach().unique(), torch.bincount(torch.tensor([0, 1, 1, 2])))
    a = torch.arange(12.).reshape(3, 4)
    print(a.flip(0), a.roll(1, 1), torch.tril(a), a.unfold(1, 2, 2), a.diag_embed().shape)
    print(torch.where(a > 5), a.nonzero()[:3], torch.argwhere(a > 9))
    print(torch.cdist(a[:2], a[1:]), torch.nn.functional.cosine_similarity(a[0:1], a[1:2]))
    print(torch.linalg.inv(torch.tensor([[2., 1.], [1., 3.]])), torch.det(torch.tensor([[2., 1.], [1., 3.]])))
    print(a.std_mean(1) if hasattr(a, 'std_mean') else torch.std_mean(a, 1))
    print(torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij"))
    print(torch.stack([a.sum(), a.prod()]), torch.special.erf(torch.tensor([0.5])), torch.isclose(a, a + 1e-9).all())
    print(a.scatter(1, torch.tensor([[0], [1], [2]]), -1.0), a.index_fill(0, torch.tensor([1]), 0.))
    print(torch.quantile(a, 0.25, dim=1), torch.cov(a), a.new_ones(2), a.element_size(), a.stride())


def _course_script_2(torch):  # noqa: ANN001
    """More lecture-style code: order statistics, index reads, products, linalg, print options."""
    t = torch.tensor([-1.0, -0.6, -0.3, 0.0, 0.3, 0.6, 1.0])
    print(t.sin(), torch.exp2(t), t.log1p(), t.argsort(descending=True), t.kthvalue(3))
    m = torch.tensor([[1, 2, 2, 3], [4, 4, 1, 1]])
    print(m.mode(1), m.cummax(1), m.prod(1), m.max(dim=1), m.sort(dim=0))
    w = torch.arange(6.).reshape(2, 3)
    print(w.masked_select(w > 2), torch.take_along_dim(w, torch.tensor([[2], [0]]), 1), w.repeat_interleave(2, dim=0))
    print(w.tile((1, 2)), torch.hstack([w, w]), torch.vstack([w, w]).shape, torch.broadcast_tensors(w, torch.ones(3))[1])
    print(torch.searchsorted(torch.tensor([0., 1, 2, 3]), torch.tensor([0.5, 2.5])), torch.bucketize(torch.tensor([1.5]), torch.tensor([1., 2.])))
    print(torch.histc(w, bins=3), torch.count_nonzero(w), w.clamp_min(2), torch.lerp(w, w * 2, 0.5), torch.hypot(w, w))
    p = torch.tensor([0.1, 0.5, 0.9])
    print(p.logit(), p.erfinv(), torch.diag(p), torch.outer(p, p), torch.addmm(torch.eye(3), torch.diag(p), torch.ones(3, 3)))
    b = torch.ones(2, 3, 3)
    print(torch.baddbmm(b, b, b).sum(), torch.kron(torch.eye(2), w), torch.cross(torch.eye(3), torch.ones(3, 3), dim=1))
    A = torch.tensor([[4., 1.], [2., 3.]])
    print(torch.linalg.norm(A, float('inf')), torch.linalg.matrix_norm(A), torch.linalg.svdvals(A), torch.linalg.solve(A, torch.ones(2)))
    print(torch.linalg.pinv(A), torch.linalg.eigh(A @ A.T)[0], torch.block_diag(A, torch.ones(1, 1)))
    print(torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 1])), torch.combinations(torch.arange(3)), torch.cartesian_prod(torch.arange(2), torch.arange(2)))
    print(torch.triu_indices(3, 3), torch.nan_to_num(torch.tensor([float('nan'), float('inf'), 1.])), torch.isinf(torch.tensor([float('inf'), 0.])))
    print(torch.logical_xor(torch.tensor([True, False]), torch.tensor([True, True])), torch.tensor([5, 3]) ^ torch.tensor([1, 1]), ~torch.tensor([1, 2]))
    torch.set_printoptions(sci_mode=True); print(w / 7); torch.set_printoptions(sci_mode=False, precision=6); print(w / 7)
    torch.set_printoptions(threshold=10, edgeitems=2); print(torch.arange(100.).reshape(10, 10)); torch.set_printoptions(profile="default")
    x = torch.tensor([[0.2, -0.4, 1.3], [2.0, 0.7, -1.1]], requires_grad=True)
    y = (x.sin() * x.cos()).cumprod(1).norm(dim=1).sum() + x.sort(1).values[:, 0].sum() + torch.logcumsumexp(x, 0).mean()
    y = y + torch.cdist(x, x.flip(0)).sum() + x.diff().abs().sum() + torch.einsum("ij,ij->", x, x) + x.quantile(0.5)
    y.backward()
    print(y, x.grad)


@pytest.mark.parametrize("script", [_course_script, _course_script_2], ids=["script1", "script2"])
def test_course_style_script_prints_like_torch(script):
    import contextlib
    import io

    outputs = []
    for m in (tg, torch):
        buffer = io.StringIO()
        try:
            with contextlib.redirect_stdout(buffer):
                script(m)
        finally:
            m.set_printoptions(profile="default")
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]


# PyTorch's keyword names, as lecture code often spells them
KEYWORD_X = [[0.2, -0.4, 1.3], [2.0, 0.7, -1.1]]
KEYWORD_CALLS = [
 "m.flip(m.tensor(KEYWORD_X), dims=[0])", "m.tensor(KEYWORD_X).flip(dims=(0, 1))", "m.tile(m.tensor(KEYWORD_X), dims=(2,))", "m.tensor(KEYWORD_X).tile(dims=(1, 2))",
 "m.topk(m.tensor(KEYWORD_X), k=2, dim=1, largest=False, sorted=True)", "m.norm(m.tensor(KEYWORD_X), p=2, dim=1, keepdim=True)",
 "m.roll(m.tensor(KEYWORD_X), shifts=1, dims=0)", "m.diag(m.tensor(KEYWORD_X), diagonal=1)", "m.tril(m.tensor(KEYWORD_X), diagonal=-1)",
 "m.movedim(m.tensor(KEYWORD_X), source=0, destination=1)", "m.tensor(KEYWORD_X).swapaxes(axis0=0, axis1=1)", "m.repeat_interleave(m.tensor(KEYWORD_X), repeats=2, dim=0)",
 "m.cumsum(m.tensor(KEYWORD_X), dim=0)", "m.cumprod(input=m.tensor(KEYWORD_X), dim=1)", "m.sort(m.tensor(KEYWORD_X), dim=0, descending=True)", "m.argsort(m.tensor(KEYWORD_X), dim=1)",
 "m.unique(m.tensor([3, 1, 3]), sorted=True, return_counts=True)", "m.bincount(m.tensor([1, 1, 3]), minlength=5)",
 "m.histc(m.tensor(KEYWORD_X), bins=4, min=-2, max=2)", "m.clamp_min(m.tensor(KEYWORD_X), min=0.0)", "m.lerp(m.tensor(KEYWORD_X), end=m.zeros(2, 3), weight=0.25)",
 "m.cross(m.tensor([[1., 0, 0]]), m.tensor([[0., 1, 0]]), dim=1)", "m.rot90(m.tensor(KEYWORD_X), k=2, dims=[0, 1])",
 "m.diagonal(m.tensor(KEYWORD_X), offset=1, dim1=0, dim2=1)", "m.tensor(KEYWORD_X).unfold(dimension=1, size=2, step=1)", "m.take(m.tensor(KEYWORD_X), index=m.tensor([0, 4]))",
 "m.kthvalue(m.tensor(KEYWORD_X), k=1, dim=1, keepdim=True)", "m.median(m.tensor(KEYWORD_X), dim=1, keepdim=True)", "m.quantile(m.tensor(KEYWORD_X), q=0.5, dim=0)",
 "m.masked_select(m.tensor(KEYWORD_X), mask=m.tensor(KEYWORD_X) > 0)", "m.einsum('ij->i', m.tensor(KEYWORD_X))", "m.cdist(x1=m.tensor(KEYWORD_X), x2=m.tensor(KEYWORD_X), p=1.0)",
 "m.nn.functional.cosine_similarity(x1=m.tensor(KEYWORD_X), x2=m.tensor(KEYWORD_X), dim=0)", "m.nn.functional.pairwise_distance(m.tensor(KEYWORD_X), m.tensor(KEYWORD_X), keepdim=True)",
 "m.std_mean(m.tensor(KEYWORD_X), dim=1, keepdim=True)", "m.var_mean(m.tensor(KEYWORD_X), 0, unbiased=False)", "m.aminmax(m.tensor(KEYWORD_X), dim=0)",
 "m.nansum(m.tensor(KEYWORD_X), dim=1)", "m.logcumsumexp(m.tensor(KEYWORD_X), dim=1)", "m.cummin(m.tensor(KEYWORD_X), dim=0)",
 "m.index_add(m.tensor(KEYWORD_X), dim=0, index=m.tensor([1]), source=m.ones(1, 3), alpha=2)",
 "m.scatter_add(m.tensor(KEYWORD_X), dim=1, index=m.tensor([[0, 0]]), src=m.ones(1, 2))",
 "m.scatter_reduce(m.tensor(KEYWORD_X), 1, m.tensor([[0, 0]]), m.ones(1, 2), reduce='amax', include_self=False)",
 "m.linalg.norm(m.tensor(KEYWORD_X), ord='fro', dim=(0, 1), keepdim=True)", "m.linalg.vector_norm(m.tensor(KEYWORD_X), ord=3, dim=1)",
 "m.tensor(KEYWORD_X).norm(p='fro')", "m.tensor(KEYWORD_X).norm(2, 1, True)", "m.dist(m.tensor(KEYWORD_X), m.zeros(3), p=1)",
 "m.meshgrid(m.arange(2), m.arange(3), indexing='xy')", "m.triu_indices(row=3, col=2, offset=0)",
 "m.trapezoid(m.tensor(KEYWORD_X), dx=0.5, dim=0)", "m.diff(m.tensor(KEYWORD_X), n=1, dim=0)", "m.tensor(KEYWORD_X).new_full(size=(2,), fill_value=3.0)",
 "m.tensor(KEYWORD_X).nan_to_num(nan=0.0, posinf=1.0, neginf=-1.0)", "m.isclose(m.tensor(KEYWORD_X), m.tensor(KEYWORD_X), rtol=0, atol=0)",
 "m.searchsorted(m.tensor([1., 2.]), m.tensor([1.5]), right=True, out_int32=True)", "m.tensordot(m.tensor(KEYWORD_X), m.tensor(KEYWORD_X), dims=([1], [1]))",
 "m.logit(m.tensor([0.3]), eps=1e-6)", "m.special.logit(m.tensor([0.3]), eps=0.1)", "m.special.log_softmax(m.tensor(KEYWORD_X), dim=1)",
]


@pytest.mark.parametrize("call", KEYWORD_CALLS)
def test_keyword_arguments_as_torch_names_them(call):
    def run(m):
        try:
            return "ok", repr(eval(call, {"m": m, "KEYWORD_X": KEYWORD_X}))
        except Exception as e:
            return type(e).__name__, str(e)
    ours, ref = both(run)
    assert ours == ref


@pytest.mark.parametrize("mode", ["trunc", "floor"])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_div_rounding_mode_as_torch(mode, dtype):
    """Values, dtype, grad_fn name and the zero gradient of ``div(..., rounding_mode=)``."""
    a = np.array([7, -7, 5, -5, 0, 9], dtype=dtype)
    b = np.array([2, 2, -5, 3, 4, -2], dtype=dtype)
    results = []
    for ns in (tg, torch):
        x = ns.tensor(a, requires_grad=dtype == "float32")
        out = x.div(ns.tensor(b), rounding_mode=mode)
        grad = None
        if dtype == "float32":
            out.sum().backward()
            grad = x.grad.numpy()
        results.append((out.detach().numpy(), str(out.dtype).split(".")[-1], out.grad_fn and out.grad_fn.name(), grad))
    (ours, ours_dtype, ours_name, ours_grad), (ref, ref_dtype, ref_name, ref_grad) = results
    np.testing.assert_array_equal(ours, ref)
    assert (ours_dtype, ours_name) == (ref_dtype, ref_name)
    if ref_grad is not None:
        np.testing.assert_array_equal(ours_grad, ref_grad)


def test_floor_divide_records_a_node_whose_backward_raises_as_torch():
    messages = []
    for ns in (tg, torch):
        x = ns.tensor([7.0, -7.0], requires_grad=True)
        out = x // 2
        assert repr(out).endswith("grad_fn=<NotImplemented>)")
        with pytest.raises(RuntimeError) as error:
            out.sum().backward()
        messages.append(str(error.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_atan2_gradient_at_the_origin_and_on_underflow_is_torchs(dtype: str) -> None:
    """PyTorch takes 1/(a² + b²) as 0 where it is infinite: gradient 0 at (0, 0), not NaN."""
    a = np.array([0.0, 1e-30, 1e-200, 0.0, 3.0, np.inf], dtype=dtype)
    b = np.array([0.0, 0.0, 0.0, 2.0, -4.0, 1.0], dtype=dtype)
    grads = []
    for m in (tg, torch):
        x, y = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        m.atan2(x, y).sum().backward()
        grads.append((x.grad.numpy(), y.grad.numpy()))
    for ours, theirs in zip(grads[0], grads[1]):
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


def _edges(t):
    return [(None if fn is None else fn.name(), nr) for fn, nr in t.grad_fn.next_functions]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_number_divided_by_a_tensor_is_torchs_reciprocal_then_product(dtype: str) -> None:
    """PyTorch computes 3 / x as x.reciprocal() * 3 (two roundings): the same bits, gradients and graph."""
    v = np.random.default_rng(3).standard_normal(2000).astype(dtype)
    results = []
    for m in (tg, torch):
        x = m.tensor(v, requires_grad=True)
        out = 3 / x
        (out * m.tensor(v)).sum().backward()
        results.append((out.detach().numpy(), x.grad.numpy(), out.grad_fn.name(), _edges(out)))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    assert results[0][2:] == results[1][2:] == ("MulBackward0", [("ReciprocalBackward0", 0), (None, 0)])


@pytest.mark.parametrize("expression", ["2 + x", "2 * x", "x + 2", "2.5 - x", "x - 2", "2 / x", "x / 2", "x // 0.7",
                                        "x % 1.5", "x ** 2", "2 ** x"])
def test_a_python_number_operand_has_torchs_edges(expression: str) -> None:
    edges = []
    for m in (tg, torch):
        x = m.ones(3, requires_grad=True)
        edges.append(_edges(eval(expression)))
    assert edges[0] == edges[1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("expression", ["x / y", "x.max()", "x.min()", "x.amax(dim=1)", "x.amin(dim=0)", "3 / y"])
def test_gradients_round_as_torchs_to_the_bit(dtype: str, expression: str) -> None:
    """Where PyTorch's backward is a few products and quotients, we take them in its order: the
    same bits, signs of zero included (x / y: -g·((x/y)/y); max(): g/k written into zeros;
    amax: (g/k)·mask)."""
    rng = np.random.default_rng(11)
    xv = rng.integers(-2, 3, (4, 5)).astype(dtype)  # whole numbers: ties for max/min
    yv = (rng.standard_normal((4, 5)) + 3).astype(dtype)
    gv = rng.standard_normal((4, 5)).astype(dtype)
    results = []
    for m in (tg, torch):
        x, y = m.tensor(xv, requires_grad=True), m.tensor(yv, requires_grad=True)
        out = eval(expression)
        (out * m.tensor(gv.reshape(-1)[: out.numel()].reshape(tuple(out.shape)))).sum().backward()
        results.append([t.grad.numpy() if t.grad is not None else None for t in (x, y)] + [out.detach().numpy()])
    for ours, theirs in zip(*results):
        if theirs is None:
            assert ours is None
            continue
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))
