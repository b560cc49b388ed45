"""The graph as tools read it, against live PyTorch: grad_fn names, next_functions,
AccumulateGrad.variable, metadata, saved tensors; and the real ``torchviz.make_dot`` drawing
tinygrad_lr graphs with ``torch`` swapped for ``tinygrad_lr`` (no Graphviz binary needed: the
DOT source is compared)."""
from __future__ import annotations

import re
import sys
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
import torch

import tinygrad_lr as tg


def walk(fn, seen=None):
    """(name, [input names]) for every node reachable from ``fn``, depth first."""
    seen = set() if seen is None else seen
    if fn is None or id(fn) in seen:
        return []
    seen.add(id(fn))
    rows = [(fn.name(), [None if f is None else f.name() for f, _ in fn.next_functions])]
    for f, _ in fn.next_functions:
        rows += walk(f, seen)
    return rows


def small_graph(ns):
    rng = np.random.default_rng(0)
    x = ns.tensor(rng.standard_normal((4, 3)).astype(np.float32))
    w = ns.tensor(rng.standard_normal((3, 2)).astype(np.float32), requires_grad=True)
    b = ns.tensor(rng.standard_normal(2).astype(np.float32), requires_grad=True)
    target = ns.tensor(rng.standard_normal((4, 2)).astype(np.float32))
    y = (x @ w + b).relu()
    loss = (1 - (y - target) ** 2 / 2).mean()
    return loss, w, b


def test_graph_structure_matches_torch():
    ours, ref = small_graph(tg), small_graph(torch)
    assert walk(ours[0].grad_fn) == walk(ref[0].grad_fn)
    assert repr(ours[0]).split("grad_fn=")[1] == repr(ref[0]).split("grad_fn=")[1]


def test_graph_structure_survives_backward_as_in_torch():
    """backward frees saved tensors but keeps the edges: ``make_dot(loss)`` after
    ``loss.backward()`` (a common notebook order) still sees the whole graph."""
    ours, ref = small_graph(tg), small_graph(torch)
    ours[0].backward()
    ref[0].backward()
    assert walk(ours[0].grad_fn) == walk(ref[0].grad_fn)
    assert len(walk(ours[0].grad_fn)) > 5


def test_accumulate_grad_nodes_are_stable_and_know_their_leaf():
    for ns in (tg, torch):
        loss, w, b = small_graph(ns)
        mm = loss.grad_fn
        while mm.name() != "MmBackward0":
            mm = next(f for f, _ in mm.next_functions if f is not None)
        (none, _), (acc, nr) = mm.next_functions
        assert none is None and nr == 0 and acc.variable is w
        assert (w * 2).grad_fn.next_functions[0][0] is acc  # one node per leaf
        assert type(acc).__name__ == "AccumulateGrad" and acc.next_functions == ()
        assert isinstance(acc, ns.autograd.graph.Node) and isinstance(mm, ns.autograd.graph.Node)


def test_metadata_and_saved_tensors():
    for ns in (tg, torch):
        x = ns.tensor([1.0, 2.0], requires_grad=True)
        w = ns.tensor([3.0, 4.0], requires_grad=True)
        product, exp = x * w, x.exp()
        product.grad_fn.metadata["note"] = "kept"
        assert product.grad_fn.metadata == {"note": "kept"}
        assert product.grad_fn._saved_self is x and product.grad_fn._saved_other is w
        assert exp.grad_fn._saved_result.tolist() == exp.tolist()
        assert "_saved_self" in dir(product.grad_fn) and type(product.grad_fn).__name__ == "MulBackward0"


@contextmanager
def torch_is_tinygrad():
    """``import torch`` gives tinygrad_lr inside the block; everything is restored after."""
    names = ("torch", "torch.autograd", "torch.nn", "torch.autograd.graph")
    saved = {name: sys.modules.get(name) for name in names}
    saved_viz = {name: mod for name, mod in sys.modules.items() if name.split(".")[0] == "torchviz"}
    for name in saved_viz:
        del sys.modules[name]
    sys.modules.update({"torch": tg, "torch.autograd": tg.autograd, "torch.nn": tg.nn,
                        "torch.autograd.graph": tg.autograd.graph})
    try:
        yield
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == "torchviz"]:
            del sys.modules[name]
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        sys.modules.update(saved_viz)


def dot_of(ns, build, **options):
    if ns is tg:
        with torch_is_tinygrad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # distutils' deprecation, torchviz's version note
            from torchviz import make_dot
            assert sys.modules["torch"] is tg
            return make_dot(*build(ns), **options).source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torchviz import make_dot
        return make_dot(*build(ns), **options).source


def labels(source):
    """Node labels and the number of edges of a DOT source (node ids are ``id()``s and differ)."""
    found = sorted(quoted or bare for quoted, bare in re.findall(r'\[label=(?:"((?:[^"\\]|\\.)*)"|(\w+))', source))
    edges = len(re.findall(r"->", source))
    return found, edges


def test_torchviz_draws_our_graph_as_it_draws_torchs():
    pytest.importorskip("torchviz")

    def build(ns):
        loss, w, b = small_graph(ns)
        return loss, {"w": w, "b": b}
    ours, ref = dot_of(tg, build), dot_of(torch, build)
    assert labels(ours) == labels(ref)
    assert "MmBackward0" in ours and "AccumulateGrad" in ours and "w\n (3, 2)" in ours
    assert sys.modules["torch"] is torch


def test_torchviz_on_a_model_with_saved_tensors_and_views():
    pytest.importorskip("torchviz")

    def build(ns):
        model = ns.nn.Sequential(ns.nn.Linear(3, 4), ns.nn.ReLU(), ns.nn.Linear(4, 1))
        out = model(ns.ones(2, 3))
        return out[:, 0], dict(model.named_parameters())
    source = dot_of(tg, build, show_saved=True)
    names, edges = labels(source)
    assert "0.weight\n (4, 3)" in names and "2.bias\n (1)" in names and edges > 5
    assert "AddmmBackward0" in names and "ReluBackward0" in names and "SelectBackward0" in names
    assert "darkolivegreen" in source  # the output is a view: its base is drawn too
    assert "orange" in source  # saved tensors (show_saved)


def _loss_graphs():
    def regression(ns):
        ns.manual_seed(0)
        x = ns.randn(10, 1)
        w, b = ns.randn(1, requires_grad=True), ns.zeros(1, requires_grad=True)
        return ns.nn.functional.mse_loss(x * w + b, 3 * x + 1), {"w": w, "b": b}

    def logistic(ns):
        ns.manual_seed(0)
        W = ns.randn(3, 2, requires_grad=True)
        z = ns.sigmoid(ns.randn(4, 3) @ W)
        return ns.nn.functional.binary_cross_entropy(z, ns.ones(4, 2)), {"W": W}
    return {"mse": regression, "bce": logistic}


@pytest.mark.parametrize("name", ["mse", "bce"])
def test_torchviz_source_of_a_loss_graph_is_torchs(name):
    """The whole DOT text (node ids renumbered in order of appearance): the loss is one node, as PyTorch's."""
    pytest.importorskip("torchviz")

    def renumbered(source):
        ids: dict = {}
        return re.sub(r"\b\d{9,}\b", lambda m: ids.setdefault(m.group(0), f"n{len(ids)}"), source)
    build = _loss_graphs()[name]
    assert renumbered(dot_of(tg, build)) == renumbered(dot_of(torch, build))
