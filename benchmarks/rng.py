"""5. Random numbers: PyTorch's CPU stream reproduced in NumPy, against PyTorch itself.

The draws a course makes all the time: ``randn(10**6)`` in float32 and float64, ``rand(10**6)``,
``randperm(60_000)`` (one MNIST epoch's shuffle) and the default init of the 784-512-512-10 MLP.
The floor is NumPy's own generator making the same amount of numbers (a different stream: what
bit-exactness costs over it). CPU only: PyTorch's CUDA stream is not reproduced.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .harness import Budget, Contender, fmt_time, time_workload

FULL_BUDGET = Budget(warmup=2, min_rounds=10, max_rounds=100, seconds=3.0)
QUICK_BUDGET = Budget(warmup=1, min_rounds=2, max_rounds=2, seconds=0.0, block_seconds=0.0)
MILLION = 10 ** 6


def _mlp(fw: Any) -> Any:
    nn = fw.nn
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def _steps(c: Contender) -> dict[str, Callable[[], Any]]:
    """workload name -> one call, for one contender (the floor has no MLP init)."""
    fw = c.fw
    if c.kind == "floor":
        rng = np.random.default_rng(0)
        return {"randn(10**6) float32": lambda: rng.standard_normal(MILLION, dtype=np.float32),
                "randn(10**6) float64": lambda: rng.standard_normal(MILLION),
                "rand(10**6)": lambda: rng.random(MILLION, dtype=np.float32),
                "randperm(60_000)": lambda: rng.permutation(60_000)}
    return {"randn(10**6) float32": lambda: fw.randn(MILLION),
            "randn(10**6) float64": lambda: fw.randn(MILLION, dtype=fw.float64),
            "rand(10**6)": lambda: fw.rand(MILLION),
            "randperm(60_000)": lambda: fw.randperm(60_000),
            "MLP 784-512-512-10 init": lambda: _mlp(fw)}


def run_rng(contenders: list[Contender], device: str, quick: bool = False) -> list[dict]:
    if device != "cpu":
        return []
    steps = {c.key: _steps(c) for c in contenders}
    rows = []
    for workload in _steps(contenders[0]):
        runners = [c for c in contenders if workload in steps[c.key]]
        rows += time_workload("rng", workload, {c.key: steps[c.key][workload] for c in runners}, runners, device,
                              QUICK_BUDGET if quick else FULL_BUDGET)
    return rows


def render(rows: list[dict]) -> str:
    """The table: median time of each contender per workload, and tinygrad_lr's ratio over torch."""
    if not rows:
        return ""
    labels = list(dict.fromkeys(r["label"] for r in rows))
    lines = []
    for workload in dict.fromkeys(r["workload"] for r in rows):
        by_label = {r["label"]: r for r in rows if r["workload"] == workload}
        ours = next((r for r in by_label.values() if r["contender"] == "tinygrad_lr"), None)
        ratio = f"{ours['vs_torch']:.1f}x" if ours and "vs_torch" in ours else "-"
        lines.append([workload] + [fmt_time(by_label[label]["median_s"]) if label in by_label else "-"
                                   for label in labels] + [ratio])
    header = ["workload"] + labels + ["tinygrad_lr / torch"]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    out = ["  ".join(h.rjust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    out += ["  ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in lines]
    return ("\n5. Random numbers on the CPU: PyTorch's stream bit for bit (the NumPy floor is NumPy's own, "
            "different stream), median\n" + "\n".join(out))
