"""``python -m compare script SCRIPT``: run a whole script under PyTorch and under tinygrad_lr and
compare what the two printed, line by line and number by number.

    python -m compare script SCRIPT [--rtol R] [--ignore REGEX]... [--json PATH] [-- ARGS...]

SCRIPT may be plain PyTorch code (``import torch``) or a lesson that starts with ``import
tinygrad_lr as torch``: each side runs in its own process (same interpreter, working directory and
arguments) with ``tinygrad_lr/swap.py`` mapping the imports to its framework. The printed lines are
lined up (a line that only one side printed shows as missing), and two lines agree when the text
between their numbers is the same and every pair of numbers agrees:

* integers (no ``.`` and no exponent) exactly;
* other numbers when ``|a - b| <= rtol * max(|a|, |b|)``, or when both are printed with the same
  number of decimals and differ by at most one unit in the last one: a value is rounded when it is
  printed, so two values that agree to 1e-6 can still print as 0.0001 and 0.0002;
* ``nan`` with ``nan``, ``inf`` with ``inf`` of the same sign.

Memory addresses (``0x7f…``, as in ``<AddBackward0 object at 0x7f…>``) never agree between two
processes and are masked; ``--ignore REGEX`` masks more (the part of a line it matches, on both
sides). The command prints the lines that differ side by side and exits 0 only when every line
agrees and both runs exited the same way.
"""
from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from dataclasses import asdict, dataclass
from typing import Sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWAP = os.path.join(ROOT, "tinygrad_lr", "swap.py")
# Load swap.py by its path, so the PyTorch side never imports the tinygrad_lr package itself.
BOOT = ("import importlib.util as u; s = u.spec_from_file_location('_swap', {swap!r}); "
        "m = u.module_from_spec(s); s.loader.exec_module(m); m.main()")
SIDES = {"torch": "PyTorch", "tinygrad_lr": "tinygrad_lr"}

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:nan|inf|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)(?![\w.])")
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
CLASS_OF_OURS = re.compile(r"<class 'tinygrad_lr\.")

NO_TORCH = ("python -m compare needs PyTorch, and this Python ({exe}) cannot import torch.\n"
            "Use the project's environment: .venv/bin/python -m compare … (make test or make report "
            "create it), or install PyTorch here (pip install -r requirements-dev.txt; on a machine "
            "without a GPU the CPU-only wheel is much smaller, see the README).")


def torch_missing_message() -> str | None:
    """The friendly explanation when torch is not importable here, else None."""
    if importlib.util.find_spec("torch") is None:
        return NO_TORCH.format(exe=sys.executable)
    return None


@dataclass
class Run:
    framework: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class LineResult:
    number: int            # 1-based position in the PyTorch output (or in ours when PyTorch lacks it)
    reference: str | None  # PyTorch's line, None when only tinygrad_lr printed it
    ours: str | None
    agrees: bool
    why: str = ""


def run_side(framework: str, script: str, args: Sequence[str]) -> subprocess.Popen:
    """Start SCRIPT with ``framework`` swapped in (its stdout and stderr captured)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p))
    command = [sys.executable, "-c", BOOT.format(swap=SWAP), "--to", framework, script, *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def run_both(script: str, args: Sequence[str], timeout: float = 600) -> tuple[Run, Run]:
    """Start both sides at once (they are independent processes) and wait for both."""
    processes = {fw: run_side(fw, script, args) for fw in SIDES}
    runs = {}
    for framework, process in processes.items():
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            err += f"\n(stopped after {timeout:.0f} s)"
        runs[framework] = Run(framework, process.returncode, out, err)
    return runs["torch"], runs["tinygrad_lr"]


def mask(line: str, ignore: Sequence[re.Pattern]) -> str:
    line = ADDRESS.sub("0x…", line)
    # type(x) names the framework: <class 'tinygrad_lr.Tensor'> is the swap's <class 'torch.Tensor'>.
    line = CLASS_OF_OURS.sub("<class 'torch.", line)
    for pattern in ignore:
        line = pattern.sub("…", line)
    return line.rstrip()


def skeleton(line: str) -> str:
    """The text of a line with every number replaced by ``#``: what must agree exactly."""
    return NUMBER.sub("#", line)


def _decimals(token: str) -> int | None:
    match = re.fullmatch(r"[-+]?\d*\.(\d*)", token)
    return len(match.group(1)) if match else None


def numbers_agree(a: str, b: str, rtol: float) -> bool:
    if a == b:
        return True
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y) or math.isinf(x) or math.isinf(y):
        return math.isnan(x) and math.isnan(y)  # (equal infinities already matched as text)
    integer = re.fullmatch(r"[-+]?\d+", a) and re.fullmatch(r"[-+]?\d+", b)
    if integer:
        return x == y
    if abs(x - y) <= rtol * max(abs(x), abs(y)):
        return True
    places = _decimals(a)
    return places is not None and places == _decimals(b) and abs(x - y) <= 10.0 ** -places * (1 + 1e-9)


def compare_lines(reference: str, ours: str, rtol: float) -> tuple[bool, str]:
    """(agrees, why not) for one pair of masked lines."""
    if skeleton(reference) != skeleton(ours):
        return False, "text differs"
    for a, b in zip(NUMBER.findall(reference), NUMBER.findall(ours)):
        if not numbers_agree(a, b, rtol):
            return False, f"{b} vs {a}"
    return True, ""


def line_up(reference: Sequence[str], ours: Sequence[str], rtol: float,
            ignore: Sequence[re.Pattern] = ()) -> list[LineResult]:
    """Pair the two outputs' lines (by their text with numbers blanked, so a missing or extra line
    does not shift every later pair) and compare each pair."""
    ref_masked = [mask(line, ignore) for line in reference]
    our_masked = [mask(line, ignore) for line in ours]
    matcher = difflib.SequenceMatcher(None, [skeleton(s) for s in ref_masked], [skeleton(s) for s in our_masked],
                                      autojunk=False)
    results = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            ref = reference[i] if i < i2 else None
            our = ours[j] if j < j2 else None
            if ref is None:
                results.append(LineResult(j + 1, None, our, False, "only tinygrad_lr printed this"))
            elif our is None:
                results.append(LineResult(i + 1, ref, None, False, "only PyTorch printed this"))
            else:
                agrees, why = compare_lines(ref_masked[i], our_masked[j], rtol)
                results.append(LineResult(i + 1, ref, our, agrees, why))
    return results


def _cell(text: str | None, width: int) -> str:
    text = "(missing)" if text is None else text
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def format_differences(results: Sequence[LineResult], width: int = 44) -> str:
    rows = [f"{'line':>5}  {'PyTorch':<{width}}  {'tinygrad_lr':<{width}}  why"]
    for r in results:
        if not r.agrees:
            rows.append(f"{r.number:>5}  {_cell(r.reference, width)}  {_cell(r.ours, width)}  {r.why}")
    return "\n".join(rows)


def compare_script(script: str, args: Sequence[str] = (), rtol: float = 1e-4, ignore: Sequence[str] = (),
                   timeout: float = 600) -> tuple[Run, Run, list[LineResult]]:
    reference, ours = run_both(script, args, timeout)
    patterns = [re.compile(p) for p in ignore]
    results = line_up(reference.stdout.splitlines(), ours.stdout.splitlines(), rtol, patterns)
    return reference, ours, results


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-lines:])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compare script", description=__doc__.split("\n\n")[0],
                                     epilog="Arguments after -- go to the script.")
    parser.add_argument("script", help="the script to run (PyTorch code, or code that imports tinygrad_lr as torch)")
    parser.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance for numbers (default 1e-4)")
    parser.add_argument("--ignore", action="append", default=[], metavar="REGEX",
                        help="mask what REGEX matches on every line of both outputs (repeatable)")
    parser.add_argument("--json", metavar="PATH", help="also write the comparison as JSON")
    parser.add_argument("--timeout", type=float, default=600, help="seconds each side may run (default 600)")
    argv = list(sys.argv[1:] if argv is None else argv)
    script_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, script_args = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    message = torch_missing_message()
    if message:
        print(message, file=sys.stderr)
        return 2
    if not os.path.isfile(args.script):
        print(f"no such script: {args.script}", file=sys.stderr)
        return 2

    reference, ours, results = compare_script(args.script, script_args, args.rtol, args.ignore, args.timeout)
    failed = [r for r in results if not r.agrees]
    for run in (reference, ours):
        if run.returncode != 0:
            print(f"{SIDES[run.framework]} run exited with {run.returncode}; the end of its stderr:\n"
                  f"{_tail(run.stderr)}")
    if failed:
        print(format_differences(results))
    numbers = sum(len(NUMBER.findall(r.reference or "")) for r in results if r.agrees)
    same_exit = reference.returncode == ours.returncode
    print(f"{len(results) - len(failed)} of {len(results)} lines agree ({numbers} numbers within rtol "
          f"{args.rtol:g}); exit codes: PyTorch {reference.returncode}, tinygrad_lr {ours.returncode}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"script": args.script, "args": script_args, "rtol": args.rtol, "ignore": args.ignore,
                       "agrees": not failed and same_exit,
                       "returncode": {"torch": reference.returncode, "tinygrad_lr": ours.returncode},
                       "stderr": {"torch": reference.stderr, "tinygrad_lr": ours.stderr},
                       "lines": [asdict(r) for r in results]}, f, indent=1)
    return 0 if not failed and same_exit and reference.returncode == 0 else 1
