"""RAdam: Adam whose adaptive step is switched on only once the variance estimate is reliable."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .optimizer import Optimizer, check_adam_hyperparameters, decayed_gradient, lerp_


class RAdam(Optimizer):
    """PyTorch's ``torch.optim.RAdam``. At step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g if maximize
        g = g + weight_decay * p      (decoupled_weight_decay: p = p * (1 - lr * weight_decay) instead)
        m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:   r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
                        p = p - m_hat * lr * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
        else:           p = p - m_hat * lr                    (plain momentum SGD while rho_t is small)

    State keys: ``step``, ``exp_avg``, ``exp_avg_sq``.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        check_adam_hyperparameters(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
            beta1, beta2 = (float(b) for b in group["betas"])
            decoupled = group["decoupled_weight_decay"]
            for p, state, step in self._params_with_grad(group, exp_avg=True, exp_avg_sq=True):
                param, xp = p._data, p._xp
                scratch, grad_out, update = self._scratch(p, 3)
                if decoupled and weight_decay != 0:
                    param *= 1 - lr * weight_decay
                grad = decayed_gradient(xp, param, p.grad._data, 0.0 if decoupled else weight_decay,
                                        group["maximize"], out=grad_out)
                exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
                lerp_(xp, exp_avg, grad, 1 - beta1, scratch)
                exp_avg_sq *= beta2
                exp_avg_sq += xp.multiply(xp.multiply(grad, 1 - beta2, out=scratch), grad, out=scratch)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                xp.divide(exp_avg, bias_correction1, out=update)  # m_hat
                update *= lr
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive = xp.sqrt(exp_avg_sq, out=scratch)
                    adaptive += eps
                    # PyTorch's ``float / tensor`` is ``tensor.reciprocal() * float``: the same rounding here
                    xp.reciprocal(adaptive, out=adaptive)
                    adaptive *= bias_correction2 ** 0.5
                    update *= adaptive
                    update *= rect
                param -= update
        return loss
