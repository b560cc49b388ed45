"""Adadelta: steps scaled by the ratio of running RMS values of past updates and past gradients."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ._axpy import add_scaled_
from .optimizer import Optimizer, check_hyperparameter, decayed_gradient


class Adadelta(Optimizer):
    """PyTorch's ``torch.optim.Adadelta``. For each parameter ``p`` with gradient ``g``::

        g = -g if maximize;  g = g + weight_decay * p
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta

    The ratio makes the step's units those of the parameter (lr = 1 is the paper's method).
    State keys: ``step``, ``square_avg``, ``acc_delta``.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        check_hyperparameter("learning rate", lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_hyperparameter("epsilon value", eps)
        check_hyperparameter("weight_decay value", weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, rho, eps = float(group["lr"]), float(group["rho"]), float(group["eps"])
            weight_decay, maximize = float(group["weight_decay"]), group["maximize"]
            for p, state, _ in self._params_with_grad(group, square_avg=True, acc_delta=True):
                param, xp = p._data, p._xp
                scratch, grad_out, delta = self._scratch(p, 3)
                grad = decayed_gradient(xp, param, p.grad._data, weight_decay, maximize, out=grad_out)
                square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
                square_avg *= rho
                square_avg += xp.multiply(xp.multiply(grad, 1 - rho, out=scratch), grad, out=scratch)
                xp.sqrt(xp.add(acc_delta, eps, out=delta), out=delta)
                delta /= xp.sqrt(xp.add(square_avg, eps, out=scratch), out=scratch)
                delta *= grad
                acc_delta *= rho
                acc_delta += xp.multiply(xp.multiply(delta, 1 - rho, out=scratch), delta, out=scratch)
                add_scaled_(xp, param, -lr, delta, scratch)  # param.add_(delta, alpha=-lr)
        return loss
