"""Parity cases for index writes and reads (``ops/scatter.py``, ``tensor_extra.py``): scatter,
scatter_add, scatter_reduce (every reduction, with and without the tensor's own values),
index_add/copy/fill/put, masked_select, take, take_along_dim, and the reordering ops (flip,
roll, rot90, movedim, unfold, repeat_interleave, tile) and joins (hstack, meshgrid, ...).

Index tensors are written into the cases: where a position is written twice without
accumulating, the surviving value is unspecified in PyTorch, so those indices are distinct.
"""
from __future__ import annotations

from typing import Any, Callable

from .registry import DISTINCT, Arg, Case, farg, register


def op(name: str, fn: Callable[..., Any], *args: Arg, **options: Any) -> None:
    register(Case(name, fn=fn, args=args, **options))


def mask(*shape: int) -> Arg:
    return Arg(tuple(shape), kind="mask", grad=False)


def idx(ns: Any, like: Any, values: Any) -> Any:
    return ns.tensor(values, device=like.device)


ROWS_DISTINCT = [[0, 2, 1, 0], [2, 1, 0, 1]]  # per column, two different rows of a 3-row tensor
ROWS_REPEATED = [[0, 2, 2, 0], [0, 1, 2, 0]]

op("scatter", lambda ns, a, b: a.scatter(0, idx(ns, a, ROWS_DISTINCT), b), farg(3, 4), farg(2, 4))
op("scatter_src_larger", lambda ns, a, b: a.scatter(0, idx(ns, a, ROWS_DISTINCT), b), farg(3, 4), farg(2, 5, grad=False),
   note="only the index-shaped corner of src is read (torch's backward rejects a larger src that requires grad)")
op("scatter_dim1", lambda ns, a, b: ns.scatter(a, 1, idx(ns, a, [[3, 0], [1, 2], [0, 3]]), b), farg(3, 4), farg(3, 2))
op("scatter_value", lambda ns, a: a.scatter(1, idx(ns, a, [[1], [3], [0]]), 0.5), farg(3, 4))
op("scatter_add", lambda ns, a, b: a.scatter_add(0, idx(ns, a, ROWS_REPEATED), b), farg(3, 4), farg(2, 4))
op("scatter_add_functional", lambda ns, a, b: ns.scatter_add(a, 1, idx(ns, a, [[0, 0, 3], [1, 1, 1]]), b), farg(2, 4), farg(2, 3))
# amax/amin: distinct values, and src's grid never meets the tensor's (PyTorch's backward counts a
# tie with the tensor's own value even when include_self=False); prod: no zeros (see ScatterReduce)
EXTREMA = {"amax": DISTINCT, "amin": DISTINCT, "prod": {"low": 0.5, "high": 2.0}}
SOURCE_EXTREMA = {"amax": {"distinct": True, "low": -1.9, "high": 1.95}, "amin": {"distinct": True, "low": -1.9, "high": 1.95},
                  "prod": {"low": 0.5, "high": 2.0}}
for reduce in ("sum", "mean", "amax", "amin", "prod"):
    for include_self in (True, False):
        # CuPy has no scatter-multiply kernel: prod runs on NumPy only (against either torch)
        pairings = {"pairings": (("numpy", "torch-cpu"), ("numpy", "torch-cuda"))} if reduce == "prod" else {}
        op(f"scatter_reduce_{reduce}{'' if include_self else '_exclude_self'}",
           lambda ns, a, b, reduce=reduce, include_self=include_self:
               a.scatter_reduce(0, idx(ns, a, ROWS_REPEATED), b, reduce, include_self=include_self),
           farg(3, 4, **EXTREMA.get(reduce, {})), farg(2, 4, **SOURCE_EXTREMA.get(reduce, {})), **pairings)
op("index_add", lambda ns, a, b: a.index_add(0, idx(ns, a, [2, 0, 2]), b), farg(3, 4), farg(3, 4))
op("index_add_alpha_dim1", lambda ns, a, b: ns.index_add(a, 1, idx(ns, a, [1, 3]), b, alpha=-2.0), farg(3, 4), farg(3, 2))
op("index_copy", lambda ns, a, b: a.index_copy(1, idx(ns, a, [3, 0]), b), farg(3, 4), farg(3, 2))
op("index_fill", lambda ns, a: ns.index_fill(a, 1, idx(ns, a, [0, 2]), -1.0), farg(3, 4))
op("index_put", lambda ns, a, v: a.index_put((idx(ns, a, [0, 2]), idx(ns, a, [1, 3])), v), farg(3, 4), farg(2))
op("index_put_accumulate", lambda ns, a, v: ns.index_put(a, (idx(ns, a, [0, 0, 2]),), v, accumulate=True), farg(3, 4), farg(4),
   note="repeated rows accumulate; values broadcast over them")
op("masked_select", lambda ns, a, m: a.masked_select(m), farg(3, 4), mask(3, 4))
op("masked_select_broadcast", lambda ns, a, m: ns.masked_select(a, m), farg(3, 4), mask(4))
op("take", lambda ns, a: a.take(idx(ns, a, [[0, 5], [11, 5]])), farg(3, 4))
op("take_along_dim", lambda ns, a: ns.take_along_dim(a, a.argsort(dim=1), dim=1), farg(3, 4, **DISTINCT))
op("take_along_dim_flat", lambda ns, a: a.take_along_dim(idx(ns, a, [3, 0, 3])), farg(2, 3))

# ----------------------------------------------------------------------------- reordering
op("flip", lambda ns, a: a.flip(0, 2), farg(2, 3, 4))
op("flip_functional", lambda ns, a: ns.flip(a, [-1]), farg(2, 3))
op("fliplr_flipud", lambda ns, a: a.fliplr() * 2 + ns.flipud(a), farg(3, 4))
op("roll", lambda ns, a: a.roll(1, 0), farg(3, 4))
op("roll_flat", lambda ns, a: ns.roll(a, -5), farg(3, 4))
op("roll_dims", lambda ns, a: a.roll((2, -1), (1, 0)), farg(3, 4))
op("rot90", lambda ns, a: a.rot90(), farg(2, 3))
op("rot90_k", lambda ns, a: ns.rot90(a, 3, [1, 2]) + ns.rot90(a, 2, [1, 2]).sum(), farg(2, 3, 3))
op("movedim", lambda ns, a: a.movedim(0, -1), farg(2, 3, 4))
op("moveaxis_pairs", lambda ns, a: ns.moveaxis(a, (0, 1), (2, 0)), farg(2, 3, 4))
op("swapaxes_swapdims", lambda ns, a: a.swapaxes(0, 2) + ns.swapdims(a, 2, 0), farg(2, 3, 4))
op("unfold", lambda ns, a: a.unfold(1, 3, 2), farg(2, 7), note="windows of 3 every 2 (overlapping)")
op("unfold_dim0", lambda ns, a: a.unfold(0, 2, 1), farg(4, 3))
op("repeat_interleave", lambda ns, a: a.repeat_interleave(2), farg(2, 3))
op("repeat_interleave_dim", lambda ns, a: ns.repeat_interleave(a, idx(ns, a, [1, 0, 3]), dim=1), farg(2, 3))
op("tile", lambda ns, a: a.tile((2, 1, 3)), farg(2, 3))
op("tile_functional", lambda ns, a: ns.tile(a, (2,)), farg(2, 3))
op("sum_to_size", lambda ns, a: a.sum_to_size(3, 1), farg(2, 3, 4))
op("type_as", lambda ns, a, b: a.type_as(b.double()) * b, farg(2, 3), farg(2, 3))


def _inplace_shapes(ns: Any, a: Any) -> Any:
    b = a * 2
    b.squeeze_(1)
    b.unsqueeze_(0)
    b.transpose_(0, 2)
    return b


op("squeeze_unsqueeze_transpose_inplace", _inplace_shapes, farg(2, 1, 3), note="in-place shape changes inside a graph")


# --------------------------------------------------------------------------------- joining
op("hstack", lambda ns, a, b: ns.hstack([a, b]), farg(2, 3), farg(2, 2))
op("hstack_1d", lambda ns, a, b: ns.hstack((a, b)), farg(3), farg(2))
op("vstack_row_stack", lambda ns, a, b: ns.vstack([a, b]) + ns.row_stack([a, b]), farg(3), farg(2, 3))
op("dstack", lambda ns, a, b: ns.dstack([a, b]), farg(2, 3), farg(2, 3))
op("column_stack", lambda ns, a, b: ns.column_stack([a, b]), farg(3), farg(3, 2))
op("meshgrid_ij", lambda ns, a, b: ns.meshgrid(a, b, indexing="ij"), farg(3), farg(4))
op("meshgrid_xy", lambda ns, a, b, c: ns.meshgrid([a, b, c], indexing="xy"), farg(3), farg(4), farg(2))
op("broadcast_tensors", lambda ns, a, b: ns.broadcast_tensors(a, b), farg(3, 1), farg(4))
op("broadcast_to", lambda ns, a: ns.broadcast_to(a, (2, 3, 4)), farg(3, 1))
op("cartesian_prod", lambda ns, a, b: ns.cartesian_prod(a, b), farg(3), farg(2))
op("combinations", lambda ns, a: ns.combinations(a), farg(4))
op("combinations_r3_replacement", lambda ns, a: ns.combinations(a, 3, with_replacement=True), farg(3))
op("atleast_nd", lambda ns, a: ns.atleast_3d(a.sum()) + ns.atleast_2d(a).sum(), farg(3))
