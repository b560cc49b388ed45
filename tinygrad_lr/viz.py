"""Backprop made visible: ``draw`` the graph behind a tensor, ``trace`` a backward node by node.

    loss = ((x @ w + b - y) ** 2).mean()
    viz.draw(loss, params={"w": w, "b": b}, path="graph.png")   # graph.png and graph.dot
    viz.trace(loss, params={"w": w, "b": b})                    # runs loss.backward(), printing

The graph is read the way PyTorch exposes it: ``tensor.grad_fn`` is the node that made the tensor,
and each node leads to the nodes (or leaf tensors) it pushes gradient into. On tinygrad_lr those are
``node.parents`` (the input tensors, with their shapes); on real PyTorch, ``node.next_functions``
(a leaf is an ``AccumulateGrad`` node holding ``.variable``), so both functions also work there.

``trace`` prints what micrograd's lesson shows on scalars, on tensors: for every node, in the
order the engine runs them, the gradient arriving from the output, the node's local rule (the
derivative in its op's docstring) and the gradient sent to each input; a leaf's share is what is
added to its ``.grad``. Only the public API is used (``import tinygrad_lr as torch``), like
``vision``: ``python -m compare script`` runs it over real PyTorch too.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import tinygrad_lr as torch  # the public API only

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class Node:
    """One box of the picture: an op (``grad_fn``) or a leaf tensor."""

    key: int
    label: str
    kind: str  # "op", "leaf" (requires grad: gets a .grad) or "output" (the tensor drawn)
    inputs: list[int] = field(default_factory=list)  # keys of the nodes feeding this one


@dataclass
class Graph:
    nodes: dict[int, Node]
    root: int
    dot: str = ""
    png: str | None = None
    dot_path: str | None = None


def _shape(shape: Any) -> str:
    return "(" + ", ".join(str(int(n)) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _names(params: Any) -> dict[int, str]:
    """id(tensor) -> name, from a dict, a list of (name, tensor) pairs or a Module."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        params = params.named_parameters()
    items = params.items() if isinstance(params, dict) else params
    return {id(t): name for name, t in items}


def inputs_of(node: Any) -> list[tuple[str, Any, Any]]:
    """What ``node`` sends gradient to: ``("op", grad_fn, shape)`` or ``("leaf", tensor, shape)``.
    Inputs that do not require grad get no gradient and are left out (as torchviz does)."""
    parents = getattr(node, "parents", None)
    result = []
    if parents is not None and not getattr(node, "released", False):  # tinygrad_lr: the input tensors
        for tensor in parents:
            if tensor.grad_fn is not None:
                result.append(("op", tensor.grad_fn, tuple(tensor.shape)))
            elif tensor.requires_grad:
                result.append(("leaf", tensor, tuple(tensor.shape)))
        return result
    for fn, _ in node.next_functions:  # PyTorch, or a tinygrad_lr graph after backward freed its inputs
        if fn is None:
            continue
        if hasattr(fn, "variable"):
            result.append(("leaf", fn.variable, tuple(fn.variable.shape)))
        else:
            metadata = getattr(fn, "_input_metadata", None)
            result.append(("op", fn, tuple(metadata[0].shape) if metadata else None))
    return result


def _values(tensor: Any) -> str:
    """micrograd's labels for a one-element tensor: its value and, after a backward, its gradient."""
    if tensor.numel() != 1:
        return ""
    text = f"\ndata {tensor.item():.4g}"
    grad = tensor.grad if tensor.is_leaf else None
    return text + (f"  grad {grad.item():.4g}" if grad is not None else "")


def build(tensor: Any, params: Any = None) -> Graph:
    """The graph behind ``tensor``, walked with an explicit stack (deep graphs need no recursion)."""
    names = _names(params)
    nodes: dict[int, Node] = {}
    root = id(tensor)
    nodes[root] = Node(root, f"{names.get(id(tensor), 'output')}\n{_shape(tensor.shape)}{_values(tensor)}", "output")
    if tensor.grad_fn is None:
        return Graph(nodes, root)
    stack = [tensor.grad_fn]
    nodes[root].inputs.append(id(tensor.grad_fn))
    nodes[id(tensor.grad_fn)] = Node(id(tensor.grad_fn), f"{tensor.grad_fn.name()}\n{_shape(tensor.shape)}", "op")
    while stack:
        fn = stack.pop()
        for kind, obj, shape in inputs_of(fn):
            key = id(obj)
            if key not in nodes:
                if kind == "leaf":
                    label = f"{names.get(key, 'leaf')}\n{_shape(shape)}{_values(obj)}"
                else:
                    label = obj.name() + (f"\n{_shape(shape)}" if shape is not None else "")
                    stack.append(obj)
                nodes[key] = Node(key, label, kind)
            nodes[id(fn)].inputs.append(key)
    return Graph(nodes, root)


# ----------------------------------------------------------------------------------------- drawing

def to_dot(graph: Graph) -> str:
    """Graphviz source: leaves blue, ops grey, the output green; edges in the forward direction."""
    style = {"leaf": 'fillcolor="#cfe2f3"', "op": 'fillcolor="#eeeeee"', "output": 'fillcolor="#d9ead3"'}
    lines = ["digraph graph_of_tensor {", '    node [shape=box, style="rounded,filled", fontname="Helvetica"];']
    numbers = {key: i for i, key in enumerate(graph.nodes)}
    for key, node in graph.nodes.items():
        label = node.label.replace('"', r"\"").replace("\n", r"\n")
        lines.append(f'    n{numbers[key]} [label="{label}", {style[node.kind]}];')
    for key, node in graph.nodes.items():
        for source in node.inputs:
            lines.append(f"    n{numbers[source]} -> n{numbers[key]};")
    return "\n".join(lines + ["}"]) + "\n"


def layout(graph: Graph) -> dict[int, tuple[float, float]]:
    """Positions (x, y): each node one row above the furthest node it feeds (the output at the
    bottom, leaves near the top), and within a row ordered by the mean x of what it feeds."""
    depth = {graph.root: 0}
    order = [graph.root]
    for key in order:  # breadth first; a node's depth is the longest path to the output
        for source in graph.nodes[key].inputs:
            if depth.get(source, -1) < depth[key] + 1:
                depth[source] = depth[key] + 1
                order.append(source)
    rows: dict[int, list[int]] = {}
    for key in dict.fromkeys(order):
        rows.setdefault(depth[key], []).append(key)
    x: dict[int, float] = {}
    for level in sorted(rows):
        keys = rows[level]
        consumers = {k: [x[c] for c, n in graph.nodes.items() if k in n.inputs and c in x] for k in keys}
        wanted = {k: float(np.mean(consumers[k])) if consumers[k] else 0.0 for k in keys}
        keys.sort(key=lambda k: wanted[k])
        # Side by side, one unit apart, as close to above their consumers as that allows.
        placed = [wanted[keys[0]]]
        for k in keys[1:]:
            placed.append(max(wanted[k], placed[-1] + 1.0))
        shift = float(np.mean([wanted[k] for k in keys]) - np.mean(placed))
        for k, position in zip(keys, placed):
            x[k] = position + shift
    return {key: (x[key], float(depth[key])) for key in x}


def _matplotlib_png(graph: Graph, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    position = layout(graph)
    colours = {"leaf": "#cfe2f3", "op": "#eeeeee", "output": "#d9ead3"}
    xs = [p[0] for p in position.values()]
    ys = [p[1] for p in position.values()]
    span_x, span_y = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    box = max(2.2, max(0.14 * len(line) + 0.5 for n in graph.nodes.values() for line in n.label.split("\n")[:1])
              , max(0.12 * len(line) + 0.5 for n in graph.nodes.values() for line in n.label.split("\n")[1:]))
    x_step, y_step = box + 0.4, 1.4  # data units between neighbours; boxes are box x 0.8
    figure, axes = plt.subplots(figsize=(max(4.0, 1.3 * span_x * x_step / 2), max(3.0, 0.8 * span_y * y_step)))
    at = {key: (px * x_step, py * y_step) for key, (px, py) in position.items()}
    for key, node in graph.nodes.items():
        for source in node.inputs:
            (x0, y0), (x1, y1) = at[source], at[key]
            axes.annotate("", xy=(x1, y1 + 0.42), xytext=(x0, y0 - 0.42),
                          arrowprops=dict(arrowstyle="-|>", color="#555555", lw=1.2, shrinkA=0, shrinkB=0))
    for key, node in graph.nodes.items():
        cx, cy = at[key]
        axes.add_patch(FancyBboxPatch((cx - box / 2, cy - 0.4), box, 0.8, boxstyle="round,pad=0.02,rounding_size=0.15",
                                      facecolor=colours[node.kind], edgecolor="#444444", lw=1.0))
        lines = node.label.split("\n")
        top = 0.11 * (len(lines) - 1)  # the lines centred in the box, 0.22 apart
        for i, line in enumerate(lines):
            axes.text(cx, cy + top - 0.22 * i, line, ha="center", va="center", fontsize=10 if i == 0 else 8.5,
                      color="black" if i == 0 else "#333333",
                      fontweight="bold" if i == 0 and node.kind != "op" else "normal")
    axes.set_xlim(min(xs) * x_step - box / 2 - 0.3, max(xs) * x_step + box / 2 + 0.3)
    axes.set_ylim(min(ys) * y_step - 0.7, max(ys) * y_step + 0.7)
    # depth grows upwards: leaves on top, the output at the bottom, arrows in the forward direction
    axes.set_axis_off()
    axes.set_title("blue: tensors that get a .grad   grey: ops (grad_fn)   green: output", fontsize=8, color="#555555")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def draw(tensor: Any, params: Any = None, path: str | None = None) -> Graph:
    """Draw the graph that produced ``tensor``: a PNG at ``path`` (default ``graph.png``) and the
    Graphviz source next to it (``.dot``). Leaves are named from ``params`` (a dict, (name, tensor)
    pairs, or a Module's ``named_parameters()``). Graphviz's ``dot`` renders the PNG when it is
    installed; otherwise matplotlib does (no system binary needed)."""
    graph = build(tensor, params)
    graph.dot = to_dot(graph)
    path = path or "graph.png"
    graph.png, graph.dot_path = path, os.path.splitext(path)[0] + ".dot"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(graph.dot_path, "w") as f:
        f.write(graph.dot)
    dot = shutil.which("dot")
    if dot is None or subprocess.run([dot, "-Tpng", graph.dot_path, "-o", path], capture_output=True).returncode:
        _matplotlib_png(graph, path)
    return graph


# ----------------------------------------------------------------------------------------- tracing

def _docstring_rules() -> dict[str, str]:
    """PyTorch node name -> the docstring of the tinygrad_lr op that has it, read from the source
    files (so the rules print the same on real PyTorch, where tinygrad_lr's ops are not loaded)."""
    rules: dict[str, str] = {}
    for folder in ("ops", "nn"):
        directory = os.path.join(HERE, folder)
        for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else ():
            if not name.endswith(".py"):
                continue
            with open(os.path.join(directory, name)) as f:
                tree = ast.parse(f.read())
            docs = {c.name: ast.get_docstring(c) for c in tree.body if isinstance(c, ast.ClassDef)}
            for c in tree.body:
                if not isinstance(c, ast.ClassDef):
                    continue
                doc = docs[c.name] or next((docs.get(getattr(b, "id", "")) for b in c.bases
                                            if docs.get(getattr(b, "id", ""))), None)
                for statement in c.body:
                    if (isinstance(statement, ast.Assign) and doc and isinstance(statement.value, ast.Constant)
                            and any(getattr(t, "id", "") == "torch_name" for t in statement.targets)):
                        rules.setdefault(statement.value.value, doc)
                        # the overload number varies (MeanBackward0 for a full mean, 1 with dim=)
                        rules.setdefault(statement.value.value.rstrip("0123456789"), doc)
    return rules


def rule_of(node: Any, rules: dict[str, str] | None = None) -> str:
    """The local derivative of ``node``: its op's docstring (first paragraph, on one line)."""
    doc = None
    for cls in type(node).__mro__:
        if cls.__module__.startswith("tinygrad_lr") and cls.__doc__ and cls.__name__ != "Op":
            doc = cls.__doc__
            break
    if doc is None:
        rules = rules if rules is not None else _docstring_rules()
        doc = rules.get(node.name()) or rules.get(node.name().rstrip("0123456789"))
    if not doc:
        return "(no rule written down for this node)"
    return " ".join(doc.strip().split("\n\n")[0].split())


def _as_tensor(grad: Any) -> Any:
    return grad if torch.is_tensor(grad) else torch.from_numpy(np.asarray(grad))


def _sum_to(grad: Any, shape: tuple) -> Any:
    """A gradient summed back to its input's shape, as the engine does for broadcast inputs."""
    grad = np.asarray(grad)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


def _show(value: Any, indent: str) -> str:
    return str(_as_tensor(value)).replace("\n", "\n" + indent)


class _Printer:
    def __init__(self, params: Any, write: Callable[[str], None]) -> None:
        self.names, self.write, self.step, self.rules = _names(params), write, 0, _docstring_rules()
        self.op_names: dict[int, str] = {}

    def node(self, node: Any, out_grad: Any, grads: list[tuple[str, Any, Any]]) -> None:
        self.step += 1
        self.write(f"[{self.step}] {node.name()}")
        self.write(f"    incoming gradient: {_show(out_grad, ' ' * 23)}")
        self.write(f"    local rule:        {rule_of(node, self.rules)}")
        for kind, target, grad in grads:
            if kind == "leaf":
                who = f"{self.names.get(id(target), 'leaf')} (leaf: added to its .grad)"
            else:
                who = target.name()
            prefix = f"    to {who}: "
            self.write(prefix + _show(grad, " " * len(prefix)))


def trace(loss: Any, params: Any = None, write: Callable[[str], None] = print, retain_graph: bool = False) -> None:
    """Run ``loss.backward(retain_graph=retain_graph)`` and print every node as the engine runs it
    (see the module doc). Keep the graph to ``draw`` it again afterwards, with the leaves' grads."""
    if loss.grad_fn is None:
        raise RuntimeError("trace needs a tensor made by ops on tensors that require grad (it has no grad_fn)")
    printer = _Printer(params, write)
    nodes, stack, seen = [], [loss.grad_fn], {id(loss.grad_fn)}
    while stack:
        fn = stack.pop()
        nodes.append(fn)
        for kind, obj, _ in inputs_of(fn):
            if kind == "op" and id(obj) not in seen:
                seen.add(id(obj))
                stack.append(obj)
    if hasattr(nodes[0], "parents"):
        _trace_tinygrad(loss, nodes, printer, retain_graph)
    else:
        _trace_torch(loss, nodes, printer, retain_graph)


def _trace_tinygrad(loss: Any, nodes: list, printer: _Printer, retain_graph: bool) -> None:
    """Wrap each op class's ``backward`` for the length of one ``loss.backward()``: the wrapper sees
    exactly the calls the engine makes, in its order."""
    originals: dict[type, Callable] = {}

    def wrapped(self: Any, out_grad: Any) -> Any:
        grads = originals[type(self)](self, out_grad)
        as_tuple = grads if isinstance(grads, tuple) else (grads,)
        shown = []
        for tensor, grad in zip(self.parents, as_tuple):
            if grad is None or not tensor.requires_grad:
                continue
            kind, target = ("op", tensor.grad_fn) if tensor.grad_fn is not None else ("leaf", tensor)
            shown.append((kind, target, _sum_to(grad, tuple(tensor.shape))))
        printer.node(self, out_grad, shown)
        return grads

    for node in nodes:
        originals.setdefault(type(node), type(node).backward)
    try:
        for cls in originals:
            cls.backward = wrapped
        loss.backward(retain_graph=retain_graph)
    finally:
        for cls, original in originals.items():
            cls.backward = original


def _trace_torch(loss: Any, nodes: list, printer: _Printer, retain_graph: bool) -> None:
    """On real PyTorch: a hook on every node gets (gradients to its inputs, gradients in)."""
    handles = []
    for node in nodes:
        def hook(grad_inputs: tuple, grad_outputs: tuple, node: Any = node) -> None:
            shown = []
            for (fn, _), grad in zip(node.next_functions, grad_inputs):
                if fn is None or grad is None:
                    continue
                shown.append(("leaf", fn.variable, grad) if hasattr(fn, "variable") else ("op", fn, grad))
            printer.node(node, grad_outputs[0], shown)
        handles.append(node.register_hook(hook))
    try:
        loss.backward(retain_graph=retain_graph)
    finally:
        for handle in handles:
            handle.remove()


__all__ = ["Graph", "build", "draw", "layout", "rule_of", "to_dot", "trace"]
