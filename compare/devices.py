"""Device pairings: which backend of ours is compared with which PyTorch device, and whether the
machine has them.

("numpy", "torch-cpu")   ours on NumPy  vs torch on the CPU   (always available)
("cupy", "torch-cuda")   ours on CuPy   vs torch on CUDA      (needs CuPy, a GPU and a CUDA torch)
("numpy", "torch-cuda")  ours on NumPy  vs torch on CUDA      (needs a GPU and a CUDA torch)
"""
from __future__ import annotations

import platform
import sys
from typing import Any

OUR_DEVICE = {"numpy": "cpu", "cupy": "cuda"}
TORCH_DEVICE = {"torch-cpu": "cpu", "torch-cuda": "cuda"}


def pairing_name(pairing: tuple[str, str]) -> str:
    return f"{pairing[0]}/{pairing[1]}"


def device_type(pairing: tuple[str, str]) -> str:
    """"cuda" when either side computes on the GPU (that decides the tolerance), else "cpu"."""
    return "cuda" if "cuda" in (OUR_DEVICE[pairing[0]], TORCH_DEVICE[pairing[1]]) else "cpu"


def _torch_cuda() -> bool:
    import torch
    return bool(torch.cuda.is_available())


def _our_cuda() -> bool:
    import tinygrad_lr
    return bool(tinygrad_lr.cuda.is_available())


def unavailable_reason(pairing: tuple[str, str]) -> str | None:
    """None when the pairing can run here, else why not (shown to the user)."""
    reasons = []
    if pairing[0] == "cupy" and not _our_cuda():
        try:
            import cupy  # noqa: F401
            reasons.append("CuPy sees no GPU")
        except Exception:
            reasons.append("CuPy not installed")
    if pairing[1] == "torch-cuda" and not _torch_cuda():
        import torch
        reasons.append("torch is a CPU-only build" if torch.version.cuda is None else "torch sees no GPU")
    return "; ".join(reasons) or None


def select_pairings(device: str) -> tuple[list[tuple[str, str]], dict[tuple[str, str], str]]:
    """Pairings for ``--device cpu|cuda|all``: (runnable, {skipped: reason})."""
    from .registry import PAIRINGS
    wanted = [p for p in PAIRINGS if device == "all" or device_type(p) == device]
    runnable, skipped = [], {}
    for p in wanted:
        reason = unavailable_reason(p)
        if reason:
            skipped[p] = reason
        else:
            runnable.append(p)
    return runnable, skipped


def pin_true_float32() -> None:
    """Keep PyTorch's CUDA matmuls and convolutions in true float32 (no TF32, which keeps only 10
    mantissa bits and would differ from ours by ~1e-3)."""
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False


def environment() -> dict[str, Any]:
    """Versions and device names for the JSON report."""
    import numpy
    import torch

    import tinygrad_lr
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "torch": torch.__version__,
        "tinygrad_lr": tinygrad_lr.__version__,
        "torch_cuda": torch.version.cuda,
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "cupy": None,
        "cuda_runtime": None,
        "gpu": None,
    }
    try:
        import cupy
        info["cupy"] = cupy.__version__
        if _our_cuda():
            info["cuda_runtime"] = cupy.cuda.runtime.runtimeGetVersion()
            info["gpu"] = tinygrad_lr.cuda.get_device_name(0)
    except Exception:
        pass
    if info["gpu"] is None and _torch_cuda():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), for reports from several machines."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
