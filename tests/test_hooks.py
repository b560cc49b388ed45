"""Tensor hooks, retain_grad and the non-leaf .grad warning, against live PyTorch."""
from __future__ import annotations

import warnings

import pytest
import torch

import tinygrad_lr as tg


def both(fn):
    return fn(tg), fn(torch)


def test_hook_on_a_non_leaf_sees_and_replaces_its_gradient():
    def run(ns):
        x = ns.tensor([1., 2., 3.], requires_grad=True)
        h = x * 2
        seen = []
        h.register_hook(lambda g: seen.append(g.tolist()) or g * 0)  # zero it: nothing reaches x
        (h * h).sum().backward()
        return seen, x.grad.tolist()
    ours, ref = both(run)
    assert ours == ref and ours[1] == [0.0, 0.0, 0.0]


def test_hook_handles_remove_hooks():
    def run(ns):
        x = ns.tensor([1., 2., 3.], requires_grad=True)
        h = x * 2
        calls = []
        first = h.register_hook(lambda g: calls.append("first"))
        h.register_hook(lambda g: calls.append("second") or g * 10)
        leaf = x.register_hook(lambda g: calls.append("leaf"))
        y = (h * h).sum()
        y.backward(retain_graph=True)
        first.remove()
        leaf.remove()
        with leaf:  # a handle is a context manager too; removing twice is harmless
            pass
        x.grad = None
        y.backward()
        return calls, x.grad.tolist()
    ours, ref = both(run)
    assert ours == ref


def test_leaf_hook_runs_once_with_the_total_gradient():
    def run(ns):
        x = ns.tensor([1., 2., 3.], requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(g.tolist()))
        (x * 2 + x * 3).sum().backward()
        return seen, x.grad.tolist()
    ours, ref = both(run)
    assert ours == ref and len(ours[0]) == 1


def test_hooks_on_a_chain_run_in_backward_order():
    def run(ns):
        x = ns.tensor([1., 2.], requires_grad=True)
        a = x * 3
        b = a.exp()
        order = []
        a.register_hook(lambda g: order.append(("a", [round(v, 2) for v in g.tolist()])))
        b.register_hook(lambda g: order.append(("b", g.tolist())) or g * 2)
        b.sum().backward()
        return order
    ours, ref = both(run)
    assert ours == ref


def test_register_hook_refused_without_requires_grad():
    for ns in (tg, torch):
        with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
            ns.ones(2).register_hook(lambda g: g)


def test_retain_grad():
    def run(ns):
        x = ns.tensor([1., 2., 3.], requires_grad=True)
        h = x * 2
        h.retain_grad()
        h.retain_grad()  # twice is once
        y = (h * h).sum()
        y.backward(retain_graph=True)
        first = h.grad.tolist()
        y.backward()  # accumulates, like a leaf
        return h.retains_grad, x.retains_grad, first, h.grad.tolist()
    ours, ref = both(run)
    assert ours == ref


def test_grad_of_a_non_leaf_warns_like_torch():
    messages = []
    for ns in (tg, torch):
        x = ns.tensor([1., 2.], requires_grad=True)
        h = x * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert h.grad is None
            x.grad  # a leaf: no warning
        assert [w.category for w in caught] == [UserWarning]
        messages.append(str(caught[0].message).split(" (Triggered internally")[0])
    assert messages[0] == messages[1]


def test_node_hooks_and_prehooks():
    def run(ns):
        x = ns.tensor([1., 2.], requires_grad=True)
        y = x * 3
        calls = []
        y.grad_fn.register_prehook(lambda grad_outputs: calls.append(("pre", grad_outputs[0].tolist())))
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: calls.append(("post", grad_inputs[0].tolist())))
        y.sum().backward()
        return calls, x.grad.tolist()
    ours, ref = both(run)
    assert ours == ref


def test_hooks_and_retain_grad_around_an_in_place_change():
    """Hooks registered before ``h.mul_(3)`` see the gradient of the old h, those after it the new
    one; retain_grad follows the tensor."""
    def run(ns):
        x = ns.tensor([1., 2.], requires_grad=True)
        h = x * 2
        seen = []
        h.register_hook(lambda g: seen.append(("before", g.tolist())))
        h.retain_grad()
        h.mul_(3)
        h.register_hook(lambda g: seen.append(("after", g.tolist())))
        (h * ns.tensor([1., 10.])).sum().backward()
        return seen, h.grad.tolist(), x.grad.tolist()
    ours, ref = both(run)
    assert ours == ref
