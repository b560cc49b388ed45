"""PyTorch's order of additions for float sums on the CPU, so that a loss prints the same digits.

A float32 sum rounds after every addition, so its last bits depend on the order. NumPy sums pairwise;
PyTorch's CPU kernel (ATen's ``SumKernel.cpp``, ``cascade_sum``) adds in another, fixed order:

- the tensor, seen as ``n // W`` vectors of ``W`` lanes (8 floats or 4 doubles: ``VECTOR_BYTES``), is
  summed as a "row" with 4 interleaved partial sums of vectors;
- each of those is a cascade of 4 levels: blocks of ``L`` rows are added one after the other, then ``L``
  block sums, then ``L`` of those, with ``L = 2**max(4, ceil(log2(rows)) // 4)``, and at the end the
  levels are added into the lowest, smallest first;
- the ``n % W`` elements left over are added one by one to 0, then the ``W`` lanes, one by one.

Tensors of fewer than ``W`` elements take the same cascade on single elements. A sum over the leading
axes (a bias gradient, a broadcast undone) is ATen's outer reduction, the same cascade per column
(``column_sums``); the NLL loss sums its samples in its own 8-level cascade (``nll_total``). Every
partial sum is a sequential float addition, which NumPy performs in the same order when it adds along an
outer axis (or in ``cumsum``), so each plan runs as a few array operations. Only a contiguous sum of at
most 32,768 elements is certain to take ATen's serial path: above that PyTorch splits the work between
its threads (how depends on the thread count), so larger sums keep NumPy's order, as do sums over the
last axis. Used by ``Sum``, ``Mean``, ``backend.sum_leading`` and the loss nodes.
"""
from __future__ import annotations

import math

import numpy as np

SERIAL_LIMIT = 32768  # ATen's GRAIN_SIZE: smaller reductions run on one thread, in this order


# The width of ATen's ``Vectorized`` in its sum kernel: 32 bytes (8 floats, 4 doubles). ATen builds
# AVX-512 variants only for kernels that opt in, and the sum does not, so AVX-512 machines run the
# AVX2 build; the default (non-AVX) build's generic Vectorized is 32 bytes too. (Checked against live
# torch on an AVX-512 machine, tests/test_cascade_sum.py.)
VECTOR_BYTES = 32


def _sequential(rows: np.ndarray, axis: int = 0) -> np.ndarray:
    """Σ along ``axis``, added one after the other. ``axis`` must be an outer axis of a C-contiguous
    array with more than one lane after it: NumPy adds along such an axis row by row (it sums
    pairwise only along the contiguous axis, or where it can make the axis contiguous). (It starts
    from the first row, not from an accumulator's +0: the callers add +0 once at the end, which is
    the only place a −0 could differ.)"""
    return np.add.reduce(rows, axis=axis)


def _cascade(rows: np.ndarray) -> np.ndarray:
    """ATen's ``multi_row_sum``: Σ over axis 0 of ``rows`` (size, lanes) in its 4-level order."""
    size, lanes = rows.shape[0], rows.shape[1:]
    step = 1 << max(4, (int(size - 1).bit_length() if size > 2 else 1) // 4)
    full = size // step
    total = _sequential(rows[full * step:]) if size > full * step else None  # after the last block
    if not full:
        return total if total is not None else np.zeros(lanes, rows.dtype)
    sums = _sequential(rows[:full * step].reshape((full, step) + lanes), axis=1)
    for _ in range(2):  # levels 1 and 2: groups of ``step`` sums; the unfinished group stays behind
        whole = sums.shape[0] // step
        if not whole:
            break  # (every sum stays at this level; the levels above are empty)
        if sums.shape[0] > whole * step:
            rest = _sequential(sums[whole * step:])
            total = rest if total is None else total + rest
        sums = _sequential(sums[:whole * step].reshape((whole, step) + lanes), axis=1)
    above = _sequential(sums)
    return above if total is None else total + above


def _vector_row_sum(vectors: np.ndarray) -> np.ndarray:
    """ATen's ``row_sum`` over vectors (rows of lanes): 4 interleaved cascades, the leftover rows
    into the first, then the four combined."""
    groups = vectors.shape[0] // 4
    if not groups:
        return _sequential(vectors)
    partial = _cascade(vectors[:groups * 4].reshape(groups, 4 * vectors.shape[1])).reshape(4, -1)
    first = partial[0]
    for row in vectors[groups * 4:]:
        first = first + row
    return ((first + partial[1]) + partial[2]) + partial[3]


def _scalar_row_sum(values: list) -> np.generic:
    """ATen's ``row_sum`` over 1 to 7 (or 3 doubles) single values, as scalars."""
    zero = type(values[0])(0)  # (the accumulators' start: a true 0, never x · 0, which is NaN for inf)
    groups = len(values) // 4
    partial = values[:4] if groups else [zero] * 4
    first = partial[0] + 0  # (an accumulator: +0 + x)
    for value in values[groups * 4:]:
        first = first + value
    return ((first + partial[1]) + partial[2]) + partial[3]


def cascade_sum(array: np.ndarray) -> np.ndarray:
    """The sum of every element of a C-contiguous float32/float64 array, added in PyTorch's order
    (a 0-d array in the input's dtype)."""
    flat = array.reshape(-1)
    kind = flat.dtype.type
    lanes = VECTOR_BYTES // flat.dtype.itemsize
    n = flat.size
    if n < lanes:  # ATen's scalar path: one row of single values
        return np.asarray(_scalar_row_sum(list(flat)), dtype=flat.dtype)
    vectors = n // lanes
    lane_sums = _vector_row_sum(flat[:vectors * lanes].reshape(vectors, lanes))
    total = kind(0)
    for value in flat[vectors * lanes:].tolist() + lane_sums.tolist():  # from 0, one by one
        total = total + kind(value)
    return np.asarray(total, dtype=flat.dtype)


def takes(array: np.ndarray) -> bool:
    """Whether a whole-array sum of ``array`` follows PyTorch's order here (see the module)."""
    return (type(array) is np.ndarray and 0 < array.size <= SERIAL_LIMIT and array.dtype.type in _FLOATS
            and array.flags.c_contiguous)


_FLOATS = (np.float32, np.float64)


def column_sums(array: np.ndarray) -> np.ndarray:
    """Σ over axis 0 of a C-contiguous (R, C) float array (a bias gradient), in the order of ATen's
    outer reduction: groups of 4·W columns (of 4 when C < W) are one cascade over the rows; the other
    columns, W at a time and then one by one, a 4-way interleaved row sum, which is the same sum for
    every column, so they take one call."""
    rows, cols = array.shape
    if rows == 1:  # one row: the accumulator's 0 + x
        return array[0] + array.dtype.type(0)
    lanes = VECTOR_BYTES // array.dtype.itemsize
    width = 4 * lanes if cols >= lanes else 4
    whole = cols // width * width
    zero = array.dtype.type(0)
    if whole == cols:
        return _cascade(array) + zero
    if whole == 0:
        return _vector_row_sum(array) + zero
    return np.concatenate((_cascade(array[:, :whole]), _vector_row_sum(array[:, whole:]))) + zero


def leading_sum(array: np.ndarray, count: int) -> np.ndarray | None:
    """Σ over the first ``count`` axes in PyTorch's order, or None where that order is not
    reproduced here (not NumPy, not C-contiguous float32/float64, more than 32,768 elements)."""
    if not takes(array) or count < 1 or count > array.ndim:
        return None
    rest = array.shape[count:]
    columns = math.prod(rest)
    if columns == 1:  # every element: one inner sum
        return cascade_sum(array).reshape(rest)
    return column_sums(array.reshape(-1, columns)).reshape(rest)


def whole_sum(array):
    """Σ of every element: PyTorch's order where ``takes`` (NumPy, contiguous, float, ≤ 32,768
    elements), else the array module's own sum."""
    return cascade_sum(array) if takes(array) else array.sum()


def _blocks_of(values: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
    """(sums of each complete group of ``step`` consecutive values, the values left over)."""
    whole = values.shape[0] // step
    # (cumsum along the groups: a reduction along this contiguous axis would add pairwise)
    sums = np.cumsum(values[:whole * step].reshape(whole, step), axis=1)[:, -1] + values.dtype.type(0) if whole \
        else values[:0]
    return sums, values[whole * step:]


def _running(values: np.ndarray) -> np.generic:
    """Σ of a 1-D array added one by one from 0 (``cumsum`` keeps the order; a reduction along a
    contiguous axis would not)."""
    kind = values.dtype.type
    return np.cumsum(values)[-1] + kind(0) if values.size else kind(0)


def nll_total(values: np.ndarray, kept: np.ndarray | None = None) -> np.generic:
    """Σ of per-sample losses (or weights) in the order of PyTorch's ``nll_loss`` CPU kernel: an
    8-level cascade of blocks of 16 samples (a level flushes upwards after sample ``b`` whenever ``b`` is
    a multiple of its size), so the first sample goes straight to the top level; at the end the levels
    are added from the lowest up. ``kept``: the samples not ignored, whose ``values`` must be 0
    (PyTorch skips them, flushes included; adding a 0 changes nothing, so an ignored sample changes
    the blocks only where its index is a multiple of 16, and there the loop runs)."""
    kind = values.dtype.type
    if values.size == 0:
        return kind(0)
    if kept is not None and not kept[::16].all():
        return _nll_total_loop(values, kept)
    top = values[0] + kind(0)
    if values.size <= 16 * 16:  # (the usual batch: at most level 1 is used; fewer array calls)
        rest = values[1:]
        blocks = rest.size // 16
        low = _running(rest[blocks * 16:])
        if not blocks:
            return low + top
        return (low + _running(np.cumsum(rest[:blocks * 16].reshape(blocks, 16), axis=1)[:, -1])) + top
    levels = []
    sums, rest = _blocks_of(values[1:], 16)
    levels.append(_running(rest))
    for _ in range(6):  # levels 1 … 6: groups of 16 sums of the level below; the unfinished one stays
        sums, rest = _blocks_of(sums, 16)
        levels.append(_running(rest))
    total = kind(0)
    for level in levels:
        total = total + level
    return total + top


def _nll_total_loop(values: np.ndarray, kept: np.ndarray) -> np.generic:
    """``nll_total`` as PyTorch's loop runs it, one sample at a time (ignored samples skipped)."""
    kind = values.dtype.type
    levels = [kind(0)] * 8
    for b in np.flatnonzero(kept).tolist():
        levels[0] = levels[0] + values[b]
        for j in range(7):
            if b & (15 << (4 * j)):
                break
            levels[j + 1] = levels[j + 1] + levels[j]
            levels[j] = kind(0)
    total = kind(0)
    for level in levels:
        total = total + level
    return total
