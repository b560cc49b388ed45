"""Turn result rows into ratios, terminal tables, a JSON file and PNG plots."""
from __future__ import annotations

import json
import os
from typing import Any

from .harness import fmt_time, paired_ratio

# ------------------------------------------------------------------------------------------ ratios


def _median(row: dict) -> float:
    """The figure a row is compared by: its median, the total for overhead, the backward for graphs."""
    if "median_s" in row:
        return row["median_s"]
    return row["total"]["median_s"] if "total" in row else row["backward"]["median_s"]


def _rounds_of(row: dict) -> dict:
    """The summary that holds a row's per-round figures (``round_s``), when it has one."""
    return row["total"] if "total" in row else row


def add_ratios(rows: list[dict], by: str | None) -> None:
    """Give each row ``vs_torch`` and, where a floor ran, ``vs_floor``: the median of the per-round
    paired ratios when both were timed round by round together (with ``vs_torch_spread``, their
    quartiles), else the ratio of the two medians (the graph workload, timed per build)."""
    for row in rows:
        same = [r for r in rows if r["device"] == row["device"] and (by is None or r[by] == row[by])]
        for name, field in (("torch", "vs_torch"), ("floor", "vs_floor")):
            ref = next((r for r in same if r["contender"] == name), None)
            if ref is not None:
                paired = paired_ratio(_rounds_of(row), _rounds_of(ref))
                row[field] = paired["median"] if paired else _median(row) / _median(ref)
                if paired:
                    row[field + "_spread"] = paired


# ------------------------------------------------------------------------------------------ tables

def _table(header: list[str], lines: list[list[str]]) -> str:
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(header)]
    out = ["  ".join(h.rjust(w) for h, w in zip(header, widths)),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in lines]
    return "\n".join(out)


def _spread(row: dict) -> str:
    return f"{fmt_time(row['median_s'])} [{fmt_time(row['q1_s'])}–{fmt_time(row['q3_s'])}]"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}×"


def _paired(row: dict, field: str) -> str:
    """A ratio with the quartiles of its per-round ratios: ``0.85× [0.82–0.88]``."""
    spread = row.get(field + "_spread")
    if spread is None:
        return _ratio(row.get(field))
    return f"{spread['median']:.2f}× [{spread['q1']:.2f}–{spread['q3']:.2f}]"


def mlp_table(rows: list[dict], device: str) -> str:
    rows = [r for r in rows if r["device"] == device]
    labels = list(dict.fromkeys(r["label"] for r in rows))
    header = ["batch"] + [f"{label} median [IQR]" for label in labels] + ["tinygrad_lr/torch", "tinygrad_lr/floor", "floor/torch"]
    lines = []
    for batch in dict.fromkeys(r["batch"] for r in rows):
        at = {r["contender"]: r for r in rows if r["batch"] == batch}
        by_label = {r["label"]: r for r in rows if r["batch"] == batch}
        ours, floor_row = at.get("tinygrad_lr", {}), at.get("floor", {})
        lines.append([str(batch)] + [_spread(by_label[label]) if label in by_label else "" for label in labels] +
                     [_paired(ours, "vs_torch"), _paired(ours, "vs_floor"), _paired(floor_row, "vs_torch")])
    return _table(header, lines)


def overhead_table(rows: list[dict]) -> str:
    header = ["contender", "ops", "forward µs/op", "backward µs/op", "total µs/op", "IQR total µs/op",
              "GC µs/op (mean)", "vs torch"]
    lines = [[r["label"], str(r["ops"]), f"{r['forward_us_per_op']:.2f}", f"{r['backward_us_per_op']:.2f}",
              f"{r['us_per_op']:.2f}",
              f"{r['total']['q1_s'] / r['ops'] * 1e6:.2f}–{r['total']['q3_s'] / r['ops'] * 1e6:.2f}",
              f"{r['gc_us_per_op']:.2f}" if "gc_us_per_op" in r else "", _paired(r, "vs_torch")] for r in rows]
    return _table(header, lines)


def linear_table(rows: list[dict]) -> str:
    header = ["contender", "shape (rows×in×out)", "median [IQR]", "GFLOP/s", "vs torch"]
    lines = [[r["label"], f"{r['rows']}×{r['features']}×{r['features']}", _spread(r), f"{r['gflops']:.1f}",
              _ratio(r.get("vs_torch"))] for r in rows]
    return _table(header, lines)


def graph_table(rows: list[dict]) -> str:
    header = ["contender", "nodes", "build", "of it GC", "build µs/node w/o GC", "backward", "backward µs/node",
              "build vs torch", "backward vs torch", "full GCs (build/backward, all repeats)"]
    lines = [[r["label"], f"{r['nodes']:,}", fmt_time(r["build"]["median_s"]), fmt_time(r.get("build_gc_s", 0.0)),
              f"{r.get('build_without_gc_us_per_node', float('nan')):.2f}", fmt_time(r["backward"]["median_s"]),
              f"{r['backward_us_per_node']:.2f}", _ratio(r.get("build_vs_torch")), _ratio(r.get("vs_torch")),
              f"{r['full_gc_collections']['build']}/{r['full_gc_collections']['backward']}"] for r in rows]
    return _table(header, lines)


def memory_table(rows: list[dict]) -> str:
    header = ["contender", "nodes", "measured by", "graph held", "peak in backward", "after backward", "after del"]
    lines = []
    for r in rows:
        for how, m in r.get("memory", {}).items():
            lines.append([r["label"], f"{r['nodes']:,}", how] + [
                "n/a" if m[k] is None else f"{m[k] / 2**20:.1f} MiB"
                for k in ("graph_held_bytes", "peak_during_backward_bytes", "after_backward_bytes", "after_del_bytes")])
    return _table(header, lines)


# ----------------------------------------------------------------------------------------- targets

def add_graph_build_ratios(rows: list[dict]) -> None:
    """``build_vs_torch``: the chain's build (forward) time over torch's, same device and size."""
    for row in rows:
        ref = next((r for r in rows if r["contender"] == "torch" and r["device"] == row["device"]
                    and r["nodes"] == row["nodes"]), None)
        if ref is not None:
            row["build_vs_torch"] = row["build"]["median_s"] / ref["build"]["median_s"]


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 14's targets, each with what this run measured and whether it met it. A target that
    this run could not measure (no GPU, workload not run) says so with ``met: None``."""
    w = results["workloads"]
    out: list[dict[str, Any]] = []

    def add(target: str, limit: float, measured: float | None, what: str) -> None:
        out.append({"target": target, "limit": limit, "measured": measured, "what": what,
                    "met": None if measured is None else measured <= limit})

    def ours(rows: list[dict], device: str, **match: Any) -> dict | None:
        return next((r for r in rows if r["contender"] == "tinygrad_lr" and r["device"] == device
                     and all(r.get(k) == v for k, v in match.items())), None)

    mlp = w["mlp"]["rows"]
    for batch in sorted({r["batch"] for r in mlp if r["device"] == "cpu"}):
        row = ours(mlp, "cpu", batch=batch)
        limit = 0.9 if batch <= 16 else 1.0
        add(f"CPU MLP step, batch {batch}: ≤ {limit}× PyTorch", limit, row and row.get("vs_torch"), "× torch")
        add(f"CPU MLP step, batch {batch}: ≤ 1.1× NumPy floor", 1.1, row and row.get("vs_floor"), "× floor")
    over = ours(w["overhead"]["rows"], "cpu")
    add("Per-op overhead (1,000 one-element ops, forward + backward): ≤ 0.8× PyTorch", 0.8,
        over and over.get("vs_torch"), "× torch")
    graph = [r for r in w["graph"]["rows"] if r["device"] == "cpu"]
    if graph:
        largest = max(r["nodes"] for r in graph)
        row = ours(graph, "cpu", nodes=largest)
        add(f"Graph build, {largest:,}-node chain: no slower than PyTorch", 1.0, row and row.get("build_vs_torch"),
            "× torch")
        add(f"Backward, {largest:,}-node chain: stays ahead of PyTorch", 1.0, row and row.get("vs_torch"), "× torch")
    else:
        add("Graph build, 100,000-node chain: no slower than PyTorch", 1.0, None, "× torch")
    for batch, limit in ((65_536, 1.1), (1_024, 1.5), (1, 1.5)):
        row = ours(mlp, "cuda", batch=batch)
        add(f"GPU MLP step, batch {batch:,}: ≤ {limit}× PyTorch CUDA", limit, row and row.get("vs_torch"),
            "× torch")
    return out


def targets_table(rows: list[dict[str, Any]]) -> str:
    lines = [[t["target"], "not measured" if t["measured"] is None else f"{t['measured']:.2f}{t['what'][0]}",
              {True: "yes", False: "NO", None: "-"}[t["met"]]] for t in rows]
    return _table(["target (issue 14)", "measured", "met"], lines)


def render(results: dict[str, Any]) -> str:
    from .cpuload import describe
    from .machine import summary_line
    w = results["workloads"]
    parts = [f"Machine: {summary_line(results['machine'])}; pinned to cores {results['machine'].get('pinned_cores')}"]
    for key, meter in results.get("other_cpu", {}).items():
        parts.append(f"  during {key}: {describe(meter)}")
    for device in results["devices"]:
        if any(r["device"] == device for r in w["mlp"]["rows"]):
            parts.append(f"\n1. MLP 784-512-512-10 training step on {device} (api: {w['mlp']['api']}), "
                         f"median [interquartile range]\n" + mlp_table(w["mlp"]["rows"], device))
    if w["overhead"]["rows"]:
        parts.append(f"\n2. Framework overhead: chain of {results['config']['overhead_ops']} elementwise ops on "
                     "one-element tensors, forward + backward\n" + overhead_table(w["overhead"]["rows"]))
    if w["linear"]["rows"]:
        parts.append(f"\n3. Linear layer forward + backward (api: {w['linear']['api']})\n" +
                     linear_table(w["linear"]["rows"]))
    if w["graph"]["rows"]:
        parts.append("\n4. Backward through a chain graph (times w, tanh, ...), "
                     f"tensors of {results['config']['graph_width']} elements\n" + graph_table(w["graph"]["rows"]))
        parts.append("\n   Memory at the largest graph (relative to just before the build)\n" +
                     memory_table(w["graph"]["rows"]))
    return "\n".join(parts)


def render_targets(results: dict[str, Any]) -> str:
    return ("\nTargets of issue 14 (ratios of this run: median of per-round paired ratios; × = times the "
            "reference's time)\n" + targets_table(results.get("targets", [])))


# -------------------------------------------------------------------------------------------- JSON

def write_json(results: dict[str, Any], out_dir: str) -> str:
    path = os.path.join(out_dir, "results.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1, default=str)
    return path


# ------------------------------------------------------------------------------------------- plots

COLORS = {"tinygrad_lr": "tab:blue", "torch": "tab:red", "floor": "tab:gray"}


def _color(rows: list[dict]) -> str:
    return COLORS.get(rows[0]["contender"], "tab:green")


def _series(rows: list[dict], device: str) -> dict[str, list[dict]]:
    series: dict[str, list[dict]] = {}
    for r in rows:
        if r["device"] == device:
            series.setdefault(r["label"], []).append(r)
    return series


def write_plots(results: dict[str, Any], out_dir: str) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    w, devices = results["workloads"], results["devices"]
    written = []

    def save(fig: Any, name: str) -> None:
        path = os.path.join(out_dir, name)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    # 1. MLP step time vs batch size, log-log, one panel per device
    mlp_rows = w["mlp"]["rows"]
    if mlp_rows:
        fig, axes = plt.subplots(1, len(devices), figsize=(6 * len(devices), 4.5), squeeze=False)
        for ax, device in zip(axes[0], devices):
            for label, rows in _series(mlp_rows, device).items():
                batches = [r["batch"] for r in rows]
                ax.errorbar(batches, [r["median_s"] * 1e3 for r in rows], marker="o", label=label, color=_color(rows),
                            yerr=[[(r["median_s"] - r["q1_s"]) * 1e3 for r in rows],
                                  [(r["q3_s"] - r["median_s"]) * 1e3 for r in rows]], capsize=3)
            ax.set(xscale="log", yscale="log", xlabel="batch size", ylabel="time per training step (ms)",
                   title=f"MLP 784-512-512-10 training step, {device}")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend()
        save(fig, "mlp_time.png")

        # 1b. ratio to PyTorch on the same device
        fig, axes = plt.subplots(1, len(devices), figsize=(6 * len(devices), 4.5), squeeze=False)
        for ax, device in zip(axes[0], devices):
            for label, rows in _series(mlp_rows, device).items():
                if rows[0]["contender"] == "torch" or "vs_torch" not in rows[0]:
                    continue
                ax.plot([r["batch"] for r in rows], [r["vs_torch"] for r in rows], marker="o", label=label,
                        color=_color(rows))
            ax.axhline(1.0, color="black", linewidth=1, linestyle="--", label="PyTorch")
            ax.set(xscale="log", xlabel="batch size", ylabel="time / PyTorch's time",
                   title=f"MLP training step relative to PyTorch, {device}")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend()
        save(fig, "mlp_ratio.png")

    # 2. per-op overhead, forward and backward stacked
    over = w["overhead"]["rows"]
    if over:
        fig, ax = plt.subplots(figsize=(1.8 * len(over) + 2, 4))
        names = [r["label"] for r in over]
        fwd = [r["forward_us_per_op"] for r in over]
        bwd = [r["backward_us_per_op"] for r in over]
        ax.bar(names, fwd, label="forward")
        ax.bar(names, bwd, bottom=fwd, label="backward")
        ax.set(ylabel="µs per op", title=f"Per-op overhead ({results['config']['overhead_ops']} ops on one-element tensors)")
        ax.legend()
        save(fig, "overhead.png")

    # 3. Linear layer throughput
    lin = w["linear"]["rows"]
    if lin:
        fig, ax = plt.subplots(figsize=(1.8 * len(lin) + 2, 4))
        ax.bar([r["label"] for r in lin], [r["gflops"] for r in lin], color="tab:green")
        ax.set(ylabel="GFLOP/s", title="Linear forward + backward throughput")
        save(fig, "linear.png")

    # 4. backward time vs graph size (linear axes: a straight line through 0 is linear scaling)
    graph = w["graph"]["rows"]
    if graph:
        fig, axes = plt.subplots(1, len(devices), figsize=(6 * len(devices), 4.5), squeeze=False)
        for ax, device in zip(axes[0], devices):
            for label, rows in _series(graph, device).items():
                nodes = [r["nodes"] for r in rows]
                ax.plot(nodes, [r["backward"]["median_s"] for r in rows], marker="o", label=f"{label} backward",
                        color=_color(rows))
                ax.plot(nodes, [r["build"]["median_s"] for r in rows], marker="s", linestyle=":",
                        label=f"{label} build (forward)", color=_color(rows))
            ax.set(xlabel="graph nodes", ylabel="seconds", title=f"Backward through a chain graph, {device}",
                   xlim=(0, None), ylim=(0, None))
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8)
        save(fig, "graph_backward.png")
    return written
