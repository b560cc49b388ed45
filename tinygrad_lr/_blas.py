"""Two BLAS routines that NumPy does not expose, called in NumPy's own bundled OpenBLAS.

NumPy's PyPI wheels ship OpenBLAS (``numpy.libs/libscipy_openblas*.so``); NumPy calls its matrix
products but offers no Python spelling for two level-1/2 routines that the training step needs:

* ``axpy``: ``y += alpha * x`` in one pass over memory. NumPy's ``y -= lr * g`` makes two (it
  writes ``lr * g`` to a temporary and reads it back). The optimizers' update (``optim/_axpy.py``).
* ``ger``: ``A += alpha * x yᵀ``, the outer product. A Linear layer's weight gradient for one
  row is ``gᵀ x``; NumPy's ``dot`` does it with ``sgemm`` and ``k = 1``, which OpenBLAS runs at
  about half the memory bandwidth; ``ger`` on zeroed memory is ~20% faster (``ops/linalg.py``).

Both are found by name with ``ctypes``; when NumPy was built against another BLAS (conda's MKL,
a Linux distribution's package) ``AXPY``/``GER`` are empty and callers take their NumPy path.
"""
from __future__ import annotations

import ctypes
import glob
import os
from typing import Any, Callable

import numpy as np

_ROW_MAJOR = 101  # CBLAS_ORDER.CblasRowMajor


def _load() -> tuple[dict[Any, Callable], dict[Any, Callable]]:
    """``(axpy, ger)``: NumPy's bundled OpenBLAS functions by dtype (float32 and float64), or
    two empty dicts when there is no such library."""
    folder = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in sorted(glob.glob(os.path.join(folder, "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        axpy, ger = {}, {}
        for dtype, letter, scalar in ((np.dtype(np.float32), "s", ctypes.c_float),
                                      (np.dtype(np.float64), "d", ctypes.c_double)):
            for prefix in ("scipy_cblas_", "cblas_"):  # NumPy's build renames them (64-bit integers)
                fn = getattr(lib, f"{prefix}{letter}axpy64_", None)
                outer = getattr(lib, f"{prefix}{letter}ger64_", None)
                if fn is not None and outer is not None:
                    fn.argtypes = [ctypes.c_int64, scalar, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p,
                                   ctypes.c_int64]
                    fn.restype = None
                    outer.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, scalar, ctypes.c_void_p,
                                      ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p,
                                      ctypes.c_int64]
                    outer.restype = None
                    axpy[dtype], ger[dtype] = fn, outer
                    break
        if len(axpy) == 2:
            return axpy, ger
    return {}, {}


AXPY, GER = _load()

_as_bytes, _address_of = ctypes.c_char.from_buffer, ctypes.addressof


def address(array: np.ndarray) -> int:
    """The address of ``array``'s first byte. ``array.ctypes.data`` builds a helper object on every
    call (1.5 µs; a training step makes ~15 such calls); a ctypes view of a C-contiguous writable
    array gives the same address in 0.36 µs. Other arrays take ``ctypes.data``."""
    try:
        return _address_of(_as_bytes(array))
    except (TypeError, ValueError, BufferError):  # read-only, or not C-contiguous
        return array.ctypes.data


def axpy_(y: Any, alpha: float, x: Any) -> bool:
    """``y += alpha * x`` in place through OpenBLAS, one correctly rounded fused multiply-add per
    element, when it can take the arrays exactly: NumPy float32 or float64 of one dtype, shape and
    layout, contiguous, ``y`` writeable, not overlapping ``x``. Returns False (nothing done) otherwise."""
    if (AXPY and type(y) is np.ndarray and type(x) is np.ndarray and y.dtype == x.dtype
            and y.dtype in AXPY and y.shape == x.shape and y.strides == x.strides
            and (y.flags.c_contiguous or y.flags.f_contiguous) and y.flags.writeable
            and not np.may_share_memory(x, y)):
        AXPY[y.dtype](y.size, float(alpha), address(x), 1, address(y), 1)
        return True
    return False


def outer(x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """``x yᵀ`` for 1-D NumPy arrays of one float dtype, through ``ger`` on zeroed memory; None
    when the fast path does not apply (no OpenBLAS, another dtype, a non-finite value).

    Non-finite values go to NumPy: a BLAS may skip the multiply where an element is zero, and
    ``inf * 0`` must still give NaN there (IEEE, and PyTorch). Each product is rounded once, as
    in ``dot``: the results are equal to the bit (timings: ``ops/linalg.transposed_product``)."""
    dtype = x.dtype
    fn = GER.get(dtype)
    if fn is None or y.dtype != dtype or x.ndim != 1 or y.ndim != 1 or x.strides[0] <= 0 or y.strides[0] <= 0 \
            or x.strides[0] % dtype.itemsize or y.strides[0] % dtype.itemsize:
        return None
    if not np.isfinite(x.sum() + y.sum()):  # (any inf or NaN makes the sum non-finite; so may an overflow)
        return None
    rows, cols = x.shape[0], y.shape[0]
    out = np.zeros((rows, cols), dtype=dtype)
    if rows and cols:
        fn(_ROW_MAJOR, rows, cols, 1.0, address(x), x.strides[0] // dtype.itemsize,
           address(y), y.strides[0] // dtype.itemsize, address(out), cols)
    return out
