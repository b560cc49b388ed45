"""torch.autograd's public API against live PyTorch: custom Functions, Variable, grad, gradcheck,
anomaly detection. Each check is written once against ``ns`` (tinygrad_lr or torch)."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import torch

import tinygrad_lr as tg


def outcome(fn, ns):
    try:
        return fn(ns)
    except Exception as e:
        return type(e).__name__, str(e)


def both(fn):
    return outcome(fn, tg), outcome(fn, torch)


def functions(ns):
    """The same custom Functions, defined against either framework."""
    class Exp(ns.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    class Scale(ns.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor, offset=None):
            ctx.factor = factor
            ctx.seen = ctx.needs_input_grad
            return x * factor if offset is None else x * factor + offset

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * ctx.factor, None, (grad_output if ctx.needs_input_grad[2] else None)

    class SortWithIndices(ns.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, indices = x.sort()
            ctx.mark_non_differentiable(indices)
            ctx.save_for_backward(indices)
            return values, indices

        @staticmethod
        def backward(ctx, grad_values, grad_indices):
            (indices,) = ctx.saved_tensors
            grad = ns.zeros_like(grad_values)
            grad[indices] = grad_values
            return grad

    class AddOneInPlace(ns.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    class WrongCount(ns.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    class NewStyle(ns.autograd.Function):
        @staticmethod
        def forward(x, y):
            return x * y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, grad_output):
            x, y = ctx.saved_tensors
            return grad_output * y, grad_output * x

    return Exp, Scale, SortWithIndices, AddOneInPlace, WrongCount, NewStyle


def test_custom_function_forward_backward_and_node():
    def run(ns):
        Exp, Scale, *_ = functions(ns)
        x = ns.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = Exp.apply(x)
        z = Scale.apply(y, 3.0)
        node = z.grad_fn
        info = (repr(z).split(", grad_fn")[1], node.name(), type(node).__name__, node.factor, node.seen,
                [f.name() for f, _ in node.next_functions if f is not None],
                isinstance(node, ns.autograd.graph.Node), isinstance(node, ns.autograd.function.BackwardCFunction))
        z.sum().backward()
        return info, np.round(x.grad.numpy(), 5).tolist()
    ours, ref = both(run)
    assert ours == ref


def test_custom_function_node_prints_as_torchs():
    """print(y.grad_fn) of a custom Function names the module PyTorch makes its node class in."""
    def run(ns):
        Exp, *_ = functions(ns)
        node = Exp.apply(ns.tensor([0.5], requires_grad=True)).grad_fn
        return re.sub(r"0x[0-9a-f]+", "ADDR", repr(node))
    ours, ref = both(run)
    assert ours == ref


def test_non_tensor_arguments_and_optional_tensor_inputs():
    def run(ns):
        _, Scale, *_ = functions(ns)
        x = ns.tensor([1.0, 2.0], requires_grad=True)
        b = ns.tensor([0.5, 0.5], requires_grad=True)
        Scale.apply(x, 2.0, b).sum().backward()
        return x.grad.tolist(), b.grad.tolist()
    ours, ref = both(run)
    assert ours == ref


def test_several_outputs_and_non_differentiable_ones():
    def run(ns):
        _, _, SortWithIndices, *_ = functions(ns)
        x = ns.tensor([3.0, 1.0, 2.0], requires_grad=True)
        values, indices = SortWithIndices.apply(x)
        (values * ns.tensor([1.0, 10.0, 100.0])).sum().backward()
        return indices.requires_grad, values.requires_grad, indices.tolist(), x.grad.tolist()
    ours, ref = both(run)
    assert ours == ref


def test_mark_dirty_in_place_forward():
    def run(ns):
        _, _, _, AddOneInPlace, *_ = functions(ns)
        x = ns.tensor([1.0, 2.0], requires_grad=True)
        h = x * 2
        out = AddOneInPlace.apply(h)
        (out * out).sum().backward()
        return out is h, h.grad_fn.name(), h.tolist(), x.grad.tolist()
    ours, ref = both(run)
    assert ours == ref


def test_setup_context_style_and_no_grad():
    def run(ns):
        *_, NewStyle = functions(ns)
        x = ns.tensor([1.0, 2.0], requires_grad=True)
        y = ns.tensor([3.0, 4.0], requires_grad=True)
        NewStyle.apply(x, y).sum().backward()
        with ns.no_grad():
            plain = NewStyle.apply(x, y)
        return x.grad.tolist(), y.grad.tolist(), plain.requires_grad, plain.grad_fn is None
    ours, ref = both(run)
    assert ours == ref


def test_wrong_number_of_gradients_and_saved_tensor_errors():
    def wrong_count(ns):
        *_, WrongCount, _ = functions(ns)
        WrongCount.apply(ns.ones(2, requires_grad=True), 2.0).sum().backward()

    def freed(ns):
        Exp, *_ = functions(ns)
        y = Exp.apply(ns.ones(2, requires_grad=True))
        y.sum().backward()
        return y.grad_fn.saved_tensors

    def modified(ns):
        Exp, *_ = functions(ns)
        y = Exp.apply(ns.ones(2, requires_grad=True))
        y.mul_(2)
        y.sum().backward()
    for fn in (wrong_count, freed, modified):
        ours, ref = both(fn)
        assert ours == ref and ours[0] == "RuntimeError", fn.__name__


def test_variable_is_the_deprecated_tensor_wrapper():
    for ns in (tg, torch):
        t = ns.ones(2)
        v = ns.autograd.Variable(t, requires_grad=True)
        assert isinstance(v, ns.Tensor) and isinstance(t, ns.autograd.Variable) and v.requires_grad
        assert not isinstance(3, ns.autograd.Variable)


# ------------------------------------------------------------------------------------ grad
def test_grad_returns_gradients_and_leaves_dot_grad_alone():
    def run(ns):
        x = ns.tensor([1.0, 2.0], requires_grad=True)
        w = ns.tensor([3.0, -1.0], requires_grad=True)
        h = x * w
        y = (h * h).sum()
        gx, gh = ns.autograd.grad(y, [x, h], retain_graph=True)
        (gw,) = ns.autograd.grad([y, h.sum()], w, grad_outputs=[ns.tensor(2.0), ns.tensor(1.0)])
        return gx.tolist(), gh.tolist(), gw.tolist(), x.grad, w.grad
    ours, ref = both(run)
    assert ours == ref


def test_grad_unused_inputs_and_errors():
    def unused(ns):
        x, z = ns.ones(2, requires_grad=True), ns.ones(2, requires_grad=True)
        return ns.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)[1]

    def unused_refused(ns):
        x, z = ns.ones(2, requires_grad=True), ns.ones(2, requires_grad=True)
        return ns.autograd.grad((x * 2).sum(), [x, z])

    def materialized(ns):
        x, z = ns.ones(2, requires_grad=True), ns.ones(2, requires_grad=True)
        return ns.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)[1].tolist()

    def non_scalar(ns):
        x = ns.ones(2, requires_grad=True)
        return ns.autograd.grad(x * 2, [x])
    for fn in (unused, unused_refused, materialized, non_scalar):
        ours, ref = both(fn)
        assert ours == ref, fn.__name__
    with pytest.raises(NotImplementedError, match="create_graph"):
        x = tg.ones(2, requires_grad=True)
        tg.autograd.grad((x * x).sum(), [x], create_graph=True)


def test_autograd_backward_function():
    def run(ns):
        x = ns.tensor([1.0, 2.0], requires_grad=True)
        ns.autograd.backward([(x * 2).sum(), x * 3], [None, ns.tensor([1.0, 10.0])])
        return x.grad.tolist()
    ours, ref = both(run)
    assert ours == ref


# ------------------------------------------------------------------------------- gradcheck
def test_gradcheck_passes_and_fails_like_torch():
    def run(ns):
        class Half(ns.autograd.Function):  # a wrong backward: half the true gradient
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g

        x = ns.tensor([[0.3, -1.2], [2.0, 0.7]], dtype=ns.float64, requires_grad=True)
        y = ns.tensor([0.5, 1.5], dtype=ns.float64, requires_grad=True)
        good = ns.autograd.gradcheck(lambda a, b: ((a @ b).tanh(), a.exp().sum()), (x, y))
        quiet = ns.autograd.gradcheck(Half.apply, (x,), raise_exception=False)
        try:
            ns.autograd.gradcheck(Half.apply, (x,))
            message = None
        except RuntimeError as e:
            message = (type(e).__name__, str(e))
        return good, quiet, message
    ours, ref = both(run)
    assert ours == ref and ours[0] is True and ours[2][0] == "GradcheckError"


def test_gradcheck_warns_about_float32():
    for ns in (tg, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ns.autograd.gradcheck(lambda a: a * 2, (ns.ones(2, requires_grad=True),), eps=1e-2,
                                  raise_exception=False)
        assert any("is not a double precision floating point" in str(w.message) for w in caught)


# ---------------------------------------------------------------------------- anomaly mode
def test_detect_anomaly_names_the_node_and_shows_the_forward_line():
    results = []
    for ns in (tg, torch):
        x = ns.tensor([1.0, -1.0], requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with ns.autograd.detect_anomaly():
                y = (x * 0).log() * 0  # the line the report must show
                with pytest.raises(RuntimeError) as error:
                    y.sum().backward()
        texts = [str(w.message) for w in caught]
        assert any("Error detected in LogBackward0" in t and "y = (x * 0).log() * 0" in t for t in texts), texts
        assert any(t.startswith("Anomaly Detection has been enabled") for t in texts)
        results.append(str(error.value))
    assert results[0] == results[1] == "Function 'LogBackward0' returned nan values in its 0th output."
    assert not tg.is_anomaly_enabled()


def test_set_detect_anomaly_switches_it_on_and_off():
    for ns in (tg, torch):
        ns.autograd.set_detect_anomaly(True)
        assert ns.is_anomaly_enabled()
        ns.autograd.set_detect_anomaly(False)
        assert not ns.is_anomaly_enabled()
        with ns.autograd.set_detect_anomaly(True):
            assert ns.is_anomaly_enabled()
        assert not ns.is_anomaly_enabled()


def test_functional_jacobian_and_vjp():
    """torch.autograd.functional: shapes out.shape + in.shape, tuples of inputs and outputs, zero blocks for
    unused inputs, inside no_grad, and PyTorch's errors."""
    def run(ns):
        F = ns.autograd.functional
        a, b = ns.tensor([[0.5, -1.0], [2.0, 0.1]]), ns.tensor([0.3, -0.7, 1.1])
        results = [F.jacobian(lambda x: x.exp().sum(dim=1), a),
                   F.jacobian(lambda x, y: (x * y, x.sum()), (b, b * 2)),
                   F.jacobian(lambda x: (x * 2, x.exp()), b),
                   F.jacobian(lambda x, y: x * 2, (b, a)),
                   F.vjp(lambda x: x.exp().sum(dim=1), a, ns.tensor([1.0, -2.0])),
                   F.vjp(lambda x, y: x * y, (b, b + 1), b)]
        with ns.no_grad():
            results.append(F.jacobian(lambda x: x * 3, b))
        flat = []
        for r in results:
            stack = [r]
            while stack:
                item = stack.pop()
                if isinstance(item, tuple):
                    stack.extend(item)
                else:
                    flat.append((tuple(item.shape), item.requires_grad, np.round(item.numpy(), 5).tolist()))
        return flat
    ours, ref = both(run)
    assert ours == ref
    errors = [lambda ns: ns.autograd.functional.jacobian(lambda x, y: x * 2, (ns.ones(2), ns.ones(3)), strict=True),
              lambda ns: ns.autograd.functional.jacobian(lambda x: x, [ns.ones(1)]),
              lambda ns: ns.autograd.functional.jacobian(lambda x: 3, ns.ones(1)),
              lambda ns: ns.autograd.functional.vjp(lambda x: x * 2, ns.ones(2)),
              lambda ns: ns.autograd.functional.vjp(lambda x: x * 2, ns.ones(2), ns.ones(3)),
              lambda ns: ns.autograd.functional.jacobian(lambda x: x.detach(), ns.ones(2), strict=True),
              lambda ns: ns.autograd.functional.jacobian(lambda x: x, ns.ones(2), strategy="fast")]
    for fn in errors:
        ours, ref = both(fn)
        assert ours == ref


def test_functional_higher_order_is_refused():
    with pytest.raises(NotImplementedError, match="create_graph"):
        tg.autograd.functional.jacobian(lambda x: x * 2, tg.ones(2), create_graph=True)
    with pytest.raises(NotImplementedError, match="forward-mode"):
        tg.autograd.functional.jacobian(lambda x: x * 2, tg.ones(2), strategy="forward-mode", vectorize=True)
    for name in ("hessian", "hvp", "vhp", "jvp"):
        with pytest.raises(NotImplementedError, match="higher-order"):
            getattr(tg.autograd.functional, name)(lambda x: (x ** 3).sum(), tg.ones(2))
