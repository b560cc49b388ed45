"""Module hooks against live PyTorch: forward pre-hooks and forward hooks (replacing arguments and
outputs, kwargs, prepend, removal), full backward hooks and backward pre-hooks (what they see,
replacing gradients, several inputs and outputs, inputs that need no grad), global module hooks.

Every test runs the same code in both frameworks and compares what the hooks saw and did."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import tinygrad_lr as tg

X = np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5


def linear(ns):
    ns.manual_seed(0)
    layer = ns.nn.Linear(3, 2)
    with ns.no_grad():
        layer.weight.copy_(ns.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
        layer.bias.copy_(ns.tensor([0.05, -0.05]))
    return layer


def arrays(values):
    """Hook arguments as comparable NumPy arrays (None stays None)."""
    return [None if v is None else v.detach().numpy() if hasattr(v, "detach") else v for v in values]


def assert_same(mine, theirs):
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        if a is None or b is None:
            assert a is None and b is None, (a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def run_both(scenario):
    """``scenario(ns)`` returns a list of things to compare (arrays, lists of arrays, numbers)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn alike where they warn; tested separately
        mine, theirs = scenario(tg), scenario(torch)
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        if isinstance(a, list):
            assert_same(a, b)
        elif a is None or isinstance(a, (int, float, str, bool)):
            assert a == b
        else:
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------------------- forward hooks

def test_forward_pre_hook_replaces_the_input_and_forward_hook_the_output():
    def scenario(ns):
        layer, seen = linear(ns), []
        pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        post = layer.register_forward_hook(lambda m, args, out: seen.append(arrays(args)) or out + 1)
        out = layer(ns.tensor(X))
        pre.remove()
        post.remove()
        plain = layer(ns.tensor(X))
        return [out.detach().numpy(), seen[0], plain.detach().numpy(), len(layer._forward_hooks)]
    run_both(scenario)


def test_pre_hook_may_return_a_bare_value_and_hooks_run_in_order_with_prepend():
    def scenario(ns):
        layer, order = linear(ns), []
        layer.register_forward_pre_hook(lambda m, args: args[0] + 1)  # not a tuple: wrapped as (value,)
        layer.register_forward_hook(lambda m, a, o: order.append("first"))
        layer.register_forward_hook(lambda m, a, o: order.append("second"))
        layer.register_forward_hook(lambda m, a, o: order.append("prepended"), prepend=True)
        out = layer(ns.tensor(X))
        return [out.detach().numpy(), ",".join(order)]
    run_both(scenario)


def test_hooks_with_kwargs():
    def scenario(ns):
        class M(ns.nn.Module):
            def forward(self, x, scale=1.0):
                return x * scale

        m, seen = M(), []
        m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": kwargs["scale"] * 3}), with_kwargs=True)
        m.register_forward_hook(lambda mod, args, kwargs, out: seen.append(kwargs["scale"]), with_kwargs=True)
        out = m(ns.tensor(X), scale=2.0)
        return [out.numpy(), seen[0]]
    run_both(scenario)


def test_bad_pre_hook_result_with_kwargs_raises_as_pytorch():
    messages = []
    for ns in (tg, torch):
        layer = linear(ns)
        layer.register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
        with pytest.raises(RuntimeError) as error:
            layer(ns.tensor(X))
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_handle_is_a_context_manager_and_ids_are_unique():
    layer = linear(tg)
    with layer.register_forward_hook(lambda m, a, o: o * 0) as handle:
        assert float(layer(tg.tensor(X)).abs().sum()) == 0
    assert float(layer(tg.tensor(X)).abs().sum()) > 0
    other = layer.register_forward_pre_hook(lambda m, a: None)
    assert other.id != handle.id
    other.remove()
    other.remove()  # removing twice is harmless, as in PyTorch


def test_hooks_on_children_see_each_layer():
    def scenario(ns):
        ns.manual_seed(0)
        model = ns.nn.Sequential(ns.nn.Linear(3, 4), ns.nn.ReLU(), ns.nn.Linear(4, 2))
        seen = []
        for name, module in model.named_children():
            module.register_forward_hook(lambda m, a, o, name=name: seen.append((name, tuple(o.shape))))
        model(ns.tensor(X))
        return [str(seen)]
    run_both(scenario)


def test_global_forward_hooks_see_every_module_and_go_away():
    def scenario(ns):
        from importlib import import_module
        module_py = import_module(ns.__name__ + ".nn.modules.module")
        model = ns.nn.Sequential(linear(ns), ns.nn.Tanh())
        names = []
        pre = module_py.register_module_forward_pre_hook(lambda m, a: names.append("pre " + type(m).__name__))
        post = module_py.register_module_forward_hook(lambda m, a, o: names.append("post " + type(m).__name__))
        model(ns.tensor(X))
        pre.remove()
        post.remove()
        model(ns.tensor(X))
        return [",".join(names)]
    run_both(scenario)


def test_always_call_hooks_run_when_forward_raises():
    def scenario(ns):
        class Fails(ns.nn.Module):
            def forward(self, x):
                raise ValueError("no")

        m, seen = Fails(), []
        m.register_forward_hook(lambda mod, args, out: seen.append(("always", out)), always_call=True)
        m.register_forward_hook(lambda mod, args, out: seen.append(("plain", out)))
        with pytest.raises(ValueError, match="no"):
            m(ns.tensor(X))
        return [str(seen)]
    run_both(scenario)


def test_forward_runs_plainly_without_hooks():
    layer = linear(tg)
    assert not (layer._forward_hooks or layer._forward_pre_hooks or layer._backward_hooks
                or layer._backward_pre_hooks)
    assert layer(tg.tensor(X)).grad_fn.name() == "AddmmBackward0"  # no identity node in the graph


# ------------------------------------------------------------------------------ backward hooks

def test_full_backward_hook_sees_grad_input_and_grad_output():
    def scenario(ns):
        layer, seen = linear(ns), []
        layer.register_full_backward_pre_hook(lambda m, go: seen.append(("pre", arrays(go))))
        layer.register_full_backward_hook(lambda m, gi, go: seen.append(("full", arrays(gi), arrays(go))))
        x = ns.tensor(X, requires_grad=True)
        out = layer(x)
        out.backward(ns.tensor([[1.0, 2.0], [3.0, -1.0]]))
        return [seen[0][1], seen[1][1], seen[1][2], x.grad.numpy(), layer.weight.grad.numpy(),
                out.grad_fn.name(), len(seen)]
    run_both(scenario)


def test_backward_hooks_replace_gradients():
    def scenario(ns):
        layer = linear(ns)
        layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 10,))
        layer.register_full_backward_hook(lambda m, gi, go: (gi[0] + 1,))
        x = ns.tensor(X, requires_grad=True)
        layer(x).sum().backward()
        return [x.grad.numpy(), layer.weight.grad.numpy(), layer.bias.grad.numpy()]
    run_both(scenario)


def test_backward_hook_when_no_input_requires_grad():
    def scenario(ns):
        layer, seen = linear(ns), []
        layer.register_full_backward_hook(lambda m, gi, go: seen.append((list(gi), arrays(go))))
        layer(ns.tensor(X)).sum().backward()
        return [str(seen[0][0]), seen[0][1], layer.bias.grad.numpy()]
    run_both(scenario)
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        layer = linear(tg)
        layer.register_full_backward_hook(lambda m, gi, go: None)
        layer(tg.tensor(X)).sum().backward()


def test_backward_hooks_with_several_inputs_outputs_and_a_number():
    def scenario(ns):
        class Pair(ns.nn.Module):
            def forward(self, a, k, b):
                return a * b * k, a - b

        m, seen = Pair(), []
        m.register_full_backward_pre_hook(lambda mod, go: seen.append(arrays(go)))
        m.register_full_backward_hook(lambda mod, gi, go: seen.append(arrays(gi)) or (gi[0] * 2, None, gi[2]))
        a = ns.tensor(X, requires_grad=True)
        b = ns.tensor(X[::-1].copy(), requires_grad=True)
        p, q = m(a, 3.0, b)
        (p * 2 + q * q).sum().backward()
        return [seen[0], seen[1], a.grad.numpy(), b.grad.numpy()]
    run_both(scenario)


def test_backward_hooks_leave_tensors_that_need_no_grad_alone():
    """Inputs and outputs that need no gradient keep needing none inside the module; their
    grad_input is zeros (PyTorch's materialized gradient, integer inputs too), grad_output None."""
    def scenario(ns):
        class M(ns.nn.Module):
            def forward(self, x, index, y):
                return x[index] + y[index], y * 2, x.detach()

        m, seen = M(), []
        m.register_full_backward_pre_hook(lambda mod, go: seen.append(arrays(go)))
        m.register_full_backward_hook(lambda mod, gi, go: seen.append(arrays(gi)))
        x = ns.tensor(X[0], requires_grad=True)
        a, b, c = m(x, ns.tensor([0, 2]), ns.tensor(X[1], dtype=ns.float64))
        a.sum().backward()
        return [b.requires_grad, c.requires_grad, seen[0], seen[1], x.grad.numpy()]
    run_both(scenario)


def test_wrong_number_of_grads_from_a_backward_hook():
    messages = []
    for ns in (tg, torch):
        layer = linear(ns)
        layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
        with pytest.raises(RuntimeError) as error:
            layer(ns.tensor(X, requires_grad=True)).sum().backward()
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_removed_backward_hook_is_not_called_and_deprecated_hook_is_refused():
    layer, calls = linear(tg), []
    handle = layer.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    handle.remove()
    layer(tg.tensor(X, requires_grad=True)).sum().backward()
    assert calls == []
    with pytest.raises(NotImplementedError, match="register_full_backward_hook"):
        layer.register_backward_hook(lambda m, gi, go: None)


def test_inplace_module_with_a_backward_hook_is_refused_as_in_pytorch():
    messages = []
    for ns in (tg, torch):
        relu = ns.nn.ReLU(inplace=True)
        relu.register_full_backward_hook(lambda m, gi, go: None)
        h = ns.tensor(X, requires_grad=True) * 1.0
        with pytest.raises(RuntimeError) as error:
            relu(h)
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_hooks_on_a_model_during_training_give_torchs_gradients():
    def scenario(ns):
        ns.manual_seed(0)
        model = ns.nn.Sequential(ns.nn.Linear(3, 4), ns.nn.Tanh(), ns.nn.Linear(4, 2))
        norms = []
        for module in model:
            module.register_full_backward_hook(lambda m, gi, go: norms.append(float(go[0].abs().sum())))
        model[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
        model(ns.tensor(X)).pow(2).sum().backward()
        return [norms, model[0].weight.grad.numpy()]
    run_both(scenario)
