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


class device:
    """A PyTorch-style device: ``device("cpu")``, ``device("cuda")``, ``device("cuda:0")``."""

    __slots__ = ("type", "index")

    def __init__(self, spec: "str | device", index: int | None = None) -> None:
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"device() expected a string, got {type(spec).__name__}")
        kind, _, idx = spec.partition(":")
        if kind not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {spec}")
        self.type = kind
        self.index = int(idx) if idx else index
        if self.type == "cuda" and self.index is None:
            self.index = 0  # tensors always report a concrete CUDA device, as torch's do

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
    if spec is None:
        return CPU
    if isinstance(spec, device):
        return spec
    if isinstance(spec, int):
        return device("cuda", spec)
    if hasattr(spec, "type") and hasattr(spec, "index"):  # a torch.device
        return device(str(spec))
    return device(spec)


@functools.lru_cache(maxsize=None)
def cupy_module() -> ModuleType | None:
    """CuPy if it imports and sees at least one GPU, else None (never raises)."""
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
        return cupy
    except Exception:
        return None


def array_module(dev: device) -> ModuleType:
    if dev.type == "cpu":
        return np
    cupy = cupy_module()
    if cupy is None:
        raise RuntimeError("Torch not compiled with CUDA enabled: tinygrad_lr needs CuPy and an "
                           "NVIDIA GPU for device='cuda' (pip install 'tinygrad_lr[cuda]')")
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
        return array.sum(axis=tuple(range(count)))
    import cupy
    rest = array.shape[count:]
    rows = array.reshape(-1, int(np.prod(rest, dtype=np.int64)))
    return (cupy.ones(rows.shape[0], dtype=array.dtype) @ rows).reshape(rest)


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
