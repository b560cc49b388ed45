"""Adam and AdamW: per-parameter step sizes from running averages of the gradient and its square."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .._kernels import FUSED
from .optimizer import Optimizer, check_adam_hyperparameters, decayed_gradient, lerp_


class Adam(Optimizer):
    """PyTorch's ``torch.optim.Adam``. At step ``t``, for each parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p                  (AdamW instead: p = p * (1 - lr * weight_decay))
        m = lerp(m, g, 1 - beta1)                 (m = beta1 * m + (1 - beta1) * g)
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)                     (amsgrad; then v_max is used below instead of v)
        denom = sqrt(v) / sqrt(1 - beta2**t) + eps
        p = p - (lr / (1 - beta1**t)) * m / denom

    The order of operations (where eps is added, which side bias correction goes) is PyTorch's, so
    the two frameworks agree step for step. State keys: ``step``, ``exp_avg``, ``exp_avg_sq``,
    ``max_exp_avg_sq``.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        check_adam_hyperparameters(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
            beta1, beta2 = (float(b) for b in group["betas"])
            amsgrad, maximize, decoupled = group["amsgrad"], group["maximize"], group["decoupled_weight_decay"]
            for p, state, step in self._params_with_grad(group, exp_avg=True, exp_avg_sq=True,
                                                         max_exp_avg_sq=amsgrad):
                param, xp = p._data, p._xp
                fused = FUSED.get(xp)
                # CuPy: the whole update in one kernel (about twelve array operations otherwise)
                if fused is not None and fused.takes(param, p.grad._data):
                    fused.adam_step(param, p.grad._data, state["exp_avg"]._data, state["exp_avg_sq"]._data,
                                    state["max_exp_avg_sq"]._data if amsgrad else None, lr=lr, beta1=beta1,
                                    beta2=beta2, eps=eps, weight_decay=weight_decay, decoupled=decoupled,
                                    maximize=maximize, step=step)
                    continue
                scratch, grad_out = self._scratch(p, 2)
                if decoupled and weight_decay != 0:
                    param *= 1 - lr * weight_decay
                grad = decayed_gradient(xp, param, p.grad._data, 0.0 if decoupled else weight_decay, maximize,
                                        out=grad_out)
                exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
                lerp_(xp, exp_avg, grad, 1 - beta1, scratch)
                exp_avg_sq *= beta2
                exp_avg_sq += xp.multiply(xp.multiply(grad, 1 - beta2, out=scratch), grad, out=scratch)
                step_size = lr / (1 - beta1 ** step)
                bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
                if amsgrad:
                    max_exp_avg_sq = state["max_exp_avg_sq"]._data
                    xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
                    exp_avg_sq = max_exp_avg_sq
                denom = xp.sqrt(exp_avg_sq, out=scratch)
                denom /= bias_correction2_sqrt
                denom += eps
                update = xp.multiply(exp_avg, -step_size, out=grad_out)  # the gradient is no longer needed
                update /= denom
                param += update
        return loss


class AdamW(Adam):
    """PyTorch's ``torch.optim.AdamW``: Adam with decoupled weight decay (``p *= 1 - lr * weight_decay``
    before the update, instead of adding ``weight_decay * p`` to the gradient)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
