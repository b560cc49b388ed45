"""The floor: the lecture MLP's training step written by hand on arrays, no framework.

``xp`` is NumPy or CuPy. Forward, cross-entropy, backward and the SGD update are spelled out
with the fewest temporaries we could manage; the gap between a framework and this is the
framework's own cost (graph bookkeeping, Python per op, extra temporaries). Weights use
``nn.Linear``'s layout, ``W`` of shape (out, in) and ``y = x @ W.T + b``, like the frameworks.

On NumPy it takes the fastest spelling of each array operation that we know, the same ones
tinygrad_lr's fast paths take (a floor must not be beaten by array tricks, only by less
framework): ``(W xᵀ)ᵀ`` for the forward product of 2-64 rows, ``gᵀ @ x`` (or BLAS ``ger`` for
one row) for the weight gradients, and BLAS ``axpy`` for the SGD update (one pass over each
parameter instead of two). On CuPy it takes tinygrad_lr's fused CUDA kernels (``_kernels``) where
the framework does: the ReLU backward and the SGD update, one kernel each.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import numpy as np

from tinygrad_lr import _blas
from tinygrad_lr._kernels import FUSED, Kernels
from tinygrad_lr.backend import cupy_module
from tinygrad_lr.ops.linalg import transposed_product


def linear_forward(xp: ModuleType, x: Any, W: Any, b: Any) -> Any:
    """x @ Wᵀ + b. For 2-64 rows NumPy's OpenBLAS is faster on (W xᵀ)ᵀ (same bits)."""
    if xp is np and 2 <= x.shape[0] <= 64:
        return np.add((W @ x.T).T, b, order="C")
    out = x @ W.T
    out += b
    return out


def fused_kernels(xp: ModuleType) -> Kernels | None:
    """The fused kernels tinygrad_lr uses on ``xp``'s arrays (CuPy's; None on NumPy)."""
    if xp is not np:
        cupy_module()  # registers CuPy's kernels on first use
    return FUSED.get(xp)


def sgd_update(xp: ModuleType, p: Any, g: Any, lr: float) -> None:
    """p -= lr * g: one fused kernel on CuPy, one BLAS axpy pass on NumPy float32/64 when it can,
    else two passes."""
    fused = fused_kernels(xp)
    if fused is not None and fused.takes(p, g):
        fused.sgd_step(p, g, None, lr=lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                       maximize=False, first=False)
        return
    axpy = _blas.AXPY.get(p.dtype) if xp is np else None
    if axpy is not None and p.flags.c_contiguous and g.flags.c_contiguous and p.size >= 4096:
        axpy(p.size, -lr, _blas.address(g), 1, _blas.address(p), 1)
    else:
        g *= lr
        p -= g


def column_sums(xp: ModuleType, g: Any) -> Any:
    """Σ over rows (a bias gradient). NumPy's own sum is best on the CPU; on CuPy a product with a
    ones vector runs on cuBLAS, ~15x faster than CuPy's reduction over a long leading axis. The
    floor uses the best hand-written form, so that it stays a floor."""
    if xp.__name__ == "numpy":
        return g.sum(axis=0)
    return xp.ones(g.shape[0], dtype=g.dtype) @ g


def mlp_step(xp: ModuleType, params: list[Any], x: Any, y: Any, lr: float) -> Callable[[], Any]:
    """A closure doing one SGD step in place on ``params`` = [W1, b1, W2, b2, W3, b3]."""
    W1, b1, W2, b2, W3, b3 = params
    n = x.shape[0]
    rows = xp.arange(n)
    fused = fused_kernels(xp)

    def relu_backward(g: Any, h: Any) -> Any:  # g * (h > 0): in place, or one fused kernel on CuPy
        if fused is not None and fused.takes(g, h):
            return fused.relu_backward(g, h)
        g *= h > 0
        return g

    def step() -> Any:
        # forward
        h1 = linear_forward(xp, x, W1, b1)
        xp.maximum(h1, 0, out=h1)
        h2 = linear_forward(xp, h1, W2, b2)
        xp.maximum(h2, 0, out=h2)
        logits = linear_forward(xp, h2, W3, b3)
        # cross-entropy: loss = mean(logsumexp(logits) - logits[y])
        shifted = logits - logits.max(axis=1, keepdims=True)
        exps = xp.exp(shifted)
        sums = exps.sum(axis=1, keepdims=True)
        loss = (xp.log(sums[:, 0]) - shifted[rows, y]).mean()
        # backward: d loss / d logits = (softmax - onehot) / n
        g3 = exps
        g3 /= sums
        g3[rows, y] -= 1
        g3 /= n
        # weight gradients gᵀ h: the fastest form for the number of rows (see transposed_product)
        gW3, gb3 = transposed_product(xp, g3, h2), column_sums(xp, g3)
        g2 = relu_backward(g3 @ W3, h2)
        gW2, gb2 = transposed_product(xp, g2, h1), column_sums(xp, g2)
        g1 = relu_backward(g2 @ W2, h1)
        gW1, gb1 = transposed_product(xp, g1, x), column_sums(xp, g1)
        # SGD, in place
        for p, g in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2), (W3, gW3), (b3, gb3)):
            sgd_update(xp, p, g, lr)
        return loss

    return step


def linear_step(xp: ModuleType, W: Any, b: Any, x: Any, out_grad: Any) -> Callable[[], Any]:
    """Forward and backward of one Linear layer: the three matrix products and the bias sum."""

    def step() -> Any:
        return linear_forward(xp, x, W, b), out_grad @ W, transposed_product(xp, out_grad, x), column_sums(xp, out_grad)

    return step
