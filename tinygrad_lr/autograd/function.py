"""Custom differentiable functions, PyTorch's way: ``torch.autograd.Function``, and ``Variable``.

    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    y = Exp.apply(x)          # y.grad_fn is an ``ExpBackward`` node, and it *is* the ctx

``apply`` runs ``forward`` without recording a graph, then makes the ctx the ``grad_fn`` of every
output. The engine calls the node's ``backward`` with one gradient per output (as Tensors) and
expects one gradient per forward argument back (``None`` for arguments that are not tensors or
need none). The ctx is a graph node like any ``Op``, so versions, hooks and anomaly mode apply.
"""
from __future__ import annotations

from typing import Any, Callable

from . import graph
from .grad_mode import is_grad_enabled, no_grad
from .graph import Op
from .inplace import bump, counter, set_history


class FunctionCtx:
    """What ``forward`` and ``backward`` receive as ``ctx``: save tensors, mark outputs."""

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep ``tensors`` (or ``None``s) for backward; their versions are checked when read."""
        self._to_save = tuple(tensors)
        self._saved_versions = tuple(None if t is None else _version_of(t) for t in tensors)

    def save_for_forward(self, *tensors: Any) -> None:
        raise NotImplementedError("forward-mode AD (save_for_forward) is not supported")

    def mark_dirty(self, *tensors: Any) -> None:
        """These inputs were changed in place by ``forward`` (and are returned as outputs)."""
        self._dirty = tuple(tensors)

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """These outputs get no gradient (e.g. indices); their gradient in backward is zeros."""
        self._non_differentiable = tuple(tensors)

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives ``None`` (not zeros) for outputs that got no gradient."""
        self._materialize = bool(value)

    @property
    def saved_tensors(self) -> tuple:
        if self.released:
            from .engine import _FREED
            raise RuntimeError(_FREED)
        saved = getattr(self, "_to_save", ())
        for t, version in zip(saved, getattr(self, "_saved_versions", ())):
            if t is not None and _version_of(t) != version:
                from .inplace import _modified_message
                mine = t.grad_fn is self or any(fn is self for _, fn, _ in (t._history or ()))
                raise RuntimeError(_modified_message(self, t._data, counter(t), None if mine else t, expected=version))
        return saved


def _version_of(tensor: Any) -> int:
    version = tensor._version_counter
    return 0 if version is None else version.count


class BackwardCFunction(FunctionCtx, Op):
    """The graph node of one call of a custom Function (its ``ctx``)."""

    _function: Any = None  # the Function subclass
    _materialize = True

    def __repr__(self) -> str:
        # PyTorch makes these node classes inside torch.autograd.function, so print(y.grad_fn) names it
        return f"<torch.autograd.function.{type(self).__name__} object at {hex(id(self))}>"

    def backward(self, out_grad: Any) -> tuple:
        from ..tensor import Tensor
        grads = list(out_grad) if self.num_outputs != 1 else [out_grad]
        for i, (g, (shape, dtype, device)) in enumerate(zip(grads, self._output_meta)):
            if g is None and self._materialize:
                grads[i] = self.xp.zeros(shape, dtype=dtype)
        wrapped = [None if g is None else Tensor._wrap(g, device) for g, (_, _, device) in zip(grads, self._output_meta)]
        result = self._function.backward(self, *wrapped)
        if not isinstance(result, tuple):
            result = (result,)
        expected = len(self._is_tensor)
        if len(result) != expected and not (len(result) > expected and all(r is None for r in result[expected:])):
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {expected}, got {len(result)})")
        tensor_grads = []
        for position, (is_tensor, g) in enumerate(zip(self._is_tensor, result)):
            if not is_tensor:
                if g is not None:
                    raise RuntimeError(f"function {self.name()} returned a gradient different than None at "
                                       f"position {position + 1}, but the corresponding forward input was not "
                                       "a Variable")
                continue
            tensor_grads.append(None if g is None else g._data)
        return tuple(tensor_grads)

    def release(self, edges: list | None = None) -> None:
        super().release(edges)
        self._to_save = ()


class _FunctionMeta(type):
    def __init__(cls, name: str, bases: tuple, namespace: dict) -> None:
        super().__init__(name, bases, namespace)
        # the node class PyTorch makes for every Function subclass: ``MyFnBackward``
        cls._backward_cls = type(f"{name}Backward", (BackwardCFunction,),
                                 {"_function": cls, "torch_name": f"{name}Backward", "__module__": cls.__module__})


class Function(metaclass=_FunctionMeta):
    """Base class of custom differentiable functions: write ``forward(ctx, *args)`` and
    ``backward(ctx, *grad_outputs)`` as static methods and call ``MyFunction.apply(*args)``.
    (The newer style, ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``, works too.)"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    vjp = backward

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        from ..tensor import Tensor
        ctx = object.__new__(cls._backward_cls)
        is_tensor = tuple(isinstance(a, Tensor) for a in args)
        inputs = tuple(a for a in args if isinstance(a, Tensor))
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx._is_tensor = is_tensor
        record = is_grad_enabled() and any(ctx.needs_input_grad)
        with no_grad():
            if cls.setup_context is not Function.setup_context:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        if not record:
            return outputs
        as_tuple = isinstance(outputs, tuple)
        results = list(outputs) if as_tuple else [outputs]
        ctx.xp = inputs[0]._xp
        ctx.parents = inputs
        ctx.needs_grad = tuple(t._requires_grad for t in inputs)
        ctx.num_outputs = len(results)
        ctx._output_meta = [(tuple(r.shape), r._data.dtype, r.device) if isinstance(r, Tensor) else ((), None, None)
                            for r in results]
        ctx.clock = graph.clock  # before the dirty inputs' history changes: it reads their old place
        dirty = getattr(ctx, "_dirty", ())
        non_differentiable = getattr(ctx, "_non_differentiable", ())
        for nr, out in enumerate(results):
            if not isinstance(out, Tensor) or any(out is t for t in non_differentiable):
                continue
            if any(out is t for t in dirty):
                bump(out)
                set_history(out, ctx, nr)
                continue
            if any(out is t for t in inputs) or out.grad_fn is not None:
                # an input returned as it is: PyTorch returns a new tensor on the same memory
                out = results[nr] = graph._wrap(out._data, out.device, False, None, out._xp)
            out.grad_fn, out._requires_grad = ctx, True
            if nr:
                out._output_nr = nr
        return tuple(results) if as_tuple else results[0]


def once_differentiable(fn: Callable) -> Callable:
    """Marks a backward as not itself differentiable (it never is here: no double backward)."""
    return fn


class _VariableMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        from ..tensor import Tensor
        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """The deprecated ``Variable(tensor, requires_grad=False)``: it returns a tensor, and every
    tensor counts as a ``Variable`` (``isinstance(t, Variable)``), as in PyTorch."""

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Any:
        from ..tensor import Tensor
        if data is None:
            return Tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        alias = data.detach()
        if requires_grad:
            alias.requires_grad_(True)
        return alias


__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "Variable", "once_differentiable"]
