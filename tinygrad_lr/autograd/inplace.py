"""In-place changes inside a graph: version counters, views, and rewriting a tensor's history.

PyTorch's model, which this follows:

* **Versions.** Tensors that share memory (a tensor, its views, ``detach()``) share one version
  counter; every in-place change bumps it. A node that saved an array for backward must find it
  unchanged, or backward raises "... has been modified by an inplace operation". Here a counter
  is a ``Version``: the list of global clock ticks at which the memory was written (its length
  is the version). A node notes the clock when it is made, so "written after this node saved
  it" is ``stamps[-1] > node.clock`` — checked only when the clock moved since (``engine``).
* **History.** ``h.add_(1)`` on a tensor in a graph records ``AddBackward0`` whose input is *the
  old h* (a snapshot tensor with h's old ``grad_fn``); h's ``grad_fn`` becomes the new node.
  Nodes made before the change still need the old one: ``h._history`` remembers it, with the
  clock of the change (``graph.edge_of``).
* **Views.** Writing through a view changes its base: the base's history gets a ``CopySlices``
  node (the written positions take the gradient of the new values; the others keep the old
  history) and every view of that base now reads the base's new history (``AsStridedBackward0``).
  Positions are found from the memory layout (``_positions``), so any view works: slicing,
  ``view``, ``transpose``, ``select``...
"""
from __future__ import annotations

import weakref
from collections import deque
from typing import TYPE_CHECKING, Any

from . import graph
from .graph import Op, short_name, unbroadcast

if TYPE_CHECKING:
    from ..tensor import Tensor


class Version:
    """The version counter shared by tensors on one memory: ``count`` is PyTorch's ``_version``
    (how many in-place writes), ``stamps`` the clock ticks of the latest writes (a few are enough:
    a node only asks whether the last one came after it); ``owner`` is the array that owns the
    memory, to recognise saved arrays that live in it."""

    __slots__ = ("count", "stamps", "owner")

    def __init__(self, owner: Any) -> None:
        self.count = 0
        self.stamps: deque[int] = deque(maxlen=64)  # a training loop writes its weights forever
        self.owner = owner

    def at(self, tick: float) -> int:
        """The version the memory had at clock ``tick`` (exact unless 64 writes came since)."""
        return self.count - sum(1 for s in self.stamps if s > tick)


def owner_of(array: Any) -> Any:
    """The array that owns ``array``'s memory (NumPy and CuPy point a view's ``base`` at it)."""
    base = getattr(array, "base", None)
    return array if base is None else base


def counter(tensor: "Tensor") -> Version:
    """The tensor's version counter, made on first need (most tensors never need one)."""
    version = tensor._version_counter
    if version is None:
        version = tensor._version_counter = Version(owner_of(tensor._data))
        if tensor.grad_fn is not None:  # the node that wrote this memory may have saved it
            tensor.grad_fn.output_version = version
    return version


def link_view(view: "Tensor", source: "Tensor") -> None:
    """``view`` was made by a view op from ``source``: share the version counter and remember the
    base (``_base``, always the root, as in PyTorch) when the memory is really shared."""
    owner, data = view._data.base, source._data
    if owner is None or (owner is not data and owner is not data.base):
        return  # the op had to copy (reshape of a non-contiguous array)
    base = source._base
    if base is None:
        base = source
    view._base = base
    view._version_counter = base._version_counter or counter(base)
    if not base._requires_grad or base.grad_fn is not None:
        # an in-place change of the base must renew this view's history (a leaf that requires
        # grad is never changed in a graph, so its views need no tracking). A list of weak
        # references: a WeakSet would compare tensors with ==, which is elementwise here.
        views = base._views
        if views is None:
            views = base._views = []
        elif len(views) >= 64 and len(views) & (len(views) - 1) == 0:  # now and then, drop dead ones
            views[:] = [ref for ref in views if ref() is not None]
        views.append(weakref.ref(view))


def share_counter(alias: "Tensor", source: "Tensor") -> None:
    """``alias`` (``detach()``) shares ``source``'s memory and version, but is not a view."""
    alias._version_counter = counter(source)


def bump(tensor: "Tensor") -> Version:
    """Record an in-place write to ``tensor``'s memory: tick the clock, stamp the counter."""
    version = counter(tensor)
    graph.clock += 1
    version.stamps.append(graph.clock)
    version.count += 1
    return version


# ------------------------------------------------------------------------------ the version check

def check_versions(node: Any) -> None:
    """PyTorch's error when an array ``node`` saved was written after ``node`` was made."""
    versions = [(p._version_counter, p) for p in getattr(node, "parents", ())
                if p._version_counter is not None]
    output = getattr(node, "output_version", None)
    if output is not None:
        versions.append((output, None))
    for version, tensor in versions:
        if not version.stamps or version.stamps[-1] <= node.clock:
            continue
        for saved in node.saved:
            if getattr(saved, "strides", None) is not None and owner_of(saved) is version.owner:
                raise RuntimeError(_modified_message(node, saved, version, tensor))


def _modified_message(node: Any, saved: Any, version: Version, tensor: "Tensor | None",
                      expected: int | None = None) -> str:
    from ..dtypes import from_numpy_dtype
    from .anomaly_mode import is_anomaly_enabled
    names = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "bool": "Bool",
             "float16": "Half", "uint8": "Byte", "int16": "Short", "int8": "Char"}
    dtype = from_numpy_dtype(saved.dtype).name
    kind = "torch.cuda." if type(saved).__module__.startswith("cupy") else "torch."
    text = (f"one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: [{kind}{names.get(dtype, dtype)}Tensor [{', '.join(str(n) for n in saved.shape)}]]")
    producer = node if tensor is None else tensor.grad_fn
    if producer is not None:
        view = node.__dict__.get("output_view", lambda: None)() if tensor is None else None
        text += f", which is output 0 of {short_name(producer if view is None else view.grad_fn)},"
    text += f" is at version {version.count}; expected version {version.at(node.clock) if expected is None else expected} instead."
    if is_anomaly_enabled():
        return text + (" Hint: the backtrace further above shows the operation that failed to compute its "
                       "gradient. The variable in question was changed in there or anywhere later. Good luck!")
    return text + (" Hint: enable anomaly detection to find the operation that failed to compute its "
                   "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


# ---------------------------------------------------------------------------- rewriting history

def snapshot(tensor: "Tensor") -> "Tensor":
    """A tensor standing for ``tensor`` as it is now in the graph: same memory, same ``grad_fn``.
    It becomes the input of the node that records an in-place change of ``tensor``."""
    old = graph._wrap(tensor._data, tensor.device, tensor._requires_grad, tensor.grad_fn, tensor._xp)
    if tensor._output_nr:
        old._output_nr = tensor._output_nr
    if tensor.grad_fn is None and tensor._requires_grad:
        old._accumulator = graph.accumulator(tensor)  # gradients still reach the real leaf
    return old


def set_history(tensor: "Tensor", node: Any, output_nr: int = 0) -> None:
    """Make ``node`` the tensor's ``grad_fn`` from now on; nodes made before keep the old one.

    The change gets its own clock tick, after the write's: the node recording the write (made at
    the write's tick) still reads the tensor's old place, so ``h.add_(h)`` adds the old h."""
    if tensor._history is None:
        tensor._history = []
    graph.clock += 1
    tensor._history.append((graph.clock, tensor.grad_fn, tensor._output_nr))
    if tensor._retains_grad and tensor.grad_fn is not None:  # retain_grad follows the tensor
        node.retained, tensor.grad_fn.retained = tensor.grad_fn.retained, None
        node.has_hooks = True
    tensor.grad_fn = node
    tensor._output_nr = output_nr
    tensor._requires_grad = True


def record_inplace(tensor: "Tensor", new: "Tensor", old: "Tensor") -> None:
    """``tensor``'s memory now holds ``new``'s values, computed out of place from ``old`` (a
    snapshot of ``tensor``), and the write was bumped. Give ``tensor`` (or its base) the history."""
    node = new.grad_fn
    node.clock = graph.clock  # the write's tick: it saved the new values, and reads the old inputs
    if any(s is new._data for s in node.saved):
        # it saved its output: point that at the tensor's memory, so a later write is caught
        node.saved = tuple(tensor._data if s is new._data else s for s in node.saved)
        node.output_version = tensor._version_counter
    base = tensor._base
    if base is None:
        set_history(tensor, node)
        renew_views(tensor)
        return
    # Through a view: the base's new history is CopySlices. As in PyTorch it runs the node itself
    # on its part of the gradient: the gradient for the view's old values goes back into the
    # base's old values at the same positions, and the node's other inputs are CopySlices' own.
    copy = object.__new__(CopySlices)
    copy.xp = base._xp
    copy.clock = graph.clock
    index = next((i for i, p in enumerate(node.parents) if p is old), None)
    if index is None:  # the node read the view through other nodes: let the gradient go there
        copy.parents, copy.needs_grad = (snapshot(base), new), (base._requires_grad, True)
    else:
        copy.parents = (snapshot(base),) + node.parents[:index] + node.parents[index + 1:]
        copy.needs_grad = (base._requires_grad,) + node.needs_grad[:index] + node.needs_grad[index + 1:]
    copy.saved = (_positions(base, tensor), node, index)
    node.output_view = weakref.ref(tensor)  # while the view lives, PyTorch's message names its grad_fn
    set_history(base, copy)
    if tensor not in renew_views(base):
        _view_of_base(tensor, base)


def renew_views(base: "Tensor") -> list:
    """After ``base`` got a new history, every live view of it reads it through ``AsStrided``."""
    renewed = []
    for ref in list(base._views or ()):
        view = ref()
        if view is not None and view._base is base:
            _view_of_base(view, base)
            renewed.append(_Identity(view))
    return renewed


class _Identity:
    """Compares by identity (``tensor in list`` would compare elementwise)."""

    __slots__ = ("tensor",)

    def __init__(self, tensor: Any) -> None:
        self.tensor = tensor

    def __eq__(self, other: Any) -> bool:
        return other is self.tensor


def _view_of_base(view: "Tensor", base: "Tensor") -> None:
    node = object.__new__(AsStrided)
    node.xp = base._xp
    node.parents = (base,)
    node.needs_grad = (True,)
    node.saved = (_positions(base, view), base.shape)
    set_history(view, node)
    node.clock = graph.clock  # made after the base's change: it reads the base's new history


def _positions(base: "Tensor", view: "Tensor") -> Any:
    """For every element of ``view``, its flat (C-order) index in ``base``, from the memory
    layout: the view's offset and strides, read over an array that holds, at each memory slot of
    the base, that slot's logical index."""
    xp, array, part = base._xp, base._data, view._data
    if not (array.flags.c_contiguous or array.flags.f_contiguous):
        raise NotImplementedError("in-place change of a view whose base is not contiguous in memory")
    slots = xp.empty(array.size, dtype="int64")
    slots[...] = xp.arange(array.size, dtype="int64").reshape(array.shape).ravel(
        order="C" if array.flags.c_contiguous else "F")
    size = array.itemsize
    offset = (_address(part) - _address(array)) // size
    strides = tuple(s // size * slots.itemsize for s in part.strides)
    return _as_strided(xp)(slots[offset:], shape=part.shape, strides=strides).copy()


def _address(array: Any) -> int:
    pointer = getattr(array.data, "ptr", None)  # CuPy: a memory pointer; NumPy: a memoryview
    return pointer if pointer is not None else array.ctypes.data


def _as_strided(xp: Any) -> Any:
    return xp.lib.stride_tricks.as_strided


class CopySlices(Op):
    """The base after ``node`` wrote new values through a view of it (at ``positions``):
    d/d(base) = out_grad, except at the positions, where it is the node's gradient for the view's
    old values (they were the base's values there); the node's other inputs get its other
    gradients. (When the node did not read the view directly, ``index`` is None and its
    output is this node's second input, taking out_grad[positions].)"""
    torch_name = "CopySlices"

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def backward(self, out_grad):
        positions, node, index = self.saved
        flat = self.xp.array(out_grad, copy=True).reshape(-1)
        grad_view = flat[positions]
        if index is None:
            flat[positions.reshape(-1)] = 0
            return flat.reshape(out_grad.shape), grad_view
        if node.clock < graph.clock:
            check_versions(node)
        grads = node.backward(grad_view)
        grads = grads if isinstance(grads, tuple) else (grads,)
        old_values = grads[index]
        flat[positions.reshape(-1)] = 0 if old_values is None else \
            unbroadcast(old_values, positions.shape).reshape(-1)
        return (flat.reshape(out_grad.shape),) + grads[:index] + grads[index + 1:]

    def release(self, edges: list | None = None) -> None:
        if len(self.saved) == 3 and self.saved[1] is not None:
            self.saved[1].release()
        super().release(edges)


class AsStrided(Op):
    """A view of a base, read through the base's (new) history:
    out = base.flat[positions];  d/d(base) = zeros with out_grad at the positions."""
    torch_name = "AsStridedBackward0"

    def backward(self, out_grad):
        positions, shape = self.saved
        grad = self.xp.zeros(shape, dtype=out_grad.dtype)
        grad.reshape(-1)[positions] = out_grad  # a view never shows one position twice
        return grad
