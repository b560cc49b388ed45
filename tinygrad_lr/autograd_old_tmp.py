"""The autograd engine: graph nodes (``Op``), grad modes, and ``backward``.

How a graph is built: every differentiable op is an ``Op`` subclass. ``OpClass.apply(*tensors)``
runs ``forward`` on the plain arrays and, when any input requires grad (and grad mode is on),
records a node that remembers its ``parents`` and whatever ``forward`` saved. The output tensor's
``grad_fn`` is that node.

How gradients flow: ``backward`` orders the nodes so that each runs only after every node that
uses its output has pushed its gradient into it (a topological order, computed with an explicit
stack so a chain of 100,000 ops needs no recursion). Each node's ``backward(out_grad)`` returns
one gradient per parent. The engine then, in this one place for every op:

* sums a gradient back to its parent's shape when the forward broadcast the parent
  (``unbroadcast``), so no op has to undo broadcasting itself;
* adds gradients that reach the same tensor along different paths (a reused node);
* accumulates into ``.grad`` of leaf tensors that require grad;
* frees each node's saved arrays unless ``retain_graph=True``.
"""
from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any, Callable

from .backend import sum_leading

if TYPE_CHECKING:
    from .tensor import Tensor

# --------------------------------------------------------------------------------------- grad mode

class _GradState(threading.local):
    enabled = True  # per thread, as in PyTorch; the class attribute is every new thread's default


_state = _GradState()


def is_grad_enabled() -> bool:
    return _state.enabled


def _set_grad_enabled(mode: bool) -> None:
    _state.enabled = bool(mode)


class _GradMode(contextlib.ContextDecorator):
    """Base of the grad-mode switches: a context manager that is also a decorator (ContextDecorator
    enters a fresh copy, from ``_recreate_cm``, around every call of a decorated function)."""

    mode = True

    def __enter__(self) -> None:
        self._previous = is_grad_enabled()
        _set_grad_enabled(self.mode)

    def __exit__(self, *exc: object) -> None:
        _set_grad_enabled(self._previous)

    def _recreate_cm(self) -> "_GradMode":
        return type(self)()


class no_grad(_GradMode):
    """Within this block no graph is recorded: outputs never require grad."""

    mode = False


class enable_grad(_GradMode):
    mode = True


class inference_mode(_GradMode):
    """Like ``no_grad`` (tinygrad_lr has no separate inference tensors). ``inference_mode(False)``
    leaves grad mode as it is, as in PyTorch."""

    def __init__(self, mode: bool = True) -> None:
        self.enabled = mode

    def __enter__(self) -> None:
        self._previous = is_grad_enabled()
        if self.enabled:
            _set_grad_enabled(False)

    def _recreate_cm(self) -> "inference_mode":
        return inference_mode(self.enabled)


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(False)`` works as a call, a context manager and a decorator."""

    def __init__(self, mode: bool) -> None:
        self._previous = is_grad_enabled()
        self.mode = bool(mode)
        _set_grad_enabled(self.mode)  # takes effect at once when used as a plain call

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: Callable) -> Callable:
        _set_grad_enabled(self._previous)  # used as a decorator: do not change the global mode
        return super().__call__(fn)

    def _recreate_cm(self) -> "set_grad_enabled":
        return set_grad_enabled(self.mode)


# ------------------------------------------------------------------------------------- graph nodes

def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` back to ``shape``, undoing NumPy/PyTorch broadcasting.

    Broadcasting prepends dimensions and stretches size-1 dimensions; the gradient of a stretched
    input is the sum over the positions it was copied to.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = sum_leading(grad, extra)
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


class Op:
    """One node of the graph: an op's forward and backward on plain arrays.

    Subclasses implement ``forward(self, *arrays, **options) -> array`` and
    ``backward(self, out_grad) -> gradient or tuple of gradients`` (one per tensor input, ``None``
    for inputs that get no gradient). ``self.xp`` is the array module (NumPy or CuPy);
    ``self.save(...)`` stores what backward needs in ``self.saved``.
    """

    __slots__ = ("xp", "parents", "needs_grad")
    torch_name: str = ""  # PyTorch's grad_fn name, e.g. "AddBackward0"; defaults to the class name
    out_device: Any = None  # set by ops whose output lives on another device (a device copy)
    saved: tuple = ()  # what forward kept for backward (see save)
    released = False  # True once backward has freed what the node saved

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def save(self, *values: Any) -> None:
        self.saved = values

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def backward(self, out_grad: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: "Tensor", **options: Any) -> "Tensor":
        """Run the op on ``inputs`` (all Tensors, on one device) and record the graph node.

        This runs once per op, so it is kept lean: it is most of the framework's per-op cost.
        """
        first = inputs[0]
        dev = first.device
        for t in inputs:
            if t.device is not dev and t.device != dev:
                inputs = _on_one_device(inputs)
                first = inputs[0]
                dev = first.device
                break
        node = object.__new__(cls)  # (skipping __init__'s call saves a little on every op)
        node.xp = first._xp
        needs_grad = node.needs_grad = tuple([t._requires_grad for t in inputs])
        out = node.forward(*[t._data for t in inputs], **options)
        xp = node.xp
        if node.out_device is not None:  # only a device copy changes device (and array module)
            dev, xp = node.out_device, None
        if _state.enabled and True in needs_grad:
            node.parents = inputs
            return _wrap(out, dev, True, node, xp)
        return _wrap(out, dev, False, None, xp)

    # PyTorch's grad_fn API, enough for printing and inspection
    def name(self) -> str:
        return self.torch_name or type(self).__name__

    @property
    def next_functions(self) -> tuple:
        parents = getattr(self, "parents", ())
        return tuple((p.grad_fn if p.grad_fn is not None else ("AccumulateGrad" if p.requires_grad else None), 0)
                     for p in parents)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"

    def release(self) -> None:
        self.saved = ()
        self.parents = ()
        self.released = True


def _on_one_device(inputs: tuple) -> tuple:
    """Inputs on one device, or PyTorch's error. As in PyTorch, a 0-d CPU tensor may join tensors
    on a GPU (it acts like a Python number); it is copied there by a differentiable node."""
    from .ops.movement import ToDevice

    devices = []
    for t in inputs:
        if not (t.ndim == 0 and t.device.type == "cpu") and t.device not in devices:
            devices.append(t.device)
    if len(devices) > 1:
        raise RuntimeError("Expected all tensors to be on the same device, but found at least two "
                           f"devices, {devices[0]} and {devices[1]}!")
    target = devices[0]
    return tuple(t if t.device == target else ToDevice.apply(t, device=target) for t in inputs)


def _wrap(array: Any, dev: Any, requires_grad: bool = False, grad_fn: Any = None, xp: Any = None) -> "Tensor":
    from .tensor import Tensor  # the Tensor module imports this one; bind lazily, once

    global _wrap
    _wrap = Tensor._wrap
    return _wrap(array, dev, requires_grad, grad_fn, xp)


# ------------------------------------------------------------------------------------------ engine

def _topological_order(root: Op) -> list[Op]:
    """Nodes reachable from ``root``, each before every node it feeds gradient into.

    An iterative depth-first post-order (explicit stack instead of recursion), then reversed.
    """
    order: list[Op] = []
    visited: set[int] = set()
    stack: list[tuple[Op, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in getattr(node, "parents", ()):
            fn = parent.grad_fn
            if fn is not None and id(fn) not in visited:
                stack.append((fn, False))
    order.reverse()
    return order


def backward(tensor: "Tensor", gradient: "Tensor | None" = None, retain_graph: bool = False) -> None:
    """Accumulate d(tensor)/d(leaf) · gradient into ``.grad`` of every leaf that requires grad."""
    from .tensor import Tensor

    if not tensor.requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if gradient is None:
        if tensor.numel() != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        seed = tensor._xp.ones(tensor.shape, dtype=tensor._data.dtype)
    else:
        if not isinstance(gradient, Tensor):
            gradient = Tensor(gradient, dtype=tensor.dtype, device=tensor.device)
        if gradient.shape != tensor.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {gradient.shape} "
                               f"and output[0] has a shape of {tensor.shape}.")
        seed = gradient._data.astype(tensor._data.dtype, copy=False)

    if tensor.grad_fn is None:  # backward() called on a leaf: its gradient is the seed itself
        _accumulate(tensor, seed)
        return

    pending: dict[int, Any] = {id(tensor.grad_fn): seed}
    with no_grad():
        for node in _topological_order(tensor.grad_fn):
            out_grad = pending.pop(id(node), None)
            if out_grad is None:
                continue
            if node.released:
                raise RuntimeError(
                    "Trying to backward through the graph a second time (or directly access saved "
                    "tensors after they have already been freed). Saved intermediate values of the "
                    "graph are freed when you call .backward() or autograd.grad(). Specify "
                    "retain_graph=True if you need to backward through the graph a second time or "
                    "if you need to access saved tensors after calling backward.")
            grads = node.backward(out_grad)
            if not isinstance(grads, tuple):
                grads = (grads,)
            for parent, needs, grad in zip(node.parents, node.needs_grad, grads):
                if not needs or grad is None:
                    continue
                returned = grad
                grad = unbroadcast(grad, parent.shape)
                if grad.dtype != parent._data.dtype:  # e.g. a float grad reaching a float64 input
                    grad = grad.astype(parent._data.dtype)
                if parent.grad_fn is None:
                    # Only a gradient that may share memory needs copying into .grad: out_grad
                    # passed straight through (Add), a view (reshape), one returned for two inputs.
                    shared = grad is returned and (grad is out_grad or grad.base is not None
                                                   or sum(g is grad for g in grads) > 1)
                    _accumulate(parent, grad, owned=not shared)
                else:
                    key = id(parent.grad_fn)
                    pending[key] = grad if key not in pending else pending[key] + grad
            if not retain_graph:
                node.release()


def _accumulate(leaf: "Tensor", grad: Any, owned: bool = False) -> None:
    """``leaf.grad += grad``. The first time, ``grad`` becomes ``.grad``: as it is when ``owned``
    (a fresh array nothing else refers to) and laid out like the leaf, else as a copy, since
    gradients may alias.

    The copy takes the leaf's memory layout (PyTorch's "gradient layout contract"): W used as
    ``W.t()`` gets a transposed gradient, and ``W -= lr * W.grad`` over two arrays laid out
    differently is ~10x slower (290 vs 30 µs for 512x784).
    """
    from .tensor import Tensor

    for hook in leaf._hooks:
        result = hook(Tensor._wrap(grad, leaf.device))
        if result is not None:
            grad, owned = result._data, False
    xp = leaf._xp
    if leaf.grad is None:
        if not owned or grad.strides != leaf._data.strides:
            copy = xp.empty_like(leaf._data)  # same dtype, shape and layout as the leaf
            copy[...] = grad
            grad = copy
        leaf._grad = Tensor._wrap(grad, leaf.device)  # the engine's own array: no setter checks
    else:
        # asarray: NumPy returns a scalar, not a 0-d array, for 0-d + 0-d; .grad must stay mutable
        leaf.grad._data = xp.asarray(leaf.grad._data + grad)

