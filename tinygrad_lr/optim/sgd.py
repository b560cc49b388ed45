"""Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .._kernels import FUSED, Kernels
from ..tensor import Tensor
from ._axpy import add_scaled_, added_scaled
from .optimizer import Optimizer, check_hyperparameter, decayed_gradient


class SGD(Optimizer):
    """PyTorch's ``torch.optim.SGD``. For each parameter ``p`` with gradient ``g``::

        g = -g if maximize
        g = g + weight_decay * p
        b = g (first step)  or  b = momentum * b + (1 - dampening) * g     (when momentum != 0)
        g = g + momentum * b (nesterov)  or  g = b
        p = p - lr * g

    The first momentum buffer is the gradient itself, with no dampening, exactly as PyTorch does.
    ``foreach``, ``differentiable`` and ``fused`` are accepted (and shown in ``repr``) but change nothing.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("momentum value", momentum)
        check_hyperparameter("weight_decay value", weight_decay)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, weight_decay = float(group["lr"]), float(group["weight_decay"])
            momentum, dampening = float(group["momentum"]), float(group["dampening"])
            nesterov, maximize = group["nesterov"], group["maximize"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                param, xp = p._data, p._xp
                fused = FUSED.get(xp)
                # CuPy: the whole update in one kernel (five array operations otherwise)
                if fused is not None and fused.takes(param, p.grad._data):
                    self._fused_step(fused, p, lr, momentum, dampening, weight_decay, nesterov, maximize)
                    continue
                (scratch,) = self._scratch(p, 1)
                grad = decayed_gradient(xp, param, p.grad._data, weight_decay, maximize, out=scratch)
                if momentum != 0:
                    state = self.state[p]
                    if "momentum_buffer" in state:  # buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                        buf = state["momentum_buffer"]._data
                        buf *= momentum
                        add_scaled_(xp, buf, 1 - dampening, grad, None)
                    else:  # the first buffer is a copy of the gradient, undampened
                        buf = xp.array(grad)
                        state["momentum_buffer"] = Tensor._wrap(buf, p.device)
                    # Nesterov: grad.add(buf, alpha=momentum), into the scratch array (never into .grad)
                    grad = added_scaled(xp, grad, momentum, buf, scratch) if nesterov else buf
                add_scaled_(xp, param, -lr, grad, scratch)  # param.add_(grad, alpha=-lr)
        return loss

    def _fused_step(self, fused: Kernels, p: Tensor, lr: float, momentum: float, dampening: float,
                    weight_decay: float, nesterov: bool, maximize: bool) -> None:
        """The step above for one parameter as one kernel (``_kernels.Kernels.sgd_step``)."""
        buf, first = None, False
        if momentum != 0:
            state = self.state[p]
            first = "momentum_buffer" not in state
            if first:
                state["momentum_buffer"] = Tensor._wrap(p._xp.empty_like(p._data), p.device)
            buf = state["momentum_buffer"]._data
        fused.sgd_step(p._data, p.grad._data, buf, lr=lr, momentum=momentum, dampening=dampening,
                       weight_decay=weight_decay, nesterov=nesterov, maximize=maximize, first=first)
