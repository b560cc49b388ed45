"""tinygrad_lr.viz: the graph it draws and the backward it traces, against the same code on PyTorch."""
from __future__ import annotations

import numpy as np
import torch

import tinygrad_lr
from tinygrad_lr import viz


def _mlp_loss(ns):
    """A two-layer regression written once for both frameworks, from the same numbers."""
    rng = np.random.default_rng(0)
    x = ns.tensor(rng.standard_normal((4, 3)).astype(np.float32))
    y = ns.tensor(rng.standard_normal((4, 1)).astype(np.float32))
    w1 = ns.tensor(rng.standard_normal((3, 5)).astype(np.float32), requires_grad=True)
    b1 = ns.tensor(rng.standard_normal(5).astype(np.float32), requires_grad=True)
    w2 = ns.tensor(rng.standard_normal((5, 1)).astype(np.float32), requires_grad=True)
    loss = (((x @ w1 + b1).relu() @ w2 - y) ** 2).mean()
    return loss, {"w1": w1, "b1": b1, "w2": w2}


def _shape_of_graph(graph):
    labels = {key: node.label for key, node in graph.nodes.items()}
    return sorted((labels[key], node.kind, tuple(sorted(labels[i] for i in node.inputs)))
                  for key, node in graph.nodes.items())


def test_the_graph_is_pytorchs_graph():
    ours, our_params = _mlp_loss(tinygrad_lr)
    ref, ref_params = _mlp_loss(torch)
    assert _shape_of_graph(viz.build(ours, our_params)) == _shape_of_graph(viz.build(ref, ref_params))
    labels = {n.label for n in viz.build(ours, our_params).nodes.values()}
    assert {"w1\n(3, 5)", "b1\n(5,)", "MeanBackward0\n()", "ReluBackward0\n(4, 5)"} <= labels


def test_draw_writes_a_png_and_dot_with_names_from_a_module(tmp_path):
    tinygrad_lr.manual_seed(0)
    model = tinygrad_lr.nn.Sequential(tinygrad_lr.nn.Linear(3, 4), tinygrad_lr.nn.ReLU(), tinygrad_lr.nn.Linear(4, 1))
    loss = model(tinygrad_lr.ones(2, 3)).sum()
    graph = viz.draw(loss, model, path=str(tmp_path / "pics" / "mlp.png"))
    assert (tmp_path / "pics" / "mlp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dot = (tmp_path / "pics" / "mlp.dot").read_text()
    assert dot.startswith("digraph") and '"0.weight\\n(4, 3)"' in dot and '"2.bias\\n(1,)\\ndata ' in dot
    assert dot.count("->") == sum(len(n.inputs) for n in graph.nodes.values()) == 8
    position = viz.layout(graph)
    for node in graph.nodes.values():  # every input sits above what it feeds
        assert all(position[i][1] > position[node.key][1] for i in node.inputs)


def test_trace_prints_the_same_chain_rule_as_on_pytorch():
    ours, our_params = _mlp_loss(tinygrad_lr)
    ref, ref_params = _mlp_loss(torch)
    our_lines, ref_lines = [], []
    viz.trace(ours, our_params, write=our_lines.append)
    viz.trace(ref, ref_params, write=ref_lines.append)
    assert [line.split(":")[0] for line in our_lines] == [line.split(":")[0] for line in ref_lines]
    assert our_lines[0] == "[1] MeanBackward0"
    assert "local rule:        out = a ** p" in "\n".join(our_lines)
    assert any(line.startswith("    to w1 (leaf: added to its .grad): tensor(") for line in our_lines)
    for name in our_params:  # the traced backward is a real one
        np.testing.assert_allclose(our_params[name].grad.numpy(), ref_params[name].grad.numpy(), rtol=1e-5)
    numbers = [float(v) for line in our_lines for v in line.replace("[", " ").replace("]", " ").replace(",", " ")
               .replace("(", " ").replace(")", " ").split() if v.lstrip("-").replace(".", "", 1).isdigit()]
    ref_numbers = [float(v) for line in ref_lines for v in line.replace("[", " ").replace("]", " ").replace(",", " ")
                   .replace("(", " ").replace(")", " ").split() if v.lstrip("-").replace(".", "", 1).isdigit()]
    np.testing.assert_allclose(numbers, ref_numbers, rtol=1e-3, atol=1e-4)  # printed with 4 decimals


def test_trace_leaves_the_ops_as_they_were():
    from tinygrad_lr.ops.elementwise import Mul
    before = Mul.backward
    a = tinygrad_lr.tensor(2.0, requires_grad=True)
    viz.trace(a * 3.0, write=lambda line: None)
    assert Mul.backward is before and a.grad.item() == 3.0


def test_every_traced_rule_comes_from_a_docstring():
    loss, params = _mlp_loss(tinygrad_lr)
    lines = []
    viz.trace(loss, params, write=lines.append)
    assert not [line for line in lines if "no rule written down" in line]


def test_the_graph_can_be_drawn_after_backward():
    """backward frees the graph's arrays but keeps its edges, as PyTorch does: same nodes after."""
    from tinygrad_lr import viz
    model = tinygrad_lr.nn.Sequential(tinygrad_lr.nn.Linear(3, 4), tinygrad_lr.nn.ReLU(), tinygrad_lr.nn.Linear(4, 1))
    loss = model(tinygrad_lr.randn(2, 3)).pow(2).mean()
    before = viz.build(loss, model)
    loss.backward()
    after = viz.build(loss, model)
    assert len(after.nodes) == len(before.nodes) == 10
