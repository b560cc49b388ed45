"""``torch.cuda``'s questions, answered through CuPy (the optional CUDA backend)."""
from __future__ import annotations

from .backend import cupy_module


def is_available() -> bool:
    """True when CuPy is installed and sees at least one GPU; never raises."""
    return cupy_module() is not None


def device_count() -> int:
    cupy = cupy_module()
    return 0 if cupy is None else int(cupy.cuda.runtime.getDeviceCount())


def current_device() -> int:
    cupy = _require()
    return int(cupy.cuda.Device().id)


def get_device_name(device: int = 0) -> str:
    cupy = _require()
    name = cupy.cuda.runtime.getDeviceProperties(int(device))["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def synchronize() -> None:
    """Wait until every queued GPU kernel has finished (needed before reading a clock)."""
    _require().cuda.Device().synchronize()


def manual_seed(seed: int) -> None:
    from .random import manual_seed as _seed
    _seed(seed)


manual_seed_all = manual_seed


def _require():
    cupy = cupy_module()
    if cupy is None:
        raise RuntimeError("Torch not compiled with CUDA enabled: tinygrad_lr needs CuPy and an NVIDIA GPU")
    return cupy
