"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ._axpy import add_scaled_
from .optimizer import Optimizer, check_hyperparameter, decayed_gradient, lerp_


class RMSprop(Optimizer):
    """PyTorch's ``torch.optim.RMSprop``. For each parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        avg = sqrt(v - m * m) + eps  with  m = lerp(m, g, 1 - alpha)   (centered)
        avg = sqrt(v) + eps                                             (otherwise)
        b = momentum * b + g / avg;  p = p - lr * b                     (momentum > 0)
        p = p - lr * g / avg                                            (otherwise)

    State keys: ``step``, ``square_avg``, ``momentum_buffer``, ``grad_avg``, as in PyTorch.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("epsilon value", eps)
        check_hyperparameter("momentum value", momentum)
        check_hyperparameter("weight_decay value", weight_decay)
        check_hyperparameter("alpha value", alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
            weight_decay, momentum = float(group["weight_decay"]), float(group["momentum"])
            centered, maximize = group["centered"], group["maximize"]
            for p, state, _ in self._params_with_grad(group, square_avg=True, momentum_buffer=momentum > 0,
                                                      grad_avg=centered):
                param, xp = p._data, p._xp
                scratch, grad_out = self._scratch(p, 2)
                grad = decayed_gradient(xp, param, p.grad._data, weight_decay, maximize, out=grad_out)
                square_avg = state["square_avg"]._data
                square_avg *= alpha
                square_avg += xp.multiply(xp.multiply(grad, 1 - alpha, out=scratch), grad, out=scratch)
                if centered:
                    grad_avg = state["grad_avg"]._data
                    lerp_(xp, grad_avg, grad, 1 - alpha, scratch)
                    avg = xp.subtract(square_avg, xp.multiply(grad_avg, grad_avg, out=scratch), out=scratch)
                    xp.sqrt(avg, out=avg)
                else:
                    avg = xp.sqrt(square_avg, out=scratch)
                avg += eps
                if momentum > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    buf += xp.divide(grad, avg, out=avg)
                    add_scaled_(xp, param, -lr, buf, scratch)  # param.add_(buf, alpha=-lr)
                else:
                    update = xp.multiply(grad, -lr, out=grad_out)
                    update /= avg
                    param += update
        return loss
