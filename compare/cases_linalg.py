"""Parity cases for ``tensor_linalg.py``, ``linalg.py`` and the distance functions: norms of
every order, distances, diagonals and triangles, products (outer, kron, cross, addmm, ...),
``einsum`` in its common spellings, and inverse/determinant/solve/singular values.

Matrices that get inverted are made well conditioned (A + 3I with entries in [-1, 1]); norms of
order inf/-inf need distinct magnitudes (a tie shares the gradient).
"""
from __future__ import annotations

import math
from typing import Any, Callable

from .registry import AWAY_FROM_0, Arg, Case, farg, register


def op(name: str, fn: Callable[..., Any], *args: Arg, **options: Any) -> None:
    register(Case(name, fn=fn, args=args, **options))


def conditioned(ns: Any, a: Any) -> Any:
    return a + 3 * ns.eye(a.shape[-1], dtype=a.dtype, device=a.device)


MAGNITUDES = {"low": 0.2, "high": 2.0, "distinct": True}  # |a| distinct and away from 0
SMALL = {"low": -1.0, "high": 1.0}

# --------------------------------------------------------------------------------- norms
op("norm", lambda ns, a: a.norm(), farg(3, 4))
op("norm_p1_dim", lambda ns, a: a.norm(1, dim=1), farg(3, 4, **AWAY_FROM_0))
op("norm_p3_keepdim", lambda ns, a: ns.norm(a, p=3, dim=0, keepdim=True), farg(3, 4, **AWAY_FROM_0))
op("norm_fro_dims", lambda ns, a: a.norm(p="fro", dim=(1, 2)), farg(2, 3, 4))
op("norm_inf", lambda ns, a: a.norm(float("inf")), farg(3, 4, **MAGNITUDES))
op("norm_neg_inf_dim", lambda ns, a: a.norm(-float("inf"), dim=1), farg(3, 4, **MAGNITUDES))
op("norm_nuc", lambda ns, a: a.norm(p="nuc"), farg(3, 4))
op("vector_norm", lambda ns, a: ns.linalg.vector_norm(a), farg(3, 4))
op("vector_norm_ord0", lambda ns, a: ns.linalg.vector_norm(a, 0, dim=1) + a.sum(), farg(3, 4, **AWAY_FROM_0))
op("vector_norm_ord_half", lambda ns, a: ns.linalg.vector_norm(a, 0.5, dim=(0, 1)), farg(2, 3, 2, **AWAY_FROM_0))
op("vector_norm_dtype", lambda ns, a: ns.linalg.vector_norm(a, dtype=ns.float64), farg(3, 4))
op("matrix_norm_fro", lambda ns, a: ns.linalg.matrix_norm(a), farg(2, 3, 4))
op("matrix_norm_nuc", lambda ns, a: ns.linalg.matrix_norm(a, "nuc"), farg(3, 4))
op("matrix_norm_2", lambda ns, a: ns.linalg.matrix_norm(a, 2, keepdim=True), farg(3, 4))
op("matrix_norm_1_inf", lambda ns, a: ns.linalg.matrix_norm(a, 1) + ns.linalg.matrix_norm(a, -math.inf),
   farg(3, 4, **MAGNITUDES), note="column sums and row sums of distinct magnitudes: no ties")
op("linalg_norm", lambda ns, a: ns.linalg.norm(a), farg(2, 3, 4))
op("linalg_norm_ord_dim", lambda ns, a: ns.linalg.norm(a, ord=1, dim=1), farg(3, 4, **AWAY_FROM_0))
op("linalg_norm_matrix", lambda ns, a: ns.linalg.norm(a, "fro") + ns.linalg.norm(a, ord=math.inf), farg(3, 4, **MAGNITUDES))
op("dist", lambda ns, a, b: ns.dist(a, b), farg(3, 4), farg(4))
op("dist_p1", lambda ns, a, b: a.dist(b, 1), farg(3, 4), farg(3, 4, low=2.1, high=3.0))
op("cdist", lambda ns, a, b: ns.cdist(a, b), farg(3, 4), farg(5, 4))
op("cdist_p1_batched", lambda ns, a, b: ns.cdist(a, b, p=1), farg(2, 3, 4), farg(2, 2, 4, low=2.1, high=3.0))
op("cosine_similarity", lambda ns, a, b: ns.nn.functional.cosine_similarity(a, b), farg(3, 4), farg(3, 4))
op("cosine_similarity_dim_broadcast", lambda ns, a, b: ns.cosine_similarity(a, b, dim=-1), farg(3, 4), farg(4))
op("pairwise_distance", lambda ns, a, b: ns.nn.functional.pairwise_distance(a, b), farg(3, 4), farg(3, 4))
op("pairwise_distance_p1_keepdim", lambda ns, a, b: ns.pairwise_distance(a, b, p=1, keepdim=True),
   farg(3, 4), farg(3, 4, low=2.1, high=3.0))

# ---------------------------------------------------------------------- diagonals, triangles
op("diag_vector", lambda ns, a: ns.diag(a), farg(3))
op("diag_vector_offset", lambda ns, a: a.diag(-1), farg(3))
op("diag_matrix", lambda ns, a: ns.diag(a, 1), farg(3, 4))
op("diag_embed", lambda ns, a: ns.diag_embed(a), farg(2, 3))
op("diag_embed_dims", lambda ns, a: a.diag_embed(offset=1, dim1=0, dim2=2), farg(2, 3))
op("diagonal", lambda ns, a: a.diagonal(), farg(3, 4))
op("diagonal_offset_dims", lambda ns, a: ns.diagonal(a, -1, 2, 0), farg(3, 2, 4))
op("linalg_diagonal", lambda ns, a: ns.linalg.diagonal(a), farg(2, 3, 3))
op("trace", lambda ns, a: ns.trace(a), farg(3, 4))
op("tril", lambda ns, a: a.tril(), farg(3, 4))
op("tril_offset_batched", lambda ns, a: ns.tril(a, -1), farg(2, 3, 3))
op("triu", lambda ns, a: a.triu(1), farg(3, 4))
op("triu_functional", lambda ns, a: ns.triu(a, diagonal=-1), farg(4, 3))

# ------------------------------------------------------------------------------- products
op("outer", lambda ns, a, b: ns.outer(a, b), farg(3), farg(4))
op("ger", lambda ns, a, b: a.ger(b), farg(3), farg(2))
op("inner", lambda ns, a, b: ns.inner(a, b), farg(2, 4), farg(3, 4))
op("mv", lambda ns, a, v: ns.mv(a, v), farg(3, 4), farg(4))
op("addmm", lambda ns, c, a, b: ns.addmm(c, a, b), farg(3, 2), farg(3, 4), farg(4, 2))
op("addmm_alpha_beta", lambda ns, c, a, b: c.addmm(a, b, beta=0.5, alpha=-2.0), farg(2), farg(3, 4), farg(4, 2))
op("addmv", lambda ns, c, a, v: ns.addmv(c, a, v, alpha=3.0), farg(3), farg(3, 4), farg(4))
op("addbmm", lambda ns, c, a, b: ns.addbmm(c, a, b), farg(3, 2), farg(2, 3, 4), farg(2, 4, 2))
op("baddbmm", lambda ns, c, a, b: ns.baddbmm(c, a, b, beta=2.0), farg(2, 3, 2), farg(2, 3, 4), farg(2, 4, 2))
op("bmm_method", lambda ns, a, b: a.bmm(b), farg(2, 3, 4), farg(2, 4, 2))
op("kron", lambda ns, a, b: ns.kron(a, b), farg(2, 3), farg(3, 2))
op("kron_mixed_ndim", lambda ns, a, b: a.kron(b), farg(3), farg(2, 2))
op("cross", lambda ns, a, b: ns.cross(a, b, dim=1), farg(2, 3), farg(2, 3))
op("cross_default_dim", lambda ns, a, b: a.cross(b), farg(3, 4), farg(3, 4), note="the first dim of size 3")
op("linalg_cross_broadcast", lambda ns, a, b: ns.linalg.cross(a, b), farg(2, 3), farg(1, 3))
op("einsum_matmul", lambda ns, a, b: ns.einsum("ij,jk->ik", a, b), farg(3, 4), farg(4, 2))
op("einsum_batched", lambda ns, a, b: ns.einsum("bij,bjk->bik", a, b), farg(2, 3, 4), farg(2, 4, 2))
op("einsum_trace", lambda ns, a: ns.einsum("ii", a), farg(3, 3))
op("einsum_diagonal", lambda ns, a: ns.einsum("ii->i", a), farg(3, 3))
op("einsum_transpose", lambda ns, a: ns.einsum("ij->ji", a), farg(2, 3))
op("einsum_outer", lambda ns, a, b: ns.einsum("i,j->ij", a, b), farg(3), farg(4))
op("einsum_sum", lambda ns, a: ns.einsum("ij->", a) + ns.einsum("ij->j", a).sum(), farg(2, 3))
op("einsum_implicit_list", lambda ns, a, b: ns.einsum("ij,jk", [a, b]), farg(3, 4), farg(4, 2))
op("einsum_ellipsis", lambda ns, a, b: ns.einsum("...ij,...jk->...ik", a, b), farg(2, 3, 4), farg(2, 4, 2))
op("einsum_bilinear", lambda ns, x, w, y: ns.einsum("bi,oij,bj->bo", x, w, y), farg(2, 3), farg(4, 3, 2), farg(2, 2))

# --------------------------------------------------------------------------- matrix functions
op("inv", lambda ns, a: ns.linalg.inv(conditioned(ns, a)), farg(3, 3, **SMALL))
op("inverse_batched", lambda ns, a: ns.inverse(conditioned(ns, a)), farg(2, 3, 3, **SMALL))
op("det", lambda ns, a: ns.linalg.det(conditioned(ns, a)), farg(3, 3, **SMALL))
op("det_batched_method", lambda ns, a: conditioned(ns, a).det(), farg(2, 3, 3, **SMALL))
op("solve_vector", lambda ns, a, b: ns.linalg.solve(conditioned(ns, a), b), farg(3, 3, **SMALL), farg(3))
op("solve_matrix", lambda ns, a, b: ns.linalg.solve(conditioned(ns, a), b), farg(2, 3, 3, **SMALL), farg(2, 3, 2))
op("slogdet", lambda ns, a: ns.linalg.slogdet(conditioned(ns, a) * -1), farg(3, 3, **SMALL),
   ours=lambda ns, a: ns.linalg.slogdet(conditioned(ns, a) * -1),
   reference=lambda ns, a: tuple(ns.linalg.slogdet(conditioned(ns, a) * -1)))
op("svdvals", lambda ns, a: ns.linalg.svdvals(a), farg(3, 4))
op("svd_values_forward", lambda ns, a: ns.linalg.svd(a, full_matrices=False)[1], farg(3, 4, grad=False))
op("eigvalsh_forward", lambda ns, a: ns.linalg.eigvalsh(a + a.mT), farg(3, 3, grad=False))
op("qr_r_abs_forward", lambda ns, a: ns.linalg.qr(a)[1].abs(), farg(4, 3, grad=False),
   note="R's signs are LAPACK's choice; their magnitudes are not")

# ------------------------------------------------------------------ nn.modules.distance
register(Case("CosineSimilarity", kind="module", fn=lambda ns, a, b: ns.nn.CosineSimilarity()(a, b),
              args=(farg(3, 4), farg(3, 4))))
register(Case("CosineSimilarity_dim0_eps", kind="module", fn=lambda ns, a, b: ns.nn.CosineSimilarity(0, eps=1e-6)(a, b),
              args=(farg(3, 4), farg(3, 1))))
register(Case("PairwiseDistance", kind="module", fn=lambda ns, a, b: ns.nn.PairwiseDistance()(a, b),
              args=(farg(3, 4), farg(3, 4))))
register(Case("PairwiseDistance_p1_keepdim", kind="module",
              fn=lambda ns, a, b: ns.nn.PairwiseDistance(p=1.0, keepdim=True)(a, b),
              args=(farg(3, 4), farg(3, 4, low=2.1, high=3.0))))
