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


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("rows", [0, 1, 2, 16, 65])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_transposed_product_matches_numpy_dot_to_the_bit(dtype: type, rows: int, layout: str) -> None:
    """aᵀ b, the weight gradient: ger for one row, matmul for more, dot otherwise -- the same bits."""
    from tinygrad_lr.ops.linalg import transposed_product
    rng = np.random.default_rng(rows)
    a = rng.standard_normal((rows, 40)).astype(dtype)
    b = rng.standard_normal((rows, 24 if layout != "strided" else 48)).astype(dtype)
    if layout == "F":
        a, b = np.asfortranarray(a), np.asfortranarray(b)
    elif layout == "strided":
        b = b[:, ::2]
    got = transposed_product(np, a, b)
    np.testing.assert_array_equal(got, np.dot(a.T, b))
    assert got.dtype == dtype and got.shape == (40, 24)


def test_one_row_weight_gradient_keeps_ieee_nan_for_inf_times_zero() -> None:
    """ger may skip the multiply where an element is 0; inf * 0 must still be NaN (as in PyTorch)."""
    from tinygrad_lr import _blas
    x = np.array([0.0, 1.0, np.inf], dtype=np.float32)
    y = np.array([0.0, 2.0], dtype=np.float32)
    assert _blas.outer(x, y) is None  # non-finite: left to NumPy
    results = []
    for fw in (tinygrad_lr, torch):
        w = fw.zeros(2, 3, requires_grad=True)
        inp = fw.tensor(x[None, :])
        out = inp @ w.t()
        out.backward(fw.tensor(y[None, :]))
        results.append(w.grad.numpy())
    np.testing.assert_array_equal(results[0], results[1])
    assert np.isnan(results[0]).any()


@pytest.mark.parametrize("rows", [1, 3])
def test_linear_weight_gradient_of_one_and_few_rows_matches_torch(rows: int) -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((rows, 300)).astype(np.float32)
    w = rng.standard_normal((200, 300)).astype(np.float32)
    g = rng.standard_normal((rows, 200)).astype(np.float32)
    grads = []
    for fw in (tinygrad_lr, torch):
        wt = fw.tensor(w, requires_grad=True)
        fw.nn.functional.linear(fw.tensor(x), wt).backward(fw.tensor(g))
        grads.append(wt.grad.numpy())
        assert wt.grad.numpy().flags.c_contiguous
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-6)  # one rounding each: equal or 1 ulp


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_vectorised_erf_matches_python_math_erf(name: str) -> None:
    """Cody's approximations on arrays against the correctly rounded math.erf/erfc (the per-element
    plain path they replaced): float32 to the bit; float64 within 8 ulps; inf, NaN, ±0 and the
    underflow of erfc as IEEE has them."""
    import math

    from tinygrad_lr._erf import erf_and_erfc
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.standard_normal(20_000) * 3, rng.uniform(-30, 30, 5_000), np.linspace(-6, 6, 4_001),
                        [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, 5e-324, 0.46875, 4.0, 26.5, 27.0, 27.3]])
    exact = np.frompyfunc(getattr(math, name), 1, 1)
    ref = np.asarray(exact(x), dtype=np.float64)
    got = erf_and_erfc(x, name)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref))
    np.testing.assert_array_equal(got == 0, ref == 0)
    np.testing.assert_array_equal(np.signbit(got[ref == 0]), np.signbit(ref[ref == 0]))
    finite = np.isfinite(ref) & (ref != 0)
    assert np.all(np.abs(got[finite] - ref[finite]) <= 8 * np.spacing(np.abs(ref[finite])))
    x32 = x.astype(np.float32)
    got32 = erf_and_erfc(x32.reshape(-1, 1), name).reshape(-1)
    assert got32.dtype == np.float32
    np.testing.assert_array_equal(got32, np.asarray(exact(x32.astype(np.float64)), dtype=np.float64).astype(np.float32))
    assert erf_and_erfc(np.array(0.5, dtype=np.float32), name).shape == ()


def test_blas_address_is_the_arrays_first_byte_for_every_layout() -> None:
    from tinygrad_lr._blas import address
    a = np.arange(20, dtype=np.float32).reshape(4, 5)
    readonly = a.copy()
    readonly.flags.writeable = False
    for view in (a, a.T, a[:, ::2], a[1:], a[::-1], np.broadcast_to(a[0], (3, 5)), readonly, np.zeros(0)):
        assert address(view) == view.ctypes.data


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_indices_below_checks_both_ends_with_one_max(dtype: type) -> None:
    """The unsigned view: a negative index reads as a huge one, so one max finds it."""
    from tinygrad_lr.backend import indices_below
    low = np.iinfo(dtype).min
    for values, bound, expected in (([0, 3, 9], 10, True), ([0, 10], 10, False), ([-1, 2], 10, False),
                                    ([low, 0], 10, False), ([5], 6, True), ([0], 1, True)):
        array = np.array(values, dtype=dtype)
        assert indices_below(array, bound) is expected
        assert indices_below(array[::-1], bound) is expected  # a strided view too
