"""What the numbers were measured on: CPU, GPU, library versions and thread counts."""
from __future__ import annotations

import os
import platform
from typing import Any

import numpy as np

from compare.devices import cpu_model

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_PROC_BIND")


def _memory_total() -> int | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _numpy_blas() -> dict[str, Any]:
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return {"name": blas.get("name"), "version": blas.get("version")}
    except Exception:
        return {}


def _blas_threads() -> Any:
    """BLAS thread pools as threadpoolctl reports them when it is installed, else NumPy's bundled
    OpenBLAS asked directly (the wheels from PyPI ship ``numpy.libs/libscipy_openblas*.so``)."""
    try:
        from threadpoolctl import threadpool_info
        return [{"api": p.get("internal_api"), "threads": p.get("num_threads"), "library": p.get("filepath")}
                for p in threadpool_info()]
    except ImportError:
        pass
    import ctypes
    import glob
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads", "openblas_get_num_threads"):
            getter = getattr(lib, name, None)
            if getter is not None:
                return [{"api": "openblas", "threads": int(getter()), "library": os.path.basename(path)}]
    return "unknown (install threadpoolctl to see BLAS threads)"


def describe(devices: list[str]) -> dict[str, Any]:
    import torch

    import tinygrad_lr

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": {"model": cpu_model(), "logical_cores": os.cpu_count(),
                "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                "memory_bytes": _memory_total()},
        "versions": {"tinygrad_lr": tinygrad_lr.__version__, "numpy": np.__version__, "torch": torch.__version__},
        "numpy_blas": _numpy_blas(),
        "threads": {"torch_intra_op": torch.get_num_threads(), "torch_inter_op": torch.get_num_interop_threads(),
                    "blas": _blas_threads(),
                    "environment": {k: os.environ.get(k) for k in THREAD_VARIABLES}},
    }
    if "cuda" in devices:
        gpu: dict[str, Any] = {}
        if torch.cuda.is_available():
            gpu["torch_device"] = torch.cuda.get_device_name(0)
            gpu["torch_cuda"] = torch.version.cuda
        try:
            from tinygrad_lr.backend import cupy_module
            cupy = cupy_module()
            if cupy is not None:
                name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
                gpu["cupy_device"] = name.decode() if isinstance(name, bytes) else name
                info["versions"]["cupy"] = cupy.__version__
                gpu["cuda_runtime"] = cupy.cuda.runtime.runtimeGetVersion()
        except Exception as e:  # describe what we can; never fail the run over it
            gpu["cupy_error"] = repr(e)
        info["gpu"] = gpu
    return info


def summary_line(info: dict[str, Any]) -> str:
    cpu, threads = info["cpu"], info["threads"]
    line = (f"{cpu['model']}, {cpu['usable_cores']} cores; Python {info['python']}, "
            f"NumPy {info['versions']['numpy']} ({info['numpy_blas'].get('name', '?')}), "
            f"torch {info['versions']['torch']} ({threads['torch_intra_op']} threads)")
    if isinstance(threads["blas"], list) and threads["blas"]:
        line += f", BLAS {threads['blas'][0]['threads']} threads"
    if "gpu" in info:
        line += f"; GPU {info['gpu'].get('torch_device') or info['gpu'].get('cupy_device', 'none')}"
    return line
