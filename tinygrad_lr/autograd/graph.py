"""Graph nodes: ``Op`` (one differentiable op), ``AccumulateGrad`` (a leaf's sink), ``Node``.

How a graph is built: every differentiable op is an ``Op`` subclass. ``OpClass.apply(*tensors)``
runs ``forward`` on the plain arrays and, when any input requires grad (and grad mode is on),
records a node that remembers its ``parents`` (the input tensors), which of them ``needs_grad``,
whatever ``forward`` saved, and the in-place ``clock`` at that moment (see ``inplace.py``: it
tells which in-place changes happened after the node was made). The output's ``grad_fn`` is it.

``Node`` is what PyTorch calls ``torch.autograd.graph.Node``: the graph API that tools read
(``name()``, ``next_functions``, ``metadata``, ``register_hook``, ``_saved_self`` ...).
"""
from __future__ import annotations

import re
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable

from ..backend import quiet_floating_point_errors, restore_floating_point_errors, sum_leading
from . import grad_mode as _modes
from .grad_mode import _state

if TYPE_CHECKING:
    from ..tensor import Tensor

# How many in-place changes have happened so far. Every recorded node notes it (``node.clock``);
# every in-place change increments it and stamps the storage it wrote (``inplace.bump``).
clock = 0
# Set by ``anomaly_mode``: while True, every recorded node keeps the stack of the forward call.
anomaly_enabled = False


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


class _TorchName:
    """``node.torch_name``: PyTorch's grad_fn name (e.g. "AddBackward0"). Tools such as torchviz
    print ``type(grad_fn).__name__``, so the name is the class's: assigning a new name to one node
    (one op class standing for several PyTorch nodes, e.g. ``SliceBackward0`` and
    ``SelectBackward0``) moves the node to a subclass of that name."""

    def __get__(self, node: Any, cls: type) -> str:
        return cls._torch_name

    def __set__(self, node: Any, name: str) -> None:
        if name != type(node)._torch_name:
            node.__class__ = _renamed(type(node), name)


class Node:
    """``torch.autograd.graph.Node``: what every ``grad_fn`` (and every ``AccumulateGrad``) is.

    ``tensor_hooks`` are the hooks of the tensor this node produced (``register_hook`` on a
    non-leaf lands here): the engine calls them with that tensor's gradient before running the
    node, and a returned tensor replaces the gradient. ``retained`` is a weak reference to a
    tensor that called ``retain_grad()``.
    """

    torch_name = _TorchName()
    _torch_name = ""  # defaults to the class name
    tensor_hooks: dict | None = None
    node_pre_hooks: dict | None = None
    node_hooks: dict | None = None
    retained: Any = None
    has_hooks = False  # True once tensor_hooks, retained or node_pre_hooks is set (one check in backward)
    released = False  # True once backward has freed what the node saved
    clock = float("inf")  # nodes the engine makes itself are never older than an in-place change
    num_outputs = 1
    parents: tuple = ()  # Op nodes set these (slots); AccumulateGrad has no inputs
    needs_grad: tuple = ()
    number_inputs: tuple = ()  # inputs that were Python numbers: PyTorch's node has no edge for them

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("torch_name")
        if isinstance(name, str):  # a subclass's ``torch_name = "..."`` becomes the class's name
            cls._torch_name = name
            if name:
                cls.__name__ = name
            cls.torch_name = Node.__dict__["torch_name"]

    def name(self) -> str:
        return self._torch_name or type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """``((node, output_nr), ...)``, one per input: its ``grad_fn``, its ``AccumulateGrad``
        when it is a leaf that requires grad, or ``None`` when it needs no gradient."""
        if self.released:  # backward freed the inputs; release() kept the edges (as PyTorch keeps its graph)
            kept = self.__dict__.get("_edges", ())
            # release() keeps a node alone for an edge ``(node, 0)`` and builds the pair here, when asked
            return tuple([e if type(e) is tuple else (e, 0) for e in kept])
        parents = getattr(self, "parents", ())
        return tuple(edge_of(p, self) if needs else (None, 0)
                     for i, (p, needs) in enumerate(zip(parents, getattr(self, "needs_grad", ())))
                     if i not in self.number_inputs)

    @property
    def metadata(self) -> dict:
        if "_metadata" not in self.__dict__:
            self.__dict__["_metadata"] = {}
        return self.__dict__["_metadata"]

    def register_hook(self, fn: Callable) -> Any:
        """``fn(grad_inputs, grad_outputs)`` after this node ran; a returned tuple replaces
        ``grad_inputs``."""
        if self.node_hooks is None:
            self.node_hooks = OrderedDict()
        return _add_hook(self.node_hooks, fn)

    def register_prehook(self, fn: Callable) -> Any:
        """``fn(grad_outputs)`` before this node runs; a returned tuple replaces ``grad_outputs``."""
        if self.node_pre_hooks is None:
            self.node_pre_hooks = OrderedDict()
        self.has_hooks = True
        return _add_hook(self.node_pre_hooks, fn)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"


_RENAMED: dict[tuple[type, str], type] = {}


def _renamed(cls: type, name: str) -> type:
    """The subclass of ``cls`` (of the class it was renamed from) called ``name``, made once."""
    key = (cls, name)
    sub = _RENAMED.get(key)
    if sub is None:
        base = cls.__dict__.get("_renamed_from", cls)
        sub = _RENAMED[key] = type(name, (base,), {"torch_name": name, "_renamed_from": base, "name": Node.name,
                                                   "__module__": base.__module__, "__qualname__": name})
    return sub


def _add_hook(table: dict, fn: Callable) -> Any:
    from ..utils.hooks import RemovableHandle
    handle = RemovableHandle(table)
    table[handle.id] = fn
    return handle


class Op(Node):
    """One node of the graph: an op's forward and backward on plain arrays.

    Subclasses implement ``forward(self, *arrays, **options) -> array`` and
    ``backward(self, out_grad) -> gradient or tuple of gradients`` (one per tensor input, ``None``
    for inputs that get no gradient). ``self.xp`` is the array module (NumPy or CuPy);
    ``self.save(...)`` stores what backward needs in ``self.saved``. An op whose output is a view
    of its first input's memory (reshape, transpose, basic indexing) sets ``is_view = True``, so
    that in-place changes through the view reach the input (``inplace.link_view``).
    """

    __slots__ = ("xp", "parents", "needs_grad")
    out_device: Any = None  # set by ops whose output lives on another device (a device copy)
    saved: tuple = ()  # what forward kept for backward (see save)
    is_view = False

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
        count = len(inputs)
        if count == 2 and inputs[1].device is not dev and inputs[1].device != dev or count > 2 and any(
                t.device is not dev and t.device != dev for t in inputs):
            inputs = _on_one_device(inputs)
            first = inputs[0]
            dev = first.device
        node = object.__new__(cls)  # (skipping __init__'s call saves a little on every op)
        node.xp = first._xp
        # Fast path for one and two inputs (nearly every op): no list comprehensions or loops, each
        # of which costs a function call or more in CPython 3.11; measured 7% of the per-op benchmark.
        if count == 2:
            second = inputs[1]
            needs_grad = node.needs_grad = (first._requires_grad, second._requires_grad)
            arrays = (first._data, second._data)
        elif count == 1:
            needs_grad = node.needs_grad = (first._requires_grad,)
            arrays = (first._data,)
        else:  # the plain path
            needs_grad = node.needs_grad = tuple([t._requires_grad for t in inputs])
            arrays = [t._data for t in inputs]
        quiet = quiet_floating_point_errors()  # NumPy's x/0, log(0) warnings: PyTorch is silent
        try:
            out = node.forward(*arrays, **options)
        finally:
            restore_floating_point_errors(quiet)
        xp = node.xp
        if node.out_device is not None:  # only a device copy changes device (and array module)
            dev, xp = node.out_device, None
        if _state.enabled and True in needs_grad:
            node.parents = inputs
            node.clock = clock
            if _modes.inference_tensors_exist or anomaly_enabled:
                _check_recording(node, inputs)
            result = _wrap(out, dev, True, node, xp)
        else:
            result = _wrap(out, dev, False, None, xp)
        if node.is_view:
            _link_view(result, first)
        return result

    # Saved tensors under PyTorch's attribute names, for tools (torchviz's show_saved). Properties,
    # not __getattr__: a class with __getattr__ pays on every attribute read, and nodes are hot.
    def __dir__(self) -> list[str]:
        names = self._saved_names()
        return sorted(n for n in super().__dir__() if not n.startswith("_saved_") or n in names)

    def _saved(self, name: str) -> Any:
        names = self._saved_names()
        if name not in names:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return names[name]

    _saved_self = property(lambda self: self._saved("_saved_self"))
    _saved_other = property(lambda self: self._saved("_saved_other"))
    _saved_result = property(lambda self: self._saved("_saved_result"))

    def _saved_names(self) -> dict[str, Any]:
        """``_saved_self``/``_saved_other`` (the inputs whose arrays backward keeps) and
        ``_saved_result`` (the output), as PyTorch names them."""
        if self.released:
            return {}
        names: dict[str, Any] = {}
        parents = getattr(self, "parents", ())
        labels = ("self", "other") if len(parents) == 2 else ("self",) if len(parents) == 1 else ()
        for label, parent in zip(labels, parents):
            if any(s is parent._data for s in self.saved):
                names[f"_saved_{label}"] = parent
        arrays = [s for s in self.saved if hasattr(s, "strides")
                  and not any(s is p._data for p in parents)]
        if len(arrays) == 1 and not names:
            names["_saved_result"] = _wrap(arrays[0], parents[0].device if parents else None, False, None, self.xp)
        return names

    def release(self, edges: list | None = None) -> None:
        """Free what backward needed: the saved arrays and the input tensors (their data). The
        edges to the next nodes stay, as in PyTorch, so the graph can still be walked (torchviz's
        ``make_dot(loss)`` after ``loss.backward()``) without holding any intermediate array.
        ``edges``: the engine's, one per input, when it found them all on its way."""
        attributes = getattr(self, "__dict__", None)  # (every op class has one; the base Op has slots)
        parents = self.parents
        if attributes is not None and edges is not None and len(edges) == len(parents) and not self.number_inputs:
            attributes["_edges"] = tuple(edges)
        elif attributes is not None and parents:
            # next_functions, inlined and made lighter for the common case (no in-place history, one
            # output): this runs once per node in every backward. An edge (fn, 0) is kept as fn alone
            # and None stands for (None, 0); next_functions makes the pairs when a tool asks. The
            # generic loop (pairs built here) cost ~25% of a 100k-node backward; ~0.9 us per node
            # with the pairs built here, ~0.5 us per node with this path (measured on the chain).
            needs_grad = self.needs_grad
            if len(parents) == 1 and not self.number_inputs:
                parent = parents[0]
                fn = parent.grad_fn
                if not needs_grad[0]:
                    attributes["_edges"] = (None,)
                elif fn is not None and parent._history is None and parent._output_nr == 0:
                    attributes["_edges"] = (fn,)
                else:
                    attributes["_edges"] = (edge_of(parent, self),)
            else:
                edges = []
                for i, (parent, needs) in enumerate(zip(parents, needs_grad)):
                    if i in self.number_inputs:
                        continue
                    fn = parent.grad_fn
                    if not needs:
                        edges.append(None)
                    elif fn is not None and parent._history is None and parent._output_nr == 0:
                        edges.append(fn)
                    else:
                        edges.append(edge_of(parent, self))  # a leaf, an in-place history, output_nr > 0
                attributes["_edges"] = tuple(edges)
        self.saved = ()
        self.parents = ()
        self.released = True


class AccumulateGrad(Node):
    """The node at a leaf that requires grad: it adds the incoming gradient to ``variable.grad``.
    One per leaf (``accumulator(leaf)``), so graph tools see the same object every time."""

    torch_name = "AccumulateGrad"

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __init__(self, leaf: "Tensor") -> None:
        self._variable = weakref.ref(leaf)  # the leaf holds its node; the node must not hold the leaf

    @property
    def variable(self) -> "Tensor":
        return self._variable()

    @property
    def next_functions(self) -> tuple:
        return ()


def accumulator(leaf: "Tensor") -> AccumulateGrad:
    node = leaf._accumulator
    if node is None:
        node = leaf._accumulator = AccumulateGrad(leaf)
    return node


def edge_of(tensor: "Tensor", consumer: Any = None) -> tuple[Any, int]:
    """``(node, output_nr)`` that a gradient for ``tensor`` flows into, as ``consumer`` (a node
    that took ``tensor`` as input) saw it when it was made: an in-place change made later gives
    the tensor a new ``grad_fn``, but not the nodes made before it (``tensor._history``)."""
    fn, nr = tensor.grad_fn, tensor._output_nr
    history = tensor._history
    if history is not None and consumer is not None:
        for changed_at, old_fn, old_nr in history:
            if consumer.clock < changed_at:
                fn, nr = old_fn, old_nr
                break
    if fn is None:
        return (accumulator(tensor), 0) if tensor._requires_grad else (None, 0)
    return fn, nr


def _check_recording(node: Op, inputs: tuple) -> None:
    """The rare checks of a recorded node: inference tensors may not be saved for backward;
    in anomaly mode, keep the forward call's stack for the error report."""
    if anomaly_enabled:  # the user's frames: tinygrad_lr's own would only hide the line that matters
        import os
        import traceback
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        frames = [f for f in traceback.extract_stack() if not os.path.abspath(f.filename).startswith(package)]
        node.__dict__["forward_stack"] = traceback.format_list(frames)
    for t in inputs:
        if t._is_inference and any(s is t._data for s in node.saved):
            raise RuntimeError(
                "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
                "inference mode in computation tracked by autograd. To work around this, you can make a "
                "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead "
                "of `torch.inference_mode()`.")


def short_name(node: Any) -> str:
    """``ExpBackward0`` -> ``Exp``: how PyTorch names a node in the in-place error."""
    return short_name_of(node.name())


def short_name_of(name: str) -> str:
    return re.sub(r"Backward\d*$", "", name.replace("torch::autograd::", ""))


def _on_one_device(inputs: tuple) -> tuple:
    """Inputs on one device, or PyTorch's error. As in PyTorch, a 0-d CPU tensor may join tensors
    on a GPU (it acts like a Python number); it is copied there by a differentiable node."""
    from ..ops.movement import ToDevice

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
    from ..tensor import Tensor  # the Tensor module imports this one; bind lazily, once

    global _wrap
    _wrap = Tensor._wrap
    return _wrap(array, dev, requires_grad, grad_fn, xp)


def _link_view(view: "Tensor", source: "Tensor") -> None:
    from .inplace import link_view  # bound lazily, once (inplace imports this module)

    global _link_view
    _link_view = link_view
    link_view(view, source)
