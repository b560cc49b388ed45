"""The benchmark driver: pick devices and contenders, run the workloads, write the report."""
from __future__ import annotations

import argparse
import datetime
import os
import time
from dataclasses import asdict
from typing import Any

from . import cnn, cpuload, harness, report, rng, rnn, workloads
from .harness import available_contenders, cuda_available, progress, progress_bar
from .machine import describe

WORKLOADS = ("mlp", "overhead", "linear", "graph", "rng", "rnn", "cnn")
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Time tinygrad_lr against PyTorch (and a hand-written NumPy/CuPy floor).")
    parser.add_argument("--device", choices=("cpu", "cuda", "all"), default="all",
                        help="where to run; 'all' is the CPU plus the GPU when one is present (default)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, three rounds of one call each (a smoke test, ~15 s)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="folder for results.json and the PNG plots")
    parser.add_argument("--only", nargs="+", choices=WORKLOADS, default=list(WORKLOADS),
                        help="run only these workloads")
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads for OpenBLAS and torch, and the process pinned to that many cores "
                             "(default 1: the headline figures; 0: the libraries' own choice, unpinned)")
    parser.add_argument("--api", choices=("auto", "nn", "tensor"), default="auto",
                        help="MLP/Linear code: 'nn' (nn.Linear, F.cross_entropy, optim.SGD), 'tensor' (x @ W.t() + b, "
                             "log_softmax + indexing, manual SGD), 'auto' (nn where both frameworks have it)")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, config: workloads.Config | None = None) -> dict[str, Any]:
    config = config or (workloads.QUICK if args.quick else workloads.FULL)
    if args.quick:
        harness.CPU_PAUSE = 0.0  # a smoke test: no need to let thread pools go quiet
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)  # also set through OMP_NUM_THREADS by __main__
    if args.device == "all":
        devices = ["cpu"] + (["cuda"] if cuda_available() else [])
    else:
        devices = [args.device]
    by_device = {d: available_contenders(d) for d in devices}
    if "cuda" in by_device and not by_device["cuda"]:
        raise SystemExit("--device cuda: neither CuPy nor torch sees a GPU here")
    everyone = [c for cs in by_device.values() for c in cs]
    api = workloads.choose_api(everyone) if getattr(args, "api", "auto") == "auto" else args.api

    results: dict[str, Any] = {
        "schema": 1,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "args": {"device": args.device, "quick": args.quick, "only": args.only, "threads": args.threads,
                 "api": getattr(args, "api", "auto")},
        "devices": devices,
        "config": asdict(config),
        "machine": {**describe(devices), "pinned_cores": cpuload.allowed_cores()},
        "contenders": [{"name": c.name, "device": c.device, "kind": c.kind, "label": c.label} for c in everyone],
        "workloads": {"mlp": {"api": api, "rows": []}, "overhead": {"rows": []},
                      "linear": {"api": api, "rows": []}, "graph": {"rows": []},
                      "rng": {"rows": []}, "rnn": {"rows": []}, "cnn": {"rows": []}},
    }
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    results["load_average_at_start"] = load
    if load is not None and load[0] > 0.5 * (os.cpu_count() or 1):
        progress(f"warning: the machine is busy (load average {load[0]:.1f} on {os.cpu_count()} cores): "
                 "timings will be noisy and the CPU thread pools will fight over cores")
    started = time.perf_counter()
    w = results["workloads"]
    bar = progress_bar(len(by_device) * len(set(args.only) & set(WORKLOADS)), "workloads")
    runners = {"mlp": lambda cs, d: workloads.run_mlp(cs, d, config, api),
               "overhead": lambda cs, d: workloads.run_overhead(cs, d, config),
               "linear": lambda cs, d: workloads.run_linear(cs, d, config, api),
               "graph": lambda cs, d: workloads.run_graph(cs, d, config),
               "rng": lambda cs, d: rng.run_rng(cs, d, args.quick),
               "rnn": lambda cs, d: rnn.run_rnn(cs, d, args.quick),
               "cnn": lambda cs, d: cnn.run_cnn(cs, d, args.quick)}
    results["other_cpu"] = {}  # workload/device -> CPU other processes used meanwhile (cpuload.Meter)
    for device, contenders in by_device.items():
        progress(f"[{device}] contenders: {', '.join(c.label for c in contenders)}; api: {api}")
        for name in WORKLOADS:
            if name not in args.only:
                continue
            with cpuload.Meter() as meter:
                w[name]["rows"] += runners[name](contenders, device)
            results["other_cpu"][f"{name}/{device}"] = meter.result
            if meter.result.get("high"):
                progress(f"  {name} {device}: {cpuload.describe(meter.result)}")
            bar.update()
    bar.close()
    results["elapsed_s"] = time.perf_counter() - started
    results["load_average_at_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    report.add_ratios(w["mlp"]["rows"], by="batch")
    report.add_ratios(w["overhead"]["rows"], by=None)
    report.add_ratios(w["linear"]["rows"], by=None)
    report.add_ratios(w["graph"]["rows"], by="nodes")
    report.add_ratios(w["rng"]["rows"], by="workload")
    report.add_ratios(w["rnn"]["rows"], by="workload")
    report.add_ratios(w["cnn"]["rows"], by="workload")
    report.add_graph_build_ratios(w["graph"]["rows"])
    results["targets"] = report.targets(results)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    os.makedirs(args.out, exist_ok=True)
    print(report.render(results))
    print(rng.render(results["workloads"]["rng"]["rows"]))
    print(rnn.render(results["workloads"]["rnn"]["rows"]))
    print(cnn.render(results["workloads"]["cnn"]["rows"]))
    print(report.render_targets(results))
    path = report.write_json(results, args.out)
    progress(f"\nwrote {path}")
    if not args.no_plots:
        for png in report.write_plots(results, args.out) + cnn.write_plot(results["workloads"]["cnn"]["rows"], args.out):
            progress(f"wrote {png}")
    progress(f"total time {results['elapsed_s']:.0f} s")
    return 0
