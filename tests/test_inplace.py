"""In-place ops inside graphs, against live PyTorch: recorded nodes, views (CopySlices), x[i] = v,
version counters and their error, refusals, inference tensors.

Each scenario is written once as ``fn(ns)`` and run with ``ns`` = tinygrad_lr and torch; the
results (values, grad_fn names, gradients, or the error type and message) must agree.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import tinygrad_lr as tg

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


def outcome(ns, fn):
    try:
        return fn(ns)
    except Exception as e:  # the error is part of the behaviour compared
        return type(e).__name__, str(e)


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def grads(*tensors):
    return [None if t.grad is None else t.grad.tolist() for t in tensors]


# ------------------------------------------------------------------------------ recorded in place
@scenario
def add_mul_on_non_leaf(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    h = x * 2
    h.add_(1)
    name = h.grad_fn.name()
    h.mul_(ns.tensor([3., -1., 2.]))
    (h * h).sum().backward()
    return name, h.grad_fn.name(), h._version, grads(x)


@scenario
def mul_by_tensor_that_requires_grad(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    w = ns.tensor([3., -1., 2.], requires_grad=True)
    h = x * 1
    h.mul_(w)
    h.sum().backward()
    return grads(x, w)


@scenario
def course_average_cost(ns):
    """``avg_cost += cost / total_batch`` (six MNIST lectures), from 0 and from a tensor."""
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    avg, buffer = 0, ns.zeros(1)
    for i in range(3):
        cost = (x * i).sum()
        avg += cost / 3
        buffer += cost / 3
    (avg + buffer.sum()).backward()
    return avg.item(), avg.grad_fn.name(), buffer.grad_fn.name(), grads(x)


@scenario
def compound_assignments(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    h = x * 1
    names = []
    for op in ("+=", "-=", "*=", "/="):
        exec(f"h {op} ns.tensor([2., 4., 8.])", {"h": h, "ns": ns})
        names.append(h.grad_fn.name())
    h.sum().backward()
    return names, grads(x)


@scenario
def adding_a_tensor_to_itself(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    h = x * 2
    h.add_(h)
    h.sum().backward()
    return grads(x)


@scenario
def plain_tensor_joins_the_graph(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    z = ns.zeros(3)
    before = z * 5  # made while z was a constant
    z.add_(x * 3)
    (z * 2 + before).sum().backward()
    return z.requires_grad, z.is_leaf, z.grad_fn.name(), grads(x)


@scenario
def unary_twins(ns):
    x = ns.tensor([0.5, 1.5, 2.5], requires_grad=True)
    out = []
    for name, args in [("exp_", ()), ("log_", ()), ("sqrt_", ()), ("abs_", ()), ("neg_", ()), ("sigmoid_", ()),
                       ("tanh_", ()), ("pow_", (2,)), ("clamp_", (0.7, 2.0)), ("relu_", ()), ("square_", ()),
                       ("clamp_min_", (1.0,)), ("floor_", ())]:
        h = x * 1
        getattr(h, name)(*args)
        (g,) = ns.autograd.grad((h * ns.tensor([1., 2., 3.])).sum(), [x])
        out.append((name, h.grad_fn.name(), h.tolist(), g.tolist()))
    return out


@scenario
def writes_with_index_and_mask(ns):
    x = ns.tensor([0.5, 1.5, 2.], requires_grad=True)
    s = ns.tensor([[1., 2., 3.]], requires_grad=True)
    h = x.reshape(1, 3) * 1
    h.index_add_(1, ns.tensor([0, 0, 2]), s)
    names = [h.grad_fn.name()]
    h.masked_fill_(ns.tensor([[False, True, False]]), 0.0)
    names.append(h.grad_fn.name())
    h.scatter_add_(1, ns.tensor([[2, 1, 0]]), s)
    names.append(h.grad_fn.name())
    (h * ns.tensor([[1., 2., 3.]])).sum().backward()
    return names, h.tolist(), grads(x, s)


@scenario
def fills_and_copies(ns):
    x = ns.tensor([0.5, 1.5], requires_grad=True)
    a, b, c = x * 1, x * 1, ns.zeros(2, 2)
    a.fill_(2.0)
    b.zero_()
    c.copy_(x)
    (a.sum() + b.sum() + (c * ns.tensor([[1., 2.], [3., 4.]])).sum()).backward()
    return a.grad_fn.name(), b.grad_fn.name(), c.grad_fn.name(), grads(x)


# ------------------------------------------------------------------------------------- views
@scenario
def write_through_a_slice(ns):
    x = ns.tensor([1., 2., 3., 4.], requires_grad=True)
    h = x * 1
    v = h[1:3]
    v.mul_(ns.tensor([2., 3.]))
    (h * ns.tensor([1., 10., 100., 1000.])).sum().backward()
    return h.grad_fn.name(), v.grad_fn.name(), v._base is h, v._is_view(), h.tolist(), grads(x)


@scenario
def write_through_views_of_every_kind(ns):
    x = ns.arange(6.).reshape(2, 3).requires_grad_()
    h = x * 1
    h.t()[0].mul_(10)         # a column, through a transpose
    h.view(-1)[::4].add_(100)  # every fourth element, through a flat view
    h[1, 2].exp_()            # one element (a 0-d view)
    (h * ns.arange(6.).reshape(2, 3)).sum().backward()
    return h.tolist(), grads(x)


@scenario
def base_changed_then_view_used(ns):
    x = ns.tensor([1., 2., 3., 4.], requires_grad=True)
    h = x * 1
    v = h.view(2, 2)
    h.mul_(ns.tensor([1., 2., 3., 4.]))
    (v * ns.tensor([[1., 10.], [100., 1000.]])).sum().backward()
    return v.grad_fn.name(), grads(x)


@scenario
def setitem_number_and_tensor(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    v = ns.tensor(5., requires_grad=True)
    h = x * 1
    h[0] = v * 2
    h[2] = 7
    inputs = [f.name() if f else None for f, _ in h.grad_fn.next_functions]
    (h * ns.tensor([1., 10., 100.])).sum().backward()
    return h.grad_fn.name(), inputs, grads(x, v)


@scenario
def setitem_builds_a_buffer(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    buffer = ns.zeros(2, 3)
    buffer[1] = x.exp()
    buffer[0, 1] = x[0]
    buffer[[0, 0], [0, 2]] = x[1:] * 3
    (buffer * ns.arange(6.).reshape(2, 3)).sum().backward()
    return buffer.grad_fn.name(), buffer.tolist(), grads(x)


@scenario
def setitem_advanced_index(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    b = ns.zeros(2, 3)
    b[[0, 1], [1, 2]] = x[:2]
    h = x * 1
    h[h > 1.5] = 0.0
    ((b * ns.arange(6.).reshape(2, 3)).sum() + h.sum()).backward()
    return b.grad_fn.name(), h.grad_fn.name(), grads(x)


# ---------------------------------------------------------------------- versions and refusals
@scenario
def saved_output_modified(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


@scenario
def saved_input_modified(ns):
    x = ns.tensor([1., 2., 3.], requires_grad=True)
    w = ns.tensor([3., -1., 2.], requires_grad=True)
    h = x * 1
    a = h * w
    h.add_(1)
    a.sum().backward()


@scenario
def saved_output_modified_through_detach(ns):
    x = ns.tensor([-1., 2., 3.], requires_grad=True)
    h = x.relu()
    h.detach().zero_()
    h.sum().backward()


@scenario
def one_view_changes_another_views_saved_output(ns):
    x = ns.tensor([1., 2., 3., 4.], requires_grad=True)
    h = x * 1
    h[:2].exp_()
    h[2:].sigmoid_()
    h.sum().backward()


@scenario
def saved_leaf_updated_under_no_grad(ns):
    w = ns.tensor([1., 2.], requires_grad=True)
    loss = (w * w).sum()
    with ns.no_grad():
        w -= 0.1
    loss.backward()


@scenario
def data_has_its_own_version(ns):
    w = ns.tensor([1., 2.], requires_grad=True)
    loss = (w * w).sum()
    w.data.sub_(0.5)  # as PyTorch: .data is not tracked (the gradient uses the new values)
    loss.backward()
    return w._version, grads(w)


@scenario
def versions_are_shared_by_views_and_detach(ns):
    x = ns.ones(3)
    v = x[1:]
    v.add_(1)
    x.mul_(2)
    d = x.detach()
    d.zero_()
    x[0] = 5
    return x._version, v._version, d._version, x.data._version


@scenario
def leaf_refused(ns):
    w = ns.tensor([1., 2.], requires_grad=True)
    w.add_(1)


@scenario
def view_of_leaf_refused(ns):
    w = ns.tensor([1., 2.], requires_grad=True)
    w[0:1].mul_(2)


@scenario
def setitem_on_leaf_refused(ns):
    w = ns.tensor([1., 2.], requires_grad=True)
    w[0] = 3.0


@scenario
def integer_result_cast_refused(ns):
    ints = ns.zeros(3, dtype=ns.int64)
    ints.add_(0.5)


@scenario
def broadcast_output_refused(ns):
    a = ns.zeros(3)
    a.add_(ns.ones(2, 3))


@scenario
def expanded_tensor_refused(ns):
    x = ns.tensor([1.], requires_grad=True)
    (x * 1).expand(3).add_(1)


@scenario
def views_of_views_and_copies(ns):
    x = ns.arange(12.).reshape(3, 4).requires_grad_()
    h = x * 1
    v = h[1:]
    w = v[:, 1:3]
    w.mul_(ns.tensor([[2., 3.], [4., 5.]]))
    r = h.t().reshape(-1)  # not a view (a transposed array cannot be flattened without a copy)
    r.mul_(2)
    u = h.unsqueeze(0)
    u[0, 0, 0] = 7
    (h * ns.arange(12.).reshape(3, 4)).sum().backward()
    return h.tolist(), x.grad.tolist(), w.grad_fn.name(), v.grad_fn.name(), r._is_view()


@scenario
def in_place_under_no_grad_keeps_the_graph(ns):
    x = ns.tensor([1., 2.], requires_grad=True)
    h = x * 2
    z = h + 1
    with ns.no_grad():
        h.add_(1)
    z.sum().backward()
    return h.grad_fn.name(), x.grad.tolist(), h.tolist()


@scenario
def relu_module_inplace(ns):
    x = ns.tensor([-1., 2., 3.], requires_grad=True)
    h = x * 2
    out = ns.nn.ReLU(inplace=True)(h)
    (out * ns.tensor([1., 2., 3.])).sum().backward()
    return out is h, out.grad_fn.name(), grads(x)


@scenario
def functional_relu_inplace_then_saved_use(ns):
    x = ns.tensor([-1., 2., 3.], requires_grad=True)
    h = x * 2
    y = h * h
    ns.nn.functional.relu(h, inplace=True)
    y.sum().backward()


@scenario
def dropout_inplace(ns):
    x = ns.tensor([0.5, 1.5, 2.], requires_grad=True)
    h = x * 1
    same_tensor = ns.nn.functional.dropout(h, 0.0, True, inplace=True) is h
    drop = ns.nn.Dropout(0.5, inplace=True)
    drop.eval()
    return same_tensor, drop(h) is h


@scenario
def inference_tensors(ns):
    with ns.inference_mode():
        t = ns.ones(3)
        inside = ns.is_inference_mode_enabled()
        t.mul_(2)  # allowed inside
    w = ns.ones(3, requires_grad=True)
    normal = ns.ones(3)
    return (t.is_inference(), normal.is_inference(), inside, ns.is_inference_mode_enabled(),
            outcome(ns, lambda ns: (t * w).sum()), outcome(ns, lambda ns: t.requires_grad_()),
            (t + w).sum().item(), outcome(ns, lambda ns: t.add_(1)))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_matches_torch(name):
    ours, ref = outcome(tg, SCENARIOS[name]), outcome(torch, SCENARIOS[name])
    assert same(ours, ref), f"\nours:  {ours}\ntorch: {ref}"


def test_in_place_errors_are_raised_at_all():
    """The scenarios above that should fail do fail (so the comparison is not of two None)."""
    for name in ("saved_output_modified", "saved_input_modified", "leaf_refused", "view_of_leaf_refused",
                 "saved_output_modified_through_detach", "functional_relu_inplace_then_saved_use"):
        result = outcome(tg, SCENARIOS[name])
        assert isinstance(result, tuple) and result[0] == "RuntimeError", (name, result)


def test_multiplying_a_tensor_by_itself_in_place_is_exact():
    """PyTorch refuses ``h.mul_(h)`` at backward (it saved h and then overwrote it); we keep a
    copy of the old values, so the gradient is d(h0²)/dx = 2·h0·dh0/dx, as finite differences say."""
    def f(x_values):
        x = tg.tensor(x_values, dtype=tg.float64, requires_grad=True)
        h = x * 2
        h.mul_(h)
        return x, h
    x, h = f([1.0, -2.0, 3.0])
    h.sum().backward()
    eps = 1e-6
    numeric = [(f([v + eps if j == i else v for j, v in enumerate([1.0, -2.0, 3.0])])[1].sum().item()
                - f([v - eps if j == i else v for j, v in enumerate([1.0, -2.0, 3.0])])[1].sum().item()) / (2 * eps)
               for i in range(3)]
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6)


def test_views_of_a_changed_base_read_its_new_history():
    """Every live view is renewed (and dead views are dropped, not kept alive)."""
    import gc
    import weakref
    x = tg.tensor([1., 2., 3., 4.], requires_grad=True)
    h = x * 1
    views = [h[i:i + 1] for i in range(4)]
    dead = weakref.ref(h[0:2])
    gc.collect()
    assert dead() is None
    h.mul_(2)
    assert all(v.grad_fn.name() == "AsStridedBackward0" for v in views)
    sum(v.sum() * (i + 1) for i, v in enumerate(views)).backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0, 8.0]


def test_training_loop_with_in_place_updates_matches_torch():
    """A lecture-style loop: manual SGD with ``w -= lr * w.grad`` under no_grad, ``avg += ...``."""
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal((8, 3)).astype(np.float32), rng.standard_normal((8, 1)).astype(np.float32)
    w0 = rng.standard_normal((3, 1)).astype(np.float32)

    def train(ns):
        w = ns.tensor(w0, requires_grad=True)
        history = []
        for _ in range(3):
            avg = 0
            for i in range(0, 8, 4):
                cost = ((ns.tensor(xs[i:i + 4]) @ w - ns.tensor(ys[i:i + 4])) ** 2).mean()
                w.grad = None
                cost.backward()
                with ns.no_grad():
                    w -= 0.1 * w.grad
                avg += cost.detach() / 2
            history.append(avg.item())
        return history, w.detach().numpy().copy()

    (h_ours, w_ours), (h_ref, w_ref) = train(tg), train(torch)
    np.testing.assert_allclose(h_ours, h_ref, rtol=1e-5)
    np.testing.assert_allclose(w_ours, w_ref, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------- random sequences (hypothesis)
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

STEPS = {
    "add": lambda ns, h, w: h.add_(w),
    "mul": lambda ns, h, w: h.mul_(w),
    "exp_half": lambda ns, h, w: h.mul_(0.5).exp_(),
    "sigmoid": lambda ns, h, w: h.sigmoid_(),
    "row_mul": lambda ns, h, w: h[1].mul_(w[0]),
    "column_set": lambda ns, h, w: h.__setitem__((slice(None), 0), w[:, 1] * 2),
    "transposed_add": lambda ns, h, w: h.t()[1:].add_(w.t()[1:]),
    "masked": lambda ns, h, w: h.masked_fill_(w > 0.5, 0.25),
    "clamp": lambda ns, h, w: h.clamp_(-1.0, 1.0),
}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=5), st.integers(0, 2**16))
def test_random_in_place_sequences_match_torch(steps, seed):
    rng = np.random.default_rng(seed)
    x0, w0, g0 = (rng.uniform(-1, 1, (3, 3)) for _ in range(3))

    def run(ns):
        x = ns.tensor(x0, requires_grad=True)
        w = ns.tensor(w0, requires_grad=True)
        h = x * 1.5
        for step in steps:
            STEPS[step](ns, h, w)
        (h * ns.tensor(g0)).sum().backward()
        return h.detach().numpy(), x.grad.numpy(), w.grad.numpy() if w.grad is not None else None

    ours, ref = outcome(tg, run), outcome(torch, run)
    if isinstance(ref[0], str):  # PyTorch refused (a saved value was overwritten): so must we, in its words
        assert ours == ref
        return
    for a, b in zip(ours, ref):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
