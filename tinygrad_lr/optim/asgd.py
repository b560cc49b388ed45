"""ASGD: SGD with a decaying step size and a running (Polyak) average ``ax`` of the iterates."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ..dtypes import get_default_dtype
from ._axpy import add_scaled_
from .optimizer import Optimizer, check_hyperparameter, decayed_gradient


class ASGD(Optimizer):
    """PyTorch's ``torch.optim.ASGD``. At step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g if maximize;  g = g + weight_decay * p
        p = p * (1 - lambd * eta);  p = p - eta * g
        ax = ax + mu * (p - ax)       (ax = p while mu == 1, i.e. for the first t0 steps)
        eta = lr / (1 + lambd * lr * t)**alpha;  mu = 1 / max(1, t - t0)

    ``eta`` and ``mu`` live in the state as float32 scalars (PyTorch's tensors), so the rounded
    values are the ones used. State keys: ``step``, ``eta``, ``mu``, ``ax``. ``ax`` is what the
    method returns as its estimate; the parameters themselves keep the plain iterates.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("weight_decay value", weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, lambd, alpha, t0 = float(group["lr"]), float(group["lambd"]), float(group["alpha"]), group["t0"]
            for p, state, step in self._params_with_grad(group, {"eta": lr, "mu": 1.0}, ax=True):
                param, xp = p._data, p._xp
                scratch, grad_out = self._scratch(p, 2)
                grad = decayed_gradient(xp, param, p.grad._data, float(group["weight_decay"]), group["maximize"],
                                        out=grad_out)
                eta = float(state["eta"]._data)
                param *= 1 - lambd * eta
                add_scaled_(xp, param, -eta, grad, scratch)  # param.add_(grad, alpha=-eta)
                ax, mu = state["ax"]._data, float(state["mu"]._data)
                if mu != 1:
                    ax += xp.multiply(xp.subtract(param, ax, out=scratch), mu, out=scratch)
                else:
                    ax[...] = param
                # PyTorch builds each new value with torch.as_tensor(float): rounded to the default
                # dtype even when the state was loaded as float64
                scalar = get_default_dtype().np.type
                state["eta"]._data[...] = scalar(lr / ((1 + lambd * lr * step) ** alpha))
                state["mu"]._data[...] = scalar(1 / max(1, step - t0))
        return loss
