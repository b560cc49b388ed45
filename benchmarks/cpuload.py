"""Pin the benchmark to a few cores, and measure how much CPU *other* processes took meanwhile.

This module uses the standard library only: ``__main__`` pins the process before NumPy and torch
are imported, so that their thread pools are born on the chosen cores (Linux's affinity is per
thread and inherited by threads created later).

How much others used: the kernel counts busy time per core in ``/proc/stat`` (in clock ticks);
our own process's CPU time is ``os.times()``. Over an interval, ``busy(all cores) - ours`` is what
everything else on the machine ran, and ``busy(our cores) - ours`` is what ran on the cores we
were pinned to, stealing time from us (a pinned process runs only there). On a shared machine a
run where others took a good part of our core measures the neighbours as much as the code: such
intervals are flagged.
"""
from __future__ import annotations

import os
import time
from typing import Any

# Others taking more than this share of our pinned cores (on average over a workload) flags it.
HIGH_SHARE_OF_OUR_CORES = 0.15


def _busy_ticks() -> dict[int, int] | None:
    """Busy clock ticks per core (everything but idle and iowait) from /proc/stat; None off Linux."""
    try:
        with open("/proc/stat") as f:
            lines = [line.split() for line in f if line.startswith("cpu") and line[3:4].isdigit()]
    except OSError:
        return None
    busy = {}
    for fields in lines:
        ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
        busy[int(fields[0][3:])] = sum(ticks) - ticks[3] - ticks[4]
    return busy


def allowed_cores() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))


def pin(n: int, sample_s: float = 0.2) -> list[int]:
    """Pin this process to the ``n`` cores that were least busy over ``sample_s`` seconds; returns
    them (all allowed cores, unchanged, where affinity cannot be set)."""
    cores = allowed_cores()
    if not hasattr(os, "sched_setaffinity") or n >= len(cores):
        return cores
    before = _busy_ticks()
    time.sleep(sample_s)
    after = _busy_ticks()
    if before and after:
        cores = sorted(cores, key=lambda c: after.get(c, 0) - before.get(c, 0))
    chosen = sorted(cores[:n])
    os.sched_setaffinity(0, chosen)
    return chosen


class Meter:
    """``with Meter() as m: ...`` then ``m.result``: the CPU that other processes used meanwhile,
    in cores (1.0 = one core fully busy), on the whole machine and on the cores we may run on."""

    def __enter__(self) -> "Meter":
        self.result: dict[str, Any] = {}
        self._t0, self._busy0, self._ours0 = time.perf_counter(), _busy_ticks(), _own_seconds()
        return self

    def __exit__(self, *exc: Any) -> None:
        wall = time.perf_counter() - self._t0
        busy1, ours = _busy_ticks(), _own_seconds() - self._ours0
        if not self._busy0 or not busy1 or wall <= 0:
            self.result = {"available": False}
            return
        hz = os.sysconf("SC_CLK_TCK")
        mine = allowed_cores()
        delta = {c: (busy1[c] - self._busy0.get(c, 0)) / hz for c in busy1}
        others_all = max(0.0, sum(delta.values()) - ours) / wall
        others_ours = max(0.0, sum(delta.get(c, 0.0) for c in mine) - ours) / wall
        self.result = {"available": True, "wall_s": wall, "our_cpu_s": ours, "our_cores": mine,
                       "machine_cores": len(busy1),
                       "others_cores_machine": others_all, "others_cores_on_our_cores": others_ours,
                       "others_share_of_our_cores": others_ours / len(mine),
                       "high": others_ours / len(mine) > HIGH_SHARE_OF_OUR_CORES}


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def describe(result: dict[str, Any]) -> str:
    """One line for the report: 'others used 0.4 of our 1 core(s) (HIGH), 1.2 of 2 on the machine'."""
    if not result.get("available"):
        return "others' CPU use: not measured (no /proc/stat)"
    n = len(result["our_cores"])
    flag = " — HIGH: these figures measure the neighbours too" if result["high"] else ""
    return (f"other processes used {result['others_cores_on_our_cores']:.2f} of our {n} pinned core(s) "
            f"({100 * result['others_share_of_our_cores']:.0f}%){flag}; "
            f"{result['others_cores_machine']:.2f} of {result['machine_cores']} cores machine-wide")
