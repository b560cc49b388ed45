"""Adagrad: each parameter's step shrinks with the running sum of its squared gradients."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, check_hyperparameter, decayed_gradient


class Adagrad(Optimizer):
    """PyTorch's ``torch.optim.Adagrad``. At step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g if maximize;  g = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g                              (s starts at initial_accumulator_value)
        p = p - clr * g / (sqrt(s) + eps)

    As in PyTorch the state (``step``, ``sum``) is created in the constructor, for every parameter.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("lr_decay value", lr_decay)
        check_hyperparameter("weight_decay value", weight_decay)
        check_hyperparameter("initial_accumulator_value value", initial_accumulator_value)
        check_hyperparameter("epsilon value", eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self._param_state(p)
                state["sum"] = Tensor._wrap(p._xp.full_like(p._data, initial_accumulator_value), p.device)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, lr_decay, eps = float(group["lr"]), float(group["lr_decay"]), float(group["eps"])
            weight_decay, maximize = float(group["weight_decay"]), group["maximize"]
            for p, state, step in self._params_with_grad(group):  # the state is made in __init__,
                if "sum" not in state:  # or here for a group added later (PyTorch: the constructor's value)
                    state["sum"] = Tensor._wrap(p._xp.full_like(p._data, self.defaults["initial_accumulator_value"]),
                                                p.device)
                param, xp = p._data, p._xp
                scratch, grad_out = self._scratch(p, 2)
                grad = decayed_gradient(xp, param, p.grad._data, weight_decay, maximize, out=grad_out)
                clr = lr / (1 + (step - 1) * lr_decay)
                state_sum = state["sum"]._data
                state_sum += xp.multiply(grad, grad, out=scratch)
                std = xp.sqrt(state_sum, out=scratch)
                std += eps
                update = xp.multiply(grad, -clr, out=grad_out)  # PyTorch's addcdiv: (value * g) / std
                update /= std
                param += update
        return loss
