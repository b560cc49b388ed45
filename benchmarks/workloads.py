"""The four workloads, each written once against a framework namespace ``fw`` (torch or tinygrad_lr).

1. ``mlp``: one training step (forward, cross-entropy, backward, SGD) of the lecture MLP
   784-512-512-10 over a range of batch sizes, with the hand-written floor alongside.
2. ``overhead``: a chain of 1,000 elementwise ops on one-element tensors, forward and backward:
   nothing but per-op framework cost, reported in µs per op.
3. ``linear``: a 4,096 × 4,096 ``Linear`` forward and backward: compute-bound, BLAS decides.
4. ``graph``: backward through a chain graph of 25k/50k/100k nodes: time (linear in size?) and
   memory (how much the graph holds, the peak during backward, and what is left afterwards).

Every contender starts from the same NumPy arrays (same seed), so they do the same arithmetic.
Each ``run_*`` returns a list of flat result rows (dicts) that ``report`` turns into tables/plots.
"""
from __future__ import annotations

import ctypes
import gc
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import floor
from .harness import Budget, Contender, GcMeter, fmt_time, progress, summarize, switch_pause, time_interleaved

MLP_SIZES = (784, 512, 512, 10)
LR = 0.01


@dataclass
class Config:
    mlp_batches: dict[str, list[int]]
    mlp_budget: Budget
    overhead_ops: int
    overhead_budget: Budget
    linear_features: int
    linear_rows: dict[str, int]
    linear_budget: Budget
    graph_sizes: list[int]
    graph_width: int
    graph_repeats: int


FULL = Config(
    mlp_batches={"cpu": [1, 16, 64, 256, 1024, 4096], "cuda": [4 ** k for k in range(9)]},  # 1 .. 65,536
    mlp_budget=Budget(warmup=3, min_rounds=10, max_rounds=300, seconds=6.0),
    overhead_ops=1000,
    overhead_budget=Budget(warmup=3, min_rounds=15, max_rounds=200, seconds=8.0),
    linear_features=4096,
    linear_rows={"cpu": 512, "cuda": 4096},
    linear_budget=Budget(warmup=2, min_rounds=10, max_rounds=100, seconds=10.0),
    graph_sizes=[25_000, 50_000, 100_000],
    graph_width=16,
    graph_repeats=5,
)

# A smoke test (tests/test_benchmarks.py): every code path once or twice, a few seconds in all.
QUICK = Config(
    mlp_batches={"cpu": [1, 16], "cuda": [1, 256]},
    mlp_budget=Budget(warmup=1, min_rounds=3, max_rounds=3, seconds=0.0, block_seconds=0.0),
    overhead_ops=1000,
    overhead_budget=Budget(warmup=1, min_rounds=3, max_rounds=3, seconds=0.0, block_seconds=0.0),
    linear_features=256,
    linear_rows={"cpu": 16, "cuda": 256},
    linear_budget=Budget(warmup=1, min_rounds=3, max_rounds=3, seconds=0.0, block_seconds=0.0),
    graph_sizes=[500, 1_000, 2_000],
    graph_width=16,
    graph_repeats=1,
)


# ------------------------------------------------------------------------------------------ helpers

def has_nn_api(fw: Any) -> bool:
    """True once ``fw`` has the pieces the module-style MLP uses (tinygrad_lr grows them over time)."""
    nn = getattr(fw, "nn", None)
    optim = getattr(fw, "optim", None)
    functional = getattr(nn, "functional", None)
    return all((hasattr(nn, "Linear"), hasattr(nn, "ReLU"), hasattr(nn, "Sequential"),
                hasattr(functional, "cross_entropy"), hasattr(functional, "linear"), hasattr(optim, "SGD")))


def choose_api(contenders: list[Contender]) -> str:
    """"nn" (nn.Linear, F.cross_entropy, optim.SGD) when every framework has it, else "tensor"
    (the same math with Tensor methods and a manual SGD update): both frameworks always run the
    same code."""
    return "nn" if all(has_nn_api(c.fw) for c in contenders if c.kind == "framework") else "tensor"


def as_input(c: Contender, array: np.ndarray, requires_grad: bool = False) -> Any:
    """The NumPy ``array`` as the contender's own array or tensor on its device."""
    if c.kind == "floor":
        return c.fw.asarray(array)
    return c.fw.tensor(array, device=c.device, requires_grad=requires_grad)


def mlp_parameters(rng: np.random.Generator) -> list[np.ndarray]:
    """[W1, b1, W2, b2, W3, b3] in nn.Linear's layout and init (uniform ±1/√fan_in), float32."""
    params = []
    for fan_in, fan_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, (fan_out,)).astype(np.float32))
    return params


# ----------------------------------------------------------------------------------- 1. MLP step

def mlp_step_tensor_api(fw: Any, dev: str, params_np: list[np.ndarray], x_np: np.ndarray,
                        y_np: np.ndarray) -> Callable[[], Any]:
    """The training step with Tensor methods only: ``@``, ``.relu()``, ``log_softmax`` + indexing
    for the cross-entropy, and SGD as an in-place update under ``no_grad``."""
    params = [fw.tensor(p, device=dev, requires_grad=True) for p in params_np]
    W1, b1, W2, b2, W3, b3 = params
    x, y = fw.tensor(x_np, device=dev), fw.tensor(y_np, device=dev)
    rows = fw.arange(len(y_np), device=dev)

    def step() -> Any:
        for p in params:
            p.grad = None
        h = (x @ W1.t() + b1).relu()
        h = (h @ W2.t() + b2).relu()
        logits = h @ W3.t() + b3
        loss = -logits.log_softmax(1)[rows, y].mean()
        loss.backward()
        with fw.no_grad():
            for p in params:
                p.sub_(p.grad, alpha=LR)
        return loss

    return step


def mlp_step_nn_api(fw: Any, dev: str, params_np: list[np.ndarray], x_np: np.ndarray,
                    y_np: np.ndarray) -> Callable[[], Any]:
    """The lecture's training step: ``nn.Sequential`` of ``Linear``/``ReLU``, ``F.cross_entropy``,
    ``optim.SGD``."""
    nn = fw.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    model = model.to(dev)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    with fw.no_grad():
        for layer, W, b in zip(linears, params_np[0::2], params_np[1::2]):
            layer.weight.copy_(fw.tensor(W, device=dev))
            layer.bias.copy_(fw.tensor(b, device=dev))
    optimizer = fw.optim.SGD(model.parameters(), lr=LR)
    cross_entropy = nn.functional.cross_entropy
    x, y = fw.tensor(x_np, device=dev), fw.tensor(y_np, device=dev)

    def step() -> Any:
        optimizer.zero_grad()
        loss = cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def mlp_step(c: Contender, api: str, batch: int) -> Callable[[], Any]:
    rng = np.random.default_rng(0)
    params_np = mlp_parameters(rng)
    x_np = rng.standard_normal((batch, MLP_SIZES[0]), dtype=np.float32)
    y_np = rng.integers(0, MLP_SIZES[-1], batch, dtype=np.int64)
    if c.kind == "floor":
        xp = c.fw
        return floor.mlp_step(xp, [xp.asarray(p) for p in params_np], xp.asarray(x_np), xp.asarray(y_np), LR)
    make = mlp_step_nn_api if api == "nn" else mlp_step_tensor_api
    return make(c.fw, c.device, params_np, x_np, y_np)


def run_mlp(contenders: list[Contender], device: str, config: Config, api: str) -> list[dict]:
    rows = []
    for batch in config.mlp_batches[device]:
        steps = {c.key: mlp_step(c, api, batch) for c in contenders}
        syncs = {c.key: c.sync for c in contenders}
        stats = time_interleaved(steps, syncs, config.mlp_budget, switch_pause(device))
        del steps
        gc.collect()
        for c in contenders:
            rows.append({"contender": c.name, "device": device, "kind": c.kind, "label": c.label,
                         "batch": batch, **stats[c.key]})
        progress(f"  mlp {device} batch {batch:>6}: " +
                 ", ".join(f"{c.label} {fmt_time(stats[c.key]['median_s'])}" for c in contenders))
    return rows


# ------------------------------------------------------------------------------- 2. op overhead

def overhead_chain(fw: Any, dev: str, n_ops: int, sync: Callable[[], None],
                   forward_times: list[float]) -> Callable[[], Any]:
    """``n_ops`` elementwise ops on one-element tensors (a repeating mix: times a tensor, plus a
    Python number, tanh, negation), then backward. Records the forward's time separately."""
    x = fw.tensor([0.5], device=dev, requires_grad=True)
    w = fw.tensor([0.9], device=dev, requires_grad=True)
    clock = time.perf_counter

    def step() -> Any:
        x.grad = w.grad = None
        t0 = clock()
        y = x
        for _ in range(n_ops // 4):
            y = y * w
            y = y + 0.25
            y = y.tanh()
            y = -y
        sync()
        forward_times.append(clock() - t0)
        y.backward()
        return y

    return step


def micrograd_chain(n_ops: int, forward_times: list[float]) -> Callable[[], Any]:
    """The same chain on micrograd's scalar ``Value`` (pip ``micrograd``): the pure-Python floor of
    per-op cost, a node being one small Python object with a closure. micrograd has no tanh, so
    ``relu`` takes its place; its ``-y`` is ``y * -1`` (two objects, as its own code does it)."""
    import sys

    from micrograd.engine import Value
    x, w = Value(0.5), Value(0.9)
    clock = time.perf_counter

    def step() -> Any:
        x.grad = w.grad = 0
        t0 = clock()
        y = x
        for _ in range(n_ops // 4):
            y = y * w
            y = y + 0.25
            y = y.relu()
            y = -y
        forward_times.append(clock() - t0)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 4 * n_ops + 100))  # its backward recurses once per node
        try:
            y.backward()
        finally:
            sys.setrecursionlimit(limit)
        return y

    return step


def numpy_floor_chain(xp: Any, n_ops: int, sync: Callable[[], None], forward_times: list[float]) -> Callable[[], Any]:
    """The same chain written by hand on one-element NumPy/CuPy arrays: the forward keeps what the
    backward needs, the backward applies each local derivative in reverse and sums w's gradient
    over its uses. The array calls a framework cannot avoid, and nothing else: its time is the
    array library's own per-call cost (~0.4-0.8 µs per NumPy call on one element)."""
    x = xp.asarray([0.5], dtype=xp.float32)
    w = xp.asarray([0.9], dtype=xp.float32)
    clock = time.perf_counter

    def step() -> Any:
        t0 = clock()
        inputs, outputs = [], []  # y before each multiply, tanh's output
        y = x
        for _ in range(n_ops // 4):
            inputs.append(y)
            y = y * w
            y = y + 0.25
            y = xp.tanh(y)
            outputs.append(y)
            y = -y
        sync()
        forward_times.append(clock() - t0)
        grad = xp.ones_like(y)
        grad_w = xp.zeros_like(w)
        for y_in, t in zip(reversed(inputs), reversed(outputs)):
            grad = -grad                # d(-t)/dt = -1
            grad = grad * (1 - t * t)   # d tanh(a)/da = 1 - tanh²
            grad_w = grad_w + grad * y_in  # d(y w)/dw = y (+ 0.25 passes the gradient through)
            grad = grad * w             # d(y w)/dy = w
        sync()
        return grad, grad_w

    return step


def micrograd_contender(device: str) -> Contender | None:
    """micrograd as a per-op contender (CPU only, when it is installed)."""
    if device != "cpu":
        return None
    try:
        import micrograd
    except ImportError:
        return None
    return Contender("micrograd", "cpu", micrograd, kind="pure-python")


def run_overhead(contenders: list[Contender], device: str, config: Config) -> list[dict]:
    frameworks = [c for c in contenders if c.kind == "framework"]
    n_ops = config.overhead_ops
    forward_times: dict[str, list[float]] = {c.key: [] for c in frameworks}
    steps = {c.key: overhead_chain(c.fw, c.device, n_ops, c.sync, forward_times[c.key]) for c in frameworks}
    for floor_contender in [c for c in contenders if c.kind == "floor"]:
        frameworks.append(floor_contender)
        forward_times[floor_contender.key] = []
        steps[floor_contender.key] = numpy_floor_chain(floor_contender.fw, n_ops, floor_contender.sync,
                                                       forward_times[floor_contender.key])
    pure = micrograd_contender(device)
    if pure is not None:
        frameworks.append(pure)
        forward_times[pure.key] = []
        steps[pure.key] = micrograd_chain(n_ops, forward_times[pure.key])
    stats = time_interleaved(steps, {c.key: c.sync for c in frameworks}, config.overhead_budget,
                             switch_pause(device))
    rows = []
    for c in frameworks:
        forward = summarize(forward_times[c.key][config.overhead_budget.warmup:])
        total = stats[c.key]
        rows.append({"contender": c.name, "device": device, "kind": c.kind, "label": c.label, "ops": n_ops,
                     "total": total, "forward": forward,
                     "us_per_op": total["median_s"] / n_ops * 1e6,
                     "forward_us_per_op": forward["median_s"] / n_ops * 1e6,
                     "backward_us_per_op": (total["median_s"] - forward["median_s"]) / n_ops * 1e6,
                     "gc_us_per_op": total["gc"]["mean_s_per_call"] / n_ops * 1e6})
    progress(f"  overhead {device}: " + ", ".join(f"{r['label']} {r['us_per_op']:.1f} µs/op" for r in rows))
    return rows


# ----------------------------------------------------------------------------------- 3. Linear

def linear_step(c: Contender, api: str, features: int, rows: int) -> Callable[[], Any]:
    rng = np.random.default_rng(1)
    bound = 1 / np.sqrt(features)
    W_np = rng.uniform(-bound, bound, (features, features)).astype(np.float32)
    b_np = rng.uniform(-bound, bound, (features,)).astype(np.float32)
    x_np = rng.standard_normal((rows, features), dtype=np.float32)
    g_np = np.ones((rows, features), dtype=np.float32)
    if c.kind == "floor":
        xp = c.fw
        return floor.linear_step(xp, *(xp.asarray(a) for a in (W_np, b_np, x_np, g_np)))
    fw = c.fw
    W, b, x = (as_input(c, a, requires_grad=True) for a in (W_np, b_np, x_np))
    out_grad = as_input(c, g_np)
    linear = fw.nn.functional.linear if api == "nn" else (lambda x, W, b: x @ W.t() + b)

    def step() -> Any:
        x.grad = W.grad = b.grad = None
        out = linear(x, W, b)
        out.backward(out_grad)
        return out

    return step


def run_linear(contenders: list[Contender], device: str, config: Config, api: str) -> list[dict]:
    features, n = config.linear_features, config.linear_rows[device]
    steps = {c.key: linear_step(c, api, features, n) for c in contenders}
    stats = time_interleaved(steps, {c.key: c.sync for c in contenders}, config.linear_budget,
                             switch_pause(device))
    del steps
    gc.collect()
    flops = 3 * 2 * n * features * features  # forward, grad_x and grad_W products
    rows = []
    for c in contenders:
        rows.append({"contender": c.name, "device": device, "kind": c.kind, "label": c.label,
                     "features": features, "rows": n, "gflops": flops / stats[c.key]["median_s"] / 1e9,
                     **stats[c.key]})
    progress(f"  linear {device} {n}x{features}x{features}: " +
             ", ".join(f"{r['label']} {fmt_time(r['median_s'])} ({r['gflops']:.0f} GFLOP/s)" for r in rows))
    return rows


# ------------------------------------------------------------------------- 4. backward, big graph

def build_chain(fw: Any, x: Any, w: Any, nodes: int) -> Any:
    """A chain of ``nodes`` graph nodes: (times w, tanh) repeated, then a sum."""
    y = x
    for _ in range((nodes - 1) // 2):
        y = (y * w).tanh()
    return y.sum()


def _rss_bytes(field_name: str = "VmRSS") -> int | None:
    """Resident memory of this process from /proc (Linux), None elsewhere."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset VmHWM (the peak RSS) to the current RSS; Linux ≥ 4.0 only."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _trim_heap() -> None:
    """Hand memory that C's malloc freed back to the OS, so RSS shows what is really released."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _device_memory(c: Contender) -> Callable[[], int] | None:
    if c.device != "cuda":
        return None
    if c.name == "torch":
        return c.fw.cuda.memory_allocated
    import cupy
    return cupy.get_default_memory_pool().used_bytes


def graph_memory(c: Contender, nodes: int, width: int) -> dict[str, Any]:
    """Memory of one build + backward, measured three ways where they apply:

    * ``tracemalloc``: every allocation through Python's allocator, NumPy arrays included (NumPy
      reports its buffers to tracemalloc). Sees all of tinygrad_lr on the CPU; for torch it sees
      only the Python wrapper objects, not torch's C++ graph or storage.
    * ``rss``: the process's resident memory from /proc (peak via VmHWM, reset before each phase),
      after ``malloc_trim`` so freed C heap is handed back; sees torch's allocations too, but also
      any other noise in the process.
    * ``device``: CuPy's memory-pool bytes in use, or ``torch.cuda.memory_allocated`` (CUDA only).
    """
    fw = c.fw
    rng = np.random.default_rng(2)
    x = as_input(c, rng.standard_normal(width).astype(np.float32), requires_grad=True)
    w = as_input(c, np.full(width, 0.999, dtype=np.float32), requires_grad=True)
    device_memory = _device_memory(c)
    c.sync()
    gc.collect()
    _trim_heap()
    out: dict[str, Any] = {}

    tracemalloc.start()
    rss0 = _rss_bytes()
    dev0 = device_memory() if device_memory else None
    base, _ = tracemalloc.get_traced_memory()
    _reset_peak_rss()
    y = build_chain(fw, x, w, nodes)
    c.sync()
    built, _ = tracemalloc.get_traced_memory()
    rss_built = _rss_bytes()
    dev_built = device_memory() if device_memory else None
    tracemalloc.reset_peak()
    _reset_peak_rss()
    if c.name == "torch" and c.device == "cuda":
        fw.cuda.reset_peak_memory_stats()
    y.backward()
    c.sync()
    after, peak = tracemalloc.get_traced_memory()
    rss_peak = _rss_bytes("VmHWM")
    dev_peak = fw.cuda.max_memory_allocated() if (c.name == "torch" and c.device == "cuda") else None
    gc.collect()
    _trim_heap()
    after, _ = tracemalloc.get_traced_memory()
    rss_after = _rss_bytes()
    dev_after = device_memory() if device_memory else None
    del y
    gc.collect()
    _trim_heap()
    after_del, _ = tracemalloc.get_traced_memory()
    rss_after_del = _rss_bytes()
    dev_after_del = device_memory() if device_memory else None
    tracemalloc.stop()

    out["tracemalloc"] = {"graph_held_bytes": built - base, "peak_during_backward_bytes": peak - base,
                          "after_backward_bytes": after - base, "after_del_bytes": after_del - base}
    if rss0 is not None:
        out["rss"] = {"graph_held_bytes": rss_built - rss0, "peak_during_backward_bytes": rss_peak - rss0,
                      "after_backward_bytes": rss_after - rss0, "after_del_bytes": rss_after_del - rss0}
    if device_memory:
        out["device"] = {"graph_held_bytes": dev_built - dev0,
                         "peak_during_backward_bytes": (dev_peak - dev0) if dev_peak is not None else None,
                         "after_backward_bytes": dev_after - dev0, "after_del_bytes": dev_after_del - dev0}
    return out


def run_graph(contenders: list[Contender], device: str, config: Config) -> list[dict]:
    frameworks = [c for c in contenders if c.kind == "framework"]
    width = config.graph_width
    rows = []
    for nodes in config.graph_sizes:
        build_times: dict[str, list[float]] = {c.key: [] for c in frameworks}
        backward_times: dict[str, list[float]] = {c.key: [] for c in frameworks}
        gc_counts = {c.key: [0, 0] for c in frameworks}  # full GC collections in build, in backward
        gc_seconds: dict[str, list[list[float]]] = {c.key: [[], []] for c in frameworks}  # per repeat
        for repeat in range(config.graph_repeats):
            order = frameworks[repeat % len(frameworks):] + frameworks[:repeat % len(frameworks)]
            for c in order:
                rng = np.random.default_rng(2)
                x = as_input(c, rng.standard_normal(width).astype(np.float32), requires_grad=True)
                w = as_input(c, np.full(width, 0.999, dtype=np.float32), requires_grad=True)
                gc.collect()
                time.sleep(switch_pause(device))
                with GcMeter() as meter:
                    t0 = time.perf_counter()
                    y = build_chain(c.fw, x, w, nodes)
                    c.sync()
                    t1 = time.perf_counter()
                    in_build, full_in_build = meter.total, meter.collections[2]
                    y.backward()
                    c.sync()
                    t2 = time.perf_counter()
                del y
                build_times[c.key].append(t1 - t0)
                backward_times[c.key].append(t2 - t1)
                # CPython's cyclic GC scans every live graph object in a full collection: with
                # 100k Python-object nodes that is a visible, size-dependent cost (torch's graph
                # lives in C++, out of the GC's sight).
                gc_counts[c.key][0] += full_in_build
                gc_counts[c.key][1] += meter.collections[2] - full_in_build
                gc_seconds[c.key][0].append(in_build)
                gc_seconds[c.key][1].append(meter.total - in_build)
        for c in frameworks:
            backward = summarize(backward_times[c.key])
            build = summarize(build_times[c.key])
            gc_build = float(np.median(gc_seconds[c.key][0]))
            rows.append({"contender": c.name, "device": device, "kind": c.kind, "label": c.label,
                         "nodes": nodes, "width": width, "build": build,
                         "backward": backward, "backward_us_per_node": backward["median_s"] / nodes * 1e6,
                         "build_us_per_node": build["median_s"] / nodes * 1e6,
                         # the build without the collector's time: what the framework's own code costs
                         "build_gc_s": gc_build, "backward_gc_s": float(np.median(gc_seconds[c.key][1])),
                         "build_without_gc_us_per_node": float(np.median(
                             [b - g for b, g in zip(build_times[c.key], gc_seconds[c.key][0])])) / nodes * 1e6,
                         "full_gc_collections": {"build": gc_counts[c.key][0], "backward": gc_counts[c.key][1],
                                                 "repeats": config.graph_repeats}})
        progress(f"  graph {device} {nodes} nodes: " + ", ".join(
            f"{r['label']} build {fmt_time(r['build']['median_s'])} backward {fmt_time(r['backward']['median_s'])}"
            for r in rows[-len(frameworks):]))
    largest = config.graph_sizes[-1]
    for c in frameworks:
        memory = graph_memory(c, largest, width)
        for row in rows:
            if row["contender"] == c.name and row["nodes"] == largest:
                row["memory"] = memory
        progress(f"  graph {device} memory {c.label}: " + "; ".join(
            f"{how}: held {m['graph_held_bytes'] / 2**20:.1f} MiB, peak {_mib(m['peak_during_backward_bytes'])}, "
            f"after backward {m['after_backward_bytes'] / 2**20:.1f} MiB"
            for how, m in memory.items()))
    return rows


def _mib(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 2**20:.1f} MiB"
