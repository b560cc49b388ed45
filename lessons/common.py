"""What every lesson shares: its command line (``--out DIR`` for the plots, ``--epochs N``), a
progress bar, and a plot of training curves. Plain Python, no framework: each lesson runs the same
under tinygrad_lr and under PyTorch (``python -m compare script lessons/NN_topic.py``)."""
from __future__ import annotations

import argparse
import os
from typing import Iterable, Sequence


def options(description: str, epochs: int | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default="lesson_plots", help="folder for the PNG plots (default: lesson_plots)")
    if epochs is not None:
        parser.add_argument("--epochs", type=int, default=epochs, help=f"training epochs (default {epochs})")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    return args


def progress(iterable: Iterable, description: str) -> Iterable:
    """A tqdm bar on a terminal (on stderr, so it is never part of the printed output); nothing
    when the output goes to a file or a pipe, or when tqdm is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, desc=description, disable=None, leave=False)


def plot(path: str, curves: dict[str, Sequence[float]], title: str, xlabel: str = "epoch",
         ylabel: str = "loss", log: bool = False) -> None:
    """Save the curves (name -> values) as a PNG and say where."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4))
    for name, values in curves.items():
        axes.plot(range(1, len(values) + 1), list(values), label=name)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if log:
        axes.set_yscale("log")
    if len(curves) > 1:
        axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    print(f"(plot written to {os.path.basename(path)})")
