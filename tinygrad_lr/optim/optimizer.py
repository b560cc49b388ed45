"""The ``Optimizer`` base class: parameter groups, per-parameter state, ``zero_grad`` and state dicts.

An optimizer holds ``param_groups``, a list of dicts: each has ``"params"`` (the tensors it updates)
plus its own hyperparameters (``lr``, ``momentum``...), filled from ``defaults`` where the group
does not set them. ``state`` maps each parameter to a dict of tensors the update rule carries
between steps (a momentum buffer, Adam's moving averages). Subclasses write ``step``.

Updates work on the raw arrays (``p._data``, ``p.grad._data``) with in-place NumPy/CuPy ufuncs, so
no graph is recorded, views of a parameter (``p.data``) stay valid, and a step costs little beyond
the arithmetic. The state dict format is PyTorch's, so code that inspects or saves it reads the same.
"""
from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from ..autograd import enable_grad
from ..backend import move
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._axpy import add_scaled_, added_scaled


class _RequiredParameter:
    """Marks a hyperparameter that has no default and must be given (``optim.optimizer.required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def typename(obj: Any) -> str:
    """PyTorch's ``torch.typename``: ``torch.FloatTensor``, ``int``, ``numpy.ndarray``."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ in ("", "builtins") else f"{cls.__module__}.{cls.__qualname__}"


def check_hyperparameter(name: str, value: Any, upper: float | None = None) -> None:
    """Raise PyTorch's ``ValueError("Invalid learning rate: -1.0")`` for a negative (or too large) value."""
    if not 0.0 <= value or (upper is not None and not value < upper):
        raise ValueError(f"Invalid {name}: {value}")


def check_adam_hyperparameters(lr: float, eps: float, betas: tuple[float, float], weight_decay: float) -> None:
    """The checks Adam, AdamW, Adamax, NAdam and RAdam share, in PyTorch's order (which decides the
    message when several values are bad): lr, eps, each beta in [0, 1), weight_decay."""
    check_hyperparameter("learning rate", lr)
    check_hyperparameter("epsilon value", eps)
    check_hyperparameter("beta parameter at index 0", betas[0], upper=1.0)
    check_hyperparameter("beta parameter at index 1", betas[1], upper=1.0)
    check_hyperparameter("weight_decay value", weight_decay)


def lerp_(xp: Any, start: Any, end: Any, weight: float, scratch: Any) -> None:
    """``start += weight * (end - start)`` on arrays, in place, computed as PyTorch's ``lerp_`` does.

    PyTorch picks one of two algebraically equal forms by the size of the weight (exact at weights
    0 and 1) and rounds each once, as a fused multiply-add: ``fma(w, end - start, start)`` for
    |w| < 0.5, else ``fma(w - 1, end - start, end)`` with ``w - 1`` rounded in the array's dtype.
    ``add_scaled_`` is that FMA (OpenBLAS axpy), so the running averages are PyTorch's to the bit.
    ``scratch`` is an array shaped like ``start`` that this may overwrite.
    """
    difference = xp.subtract(end, start, out=scratch)
    if abs(weight) < 0.5:
        add_scaled_(xp, start, weight, difference, difference)
    else:
        start[...] = end
        coefficient = float(start.dtype.type(weight) - start.dtype.type(1))  # rounded as PyTorch's kernel does
        add_scaled_(xp, start, coefficient, difference, difference)


def decayed_gradient(xp: Any, param: Any, grad: Any, weight_decay: float, maximize: bool, out: Any) -> Any:
    """The gradient the update uses: ``-grad`` if maximizing, then ``+ weight_decay * param``
    (PyTorch's ``grad.add(param, alpha=weight_decay)``: one fused multiply-add).

    Returns ``grad`` itself when neither applies, else ``out`` holding the result (the parameter's
    own ``.grad`` is never modified).
    """
    if maximize:
        grad = xp.negative(grad, out=out)
    if weight_decay != 0:
        return added_scaled(xp, grad, weight_decay, param, out)
    return grad


class Optimizer:
    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + typename(params))
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self._scratch_buffers: dict[Tensor, list[Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self) -> dict[str, Any]:
        """For pickling: everything but the ``step`` wrapper a learning-rate scheduler installs
        (a local function, which cannot be pickled; PyTorch's pickled optimizers drop it too)."""
        state = dict(self.__dict__)
        state.pop("step", None)
        state.pop("_opt_called", None)
        return state

    def __repr__(self) -> str:
        text = f"{self.__class__.__name__} ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"

    # ---------------------------------------------------------------------------- param groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with its own options) to optimize, e.g. newly unfrozen layers."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        param_group["params"] = params = list(params)
        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + typename(param))
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        # Tensors hash by identity, so sets of ids are what "the same parameter" means here.
        ids = [id(p) for p in params]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        existing = {id(p) for group in self.param_groups for p in group["params"]}
        if not existing.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------------------------- gradients
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set ``.grad`` to None (the default) or fill it with zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_()
                    p.grad._data.fill(0)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        raise NotImplementedError

    @staticmethod
    def _evaluate(closure: Callable[[], Any] | None) -> Any:
        """Run the closure (which recomputes the loss and calls backward) with grad mode on."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _param_state(self, p: Tensor, scalars: dict[str, float] | None = None, **zeros_like: bool) -> dict[str, Any]:
        """``state[p]``, created on first use: a ``step`` counter, then a 0-d tensor per entry of
        ``scalars`` (holding its starting value), then a zero tensor shaped like ``p`` per named buffer
        that is wanted. The keys keep that order, which is the order PyTorch's state dicts list them in.

        The counter and the scalars are 0-d CPU tensors of the default float dtype, as PyTorch keeps them.
        """
        state = self.state[p]
        if not state:
            scalar = get_default_dtype().np
            state["step"] = Tensor._wrap(np.zeros((), dtype=scalar))
            for name, value in (scalars or {}).items():
                state[name] = Tensor._wrap(np.asarray(value, dtype=scalar))
            for name, wanted in zeros_like.items():
                if wanted:
                    state[name] = Tensor._wrap(p._xp.zeros_like(p._data), p.device)
        return state

    def _params_with_grad(self, group: dict[str, Any], scalars: dict[str, float] | None = None,
                          **zeros_like: bool) -> Iterator[tuple[Tensor, dict[str, Any], float]]:
        """Each parameter of ``group`` that has a gradient, with its state and this step's number.

        The start every update shares: a parameter without a gradient is skipped (no state, no step
        counted, as in PyTorch); the state is made on first use (see ``_param_state``, which takes
        ``scalars`` and ``zeros_like``) and its ``step`` counter is advanced before the update runs.
        """
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self._param_state(p, scalars, **zeros_like)
            state["step"]._data += 1
            yield p, state, float(state["step"]._data)

    def _scratch(self, p: Tensor, count: int) -> list[Any]:
        """``count`` reusable arrays shaped like ``p`` for a step's intermediate results.

        Writing intermediates into these with ``out=`` instead of allocating fresh arrays halves
        the time of a step on large parameters. They are not optimizer state (not saved).
        """
        buffers = self._scratch_buffers.get(p)
        array = p._data
        if buffers is None or buffers[0].shape != array.shape or buffers[0].dtype != array.dtype \
                or type(buffers[0]) is not type(array):
            buffers = self._scratch_buffers[p] = [p._xp.empty_like(array) for _ in range(count)]
        return buffers

    # ------------------------------------------------------------------------------ state dicts
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}``, as in PyTorch.

        Parameters are named by their position across all groups; the state tensors are the live
        ones (not copies), as PyTorch returns them.
        """
        index_of: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index_of[id(p)] if isinstance(p, Tensor) else p: s for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state saved by ``state_dict`` into this optimizer's parameters.

        State tensors are cast to each parameter's dtype and device (``step`` keeps its own), and
        copied, so the loaded optimizer does not share buffers with the one that was saved.
        Nothing changes when the groups do not match.
        """
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        param_of = {saved: p for g, s in zip(groups, saved_groups) for saved, p in zip(s["params"], g["params"])}

        def cast(param: Tensor, value: Any, key: Any = None) -> Any:
            if isinstance(value, Tensor):
                array = value._data
                if key != "step":
                    if param.is_floating_point():
                        array = array.astype(param._data.dtype, copy=False)
                    array = move(array, param.device)
                    return Tensor._wrap(array.copy(), param.device)
                return Tensor._wrap(array.copy(), value.device)
            if isinstance(value, dict):
                return {k: cast(param, v, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in param_of:
                state[param_of[key]] = cast(param_of[key], value)
            else:
                state[key] = value
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
        self.state = state
        self.param_groups = saved_groups
