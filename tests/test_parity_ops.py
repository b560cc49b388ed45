"""Every op case of the registry against PyTorch, in float32 and float64, on every device pairing.

Hypothesis draws the input shapes (from the case's ``shapes`` strategy: 0-4 dims, size-1 dims,
broadcastable pairs, matmul-compatible shapes) and the seed of the values (kept away from each
op's kinks and poles by the case's ``Arg`` domains). Cases with fixed shapes vary the values only.
"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compare import all_cases, check
from compare.registry import DTYPES

OP_CASES = all_cases(kind="op")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", OP_CASES, ids=lambda c: c.name)
@given(data=st.data())
def test_op_matches_torch(case, dtype, pairing, data):
    if dtype not in case.dtypes or tuple(pairing) not in case.pairings:
        pytest.skip(f"{case.name} does not run on {pairing} in {dtype}")
    shapes = data.draw(case.shapes, label="shapes") if case.shapes is not None else None
    seed = data.draw(st.integers(0, 2 ** 16), label="seed")
    result = check(case, pairing, dtype, seed, shapes=shapes)
    assert result.passed, result.message


def test_registry_covers_the_core_ops():
    """A new op must be added to compare/cases_ops.py; these are the ones the core offers."""
    names = {c.name for c in OP_CASES}
    required = {"add", "sub", "mul", "div", "neg", "pow_2", "pow_tensor", "matmul_1d_1d", "matmul_2d_1d",
                "matmul_1d_2d", "matmul_2d_2d", "matmul_batched_broadcast", "exp", "log", "sqrt", "abs",
                "sigmoid", "tanh", "relu", "clamp", "maximum", "minimum", "sum", "sum_dims_tuple",
                "mean_dims_keepdim", "max", "max_dim", "amax", "var", "std_dim_unbiased_false", "logsumexp",
                "softmax", "log_softmax", "reshape", "view", "flatten", "unsqueeze", "squeeze", "transpose",
                "permute", "expand", "T", "index_slice_steps", "index_int", "index_list_repeated",
                "index_tensor", "index_mask", "gather_dim1", "cat_dim0", "stack_dim0", "where",
                "linear_composed"}
    assert required <= names, sorted(required - names)
