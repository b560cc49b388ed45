"""Adafactor: Adam-like steps whose second-moment estimate of a matrix is stored factored, as one
running mean per row and one per column (memory O(rows + cols) instead of O(rows · cols))."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from ..tensor import Tensor
from ._axpy import add_scaled_
from .optimizer import Optimizer, lerp_


def _norm(xp: Any, array: Any, axis: int | None = None) -> Any:
    """The 2-norm (over ``axis``, kept), as PyTorch's ``norm`` returns it: squared values summed, then sqrt."""
    return xp.sqrt((array * array).sum(axis=axis, keepdims=axis is not None))


class Adafactor(Optimizer):
    """PyTorch's ``torch.optim.Adafactor``. At step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g if maximize
        beta2_t = 1 - t**beta2_decay;  rho = min(lr, 1/sqrt(t))
        alpha = max(eps2, ‖p‖ / sqrt(numel)) * rho        (the step is relative to the weights' size)
        p = p * (1 - lr * weight_decay)
        matrices: r = lerp(r, mean of g² over the last dim, 1 - beta2_t)   (one value per row)
                  c = lerp(c, mean of g² over the dim before, 1 - beta2_t)  (one value per column)
                  v = r c / max(mean(r), eps1)
        vectors:  v = lerp(v, g², 1 - beta2_t)
        u = g / sqrt(max(v, eps1²));  p = p - alpha / max(1, ‖u‖ / (sqrt(numel) · d)) * u

    eps1 defaults to the dtype's machine epsilon. State keys: ``step`` and ``row_var``/``col_var``
    (matrices) or ``variance`` (vectors).
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 foreach: bool | None = None, maximize: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    @staticmethod
    def _add_second_moment(p: Tensor, state: dict[str, Any]) -> None:
        if len(state) == 1:  # just the step counter: add the factored (or full) second moment
            xp, shape = p._xp, p.shape
            if p.ndim > 1:
                state["row_var"] = Tensor._wrap(xp.zeros(shape[:-1] + (1,), dtype=p._data.dtype), p.device)
                state["col_var"] = Tensor._wrap(xp.zeros(shape[:-2] + (1,) + shape[-1:], dtype=p._data.dtype),
                                                p.device)
            else:
                state["variance"] = Tensor._wrap(xp.zeros_like(p._data), p.device)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, beta2_decay, d = float(group["lr"]), float(group["beta2_decay"]), float(group["d"])
            weight_decay, (eps1, eps2) = float(group["weight_decay"]), group["eps"]
            for p, state, step in self._params_with_grad(group):
                self._add_second_moment(p, state)
                param, xp = p._data, p._xp
                if eps1 is None:  # PyTorch takes it from the first parameter of the group, then keeps it
                    eps1 = float(np.finfo(param.dtype).eps)
                grad = -p.grad._data if group["maximize"] else p.grad._data
                beta2_complement = step ** beta2_decay
                rho = min(lr, 1 / (step ** 0.5))
                alpha = max(eps2, float(_norm(xp, param)) / (param.size ** 0.5)) * rho
                if weight_decay != 0:
                    param *= 1 - lr * weight_decay
                if p.ndim > 1:
                    row_var, col_var = state["row_var"]._data, state["col_var"]._data
                    row_mean = _norm(xp, grad, axis=-1) ** 2 / grad.shape[-1]
                    lerp_(xp, row_var, row_mean, beta2_complement, xp.empty_like(row_var))
                    col_mean = _norm(xp, grad, axis=-2) ** 2 / grad.shape[-2]
                    lerp_(xp, col_var, col_mean, beta2_complement, xp.empty_like(col_var))
                    var_estimate = xp.matmul(row_var, col_var)
                    var_estimate /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
                else:
                    variance = state["variance"]._data
                    lerp_(xp, variance, grad * grad, beta2_complement, xp.empty_like(variance))
                    var_estimate = variance.copy()
                update = 1 / xp.sqrt(xp.maximum(var_estimate, eps1 * eps1))
                update *= grad
                denom = max(1.0, float(_norm(xp, update)) / ((update.size ** 0.5) * d))
                add_scaled_(xp, param, -alpha / denom, update, update)  # param.add_(update, alpha=-alpha / denom)
        return loss
