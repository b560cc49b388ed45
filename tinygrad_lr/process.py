"""Process-wide settings PyTorch scripts touch: threads, determinism, matmul precision, ``torch.compile``.

tinygrad_lr's heavy lifting is NumPy's BLAS (matrix products, hence linear layers and convolutions), so
``set_num_threads`` limits the BLAS thread pools, through ``threadpoolctl`` when it is installed (the
framework depends on NumPy alone; without threadpoolctl the number is remembered and a warning says it
cannot take effect). The other switches are kept and reported back exactly as PyTorch reports them:
tinygrad_lr's NumPy kernels are already deterministic and compute float32 products in full float32.
"""
from __future__ import annotations

import functools
import os
import warnings
from typing import Any, Callable

_num_threads: int | None = None
_num_interop_threads: int | None = None
_deterministic = {"mode": False, "warn_only": False}
_MATMUL_PRECISIONS = ("highest", "high", "medium")
_matmul_precision = "highest"


def _threadpoolctl() -> Any:
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


@functools.lru_cache(maxsize=1)
def _controller() -> Any:
    return _threadpoolctl().ThreadpoolController()


def set_num_threads(n: int) -> None:
    """Use at most ``n`` threads for intra-op work: NumPy's BLAS pools here (PyTorch: its OpenMP pool)."""
    global _num_threads
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"set_num_threads(): argument 'int' (position 1) must be int, not {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _num_threads = n
    if _threadpoolctl() is None:
        warnings.warn("set_num_threads: threadpoolctl is not installed, so NumPy's BLAS keeps its own thread "
                      "count (pip install threadpoolctl, or set OPENBLAS_NUM_THREADS before starting Python)",
                      stacklevel=2)
        return
    _controller().limit(limits=n, user_api="blas")


def get_num_threads() -> int:
    """What ``set_num_threads`` set, else the BLAS pools' thread count (else the CPU count)."""
    if _num_threads is not None:
        return _num_threads
    if _threadpoolctl() is not None:
        counts = [pool.num_threads for pool in _controller().select(user_api="blas").lib_controllers]
        if counts:
            return max(counts)
    return os.cpu_count() or 1


def set_num_interop_threads(n: int) -> None:
    """Remembered only: tinygrad_lr runs no inter-op thread pool. Settable once, as in PyTorch."""
    global _num_interop_threads
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"set_num_interop_threads(): argument 'int' (position 1) must be int, not {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _num_interop_threads is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _num_interop_threads = n


def get_num_interop_threads() -> int:
    return _num_interop_threads if _num_interop_threads is not None else (os.cpu_count() or 1)


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Recorded and reported back; every tinygrad_lr kernel on NumPy is deterministic already."""
    if not isinstance(mode, bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    _deterministic.update(mode=mode, warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _deterministic["warn_only"]


def set_float32_matmul_precision(precision: str) -> None:
    """PyTorch's TF32 switch. Reported back only: NumPy (and CuPy as used here) multiply float32 in full
    float32, which every setting allows. An unknown name warns and changes nothing, as in PyTorch."""
    global _matmul_precision
    if precision not in _MATMUL_PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _matmul_precision = precision


def get_float32_matmul_precision() -> str:
    return _matmul_precision


def compile(model: Callable | None = None, *, fullgraph: bool = False, dynamic: bool | None = None,  # noqa: A001
            backend: Any = None, mode: str | None = None, options: dict | None = None, name: str | None = None,
            disable: bool = False, **more: Any) -> Any:
    """``torch.compile`` without a compiler: the same numbers, eagerly.

    PyTorch traces the model and fuses its graph into faster kernels that compute the same results.
    Here a module comes back wrapped as PyTorch wraps it (``compiled.OptimizedModule``: its state dict
    keys start with ``_orig_mod.``, attributes reach the model), a function comes back as it is, and
    ``@torch.compile(...)`` gives a decorator doing the same, so course code runs and prints alike."""
    if model is None:
        return lambda fn: compile(fn, disable=disable)
    if disable:
        return model
    from .nn.module import Module  # nn sits above this module; imported when a model is compiled
    if isinstance(model, Module):
        from .compiled import OptimizedModule
        return OptimizedModule(model)
    return model
