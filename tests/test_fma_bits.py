"""``lerp``, ``addcmul`` and ``addcdiv`` print PyTorch's numbers: PyTorch's CPU kernels compute them
with fused multiply-adds (``tinygrad_lr/_fma.py``), checked bit for bit against live torch, with the
gradients and the integer rules."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr
from cuda_kernels_on_cpu import CXX, stop_on_numpy, use_on_numpy


def _inputs(dtype: type, shapes: tuple) -> list[np.ndarray]:
    rng = np.random.default_rng(5)
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


def _run(module, name: str, arrays: list, kwargs: dict, grad: np.ndarray, transpose: bool = False):
    tensors = [module.tensor(a, requires_grad=True) for a in arrays]
    used = [t.T if transpose else t for t in tensors]
    out = getattr(module, name)(*used, **kwargs)
    out.backward(module.tensor(grad.T.copy() if transpose else grad))
    return out.detach().numpy(), [t.grad.numpy() for t in tensors], out.grad_fn.name()


CASES = [("addcmul", {"value": 0.3}), ("addcmul", {}), ("addcmul", {"value": -2}), ("addcdiv", {"value": -0.01}),
         ("addcdiv", {})]


SHAPES = [((30, 40), (30, 40), (30, 40)), ((30, 40), (40,), (30, 1)), ((1, 40), (30, 40), (40,))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_addcmul_addcdiv_match_torch_to_the_bit(name: str, kwargs: dict, shapes: tuple, dtype: type) -> None:
    arrays = _inputs(dtype, shapes)
    grad = np.random.default_rng(6).standard_normal(np.broadcast_shapes(*shapes)).astype(dtype)
    ours, theirs = _run(tinygrad_lr, name, arrays, kwargs, grad), _run(torch, name, arrays, kwargs, grad)
    np.testing.assert_array_equal(ours[0], theirs[0])
    for a, b, shape in zip(ours[1], theirs[1], shapes):
        if shape == grad.shape:
            np.testing.assert_array_equal(a, b)
        else:  # a broadcast input's gradient is a sum, which NumPy and torch add up in other orders
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert ours[2] == theirs[2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weight", [0.1, 0.5, 0.7, 0.0, 1.0, -0.3, 1.5])
@pytest.mark.parametrize("transpose", [False, True])
def test_lerp_with_a_number_matches_torch_to_the_bit(weight: float, dtype: type, transpose: bool) -> None:
    arrays = _inputs(dtype, ((20, 30), (20, 30)))
    grad = np.random.default_rng(6).standard_normal((20, 30)).astype(dtype)
    ours, theirs = (_run(m, "lerp", arrays, {"weight": weight}, grad, transpose) for m in (tinygrad_lr, torch))
    np.testing.assert_array_equal(ours[0], theirs[0])
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lerp_with_a_tensor_weight_matches_torch_to_the_bit(dtype: type) -> None:
    start, end = _inputs(dtype, ((20, 30), (20, 30)))
    weight = np.random.default_rng(7).uniform(-0.5, 1.5, (20, 30)).astype(dtype)
    ours = tinygrad_lr.tensor(start).lerp(tinygrad_lr.tensor(end), tinygrad_lr.tensor(weight))
    theirs = torch.tensor(start).lerp(torch.tensor(end), torch.tensor(weight))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("name, kwargs", [("addcmul", {"value": 2.5}), ("addcmul", {"value": -1.5}), ("addcdiv", {})])
def test_integer_rules_as_torch(name: str, kwargs: dict) -> None:
    """addcmul casts value to the integer dtype (2.5 is 2); addcdiv refuses integer division."""
    def outcome(module):
        x = module.tensor([1, 2, -3])
        try:
            out = getattr(module, name)(x, x, x, **kwargs)
            return str(out.dtype).replace("torch.", "").replace("tinygrad_lr.", ""), out.tolist()
        except RuntimeError as error:
            return "error", str(error)
    assert outcome(tinygrad_lr) == outcome(torch)


@pytest.mark.skipif(CXX is None, reason="no C++ compiler (g++) to build the kernels on the CPU")
def test_the_cuda_fma_kernel_matches_the_cpu_fma() -> None:
    """The CuPy path (one ``fma`` kernel), compiled here for the CPU, gives the same bits."""
    arrays = _inputs(np.float32, ((30, 40), (30, 40), (30, 40)))
    grad = np.ones((30, 40), np.float32)
    plain = _run(tinygrad_lr, "addcmul", arrays, {"value": 0.3}, grad)
    kernels = use_on_numpy()
    try:
        fused = _run(tinygrad_lr, "addcmul", arrays, {"value": 0.3}, grad)
        assert kernels._built["tinygrad_fma"].calls == 1
    finally:
        stop_on_numpy()
    np.testing.assert_array_equal(fused[0], plain[0])


ALPHA = [("add", 0.01), ("sub", 0.3), ("add", -2.5), ("add_", -0.01), ("sub_", 0.01), ("rsub", 0.3)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, alpha", ALPHA, ids=[f"{n}-{a}" for n, a in ALPHA])
def test_add_and_sub_with_alpha_match_torch_to_the_bit(name: str, alpha: float, dtype: type) -> None:
    """``x.add(y, alpha=a)`` is one fused multiply-add in PyTorch (the hand-written optimizer's
    ``p.add_(p.grad, alpha=-lr)``): values, gradients and the graph as PyTorch's."""
    x, y = _inputs(dtype, ((2000,), (2000,)))
    grad = np.random.default_rng(8).standard_normal(2000).astype(dtype)

    def run(module):
        a, b = module.tensor(x, requires_grad=True), module.tensor(y, requires_grad=True)
        if name.endswith("_"):
            with module.no_grad():
                return getattr(a.detach().clone(), name)(b.detach(), alpha=alpha).numpy(), None, None
        out = module.rsub(a, b, alpha=alpha) if name == "rsub" else getattr(a, name)(b, alpha=alpha)
        out.backward(module.tensor(grad))
        edges = [type(f).__name__ for f, _ in out.grad_fn.next_functions]
        return out.detach().numpy(), (a.grad.numpy(), b.grad.numpy()), (out.grad_fn.name(), edges)

    ours, theirs = run(tinygrad_lr), run(torch)
    np.testing.assert_array_equal(ours[0], theirs[0])
    if ours[1] is not None:
        for a, b in zip(ours[1], theirs[1]):
            np.testing.assert_array_equal(a, b)
        assert ours[2] == theirs[2]


ALPHA_RULES = {
    "float alpha, integer tensors": lambda ns: ns.tensor([1, 2]).add(ns.tensor([1, 1]), alpha=0.5),
    "integer alpha": lambda ns: ns.tensor([1, 2]).sub(ns.tensor([1, 1]), alpha=2),
    "float into an integer tensor": lambda ns: ns.tensor([1, 2]).add_(ns.tensor([1.5, 1.0]), alpha=2),
    "broadcast into the tensor": lambda ns: ns.ones(2, 3).add_(ns.ones(3), alpha=2),
    "broadcast past the tensor": lambda ns: ns.ones(3).add_(ns.ones(2, 3), alpha=2),
    "a number": lambda ns: ns.ones(3).add_(2.0, alpha=0.5),
    "rsub of a number": lambda ns: ns.rsub(ns.ones(2), 2.0, alpha=3),
}


@pytest.mark.parametrize("name", list(ALPHA_RULES))
def test_alpha_rules_as_torch(name: str) -> None:
    def outcome(module):
        try:
            out = ALPHA_RULES[name](module)
            return str(out.dtype).split(".")[-1], out.tolist()
        except RuntimeError as error:
            return "error", str(error)
    assert outcome(tinygrad_lr) == outcome(torch)


def test_fma64_is_correctly_rounded() -> None:
    """The float64 emulation against exact rational arithmetic: random magnitudes, heavy
    cancellation (c ≈ −a·b), rounding midpoints, and the plain fallback for inf, NaN and extremes."""
    from fractions import Fraction

    from tinygrad_lr._fma import fma64
    rng = np.random.default_rng(9)
    n = 3000
    a = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
    b = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
    c = -(a * b) * (1 + rng.standard_normal(n) * 1e-12)
    c[::3] = rng.standard_normal(n)[::3]
    a[:3], b[:3], c[:3] = [1 + 2.0 ** -52, 3.0, 1 + 2.0 ** -30], [1 + 2.0 ** -52, 1 + 2.0 ** -52, 1 - 2.0 ** -30], \
        [-1.0, 2.0 ** -100, -1.0]  # exact results at or near a tie
    exact = np.array([float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)])
    np.testing.assert_array_equal(fma64(a, b, c), exact)
    special = fma64(np.array([np.inf, np.nan, 1e300, 1e-300]), np.array([2.0, 1.0, 1e10, 1e-300]), np.array([1.0, 0.0, 0.0, 1.0]))
    np.testing.assert_array_equal(special, np.array([np.inf, np.nan, np.inf, 1.0]))
