"""NAdam: Adam with Nesterov momentum, whose momentum coefficient warms up over the steps."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .optimizer import Optimizer, check_adam_hyperparameters, check_hyperparameter, decayed_gradient, lerp_


class NAdam(Optimizer):
    """PyTorch's ``torch.optim.NAdam``. At step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g if maximize
        g = g + weight_decay * p      (decoupled_weight_decay: p = p * (1 - lr * weight_decay) instead)
        mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay));  mu_{t+1} likewise
        mu_product = mu_product * mu_t                   (a float32 scalar in the state, as PyTorch keeps it)
        m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
        denom = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
              - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom

    State keys: ``step``, ``mu_product``, ``exp_avg``, ``exp_avg_sq``.
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        check_adam_hyperparameters(lr, eps, betas, weight_decay)
        check_hyperparameter("momentum_decay value", momentum_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
            beta1, beta2 = (float(b) for b in group["betas"])
            momentum_decay, decoupled = float(group["momentum_decay"]), group["decoupled_weight_decay"]
            for p, state, step in self._params_with_grad(group, {"mu_product": 1.0}, exp_avg=True, exp_avg_sq=True):
                param, xp = p._data, p._xp
                scratch, grad_out, denom = self._scratch(p, 3)
                bias_correction2 = 1 - beta2 ** step
                if decoupled and weight_decay != 0:
                    param *= 1 - lr * weight_decay
                grad = decayed_gradient(xp, param, p.grad._data, 0.0 if decoupled else weight_decay,
                                        group["maximize"], out=grad_out)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mu_product = state["mu_product"]._data
                mu_product *= mu  # in the state's own (float32) precision, as PyTorch's tensor is
                mu_product_value = float(mu_product)
                mu_product_next = mu_product_value * mu_next
                exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
                lerp_(xp, exp_avg, grad, 1 - beta1, scratch)
                exp_avg_sq *= beta2
                exp_avg_sq += xp.multiply(xp.multiply(grad, 1 - beta2, out=scratch), grad, out=scratch)
                xp.sqrt(xp.divide(exp_avg_sq, bias_correction2, out=denom), out=denom)
                denom += eps
                update = xp.multiply(grad, -lr * (1.0 - mu) / (1.0 - mu_product_value), out=scratch)
                update /= denom
                param += update
                update = xp.multiply(exp_avg, (-lr * mu_next) / (1.0 - mu_product_next), out=scratch)
                update /= denom
                param += update
        return loss
