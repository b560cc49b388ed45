"""``torch.cuda``'s questions, answered through CuPy (the optional CUDA backend)."""
from __future__ import annotations

from .backend import cuda_unavailable, cupy_module


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
    """Seed the GPU's generator (CuPy's, used for draws made on a CUDA device) and only it: the CPU
    stream is untouched, as in PyTorch. Without a GPU there is nothing to seed (PyTorch queues the seed
    for a GPU that never comes)."""
    cupy = cupy_module()
    if cupy is not None:
        from .random import default_generator
        default_generator._cupy_state = cupy.random.RandomState(int(seed) % 2 ** 32)
        cupy.random.seed(int(seed) % 2 ** 32)


manual_seed_all = manual_seed  # one GPU generator serves every device here


def empty_cache() -> None:
    """Give CuPy's cached, unused GPU memory back to the driver (nothing to do without a GPU)."""
    cupy = cupy_module()
    if cupy is not None:
        cupy.get_default_memory_pool().free_all_blocks()


def memory_allocated(device: object = None) -> int:
    """Bytes of GPU memory held by live arrays (CuPy's memory pool); 0 without a GPU."""
    cupy = cupy_module()
    return 0 if cupy is None else int(cupy.get_default_memory_pool().used_bytes())


def memory_reserved(device: object = None) -> int:
    """Bytes CuPy's memory pool holds from the driver, used or cached; 0 without a GPU."""
    cupy = cupy_module()
    return 0 if cupy is None else int(cupy.get_default_memory_pool().total_bytes())


def _require():
    cupy = cupy_module()
    if cupy is None:
        raise cuda_unavailable()
    return cupy
