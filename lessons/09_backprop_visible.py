"""Lesson 9: backprop made visible — a graph drawn, and its backward traced node by node.

Every operation on tensors that require grad records a node (``grad_fn``) that remembers its
inputs; ``backward()`` walks those nodes from the output back to the leaves and applies the chain
rule at each: the gradient arriving at a node times the node's local derivative is what it sends
to each of its inputs. ``viz.draw`` draws the graph (a PNG and a Graphviz .dot file under
``--out``); ``viz.trace`` runs the backward and prints, node by node, the incoming gradient, the
local rule and the gradient sent to each input — micrograd's example first (drawn again after the backward, with every leaf's
``.grad``), then a neuron on tensors.
"""
import os

import tinygrad_lr as torch
from tinygrad_lr import viz

from common import options

args = options("Lesson 9: backprop made visible")

# micrograd's example, on 0-d tensors: L = (a * b + c) * f
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-3.0, requires_grad=True)
c = torch.tensor(10.0, requires_grad=True)
f = torch.tensor(-2.0, requires_grad=True)
e = a * b
d = e + c
L = d * f
print("L =", L)
names = {"a": a, "b": b, "c": c, "f": f}
graph = viz.draw(L, names, path=os.path.join(args.out, "09_micrograd.png"))
print(f"graph: {len(graph.nodes)} boxes (4 leaves, 3 ops, the output) -> 09_micrograd.png, 09_micrograd.dot")
viz.trace(L, names, retain_graph=True)  # keep the graph, to draw it again below
print("by the chain rule: dL/da = f * b =", (f * b).item(), " dL/db = f * a =", (f * a).item())
print("a.grad, b.grad, c.grad, f.grad =", a.grad.item(), b.grad.item(), c.grad.item(), f.grad.item())
viz.draw(L, names, path=os.path.join(args.out, "09_micrograd_grads.png"))  # now with each leaf's .grad

# One neuron on a batch: out = tanh(x @ w + bias), loss = mean squared error.
x = torch.tensor([[1.0, -2.0], [0.5, 3.0], [-1.0, 0.0]])
target = torch.tensor([[1.0], [-1.0], [0.5]])
w = torch.tensor([[0.3], [-0.2]], requires_grad=True)
bias = torch.tensor([0.1], requires_grad=True)
out = torch.tanh(x @ w + bias)
loss = ((out - target) ** 2).mean()
print("loss =", loss)
params = {"w": w, "bias": bias}
viz.draw(loss, params, path=os.path.join(args.out, "09_neuron.png"))
viz.trace(loss, params)
print("w.grad =", w.grad)
print("bias.grad =", bias.grad)
