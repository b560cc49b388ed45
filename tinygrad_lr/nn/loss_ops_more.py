"""Fused graph nodes of the losses PyTorch computes in one kernel (so their ``grad_fn`` is one node:
``SmoothL1LossBackward0``, ``HuberLossBackward0``, ``SoftMarginLossBackward0``,
``MultiMarginLossBackward0``, ``MultilabelMarginLossBackward0``), and ``xlogy`` for ``kl_div``.

Each works on plain arrays; ``reduction`` ('none', 'mean' or 'sum') is applied inside, with the
helpers of ``loss_ops``. The losses PyTorch composes from smaller ops are composed in
``functional/loss_margin.py`` and ``functional/loss_regression.py`` instead.
"""
from __future__ import annotations

import numpy as np

from ..autograd import Op
from .loss_ops import _expand_grad, _reduce


class SmoothL1Loss(Op):
    """With d = x − y: loss = d²/(2β) where |d| < β, else |d| − β/2 (a quadratic bowl joined to L1);
    d/dx = d/β inside, sign(d) outside; d/dy = −d/dx."""
    torch_name = "SmoothL1LossBackward0"

    def forward(self, x, y, beta: float, reduction: str):
        xp = self.xp
        d = x - y
        z = xp.abs(d)
        self.save(d, beta, reduction)
        return _reduce(xp.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)

    def backward(self, out_grad):
        d, beta, reduction = self.saved
        xp = self.xp
        grad = _expand_grad(xp, out_grad, d.shape, reduction)
        local = xp.where(d < -beta, -1, xp.where(d > beta, 1, d / beta))
        return grad * local, -grad * local


class HuberLoss(Op):
    """With d = x − y: loss = d²/2 where |d| < δ, else δ (|d| − δ/2) (smooth L1 scaled by δ);
    d/dx = d inside, δ · sign(d) outside; d/dy = −d/dx."""
    torch_name = "HuberLossBackward0"

    def forward(self, x, y, delta: float, reduction: str):
        xp = self.xp
        d = x - y
        z = xp.abs(d)
        self.save(d, delta, reduction)
        return _reduce(xp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction)

    def backward(self, out_grad):
        d, delta, reduction = self.saved
        xp = self.xp
        grad = _expand_grad(xp, out_grad, d.shape, reduction)
        local = xp.where(d < -delta, -delta, xp.where(d > delta, delta, d))
        return grad * local, -grad * local


class SoftMarginLoss(Op):
    """loss = log(1 + e^(−y·x)) for labels y = ±1;  d/dx = −y · e^(−y·x) / (1 + e^(−y·x)).
    PyTorch gives the target no gradient here (it is a label)."""
    torch_name = "SoftMarginLossBackward0"

    def forward(self, x, y, reduction: str):
        xp = self.xp
        z = xp.exp(-y * x)
        self.save(y, z, reduction)
        return _reduce(xp.log1p(z), reduction)

    def backward(self, out_grad):
        y, z, reduction = self.saved
        grad = _expand_grad(self.xp, out_grad, z.shape, reduction)
        return -y * z / (1 + z) * grad, None


class MultiMarginLoss(Op):
    """Multi-class hinge loss of scores x (N, C) for classes y (N):

        loss_i = Σ_{c ≠ y_i} w_{y_i} · max(0, margin − x_{i,y_i} + x_{i,c})^p / C,   p = 1 or 2.

    With h_ic = w_{y_i} · p · max(0, z_ic)^(p−1) / C (z_ic the hinge argument):
    d/dx_ic = h_ic for c ≠ y_i, and d/dx_{i,y_i} = −Σ_{c ≠ y_i} h_ic.
    """
    torch_name = "MultiMarginLossBackward0"

    def forward(self, x, target, weight, p: int, margin: float, reduction: str):
        xp = self.xp
        shape = x.shape
        x = x.reshape(-1, shape[-1])  # one sample (C,) is a batch of one
        rows = xp.arange(x.shape[0])
        z = margin - x[rows, target][:, None] + x
        active = (z > 0) & (xp.arange(x.shape[1])[None, :] != target[:, None])
        w = 1 if weight is None else weight.astype(x.dtype, copy=False)[target][:, None]
        on = active.astype(x.dtype)
        hinge = on * (z if p == 1 else z * z) * w
        slope = on * (1 if p == 1 else 2 * z) * w / x.shape[1]
        loss = hinge.sum(axis=1) / x.shape[1]
        loss = loss.reshape(shape[:-1])
        self.save(rows, target, slope, reduction, shape)
        return _reduce(loss, reduction)

    def backward(self, out_grad):
        rows, target, slope, reduction, shape = self.saved
        grad = _expand_grad(self.xp, out_grad, shape[:-1], reduction).reshape(-1, 1) * slope
        grad[rows, target] -= grad.sum(axis=1)
        return grad.reshape(shape)


class MultilabelMarginLoss(Op):
    """Multi-label hinge loss of scores x (N, C); each row of ``target`` lists that sample's classes,
    ended by the first −1. With T_i those classes:

        loss_i = Σ_{j ∈ T_i} Σ_{c ∉ T_i} max(0, 1 − (x_{i,j} − x_{i,c})) / C;

    each active pair (j, c) adds 1/C to d/dx_ic and −1/C to d/dx_ij.
    """
    torch_name = "MultilabelMarginLossBackward0"

    def forward(self, x, target, reduction: str):
        xp = self.xp
        shape = x.shape
        x, target = x.reshape(-1, shape[-1]), target.reshape(-1, shape[-1])  # one sample (C,): a batch of one
        n, c = x.shape
        listed = xp.cumprod(target >= 0, axis=1).astype(bool)  # positions before the first −1
        safe = xp.where(listed, target, 0)
        is_target = xp.zeros((n, c), dtype=bool)
        rows = xp.broadcast_to(xp.arange(n)[:, None], (n, c))
        is_target[rows[listed], safe[listed]] = True
        scores = xp.take_along_axis(x, safe, axis=1)  # x_{i, target_ij}
        z = 1 - scores[:, :, None] + x[:, None, :]  # (N, j, c)
        active = (z > 0) & listed[:, :, None] & ~is_target[:, None, :]
        self.save(active, reduction, c, safe, shape)
        loss = (xp.where(active, z, 0).sum(axis=(1, 2)) / c).reshape(shape[:-1])
        return _reduce(loss, reduction)

    def backward(self, out_grad):
        active, reduction, c, safe, shape = self.saved
        xp = self.xp
        grad = _expand_grad(xp, out_grad, shape[:-1], reduction).reshape(-1, 1) / c
        counts = active.astype(grad.dtype)
        grad_x = counts.sum(axis=1) * grad  # + once per active (j, c) at c
        per_target = counts.sum(axis=2) * grad  # − once per active (j, c) at target j
        n = safe.shape[0]
        for j in range(safe.shape[1]):  # target positions may repeat a class: accumulate one column at a time
            grad_x[xp.arange(n), safe[:, j]] -= per_target[:, j]
        return grad_x.reshape(shape)


class XLogY(Op):
    """out = x · log y, and 0 where x = 0 (so 0 · log 0 = 0, as in entropy);
    d/dx = log y where x ≠ 0 else 0,  d/dy = x / y."""
    torch_name = "XlogyBackward0"

    def forward(self, x, y):
        xp = self.xp
        self.save(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return xp.where(x == 0, 0, x * xp.log(y)).astype(x.dtype, copy=False)

    def backward(self, out_grad):
        x, y = self.saved
        xp = self.xp
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_x = out_grad * xp.where(x != 0, xp.log(y), 0) if self.needs_grad[0] else None
            grad_y = out_grad * x / y if self.needs_grad[1] else None
        return grad_x, grad_y
