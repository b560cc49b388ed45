"""The engine: ``backward`` and ``grad``.

``backward`` orders the nodes so that each runs only after every node that uses its output has
pushed its gradient into it (a topological order, computed with an explicit stack so a chain of
100,000 ops needs no recursion). The loop in ``_run`` is the one place where a node is run:

* it refuses a node whose saved arrays were freed (a second backward) or were changed in place
  after it saved them (version counters, ``inplace.check_versions``);
* it calls the hooks of the tensor the node produced (``register_hook``; a returned tensor
  replaces the gradient) and fills ``.grad`` of a tensor that called ``retain_grad()``;
* it runs ``node.backward`` (one gradient per input), checks them for NaN in anomaly mode, sums
  each back to its input's shape when the forward broadcast it (``unbroadcast``), and adds
  gradients that reach the same node along different paths;
* at a leaf (``AccumulateGrad``) it adds the total gradient to ``.grad``;
* it frees the node's saved arrays unless ``retain_graph=True``.
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Sequence

from ..backend import quiet_floating_point
from . import graph
from .grad_mode import no_grad
from .graph import AccumulateGrad, edge_of, unbroadcast
from .inplace import check_versions

if TYPE_CHECKING:
    from ..tensor import Tensor

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after "
          "they have already been freed). Saved intermediate values of the graph are freed when you call "
          ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
          "graph a second time or if you need to access saved tensors after calling backward.")


_DONE = object()  # on the sort's stack, above a node whose inputs are being visited


def _topological_order(roots: Sequence[Any]) -> list[Any]:
    """Op nodes reachable from ``roots``, each before every node it feeds gradient into. (The
    leaves' ``AccumulateGrad`` nodes are sinks: ``_run`` visits them last.)

    An iterative depth-first post-order (explicit stack instead of recursion), then reversed. The
    stack holds nodes to enter, and ``node, _DONE`` for a node to emit once the nodes above it are
    done: no (node, flag) tuple per push; measured -13 to -18% of the sort on a 100k-node chain.
    """
    order: list[Any] = []
    visited: set[Any] = set()  # nodes themselves: identity-hashed, and no id() call per test
    stack: list[Any] = list(reversed(roots))
    push, pop = stack.append, stack.pop
    now = graph.clock
    while stack:
        node = pop()
        if node is _DONE:
            order.append(pop())
            continue
        if node in visited:
            continue
        visited.add(node)
        push(node)
        push(_DONE)
        if node.clock >= now:  # no in-place change since the node was made: the inputs' grad_fn
            for parent in node.parents:
                fn = parent.grad_fn
                if fn is not None and fn not in visited:
                    push(fn)
            continue
        for parent, needs in zip(node.parents, node.needs_grad):
            if needs:
                fn = edge_of(parent, node)[0]
                if type(fn) is not AccumulateGrad and fn not in visited:
                    push(fn)
    order.reverse()
    return order


def _seed(tensor: "Tensor", gradient: Any, index: int) -> Any:
    if not tensor.requires_grad:
        raise RuntimeError(f"element {index} of tensors does not require grad and does not have a grad_fn")
    if gradient is None:
        if tensor.numel() != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return tensor._xp.ones(tensor._data.shape, dtype=tensor._data.dtype)
    from ..tensor import Tensor  # (an import statement costs ~1 µs a call: only on this path)
    if not isinstance(gradient, Tensor):
        gradient = Tensor(gradient, dtype=tensor.dtype, device=tensor.device)
    if gradient.shape != tensor.shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[{index}] has a shape of {gradient.shape} "
                           f"and output[{index}] has a shape of {tensor.shape}.")
    return gradient._data.astype(tensor._data.dtype, copy=False)


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """``torch.autograd.backward``: accumulate d(tensors)/d(leaf) · grad_tensors into ``.grad``
    of every leaf that requires grad (only of ``inputs`` when given)."""
    if create_graph:
        raise NotImplementedError("create_graph=True (higher-order gradients) is not supported")
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) if grad_tensors is not None else [None] * len(tensors)
    roots = [(*edge_of(t), _seed(t, g, i)) for i, (t, g) in enumerate(zip(tensors, grads))]
    only = None if inputs is None else {edge_of(t)[0] for t in _as_list(inputs)}
    _run(roots, bool(retain_graph), capture=None, only=only)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """``torch.autograd.grad``: the gradients of ``outputs`` with respect to ``inputs``, returned
    instead of accumulated (no ``.grad`` changes)."""
    if create_graph:
        raise NotImplementedError("create_graph=True (higher-order gradients) is not supported")
    if is_grads_batched:
        raise NotImplementedError("is_grads_batched=True is not supported")
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    grads = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(grads)} for {len(outputs)} outputs")
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    roots = [(*edge_of(t), _seed(t, g, i)) for i, (t, g) in enumerate(zip(outputs, grads))]
    keys = [edge_of(t) for t in inputs]
    capture: dict[tuple[int, int], Any] = {(id(fn), nr): None for fn, nr in keys}
    _run(roots, bool(retain_graph), capture=capture, only=None)
    results = []
    for i, ((fn, nr), t) in enumerate(zip(keys, inputs)):
        value = capture[(id(fn), nr)]
        if value is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
            results.append(graph._wrap(t._xp.zeros(t.shape, dtype=t._data.dtype), t.device)
                           if materialize_grads else None)
        else:
            results.append(graph._wrap(_own(value), t.device))
    return tuple(results)


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _own(array: Any) -> Any:
    return array if array.base is None else array.copy()


def _run(roots: list, retain_graph: bool, capture: dict | None, only: set | None) -> None:
    """Seed the roots, then visit every node in topological order. The loop body is the one
    place where a node runs (kept inline: it is the engine's per-node cost)."""
    # Keyed by the nodes themselves (a node hashes by identity): no id() call per lookup, 5 per op.
    pending: dict[Any, Any] = {}
    aliased: set[Any] = set()  # pending leaf gradients that may share memory with another array
    leaves: list[AccumulateGrad] = []  # visited after every op node, when their gradient is complete
    for node, nr, seed in roots:
        if type(node) is AccumulateGrad and node not in pending:
            leaves.append(node)
        _add(pending, aliased, node, nr, seed, shared=True)
    order = _topological_order([node for node, _, _ in roots if type(node) is not AccumulateGrad])
    anomaly = graph.anomaly_enabled
    with no_grad(), quiet_floating_point():  # NumPy's x/0, log(0) warnings: PyTorch is silent
        for node in itertools.chain(order, leaves):
            out_grad = pending.pop(node, None)
            if out_grad is None:
                continue
            # -- checks and hooks: freed graph, in-place changes since the node saved, tensor hooks
            if node.released:
                raise RuntimeError(_FREED)
            stale = node.clock < graph.clock  # something was changed in place since this node was made
            if stale:
                check_versions(node)
            if node.has_hooks:
                out_grad = _call_tensor_hooks(node, out_grad)
            if capture is not None and (id(node), 0) in capture:  # autograd.grad of this tensor
                key = (id(node), 0)
                capture[key] = out_grad if capture[key] is None else capture[key] + out_grad
            # -- a leaf: accumulate the total gradient into .grad
            if type(node) is AccumulateGrad:
                leaf = node.variable
                if capture is None and leaf is not None and (only is None or node in only):
                    accumulate(leaf, out_grad, owned=node not in aliased)
                continue
            # -- an op: its backward, then each gradient to the node of its input
            grads = node.backward(out_grad)
            if type(grads) is not tuple:
                grads = (grads,)
            if anomaly:
                from .anomaly_mode import check_nan
                check_nan(node, grads)
            if node.node_hooks:
                grads = _call_node_hooks(node, grads, out_grad)
            # The edges release() keeps are the (node, output_nr) pairs this loop finds anyway: it
            # collects them on the way (fn alone for (fn, 0), None for an input that needs no
            # gradient), instead of release() looking them up again: -0.4 µs per node of the chain.
            edges = []
            for parent, needs, grad in zip(node.parents, node.needs_grad, grads):
                if not needs:
                    edges.append(None)
                    continue
                fn, nr = parent.grad_fn, 0
                if fn is None or stale or fn.num_outputs != 1:  # a leaf, or one changed in place since
                    fn, nr = edge_of(parent, node)
                edges.append(fn if nr == 0 else (fn, nr))
                if grad is None:
                    continue
                returned = grad
                if grad.shape != parent._data.shape:
                    grad = unbroadcast(grad, parent.shape)
                if grad.dtype != parent._data.dtype:  # e.g. a float grad reaching a float64 input
                    grad = grad.astype(parent._data.dtype)
                if fn in pending and fn.num_outputs == 1:  # reached along a second path: add
                    pending[fn] = pending[fn] + grad
                    aliased.discard(fn)
                elif type(fn) is AccumulateGrad:
                    # A leaf's first .grad takes the array without a copy unless it may share memory:
                    # out_grad passed straight through (Add), a view (reshape), one array returned twice.
                    shared = grad is returned and (grad is out_grad or grad.base is not None
                                                   or sum(g is grad for g in grads) > 1)
                    leaves.append(fn)
                    _add(pending, aliased, fn, 0, grad, shared)
                elif fn.num_outputs == 1:
                    pending[fn] = grad
                else:
                    _add(pending, aliased, fn, nr, grad, False)
            if not retain_graph:
                node.release(edges)


def _add(pending: dict, aliased: set, node: Any, nr: int, grad: Any, shared: bool) -> None:
    """Add ``grad`` to what ``node`` (its output ``nr``) has received so far."""
    if node.num_outputs != 1:  # a custom Function with several outputs: one slot per output
        slots = pending.setdefault(node, [None] * node.num_outputs)
        slots[nr] = grad if slots[nr] is None else slots[nr] + grad
    elif node not in pending:
        pending[node] = grad
        if shared:
            aliased.add(node)
    else:
        pending[node] = pending[node] + grad
        aliased.discard(node)


def _call_tensor_hooks(node: Any, out_grad: Any) -> Any:
    from ..tensor import Tensor
    device = _device_of(node, out_grad)
    if node.node_pre_hooks:
        for hook in list(node.node_pre_hooks.values()):
            result = hook((Tensor._wrap(out_grad, device),))
            if result is not None:
                out_grad = result[0]._data
    for hook in list((node.tensor_hooks or {}).values()):
        result = hook(Tensor._wrap(out_grad, device))
        if result is not None:
            if not isinstance(result, Tensor) or result.shape != tuple(out_grad.shape):
                raise RuntimeError(f"hook returned an invalid gradient: expected a tensor of shape "
                                   f"{list(out_grad.shape)}")
            out_grad = result._data
    if node.retained is not None:
        tensor = node.retained()
        if tensor is not None:
            accumulate(tensor, out_grad, owned=False)
    return out_grad


def _call_node_hooks(node: Any, grads: tuple, out_grad: Any) -> tuple:
    from ..tensor import Tensor
    device = _device_of(node, out_grad)
    wrapped = tuple(None if g is None else Tensor._wrap(g, device) for g in grads)
    for hook in list(node.node_hooks.values()):
        result = hook(wrapped, (Tensor._wrap(out_grad, device),))
        if result is not None:
            wrapped = tuple(result)
    return tuple(None if g is None else g._data for g in wrapped)


def _device_of(node: Any, array: Any) -> Any:
    if type(node) is AccumulateGrad:
        return node.variable.device
    parents = getattr(node, "parents", ())
    from ..backend import device_of_array
    return device_of_array(array) if not parents or node.out_device is not None else parents[0].device


def accumulate(leaf: "Tensor", grad: Any, owned: bool = False) -> None:
    """``leaf.grad += grad``. The first time, ``grad`` becomes ``.grad``: as it is when ``owned``
    (a fresh array nothing else refers to) and laid out like the leaf, else as a copy, since
    gradients may alias.

    The copy takes the leaf's memory layout (PyTorch's "gradient layout contract"): W used as
    ``W.t()`` gets a transposed gradient, and ``W -= lr * W.grad`` over two arrays laid out
    differently is ~10x slower (290 vs 30 µs for 512x784).
    """
    # (graph._wrap is Tensor._wrap: no ``from ..tensor import Tensor`` here, which costs ~1 µs on
    # every call, once per leaf in every backward)
    xp = leaf._xp
    if leaf._grad is None:
        if not owned or grad.strides != leaf._data.strides:
            copy = xp.empty_like(leaf._data)  # same dtype, shape and layout as the leaf
            copy[...] = grad
            grad = copy
        leaf._grad = graph._wrap(grad, leaf.device, False, None, xp)  # the engine's own array: no setter checks
    else:
        # asarray: NumPy returns a scalar, not a 0-d array, for 0-d + 0-d; .grad must stay mutable
        leaf._grad._data = xp.asarray(leaf._grad._data + grad)
