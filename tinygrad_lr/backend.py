"""The array backend: NumPy on the CPU, CuPy on CUDA, chosen by a tensor's device.

Op code never imports NumPy or CuPy itself; it asks for ``xp`` (the array module of its inputs'
device) and calls ``xp.exp``, ``xp.matmul`` and so on. CuPy mirrors NumPy's API, so the same op
code runs on both. The few places where the two differ (scatter-add, no-copy reshape) live here.
"""
from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

import numpy as np

from ._cascade_sum import leading_sum

# NumPy warns (RuntimeWarning) on floating-point events -- x / 0, log(0), overflow, inf - inf -- where
# PyTorch silently returns inf or nan. Ops run with those warnings off. NumPy 2 keeps its error modes
# (np.errstate) in a context variable; setting it directly costs ~0.1 µs where np.errstate costs ~2 µs,
# and an op takes ~8 µs in all. Each op puts the caller's modes back when it returns, so the user's own
# NumPy code warns as before. CuPy never warns.
try:
    from numpy._core.umath import _extobj_contextvar
except ImportError:  # NumPy 1.x: the public, slower way
    def quiet_floating_point_errors() -> Any:
        """Silence NumPy's floating-point warnings; returns what ``restore_floating_point_errors`` needs."""
        return np.seterr(all="ignore")

    def restore_floating_point_errors(token: Any) -> None:
        np.seterr(**token)
else:
    with np.errstate(all="ignore"):
        quiet_floating_point_errors = functools.partial(_extobj_contextvar.set, _extobj_contextvar.get())
    restore_floating_point_errors = _extobj_contextvar.reset


class quiet_floating_point:
    """``with quiet_floating_point():`` -- the two calls above around a block (a backward pass)."""

    def __enter__(self) -> None:
        self.token = quiet_floating_point_errors()

    def __exit__(self, *exc: object) -> None:
        restore_floating_point_errors(self.token)


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed blocks for reuse instead of handing them back to the OS.

    A training step allocates and frees the same tens of MiB every step (im2col columns, saved
    activations). By default glibc serves blocks above its mmap threshold with fresh mappings and
    trims the top of the heap on free, so every step page-faults its memory in again: ~2,900 fresh
    pages (11 MiB) per LeNet step at batch 64, 17.7 ms instead of 7.0 ms. A fixed 32 MiB mmap
    threshold and a 256 MiB trim threshold keep that memory mapped (PyTorch's CPU allocator
    similarly holds on to its blocks). Only on glibc; returns whether the settings were applied.
    """
    import ctypes
    import ctypes.util
    import platform
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        return bool(libc.mallopt(M_MMAP_THRESHOLD, 32 * 2**20)) and bool(libc.mallopt(M_TRIM_THRESHOLD, 256 * 2**20))
    except (OSError, AttributeError):
        return False


keep_freed_memory()


class device:
    """A PyTorch-style device: ``device("cpu")``, ``device("cuda")``, ``device("cuda:0")``."""

    __slots__ = ("type", "index")

    def __init__(self, spec: "str | device", index: int | None = None) -> None:
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"device() expected a string, got {type(spec).__name__}")
        kind, colon, idx = spec.partition(":")
        if kind not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {spec}")
        if colon and not (idx == "0" or (idx[:1] in "123456789" and idx.isdigit() and idx.isascii())):
            raise RuntimeError(f"Invalid device string: '{spec}'")  # PyTorch takes only 0 or [1-9][0-9]*
        if index is not None and colon:
            raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {spec}")
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = kind
        self.index = int(idx) if idx else index  # device("cuda") keeps no index, as torch's (prints 'cuda')

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def to_device(spec: Any) -> device:
    """Where a tensor lives: tensors always report a concrete CUDA device (``cuda:0`` for ``"cuda"``),
    as torch's do."""
    if spec is None:
        return CPU
    if isinstance(spec, int):
        return device("cuda", spec)
    if not isinstance(spec, device):
        spec = device(str(spec) if hasattr(spec, "type") and hasattr(spec, "index") else spec)  # a torch.device
    if spec.type == "cuda" and spec.index is None:
        return device("cuda", 0)
    return spec


@functools.lru_cache(maxsize=None)
def cupy_module() -> ModuleType | None:
    """CuPy if it imports and sees at least one GPU, else None (never raises)."""
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
    except Exception:
        return None
    from . import _kernels  # the fused kernels (one launch for a chain of elementwise ops) on CuPy arrays
    _kernels.FUSED[cupy] = _kernels.Kernels(cupy, _kernels.no_contraction(cupy.ElementwiseKernel))
    return cupy


def cuda_unavailable() -> Exception:
    """The error PyTorch raises for CUDA work where there is none. Here CuPy stands for torch's CUDA
    build: without CuPy it is a CPU-only build's ``AssertionError`` (install ``tinygrad_lr[cuda]``);
    with CuPy but no usable GPU, a CUDA build's ``RuntimeError``."""
    import importlib.util
    if importlib.util.find_spec("cupy") is None:
        return AssertionError("Torch not compiled with CUDA enabled")
    return RuntimeError("No CUDA GPUs are available")


def array_module(dev: device) -> ModuleType:
    if dev.type == "cpu":
        return np
    cupy = cupy_module()
    if cupy is None:
        raise cuda_unavailable()
    return cupy


def device_of_array(array: Any) -> device:
    if isinstance(array, np.ndarray):
        return CPU
    return device("cuda", int(array.device.id))


def move(array: Any, dev: device) -> Any:
    """Copy an array to ``dev`` (a no-op when it is already there)."""
    if dev.type == "cpu":
        if isinstance(array, np.ndarray):
            return array
        return array.get()
    cupy = array_module(dev)
    with cupy.cuda.Device(dev.index or 0):
        return cupy.asarray(array)


def scatter_add(xp: ModuleType, target: Any, index: Any, values: Any) -> None:
    """``target[index] += values`` where repeated indices accumulate (unlike plain ``+=``)."""
    if xp is np:
        np.add.at(target, index, values)
    else:
        import cupyx
        cupyx.scatter_add(target, index, values)


def sum_leading(array: Any, count: int) -> Any:
    """Sum over the first ``count`` axes (a bias gradient: the column sums of out_grad).

    NumPy sums in place of its own. On CuPy this is a matrix product with a ones vector instead:
    CuPy's reduction kernel over a long leading axis was ~15x slower than cuBLAS on an H100
    (1.55 vs 0.10 ms for 65536 x 512 floats), and it sat in every Linear layer's backward.
    """
    if isinstance(array, np.ndarray):
        # in PyTorch's order of additions where _cascade_sum reproduces it (printed numbers agree)
        out = leading_sum(array, count)
        return array.sum(axis=tuple(range(count))) if out is None else out
    import cupy
    rest = array.shape[count:]
    rows = array.reshape(-1, int(np.prod(rest, dtype=np.int64)))
    return (cupy.ones(rows.shape[0], dtype=array.dtype) @ rows).reshape(rest)


def indices_below(indices: Any, bound: int) -> bool:
    """Whether every entry of a non-empty signed-integer array lies in [0, bound). Seen as unsigned,
    a negative index is above 2^(bits-1), so one max checks both ends: one pass instead of a min and
    a max (1.6 vs 2.3 µs at batch 1), and on a GPU one wait for the device instead of two."""
    unsigned = np.dtype(f"u{indices.dtype.itemsize}")
    return bool(indices.view(unsigned).max() < bound)


def reshape_view(array: Any, shape: tuple[int, ...]) -> Any:
    """Reshape without copying, or raise like ``torch.Tensor.view`` when the strides forbid it."""
    if isinstance(array, np.ndarray):
        try:
            return np.reshape(array, shape, copy=False)
        except ValueError:
            pass
    elif array.flags.c_contiguous or tuple(array.shape) == tuple(shape):
        return array.reshape(shape)
    raise RuntimeError(
        "view size is not compatible with input tensor's size and stride (at least one dimension "
        "spans across two contiguous subspaces). Use .reshape(...) instead.")


def erf_family(xp: ModuleType, name: str, array: Any) -> Any:
    """``erf``/``erfc``/``erfinv`` of an array in its own dtype. NumPy has no error function: on the CPU
    ``_erf`` evaluates Cody's rational approximations on whole arrays; CuPy has vectorised
    kernels in ``cupyx.scipy.special``."""
    if xp is np:
        if name == "erfinv":
            return _erfinv_numpy(array)
        from ._erf import erf_and_erfc
        return erf_and_erfc(np.asarray(array), name)
    import cupyx.scipy.special
    return getattr(cupyx.scipy.special, name)(array)


def _erfinv_numpy(y: np.ndarray) -> np.ndarray:
    """The inverse error function: Giles' polynomial guess (single precision), then two Newton
    steps x -= (erf x - y) / (2/√π · e^(-x²)) in float64, which bring it to double precision."""
    y64 = y.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1 - y64) * (1 + y64))
        central, tail = w - 2.5, np.sqrt(w) - 3
        p_central, p_tail = 2.81022636e-08, -0.000200214257
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941):
            p_central = c + p_central * central
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                  0.00943887047, 1.00167406, 2.83297682):
            p_tail = c + p_tail * tail
        x = np.where(w < 5, p_central, p_tail) * y64
        inside = np.abs(y64) < 1
        for _ in range(2):
            step = (erf_family(np, "erf", np.where(inside, x, 0)) - y64) / (1.1283791670955126 * np.exp(-x * x))
            x = np.where(inside, x - step, x)
        x = np.where(np.abs(y64) == 1, np.copysign(np.inf, y64), np.where(np.abs(y64) > 1, np.nan, x))
    return x.astype(y.dtype, copy=False)


def scatter_reduce_into(xp: ModuleType, target: Any, index: Any, values: Any, reduce: str) -> None:
    """``target[index] = reduce(target[index], values)`` with repeated indices all applied:
    reduce is "add", "multiply", "maximum" or "minimum" (NumPy's ufunc ``.at``; CuPy's
    ``cupyx.scatter_*``, which has no product)."""
    if xp is np:
        getattr(np, reduce).at(target, index, values)
        return
    import cupyx
    kernels = {"add": cupyx.scatter_add, "maximum": cupyx.scatter_max, "minimum": cupyx.scatter_min}
    if reduce not in kernels:
        raise NotImplementedError(f"scatter_reduce with a {reduce} reduction is not supported on CUDA")
    kernels[reduce](target, index, values)


def stable_argsort(xp: ModuleType, array: Any, axis: int) -> Any:
    """Positions that sort ``array`` along ``axis``, equal values kept in their original order
    (NaN last). CuPy's argsort is a stable radix sort already and takes no ``kind``."""
    if xp is np:
        return np.argsort(array, axis=axis, kind="stable")
    return xp.argsort(array, axis=axis)


def gamma_family(xp: ModuleType, name: str, array: Any) -> Any:
    """``lgamma``, ``digamma`` (ψ) or ``trigamma`` (ψ') of an array in its own dtype: CuPy's
    ``cupyx.scipy.special`` kernels, or on the CPU Python's ``math.lgamma`` per element and the
    series in ``_polygamma_numpy``."""
    if xp is not np:
        import cupyx.scipy.special as special
        if name == "trigamma":
            return special.polygamma(xp.asarray(1, dtype=array.dtype), array)
        return special.gammaln(array) if name == "lgamma" else special.digamma(array)
    if name != "lgamma":
        return _polygamma_numpy(array.astype(np.float64), name == "trigamma").astype(array.dtype, copy=False)
    import math

    def lgamma(x: float) -> float:
        try:
            return math.lgamma(x)
        except ValueError:  # the poles 0, -1, -2, ...
            return math.inf
    values = np.frompyfunc(lgamma, 1, 1)(array.astype(np.float64))
    return np.asarray(values, dtype=np.float64).astype(array.dtype, copy=False)


def _polygamma_numpy(x: np.ndarray, trigamma: bool) -> np.ndarray:
    """ψ(x) or ψ'(x) in float64: reflection for x < 1/2, the recurrence ψ(x) = ψ(x + 1) − 1/x
    (ψ'(x) = ψ'(x + 1) + 1/x²) up to x >= 7, then the asymptotic (Bernoulli) series."""
    with np.errstate(divide="ignore", invalid="ignore"):
        reflect = x < 0.5
        z = np.where(reflect, 1 - x, x)
        total = np.zeros_like(z)
        for _ in range(7):
            small = z < 7
            total = total + np.where(small, (1 / (z * z)) if trigamma else (-1 / z), 0)
            z = np.where(small, z + 1, z)
        inv = 1 / z
        inv2 = inv * inv
        if trigamma:
            series = inv + inv2 / 2 + inv * inv2 * (1 / 6 + inv2 * (-1 / 30 + inv2 * (1 / 42 + inv2 * (
                -1 / 30 + inv2 * (5 / 66 + inv2 * (-691 / 2730 + inv2 * 7 / 6))))))
            value = total + series
            sine = np.sin(np.pi * x)
            value = np.where(reflect, np.pi ** 2 / (sine * sine) - value, value)
        else:
            series = np.log(z) - inv / 2 - inv2 * (1 / 12 + inv2 * (-1 / 120 + inv2 * (1 / 252 + inv2 * (
                -1 / 240 + inv2 * (1 / 132 + inv2 * (-691 / 32760 + inv2 / 12))))))
            value = total + series
            value = np.where(reflect, value - np.pi / np.tan(np.pi * x), value)
            value = np.where(x == 0, -np.inf, value)
        return np.where((x <= 0) & (x == np.floor(x)) & (x != 0) | np.isnan(x), np.nan, value) if not trigamma \
            else np.where((x <= 0) & (x == np.floor(x)), np.inf, value)


def strided_view(array: Any, shape: tuple[int, ...], strides: tuple[int, ...]) -> Any:
    """A writable view of ``array``'s memory with other shape and strides (in bytes), whose
    ``base`` is the array that owns the memory (so the in-place machinery sees a view, as a
    diagonal is in PyTorch); None where that cannot be made (memory not owned by an array): the
    caller copies then. On CuPy, ``as_strided`` makes the same kind of view (its ``base`` is the
    array)."""
    if not isinstance(array, np.ndarray):
        stride_tricks = getattr(getattr(cupy_module(), "lib", None), "stride_tricks", None)
        if stride_tricks is None:
            return None
        return stride_tricks.as_strided(array, shape=shape, strides=strides)
    owner = array if array.base is None else array.base
    if not isinstance(owner, np.ndarray) or owner.base is not None:
        return None
    offset = array.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    try:
        return np.ndarray(shape, array.dtype, buffer=owner, offset=offset, strides=strides)
    except (TypeError, ValueError):  # e.g. an owner that is not contiguous
        return None
