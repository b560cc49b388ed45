"""The floor: the lecture MLP's training step written by hand on arrays, no framework.

``xp`` is NumPy or CuPy. Forward, cross-entropy, backward and the SGD update are spelled out
with the fewest temporaries we could manage; the gap between a framework and this is the
framework's own cost (graph bookkeeping, Python per op, extra temporaries). Weights use
``nn.Linear``'s layout, ``W`` of shape (out, in) and ``y = x @ W.T + b``, like the frameworks.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable


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

    def step() -> Any:
        # forward
        h1 = x @ W1.T
        h1 += b1
        xp.maximum(h1, 0, out=h1)
        h2 = h1 @ W2.T
        h2 += b2
        xp.maximum(h2, 0, out=h2)
        logits = h2 @ W3.T
        logits += b3
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
        # xp.dot rather than @ for the weight gradients: with a batch of 1 NumPy's matmul does the
        # outer product without BLAS, ~6x slower (tinygrad_lr's Linear does the same)
        gW3, gb3 = xp.dot(g3.T, h2), column_sums(xp, g3)
        g2 = g3 @ W3
        g2 *= h2 > 0
        gW2, gb2 = xp.dot(g2.T, h1), column_sums(xp, g2)
        g1 = g2 @ W2
        g1 *= h1 > 0
        gW1, gb1 = xp.dot(g1.T, x), column_sums(xp, g1)
        # SGD, in place
        for p, g in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2), (W3, gW3), (b3, gb3)):
            g *= lr
            p -= g
        return loss

    return step


def linear_step(xp: ModuleType, W: Any, b: Any, x: Any, out_grad: Any) -> Callable[[], Any]:
    """Forward and backward of one Linear layer: the three matrix products and the bias sum."""

    def step() -> Any:
        out = x @ W.T
        out += b
        return out, out_grad @ W, xp.dot(out_grad.T, x), column_sums(xp, out_grad)

    return step
