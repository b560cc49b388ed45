"""How a benchmark is timed: contenders, interleaved rounds, medians with spread.

A *contender* is one thing that runs a workload: a framework on a device (``tinygrad_lr`` or
``torch``, on ``cpu`` or ``cuda``) or the hand-written NumPy/CuPy floor. Each workload builds one
``step`` callable per contender; ``time_interleaved`` then calls them in turn, round after round,
rotating the order, so that a slow drift of the machine (turbo, another process, a warm cache)
hits every contender alike instead of whichever happened to run last.

GPU work is asynchronous: a contender's ``sync`` waits for the device before the clock is read.
"""
from __future__ import annotations

import gc
import statistics
import sys
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

import numpy as np


@dataclass
class Contender:
    """One runner of a workload. ``fw`` is the framework namespace (``torch`` or ``tinygrad_lr``),
    or the array module (``numpy``/``cupy``) for the hand-written floor."""

    name: str  # "tinygrad_lr", "torch" or "floor"
    device: str  # "cpu" or "cuda"
    fw: ModuleType
    kind: str = "framework"  # "framework", "floor" or "pure-python" (micrograd, per-op table only)
    sync: Callable[[], None] = field(default=lambda: None)

    @property
    def label(self) -> str:
        if self.kind == "floor":
            return f"{'NumPy' if self.device == 'cpu' else 'CuPy'} floor"
        backend = {"tinygrad_lr": "NumPy" if self.device == "cpu" else "CuPy",
                   "micrograd": "pure Python"}.get(self.name)
        return f"{self.name} ({backend})" if backend else f"{self.name} {self.device.upper()}"

    @property
    def key(self) -> str:
        return f"{self.name}/{self.device}"


def available_contenders(device: str) -> list[Contender]:
    """The contenders that can run on ``device`` here ("cpu" or "cuda"); CUDA ones need a GPU."""
    import torch

    import tinygrad_lr
    from tinygrad_lr.backend import cupy_module

    if device == "cpu":
        return [Contender("tinygrad_lr", "cpu", tinygrad_lr),
                Contender("torch", "cpu", torch),
                Contender("floor", "cpu", np, kind="floor")]
    found = []
    cupy = cupy_module()
    if cupy is not None:
        cupy_sync = cupy.cuda.Device().synchronize
        found.append(Contender("tinygrad_lr", "cuda", tinygrad_lr, sync=cupy_sync))
    if torch.cuda.is_available():
        found.append(Contender("torch", "cuda", torch, sync=torch.cuda.synchronize))
    if cupy is not None:
        found.append(Contender("floor", "cuda", cupy, kind="floor", sync=cupy_sync))
    return found


CPU_PAUSE = 0.12  # seconds; run.py lowers it for --quick (a smoke test needs no quiet thread pools)


def switch_pause(device: str) -> float:
    """Seconds to wait between contenders (see ``time_interleaved``): only CPU thread pools clash."""
    return CPU_PAUSE if device == "cpu" else 0.0


def cuda_available() -> bool:
    import torch

    from tinygrad_lr.backend import cupy_module
    return torch.cuda.is_available() or cupy_module() is not None


# ------------------------------------------------------------------------------------- statistics

def summarize(times: list[float], rounds: list[float] | None = None) -> dict[str, Any]:
    """Median with the interquartile range and the extremes, in seconds; ``rounds`` (the median of
    each round's block, when the timing was interleaved) is kept as ``round_s`` for paired ratios."""
    ordered = sorted(times)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    out = {"median_s": statistics.median(ordered), "q1_s": q1, "q3_s": q3,
           "min_s": ordered[0], "max_s": ordered[-1], "n": len(ordered)}
    if rounds is not None:
        out["round_s"] = rounds
    return out


def paired_ratio(mine: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any] | None:
    """The ratio of two contenders timed in the same rounds: the median of the per-round ratios
    (round i of one over round i of the other), with their quartiles. Pairing cancels a drift of the
    machine that hits both alike within a round (another process starting), which the ratio of two
    overall medians does not. None when the two were not timed round by round together."""
    a, b = mine.get("round_s"), reference.get("round_s")
    if not a or not b or len(a) != len(b):
        return None
    ratios = sorted(x / y for x, y in zip(a, b))
    q1, q3 = (statistics.quantiles(ratios, n=4, method="inclusive")[0::2] if len(ratios) >= 2
              else (ratios[0], ratios[0]))
    return {"median": statistics.median(ratios), "q1": q1, "q3": q3, "rounds": len(ratios)}


class GcMeter:
    """Time spent in CPython's cyclic garbage collector while the meter is installed (``with``).

    Every Python object that can hold references (a Tensor, a graph node, a tuple of them) is
    tracked by the collector; a young-generation collection runs after every ~700 new tracked
    objects, and a full one whenever the objects that survived grew by a quarter. A graph of
    Python nodes keeps its objects alive until backward, so it pays for collections that torch's
    C++ graph never causes. ``seconds``/``collections`` are per generation (0, 1, 2 = full)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.collections = [0, 0, 0]
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            generation = info["generation"]
            self.seconds[generation] += time.perf_counter() - self._started
            self.collections[generation] += 1

    @property
    def total(self) -> float:
        return sum(self.seconds)

    def __enter__(self) -> "GcMeter":
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


@dataclass
class Budget:
    """How long to measure: ``warmup`` untimed calls each, then at least ``min_rounds`` rounds,
    then more rounds until ``seconds`` have passed or ``max_rounds`` are done. In a round each
    contender runs one block of about ``block_seconds`` (at least one call)."""

    warmup: int = 2
    min_rounds: int = 10
    max_rounds: int = 200
    seconds: float = 2.0
    block_seconds: float = 0.25


def time_interleaved(steps: dict[str, Callable[[], Any]], syncs: dict[str, Callable[[], None]],
                     budget: Budget, pause: float = 0.0) -> dict[str, dict[str, Any]]:
    """Time every ``steps[key]()`` (followed by ``syncs[key]()``), alternating the contenders.

    Contenders take turns in blocks of about ``budget.block_seconds``. Before each block we
    sleep ``pause`` seconds and make one untimed call: after a call, NumPy's OpenBLAS keeps its
    worker threads spinning for ~100 ms and torch's OpenMP for ~10 ms (measured on the 2-core
    machine), and on few cores those spinning threads steal a core from whichever library runs
    next, doubling its time. A real program does not switch libraries at every step, so we let
    the other library's threads go to sleep first. ``pause`` is 0 where thread pools don't clash
    (the GPU).

    Each result also has ``gc``: the garbage collector's time during the timed calls (mean per
    call, share of the time, full collections), which the medians hide when it comes in rare
    long pauses.
    """
    keys = list(steps)
    clock = time.perf_counter
    meter = GcMeter()
    in_gc = {key: [0.0, 0] for key in keys}  # seconds, full collections, over the timed calls

    def timed(key: str, counted: bool = False) -> float:
        gc_before, full_before = meter.total, meter.collections[2]
        t0 = clock()
        steps[key]()
        syncs[key]()
        elapsed = clock() - t0
        if counted:
            in_gc[key][0] += meter.total - gc_before
            in_gc[key][1] += meter.collections[2] - full_before
        return elapsed

    estimate = {}
    for key in keys:
        estimate[key] = min(timed(key) for _ in range(max(1, budget.warmup)))
    block = {key: max(1, min(100, round(budget.block_seconds / max(estimate[key], 1e-9)))) for key in keys}
    gc.collect()
    times: dict[str, list[float]] = {key: [] for key in keys}
    rounds_of: dict[str, list[float]] = {key: [] for key in keys}  # each round's block median
    start = clock()
    rounds = 0
    with meter:
        while rounds < budget.min_rounds or (rounds < budget.max_rounds and clock() - start < budget.seconds):
            shift = rounds % len(keys)  # rotate who goes first, so no contender always follows another
            for key in keys[shift:] + keys[:shift]:
                if pause:
                    time.sleep(pause)  # the previous contender's BLAS/OpenMP threads stop spinning
                timed(key)  # untimed: wakes this contender's own thread pool
                this_block = [timed(key, counted=True) for _ in range(block[key])]
                times[key] += this_block
                rounds_of[key].append(statistics.median(this_block))
            rounds += 1
    results = {}
    for key, values in times.items():
        results[key] = summarize(values, rounds_of[key])
        seconds, full = in_gc[key]
        results[key]["gc"] = {"mean_s_per_call": seconds / len(values), "share": seconds / sum(values),
                              "full_collections": full, "calls": len(values)}
    return results


def time_workload(tag: str, workload: str, steps: dict[str, Callable[[], Any]], runners: list[Contender],
                  device: str, budget: Budget, **extra: Any) -> list[dict[str, Any]]:
    """Time one workload's ``steps`` (one per runner) with ``time_interleaved``: a row per runner
    (contender, device, kind, label, workload, the ``extra`` fields, then its statistics), and a
    progress line headed ``tag``."""
    stats = time_interleaved(steps, {c.key: c.sync for c in runners}, budget, switch_pause(device))
    rows = [{"contender": c.name, "device": device, "kind": c.kind, "label": c.label, "workload": workload,
             **extra, **stats[c.key]} for c in runners]
    progress(f"  {tag} {workload}: " + ", ".join(f"{c.label} {fmt_time(stats[c.key]['median_s'])}" for c in runners))
    return rows


# ---------------------------------------------------------------------------------------- progress

_bar: Any = None  # the tqdm bar of the running benchmark, when stderr is a terminal


def progress(message: str) -> None:
    if _bar is not None:
        _bar.write(message, file=sys.stderr)  # above the bar, which stays at the bottom
    else:
        print(message, file=sys.stderr, flush=True)


def progress_bar(total: int, description: str) -> Any:
    """A tqdm bar on stderr when it is a terminal (``update()`` per step, ``close()`` at the end);
    a do-nothing stand-in when it is not, or when tqdm is not installed."""
    global _bar

    class _Silent:
        def update(self, n: int = 1) -> None:
            pass

        def close(self) -> None:
            pass

    try:
        from tqdm import tqdm
    except ImportError:
        return _Silent()
    if not sys.stderr.isatty():
        return _Silent()
    _bar = tqdm(total=total, desc=description, file=sys.stderr, leave=False)
    original_close = _bar.close

    def close() -> None:
        global _bar
        original_close()
        _bar = None
    _bar.close = close
    return _bar


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"
