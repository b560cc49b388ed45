"""Adamax: Adam with the infinity norm (a running maximum of |g|) in place of the RMS."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .optimizer import Optimizer, check_adam_hyperparameters, decayed_gradient, lerp_


class Adamax(Optimizer):
    """PyTorch's ``torch.optim.Adamax``. At step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g if maximize;  g = g + weight_decay * p
        m = lerp(m, g, 1 - beta1)
        u = max(beta2 * u, |g| + eps)
        p = p - (lr / (1 - beta1**t)) * m / u

    State keys: ``step``, ``exp_avg``, ``exp_inf``.
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_adam_hyperparameters(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
            beta1, beta2 = (float(b) for b in group["betas"])
            for p, state, step in self._params_with_grad(group, exp_avg=True, exp_inf=True):
                param, xp = p._data, p._xp
                scratch, grad_out = self._scratch(p, 2)
                grad = decayed_gradient(xp, param, p.grad._data, weight_decay, group["maximize"], out=grad_out)
                exp_avg, exp_inf = state["exp_avg"]._data, state["exp_inf"]._data
                lerp_(xp, exp_avg, grad, 1 - beta1, scratch)
                exp_inf *= beta2
                xp.maximum(exp_inf, xp.add(xp.abs(grad, out=scratch), eps, out=scratch), out=exp_inf)
                clr = lr / (1 - beta1 ** step)
                update = xp.multiply(exp_avg, -clr, out=scratch)
                update /= exp_inf
                param += update
        return loss
