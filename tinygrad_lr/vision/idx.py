"""The IDX file format of MNIST and Fashion-MNIST, read and written with NumPy.

An IDX file is a big-endian header and then the raw array: two zero bytes, one byte naming the
element type (0x08 = unsigned byte, the only one these datasets use, and the others of the
format), one byte with the number of dimensions, one 4-byte size per dimension, then the values
in row-major order. Files may be gzipped (``.gz``).
"""
from __future__ import annotations

import gzip
import os

import numpy as np

# type byte -> big-endian NumPy dtype
TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
         0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def _open(path: str):
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def read_idx(path: str) -> np.ndarray:
    """The array stored in an IDX file (gzipped when ``path`` ends in ``.gz``), in native byte order."""
    with _open(path) as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in TYPES:
        raise ValueError(f"{path} is not an IDX file (its first bytes are {raw[:4]!r})")
    dtype, ndim = TYPES[raw[2]], raw[3]
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    count = int(np.prod(shape))
    offset = 4 + 4 * ndim
    if len(raw) - offset != count * dtype.itemsize:
        raise ValueError(f"{path}: the header says {shape} ({count * dtype.itemsize} bytes of data) "
                         f"but {len(raw) - offset} bytes follow it")
    return np.frombuffer(raw, dtype=dtype, offset=offset).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file (gzipped when ``path`` ends in ``.gz``)."""
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in TYPES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(f"IDX has no element type for {array.dtype}")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with (gzip.open(path, "wb") if path.endswith(".gz") else open(path, "wb")) as f:
        f.write(header + array.astype(TYPES[code]).tobytes())
