"""6. Recurrent layers: one training step (forward, backward through time, SGD) of the sequence
models courses train, tinygrad_lr against PyTorch on the same device.

Three shapes: a word-level LSTM (2 layers of 128, 35 steps, batch 32), a GRU over long sequences
(64 units, 200 steps, batch 16) and a char-RNN at batch 1 (the "hihello"-style lecture: 32 units,
100 steps), where the per-step cost of the framework dominates. Each tinygrad_lr layer is one
graph node per direction (ops/rnn.py); PyTorch runs its own fused CPU kernels (oneDNN for float32
LSTMs) or cuDNN. There is no hand-written floor for these.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .harness import Budget, Contender, fmt_time, time_workload

FULL_BUDGET = Budget(warmup=2, min_rounds=10, max_rounds=100, seconds=3.0)
QUICK_BUDGET = Budget(warmup=1, min_rounds=2, max_rounds=2, seconds=0.0, block_seconds=0.0)

# name -> (layer, input size, hidden size, layers, steps, batch)
SHAPES = {"LSTM 2x128, T=35, N=32": ("LSTM", 64, 128, 2, 35, 32),
          "GRU 64, T=200, N=16": ("GRU", 16, 64, 1, 200, 16),
          "char-RNN 32, T=100, N=1": ("RNN", 8, 32, 1, 100, 1)}
QUICK_SHAPES = {"LSTM 2x16, T=10, N=4": ("LSTM", 8, 16, 2, 10, 4)}


def _step(c: Contender, layer: str, inputs: int, hidden: int, layers: int, steps: int, batch: int
          ) -> Callable[[], Any]:
    fw = c.fw
    fw.manual_seed(0)
    model = getattr(fw.nn, layer)(inputs, hidden, num_layers=layers).to(c.device)
    opt = fw.optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = fw.tensor(rng.standard_normal((steps, batch, inputs)).astype(np.float32), device=c.device)
    y = fw.tensor(rng.standard_normal((steps, batch, hidden)).astype(np.float32), device=c.device)

    def step() -> Any:
        opt.zero_grad()
        out, _ = model(x)
        loss = ((out - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss
    return step


def run_rnn(contenders: list[Contender], device: str, quick: bool = False) -> list[dict]:
    runners = [c for c in contenders if c.kind == "framework"]
    rows = []
    for workload, shape in (QUICK_SHAPES if quick else SHAPES).items():
        steps = {c.key: _step(c, *shape) for c in runners}
        rows += time_workload("rnn", workload, steps, runners, device, QUICK_BUDGET if quick else FULL_BUDGET)
    return rows


def render(rows: list[dict]) -> str:
    """The table: median step time per contender and device, and tinygrad_lr's ratio over torch."""
    if not rows:
        return ""
    lines = []
    for device in dict.fromkeys(r["device"] for r in rows):
        for workload in dict.fromkeys(r["workload"] for r in rows if r["device"] == device):
            by_name = {r["contender"]: r for r in rows if r["workload"] == workload and r["device"] == device}
            ours, theirs = by_name.get("tinygrad_lr"), by_name.get("torch")
            ratio = f"{ours['median_s'] / theirs['median_s']:.2f}x" if ours and theirs else "-"
            lines.append([device, workload, fmt_time(ours["median_s"]) if ours else "-",
                          fmt_time(theirs["median_s"]) if theirs else "-", ratio])
    header = ["device", "workload (train step)", "tinygrad_lr", "torch", "tinygrad_lr / torch"]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    out = ["  ".join(h.rjust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    out += ["  ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in lines]
    return "\n6. Recurrent layers: one training step (forward, backward through time, SGD), median\n" + "\n".join(out)
