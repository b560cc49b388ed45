"""``y += alpha * x`` in place with one rounding: the fused multiply-add inside every optimizer.

PyTorch's CPU kernels for ``add(other, alpha=a)``, ``add_(other, alpha=a)`` and ``lerp_`` compute
``x * alpha + y`` as one fused multiply-add (FMA: the product is not rounded before the sum). SGD
(``param.add_(grad, alpha=-lr)``, the momentum buffer's ``add_(grad, alpha=1 - dampening)``, the
Nesterov step, weight decay's ``grad.add(param, alpha=weight_decay)``) and every running average
(``lerp_``) are made of them, so to print PyTorch's numbers the update must round once too. NumPy has
no FMA, but NumPy's PyPI wheels ship OpenBLAS, whose ``cblas_saxpy``/``cblas_daxpy`` do exactly
``y += alpha * x`` with FMA instructions, for every length (checked bit for bit against an exact
float32 FMA, lengths 1 to 5,000). It is also one pass over memory where NumPy's
``y += np.multiply(x, alpha, out=scratch)`` makes two (memory-bound: on the lecture MLP's 670k
float32 parameters, one thread, a loaded 2-core Xeon, 300-640 µs for axpy, 1,000-1,300 µs for the
two passes, 370-580 µs for PyTorch). On small arrays the foreign call costs more than it saves
(512 floats: 3.5 µs against 1.7 µs for the two passes; ~5 µs of a 1.1 ms batch-1 MLP step for its
three biases); it is taken anyway, for the bits.

The fused path takes only what it can do exactly: NumPy float32 or float64 arrays of one layout,
contiguous, not overlapping. Everything else (CuPy, other dtypes, strided views, a NumPy without
OpenBLAS) takes the plain path, two roundings: equal to PyTorch's result within an ulp.
"""
from __future__ import annotations

from typing import Any

from .._blas import axpy_


def add_scaled_(xp: Any, y: Any, alpha: float, x: Any, scratch: Any) -> None:
    """``y += alpha * x`` in place (``x`` unchanged), rounded once where OpenBLAS can. ``xp`` is the
    array module; ``scratch`` an array like ``y`` that the plain path may overwrite (it may be ``x``
    itself when the caller no longer needs ``x``)."""
    if not axpy_(y, alpha, x):
        y += xp.multiply(x, alpha, out=scratch)  # the plain path: two roundings, two passes


def added_scaled(xp: Any, a: Any, alpha: float, b: Any, out: Any) -> Any:
    """``a + alpha * b`` into ``out`` (PyTorch's ``a.add(b, alpha=alpha)``, one rounding where
    ``add_scaled_`` can); ``out`` must not be ``b``. Returns ``out``."""
    if out is not a:
        out[...] = a
    add_scaled_(xp, out, alpha, b, None)
    return out
