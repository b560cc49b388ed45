"""The optimizers print PyTorch's numbers: updates bit for bit where PyTorch's CPU arithmetic can be
reproduced with NumPy and OpenBLAS, checked against live torch.

PyTorch's CPU kernels round ``add(alpha=)``, ``add_(alpha=)`` and ``lerp_`` once (fused multiply-adds);
``optim/_axpy.py`` does the same with OpenBLAS' axpy. So SGD in every variant, every running average
(``lerp_``), Adamax, ASGD and Rprop match to the bit. Adam, RMSprop, Adagrad and Adadelta take a square root from
MKL's vector library, which is not correctly rounded (on this project's machine 14 of 2,013 float32
roots were an ulp off NumPy's correctly rounded ones), and fuse ``addcmul_``; they agree to about an
ulp (tests/test_optim.py).
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch

import tinygrad_lr
from tinygrad_lr import _blas
from tinygrad_lr.optim import _axpy
from tinygrad_lr.random.float32_math import fma32

needs_openblas = pytest.mark.skipif(not _blas.AXPY, reason="NumPy without OpenBLAS: the updates round twice")


def _steps(module, name: str, settings: dict, dtype: type, sizes: tuple[int, ...], steps: int = 6) -> list:
    """``steps`` updates of parameters of ``sizes`` elements from the same gradients; params and state."""
    rng = np.random.default_rng(3)
    params = [module.tensor(rng.standard_normal(n).astype(dtype), requires_grad=True) for n in sizes]
    optimizer = getattr(module.optim, name)(params, **settings)
    for _ in range(steps):
        for p in params:
            p.grad = module.tensor(rng.standard_normal(tuple(p.shape)).astype(dtype))
        optimizer.step()
    state = [{k: np.asarray(v.numpy() if hasattr(v, "numpy") else v) for k, v in optimizer.state[p].items()}
             for p in params]
    return [p.detach().numpy() for p in params], state


def _assert_same_bits(ours: tuple, theirs: tuple) -> None:
    """The parameters and every state entry of two ``_steps`` runs are equal to the bit."""
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(ours[1], theirs[1]):
        assert a.keys() == b.keys()
        for key in b:
            np.testing.assert_array_equal(a[key], b[key])


SGD = [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, nesterov=True),
       dict(lr=0.05, momentum=0.8, dampening=0.3), dict(lr=0.1, weight_decay=5e-4),
       dict(lr=0.01, momentum=0.9, weight_decay=5e-4), dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
       dict(lr=0.1, maximize=True, weight_decay=0.02)]


@needs_openblas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("settings", SGD, ids=[str(s) for s in SGD])
def test_sgd_matches_torch_to_the_bit(settings: dict, dtype: type) -> None:
    """Every variant, for parameters of one element up to past BLAS' vector blocks (5,003)."""
    _assert_same_bits(_steps(tinygrad_lr, "SGD", settings, dtype, (1, 7, 10, 300, 5003)),
                      _steps(torch, "SGD", settings, dtype, (1, 7, 10, 300, 5003)))


LERPS = [("Adamax", dict(lr=0.01)), ("Adamax", dict(lr=0.01, betas=(0.3, 0.99), weight_decay=0.1)),
         ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, betas=(0.2, 0.99))), ("NAdam", dict(lr=0.01)),
         ("RAdam", dict(lr=0.01, weight_decay=0.01)), ("AdamW", dict(lr=0.01))]


@needs_openblas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, settings", LERPS, ids=[f"{n}-{s}" for n, s in LERPS])
def test_running_averages_match_torch_to_the_bit(name: str, settings: dict, dtype: type) -> None:
    """``exp_avg`` (``lerp_``, both of its forms) is PyTorch's to the bit; Adamax, which takes no
    square root, is exact all through."""
    ours, our_state = _steps(tinygrad_lr, name, settings, dtype, (9, 2000))
    theirs, their_state = _steps(torch, name, settings, dtype, (9, 2000))
    for a, b in zip(our_state, their_state):
        np.testing.assert_array_equal(a["exp_avg"], b["exp_avg"])
    if name == "Adamax":
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b)


@needs_openblas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_rounds_once(dtype: type) -> None:
    """OpenBLAS' axpy is a correctly rounded y + a·x for every length (vector blocks and tails):
    checked against exact rational arithmetic."""
    rng = np.random.default_rng(4)
    for n in (1, 3, 8, 13, 31, 64, 257):
        x, y = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
        alpha = float(dtype(-0.0123))
        out = y.copy()
        _axpy.add_scaled_(np, out, alpha, x, None)
        if dtype == np.float32:  # the exact product fits float64; fma32 rounds the sum once, midpoints included
            exact = fma32(np.float32(alpha), x, y)
        else:
            exact = np.array([float(Fraction(float(b)) + Fraction(alpha) * Fraction(float(a))) for a, b in zip(x, y)])
        np.testing.assert_array_equal(out, exact)


EXACT = [("Adamax", dict(lr=0.01, weight_decay=0.01)), ("ASGD", dict(lr=0.01)),
         ("ASGD", dict(lr=0.01, t0=2, weight_decay=0.01)), ("Rprop", dict(lr=0.01))]


@needs_openblas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, settings", EXACT, ids=[f"{n}-{s}" for n, s in EXACT])
def test_optimizers_without_square_roots_match_torch_to_the_bit(name: str, settings: dict, dtype: type) -> None:
    _assert_same_bits(_steps(tinygrad_lr, name, settings, dtype, (1, 9, 2000)),
                      _steps(torch, name, settings, dtype, (1, 9, 2000)))
