"""``y += alpha * x`` in place, in one pass over memory where we can: the update of every optimizer.

The plain NumPy spelling, ``y -= np.multiply(x, lr, out=scratch)``, makes two passes: one writes
``lr * x`` to a scratch array, one reads it back with ``y``. The update is memory-bound, so that
costs about twice PyTorch's ``p.add_(g, alpha=-lr)``. NumPy has no fused multiply-add, but NumPy's
PyPI wheels ship OpenBLAS, whose ``cblas_saxpy``/``cblas_daxpy`` do exactly ``y += alpha * x`` in
one pass (with FMA, as PyTorch's CPU kernel does). Measured on the lecture MLP's 670k float32
parameters, one thread, a loaded 2-core Xeon: 1,000-1,300 µs for the two passes, 300-640 µs for
axpy, 370-580 µs for PyTorch. The fast path takes only what it can do exactly (NumPy float32 or
float64 arrays of one layout, contiguous, not overlapping); everything else (CuPy, other dtypes,
strided views, no OpenBLAS found) takes the plain path.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._blas import AXPY as _AXPY  # NumPy's bundled OpenBLAS axpy by dtype (empty without one)
from .._blas import address

_MIN_SIZE = 4096  # below this the ctypes call (~1 µs) costs more than the second pass saves


def add_scaled_(xp: Any, y: Any, alpha: float, x: Any, scratch: Any) -> None:
    """``y += alpha * x`` in place (``x`` unchanged); ``xp`` is the array module, ``scratch`` an
    array like ``y`` that the plain path may overwrite."""
    if (_AXPY and type(y) is np.ndarray and type(x) is np.ndarray and y.dtype == x.dtype
            and y.dtype in _AXPY and y.size >= _MIN_SIZE and y.shape == x.shape and y.strides == x.strides
            and (y.flags.c_contiguous or y.flags.f_contiguous) and y.flags.writeable
            and not np.may_share_memory(x, y)):
        _AXPY[y.dtype](y.size, alpha, address(x), 1, address(y), 1)
        return
    y += xp.multiply(x, alpha, out=scratch)  # the plain path: two passes
