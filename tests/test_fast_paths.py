"""The CPU fast paths of issue 14 compute what the plain paths (and PyTorch) compute.

Each fast path lives beside the plain code it replaces; these tests drive both on the cases the
fast path takes and on the cases it must leave to the plain path (layouts, dtypes, sizes).
"""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lr
from tinygrad_lr.optim import _axpy

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("layout", ["C", "F", "strided", "small", "mixed"])
def test_add_scaled_matches_the_two_pass_update(dtype: type, layout: str) -> None:
    rng = np.random.default_rng(0)
    shape = (8, 8) if layout == "small" else (96, 64)
    y = rng.standard_normal(shape).astype(dtype)
    x = rng.standard_normal(shape).astype(dtype)
    if layout == "F":
        y, x = np.asfortranarray(y), np.asfortranarray(x)
    elif layout == "strided":
        y, x = y[:, ::2], x[:, ::2]
    elif layout == "mixed":
        x = np.asfortranarray(x)
    before, x_before = y.copy(), x.copy()
    _axpy.add_scaled_(np, y, -0.01, x, np.empty_like(y))
    exact = before.astype(np.longdouble) - 0.01 * x_before.astype(np.longdouble)
    # One rounding (FMA in OpenBLAS) or two (the plain path): within one rounding of each term of
    # the exact result (where y and 0.01 x nearly cancel, a relative bound on the result fails).
    scale = np.abs(before.astype(np.longdouble)) + np.abs(0.01 * x_before.astype(np.longdouble))
    assert np.all(np.abs(y.astype(np.longdouble) - exact) <= float(np.finfo(dtype).eps) * scale)
    assert y.dtype == dtype
    np.testing.assert_array_equal(x, x_before)


def test_add_scaled_leaves_overlapping_arrays_to_the_plain_path() -> None:
    buf = np.arange(10_000, dtype=np.float32)
    y, x = buf[1:], buf[:-1]
    expected = y - 0.5 * x
    _axpy.add_scaled_(np, y, -0.5, x, np.empty_like(y))
    np.testing.assert_array_equal(y, expected)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sgd_on_parameters_large_enough_for_the_fast_path_matches_torch(momentum: float, dtype: str) -> None:
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((80, 70)).astype(dtype)
    data = rng.standard_normal((5, 80)).astype(dtype)
    results = []
    for fw in (tinygrad_lr, torch):
        w = fw.nn.Parameter(fw.tensor(w0))
        opt = fw.optim.SGD([w], lr=0.05, momentum=momentum)
        for _ in range(3):
            opt.zero_grad()
            (fw.tensor(data) @ w).tanh().sum().backward()
            opt.step()
        results.append(w.detach().numpy())
    rtol = 1e-6 if dtype == "float32" else 1e-14  # float32: rounding of tanh/matmul differs by ulps
    np.testing.assert_allclose(results[0], results[1], rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows", [1, 2, 16, 64, 65])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_few_rows_matches_the_plain_product(dtype: type, rows: int, bias: bool) -> None:
    """Linear's (W xᵀ)ᵀ path for 2-64 rows gives the plain x @ Wᵀ + b to the bit, row-major; and
    the graph's values and gradients match PyTorch's."""
    rng = np.random.default_rng(rows)
    x = rng.standard_normal((rows, 48)).astype(dtype)
    w = rng.standard_normal((40, 48)).astype(dtype)
    b = rng.standard_normal(40).astype(dtype)
    xt = tinygrad_lr.tensor(x, requires_grad=True)
    wt = tinygrad_lr.tensor(w, requires_grad=True)
    bt = tinygrad_lr.tensor(b, requires_grad=True) if bias else None
    out = tinygrad_lr.nn.functional.linear(xt, wt, bt)
    expected = x @ w.T + b if bias else x @ w.T
    assert out._data.flags.c_contiguous and out._data.dtype == dtype
    np.testing.assert_array_equal(out._data, expected)
    out.sum().backward()
    xr, wr = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    br = torch.tensor(b, requires_grad=True) if bias else None
    ref = torch.nn.functional.linear(xr, wr, br)
    ref.sum().backward()
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out._data, ref.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(xt.grad._data, xr.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(wt.grad._data, wr.grad.numpy(), rtol=tol, atol=tol)
    assert out.grad_fn.name() == ref.grad_fn.name()
