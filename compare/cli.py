"""``python -m compare``: the parity report of every registry case against PyTorch.

    python -m compare [--device cpu|cuda|all] [--quick] [--json PATH] [--seed N] [--filter PATTERN]
    python -m compare script SCRIPT [--rtol R] [--ignore REGEX] [--json PATH] [-- ARGS]  (compare/script.py)

Prints one row per (case, pairing, dtype) with the worst absolute and relative error over the
seeds, the tolerance and the status, then a one-line summary; exits 1 when any case fails.
``--device all`` (the default) runs every pairing this machine has and says which were skipped
and why. Each op case also gets a float64 finite-difference row (pairing "numpy/finite-differences").
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Sequence

from .check import Result, check_seeds
from .devices import environment, pairing_name, select_pairings
from .gradcheck import gradcheck, gradcheck_cases
from .registry import all_cases

COLUMNS = ("case", "pairing", "dtype", "max abs err", "max rel err", "tolerance", "status")


def _row(r: Result) -> tuple[str, ...]:
    numbers = r.status != "skipped" and r.compared != 0 or r.max_abs_err or r.max_rel_err
    abs_err = f"{r.max_abs_err:.2e}" if numbers else "-"
    rel_err = f"{r.max_rel_err:.2e}" if numbers else "-"
    return (r.case, r.pairing, r.dtype, abs_err, rel_err, r.tolerance, r.status.upper() if r.status == "failed" else r.status)


def format_table(results: Sequence[Result]) -> str:
    rows = [COLUMNS] + [_row(r) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for row, r in zip(rows, [None, *results]):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if r is not None and r.message and r.status != "passed":
            lines.append(f"    -> {r.message}")
    return "\n".join(lines)


def summary(results: Sequence[Result]) -> str:
    counts = {s: sum(r.status == s for r in results) for s in ("passed", "failed", "skipped")}
    return f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"


class _Progress:
    """A counter on stderr: a tqdm bar on a terminal (rewritten in place without tqdm), a line
    every 10% otherwise."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.tty = total, 0, sys.stderr.isatty()
        self.step = max(1, total // 10)
        self.bar = None
        if self.tty:
            try:
                from tqdm import tqdm
                self.bar = tqdm(total=total, file=sys.stderr, leave=False, unit="check")
            except ImportError:
                pass

    def tick(self, label: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(label[:50], refresh=False)
            self.bar.update()
            if self.done == self.total:
                self.bar.close()
            return
        if self.tty:
            sys.stderr.write(f"\r[{self.done}/{self.total}] {label[:60]:<60}")
            if self.done == self.total:
                sys.stderr.write("\r" + " " * 80 + "\r")
        elif self.done % self.step == 0 or self.done == self.total:
            sys.stderr.write(f"[{self.done}/{self.total}] {label}\n")
        sys.stderr.flush()


def run(device: str = "all", quick: bool = False, seed: int = 0, pattern: str | None = None
        ) -> tuple[list[Result], dict[tuple[str, str], str]]:
    """Every matching case on every runnable pairing: (results, {skipped pairing: reason})."""
    cases = all_cases(pattern=pattern)
    pairings, skipped = select_pairings(device)
    seeds = [seed] if quick else [seed, seed + 1, seed + 2]
    finite_difference = gradcheck_cases(cases) if device in ("cpu", "all") else []
    jobs = [(c, p, d) for p in pairings for c in cases for d in c.dtypes]
    progress = _Progress(len(jobs) + len(finite_difference))
    results = []
    for case, pairing, dtype in jobs:
        results.append(check_seeds(case, pairing, dtype, seeds))
        progress.tick(f"{case.name} {pairing_name(pairing)} {dtype}")
    for case in finite_difference:
        results.append(gradcheck(case, seed))
        progress.tick(f"{case.name} finite differences")
    if device in ("cpu", "all"):  # PyTorch's CPU random stream, bit for bit (compare/random_stream.py)
        from .random_stream import run_all
        results.extend(run_all(seed, pattern))
    return results, skipped


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["script"]:  # python -m compare script SCRIPT: a whole script in both frameworks
        from .script import main as script_main
        return script_main(argv[1:])
    from .script import torch_missing_message
    if torch_missing_message():
        print(torch_missing_message(), file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=("cpu", "cuda", "all"), default="all",
                        help="which pairings to run (default: all that this machine has)")
    parser.add_argument("--quick", action="store_true", help="one seed per case instead of three")
    parser.add_argument("--json", metavar="PATH", help="also write every result, versions and devices as JSON")
    parser.add_argument("--seed", type=int, default=0, help="first seed of the inputs (default 0)")
    parser.add_argument("--filter", metavar="PATTERN", help="only cases whose name matches (substring or glob)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    results, skipped = run(args.device, args.quick, args.seed, args.filter)
    elapsed = time.perf_counter() - start
    if not results and not skipped:
        print(f"no case matches {args.filter!r}")
        return 2
    print(format_table(results))
    for pairing, reason in skipped.items():
        print(f"{pairing_name(pairing)} pairing skipped: {reason}")
    if args.device == "cuda" and not any("cuda" in r.pairing for r in results):
        print("no CUDA pairing could run on this machine")
    line = summary(results) + f" ({len(skipped)} pairings unavailable, {elapsed:.1f}s)"
    print(line)
    if args.json:
        write_json(args.json, results, skipped, vars(args), elapsed)
    failed = any(r.status == "failed" for r in results)
    no_run = args.device == "cuda" and not results
    return 1 if failed or no_run else 0


def write_json(path: str, results: Sequence[Result], skipped: dict[tuple[str, str], str],
               options: dict[str, Any], elapsed: float) -> None:
    report = {
        "summary": {s: sum(r.status == s for r in results) for s in ("passed", "failed", "skipped")},
        "options": options,
        "elapsed_s": round(elapsed, 3),
        "environment": environment(),
        "skipped_pairings": {pairing_name(p): reason for p, reason in skipped.items()},
        "results": [r.as_dict() for r in results],
    }
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
