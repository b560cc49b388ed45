"""Rprop: each weight has its own step size, grown while its gradient keeps its sign and shrunk when
the sign flips; only the gradient's sign is used, never its size."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, check_hyperparameter


class Rprop(Optimizer):
    """PyTorch's ``torch.optim.Rprop``. For each parameter ``p`` with gradient ``g``::

        g = -g if maximize
        s = sign(g * g_prev):   factor = etaplus (s > 0), etaminus (s < 0), 1 (s == 0)
        step = clamp(step * factor, step_size_min, step_size_max)      (step starts at lr)
        g = 0 where the sign flipped                 (and that 0 is remembered as g_prev)
        p = p - sign(g) * step;   g_prev = g

    State keys: ``step``, ``prev``, ``step_size``.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        check_hyperparameter("learning rate", lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._evaluate(closure)
        for group in self.param_groups:
            etaminus, etaplus = (float(e) for e in group["etas"])
            step_size_min, step_size_max = (float(s) for s in group["step_sizes"])
            for p, state, _ in self._params_with_grad(group, prev=True):
                xp = p._xp
                if "step_size" not in state:  # after step and prev, as PyTorch's state lists them
                    state["step_size"] = Tensor._wrap(xp.full_like(p._data, float(group["lr"])), p.device)
                grad = -p.grad._data if group["maximize"] else p.grad._data.copy()
                prev, step_size = state["prev"]._data, state["step_size"]._data
                factor = xp.sign(grad * prev)
                factor[factor > 0] = etaplus
                factor[factor < 0] = etaminus
                factor[factor == 0] = 1
                step_size *= factor
                xp.clip(step_size, step_size_min, step_size_max, out=step_size)
                grad[factor == etaminus] = 0  # a flipped sign: no step now, and no flip counted next time
                p._data -= xp.sign(grad) * step_size
                prev[...] = grad
        return loss
