"""Hypothesis strategies for property-based parity tests: shapes, broadcastable pairs, matmul
shapes, and arrays whose values stay away from an op's kinks and poles.

Shapes are kept small (sides of 1 to 4, at most 4 dims, size-1 dims on purpose) so that one
example runs in well under a millisecond on both sides, and so that broadcasting's stretched
dimensions show up often.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from .registry import Arg

SIDE = st.integers(1, 4)


def shapes(min_dims: int = 0, max_dims: int = 4, max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes of ``min_dims`` to ``max_dims`` dimensions; 1 is drawn often (a broadcasting edge)."""
    side = st.one_of(st.just(1), st.integers(1, max_side))
    return st.lists(side, min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def broadcastable_pair(draw: Any, min_dims: int = 0, max_dims: int = 4) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that broadcast together: from a common shape, drop leading dims of either and
    set some dims of either to 1."""
    full = draw(shapes(min_dims, max_dims))
    result = []
    for _ in range(2):
        keep = draw(st.integers(min(min_dims, len(full)), len(full)))
        shape = list(full[len(full) - keep:])
        for i in range(len(shape)):
            if draw(st.booleans()) and draw(st.booleans()):
                shape[i] = 1
        result.append(tuple(shape))
    return result[0], result[1]


def same_shape_pair(min_dims: int = 0, max_dims: int = 4) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    return shapes(min_dims, max_dims).map(lambda s: (s, s))


def single(min_dims: int = 0, max_dims: int = 4) -> st.SearchStrategy[tuple[tuple[int, ...]]]:
    """One input's shape, as the 1-tuple of shapes a case expects."""
    return shapes(min_dims, max_dims).map(lambda s: (s,))


@st.composite
def matmul_shapes(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Shapes (a, b) valid for ``a @ b``: 1-D and 2-D operands and batched ones whose batch dims
    broadcast."""
    n, k, m = draw(SIDE), draw(SIDE), draw(SIDE)
    a_dims, b_dims = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    batch_a, batch_b = draw(broadcastable_pair(0, 2))
    # trailing batch dims of two broadcastable shapes still broadcast
    a = (k,) if a_dims == 1 else batch_a[max(0, len(batch_a) - (a_dims - 2)):] + (n, k)
    b = (k,) if b_dims == 1 else batch_b[max(0, len(batch_b) - (b_dims - 2)):] + (k, m)
    return a, b


def sides_at_least(low: int, min_dims: int = 1, max_dims: int = 4) -> st.SearchStrategy[tuple[tuple[int, ...]]]:
    """One shape whose every side is at least ``low`` (var/std with a correction need n > 1)."""
    return st.lists(st.integers(low, 4), min_size=min_dims, max_size=max_dims).map(lambda s: (tuple(s),))


def arrays(arg: Arg, dtype: str = "float64", shape: tuple[int, ...] | None = None) -> st.SearchStrategy[np.ndarray]:
    """Arrays drawn by hypothesis in ``arg``'s domain (a seed is drawn, NumPy fills the values:
    much faster than drawing each element, and reproducible from the seed hypothesis prints)."""
    return st.integers(0, 2 ** 32 - 1).map(lambda seed: arg.sample(np.random.default_rng(seed), dtype, shape))
