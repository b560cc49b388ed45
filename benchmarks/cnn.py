"""7. Convolutional networks: one training step (forward, cross-entropy, backward, SGD) of the
LeNet-style CNN — conv 1→6 5×5, ReLU, max-pool 2, conv 6→16 5×5, ReLU, max-pool 2, flatten,
256→120→84→10 — on 28×28 inputs, plain and with ``BatchNorm2d`` after each convolution (when
tinygrad_lr has it), tinygrad_lr against PyTorch on the same device, and a hand-written NumPy/CuPy
im2col floor for the plain net (no framework: strided-view im2col, one matmul per layer,
batch-last col2im, 2×2 pooling by comparisons, SGD in place).
"""
from __future__ import annotations

import os
from types import ModuleType
from typing import Any, Callable

import numpy as np

from .harness import Budget, Contender, fmt_time, progress, time_workload

FULL_BUDGET = Budget(warmup=3, min_rounds=10, max_rounds=200, seconds=5.0)
QUICK_BUDGET = Budget(warmup=1, min_rounds=2, max_rounds=2, seconds=0.0, block_seconds=0.0)
BATCHES = {"cpu": [64, 256], "cuda": [64, 256]}
QUICK_BATCHES = {"cpu": [16], "cuda": [16]}
LR = 0.01
SHAPES = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 256), (120,), (84, 120), (84,), (10, 84), (10,)]


def lenet(fw: Any, batch_norm: bool) -> Any:
    nn = fw.nn
    norm = (lambda c: [nn.BatchNorm2d(c)]) if batch_norm else (lambda c: [])
    return nn.Sequential(nn.Conv2d(1, 6, 5), *norm(6), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), *norm(16), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def parameters(rng: np.random.Generator) -> list[np.ndarray]:
    """[W1, b1, ..., W5, b5] with PyTorch's default init bounds (±1/√fan_in), float32."""
    params = []
    for weight, bias in zip(SHAPES[0::2], SHAPES[1::2]):
        bound = 1 / np.sqrt(np.prod(weight[1:]))
        params += [rng.uniform(-bound, bound, weight).astype(np.float32),
                   rng.uniform(-bound, bound, bias).astype(np.float32)]
    return params


def framework_step(c: Contender, batch_norm: bool, params: list[np.ndarray], x: np.ndarray, y: np.ndarray
                   ) -> Callable[[], Any]:
    fw, dev = c.fw, c.device
    model = lenet(fw, batch_norm).to(dev)
    layers = [m for m in model if isinstance(m, (fw.nn.Conv2d, fw.nn.Linear))]
    with fw.no_grad():
        for layer, w, b in zip(layers, params[0::2], params[1::2]):
            layer.weight.copy_(fw.tensor(w, device=dev))
            layer.bias.copy_(fw.tensor(b, device=dev))
    optimizer = fw.optim.SGD(model.parameters(), lr=LR)
    images, labels = fw.tensor(x, device=dev), fw.tensor(y, device=dev)

    def step() -> Any:
        optimizer.zero_grad()
        loss = fw.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        return loss
    return step


# ------------------------------------------------------------------------------------ the floor

def _conv_forward(xp: ModuleType, x: Any, w: Any, b: Any) -> tuple[Any, Any]:
    n, c, h, width = x.shape
    o, _, k, _ = w.shape
    oh, ow = h - k + 1, width - k + 1
    s = x.strides
    cols = xp.lib.stride_tricks.as_strided(x, (n, c, k, k, oh, ow), (s[0], s[1], s[2], s[3], s[2], s[3]))
    cols = cols.reshape(n, c * k * k, oh * ow)
    out = xp.matmul(w.reshape(o, -1), cols)
    out += b[:, None]
    return out.reshape(n, o, oh, ow), cols


def _conv_backward(xp: ModuleType, g: Any, cols: Any, w: Any, x_shape: tuple, need_x: bool) -> tuple:
    n, o, oh, ow = g.shape
    g3 = g.reshape(n, o, oh * ow)
    grad_w = xp.matmul(g3, cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    grad_b = g3.sum(axis=(0, 2))
    grad_x = None
    if need_x:
        c, k = w.shape[1], w.shape[2]
        g_t = xp.ascontiguousarray(g.transpose(1, 2, 3, 0)).reshape(o, -1)
        cols_t = (w.reshape(o, -1).T @ g_t).reshape(c, k, k, oh, ow, n)
        canvas = xp.zeros((c, x_shape[2], x_shape[3], n), dtype=g.dtype)
        for i in range(k):
            for j in range(k):
                canvas[:, i:i + oh, j:j + ow] += cols_t[:, i, j]
        grad_x = xp.ascontiguousarray(canvas.transpose(3, 0, 1, 2))
    return grad_x, grad_w, grad_b


def _pool_forward(xp: ModuleType, x: Any) -> tuple[Any, tuple[Any, Any]]:
    """2×2 max pool in two passes (pairs of columns, then pairs of rows), keeping which won."""
    n, c, h, w = x.shape
    pairs = x.reshape(n, c, h, w // 2, 2)
    right = pairs[..., 1] > pairs[..., 0]
    rows = xp.maximum(pairs[..., 0], pairs[..., 1]).reshape(n, c, h // 2, 2, w // 2)
    lower = rows[:, :, :, 1] > rows[:, :, :, 0]
    return xp.maximum(rows[:, :, :, 0], rows[:, :, :, 1]), (right, lower)


def _pool_backward(xp: ModuleType, g: Any, winners: tuple[Any, Any], x_shape: tuple) -> Any:
    right, lower = winners
    n, c, h, w = x_shape
    rows = xp.empty((n, c, h // 2, 2, w // 2), dtype=g.dtype)
    xp.multiply(g, ~lower, out=rows[:, :, :, 0])
    xp.multiply(g, lower, out=rows[:, :, :, 1])
    rows = rows.reshape(n, c, h, w // 2)
    grad = xp.empty((n, c, h, w // 2, 2), dtype=g.dtype)
    xp.multiply(rows, ~right, out=grad[..., 0])
    xp.multiply(rows, right, out=grad[..., 1])
    return grad.reshape(x_shape)


def floor_step(xp: ModuleType, params: list[Any], x: Any, y: Any) -> Callable[[], Any]:
    W1, b1, W2, b2, W3, b3, W4, b4, W5, b5 = params
    n = x.shape[0]
    rows = xp.arange(n)

    def step() -> Any:
        h1, cols1 = _conv_forward(xp, x, W1, b1)
        xp.maximum(h1, 0, out=h1)
        p1, win1 = _pool_forward(xp, h1)
        h2, cols2 = _conv_forward(xp, p1, W2, b2)
        xp.maximum(h2, 0, out=h2)
        p2, win2 = _pool_forward(xp, h2)
        f = p2.reshape(n, -1)
        a3 = f @ W3.T
        a3 += b3
        xp.maximum(a3, 0, out=a3)
        a4 = a3 @ W4.T
        a4 += b4
        xp.maximum(a4, 0, out=a4)
        logits = a4 @ W5.T
        logits += b5
        shifted = logits - logits.max(axis=1, keepdims=True)
        exps = xp.exp(shifted)
        sums = exps.sum(axis=1, keepdims=True)
        loss = (xp.log(sums[:, 0]) - shifted[rows, y]).mean()
        g5 = exps / sums
        g5[rows, y] -= 1
        g5 /= n
        grads = [xp.dot(g5.T, a4), g5.sum(axis=0)]
        g4 = g5 @ W5
        g4 *= a4 > 0
        grads = [xp.dot(g4.T, a3), g4.sum(axis=0)] + grads
        g3 = g4 @ W4
        g3 *= a3 > 0
        grads = [xp.dot(g3.T, f), g3.sum(axis=0)] + grads
        gh2 = _pool_backward(xp, (g3 @ W3).reshape(p2.shape), win2, h2.shape)
        gh2 *= h2 > 0
        gp1, gW2, gb2 = _conv_backward(xp, gh2, cols2, W2, p1.shape, True)
        gh1 = _pool_backward(xp, gp1, win1, h1.shape)
        gh1 *= h1 > 0
        _, gW1, gb1 = _conv_backward(xp, gh1, cols1, W1, x.shape, False)
        for p, g in zip(params, [gW1, gb1, gW2, gb2] + grads):
            g *= LR
            p -= g
        return loss
    return step


# ------------------------------------------------------------------------------------- workload

def run_cnn(contenders: list[Contender], device: str, quick: bool = False) -> list[dict]:
    frameworks = [c for c in contenders if c.kind == "framework"]
    with_bn = all(hasattr(c.fw.nn, "BatchNorm2d") for c in frameworks)
    if not with_bn:
        progress("  cnn: the BatchNorm2d variant is skipped (tinygrad_lr has no nn.BatchNorm2d yet)")
    rows = []
    for batch in (QUICK_BATCHES if quick else BATCHES)[device]:
        rng = np.random.default_rng(0)
        params = parameters(rng)
        x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
        y = rng.integers(0, 10, batch).astype(np.int64)
        for variant in ["LeNet"] + (["LeNet+BatchNorm2d"] if with_bn else []):
            runners = frameworks + [c for c in contenders if c.kind == "floor" and variant == "LeNet"]
            steps = {}
            for c in runners:
                if c.kind == "floor":
                    xp = c.fw
                    steps[c.key] = floor_step(xp, [xp.asarray(p) for p in params], xp.asarray(x), xp.asarray(y))
                else:
                    steps[c.key] = framework_step(c, variant != "LeNet", params, x, y)
            rows += time_workload(f"cnn {device}", f"{variant}, batch {batch}", steps, runners, device,
                                  QUICK_BUDGET if quick else FULL_BUDGET, variant=variant, batch=batch)
    return rows


def render(rows: list[dict]) -> str:
    if not rows:
        return ""
    lines = ["\n7. CNN training step (LeNet-style, 28x28 inputs, cross-entropy, SGD), median [interquartile range]"]
    for device in dict.fromkeys(r["device"] for r in rows):
        header = f"{'device':6}  {'workload':32}  {'contender':20}  {'median [IQR]':32}  {'vs torch':>8}  {'vs floor':>8}"
        lines += ["", header, "-" * len(header)]
        for r in (r for r in rows if r["device"] == device):
            spread = f"{fmt_time(r['median_s'])} [{fmt_time(r['q1_s'])}–{fmt_time(r['q3_s'])}]"
            vs_torch = f"{r['vs_torch']:.2f}×" if "vs_torch" in r else ""
            vs_floor = f"{r['vs_floor']:.2f}×" if "vs_floor" in r else ""
            lines.append(f"{device:6}  {r['workload']:32}  {r['label']:20}  {spread:32}  {vs_torch:>8}  {vs_floor:>8}")
    return "\n".join(lines)


def write_plot(rows: list[dict], out_dir: str) -> list[str]:
    """cnn_ratio.png: each contender's time over PyTorch's, per workload and device."""
    if not rows:
        return []
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    devices = list(dict.fromkeys(r["device"] for r in rows))
    fig, axes = plt.subplots(1, len(devices), figsize=(7 * len(devices), 4.5), squeeze=False)
    colors = {"tinygrad_lr": "tab:blue", "floor": "tab:gray"}
    for ax, device in zip(axes[0], devices):
        mine = [r for r in rows if r["device"] == device and r["contender"] != "torch" and "vs_torch" in r]
        workloads = list(dict.fromkeys(r["workload"] for r in mine))
        labels = list(dict.fromkeys(r["label"] for r in mine))
        width = 0.8 / max(1, len(labels))
        for k, label in enumerate(labels):
            points = [(workloads.index(r["workload"]), r["vs_torch"]) for r in mine if r["label"] == label]
            ax.bar([p[0] + k * width for p in points], [p[1] for p in points], width=width, label=label,
                   color=colors.get(next(r["contender"] for r in mine if r["label"] == label), "tab:green"))
        ax.axhline(1.0, color="black", linewidth=1, linestyle="--", label="PyTorch")
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(workloads))], workloads, rotation=15, fontsize=8)
        ax.set(ylabel="time / PyTorch's time", title=f"CNN training step relative to PyTorch, {device}")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(out_dir, "cnn_ratio.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]
