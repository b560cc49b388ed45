"""Activations beyond the parity registry: repr, grad_fn names, errors and warnings against live
PyTorch, and RReLU's random slopes in training."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import tinygrad_lr

MODULES = [
    ("ELU", (), {}), ("ELU", (0.5, True), {}), ("CELU", (2.0,), {}), ("SELU", (), {"inplace": True}), ("GELU", (), {}),
    ("GELU", ("tanh",), {}), ("SiLU", (), {}), ("Mish", (True,), {}), ("Softplus", (2, 10), {}), ("Softsign", (), {}),
    ("Hardtanh", (-2, 2, True), {}), ("ReLU6", (), {}), ("ReLU6", (True,), {}), ("Hardsigmoid", (True,), {}),
    ("Hardswish", (), {}), ("LogSigmoid", (), {}), ("PReLU", (3,), {}), ("RReLU", (), {}), ("RReLU", (0.1, 0.3, True), {}),
    ("Tanhshrink", (), {}), ("Softshrink", (), {}), ("Hardshrink", (0.3,), {}), ("Threshold", (0.1, 20), {}),
    ("Threshold", (0.1, 20, True), {}), ("Softmin", (1,), {}), ("Softmax2d", (), {}), ("GLU", (), {}), ("GLU", (0,), {}),
    ("ReLU", (True,), {}), ("LeakyReLU", (0.2, True), {}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULES)
def test_repr_matches_torch(name, args, kwargs):
    assert repr(getattr(tinygrad_lr.nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


FUNCTIONS = {
    "elu": {}, "selu": {}, "celu": {"alpha": 2.0}, "gelu": {}, "silu": {}, "mish": {}, "softplus": {}, "softsign": {},
    "hardtanh": {}, "relu6": {}, "hardsigmoid": {}, "hardswish": {}, "logsigmoid": {}, "rrelu": {}, "tanhshrink": {},
    "softshrink": {}, "hardshrink": {}, "softmin": {"dim": 1}, "glu": {},
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_grad_fn_names_match_torch(name):
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    ours = getattr(tinygrad_lr.nn.functional, name)(tinygrad_lr.tensor(x, requires_grad=True), **FUNCTIONS[name])
    theirs = getattr(torch.nn.functional, name)(torch.tensor(x, requires_grad=True), **FUNCTIONS[name])
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    assert ours.dtype is tinygrad_lr.float32


def test_grad_fn_names_prelu_threshold_gelu_tanh():
    x = tinygrad_lr.randn(2, 3, requires_grad=True)
    assert tinygrad_lr.nn.PReLU()(x).grad_fn.name() == "PreluKernelBackward0"
    assert tinygrad_lr.nn.functional.threshold(x, 0.1, 2.0).grad_fn.name() == "ThresholdBackward0"
    assert tinygrad_lr.nn.functional.gelu(x, approximate="tanh").grad_fn.name() == "GeluBackward0"


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e), str(e)
    return None


@pytest.mark.parametrize("call", [
    lambda ns: ns.nn.functional.glu(ns.ones(2, 3), 1),
    lambda ns: ns.nn.functional.glu(ns.tensor(1.0)),
    lambda ns: ns.nn.functional.prelu(ns.ones(2, 3), ns.ones(4)),
    lambda ns: ns.nn.functional.prelu(ns.ones(3), ns.ones(3)),
    lambda ns: ns.nn.functional.softshrink(ns.ones(3), -1),
    lambda ns: ns.nn.functional.hardtanh(ns.ones(3), 2, 1),
    lambda ns: ns.nn.Hardtanh(2, 1),
    lambda ns: ns.nn.functional.gelu(ns.ones(3), approximate="foo"),
    lambda ns: ns.nn.functional.rrelu(ns.ones(3), 0.5, 0.1),
    lambda ns: ns.nn.functional.elu(ns.tensor([1, 2])),
    lambda ns: ns.nn.functional.silu(ns.tensor([1, 2])),
    lambda ns: ns.nn.functional.gelu(ns.tensor([1, 2])),
    lambda ns: ns.nn.Softmax2d()(ns.ones(3, 3)),
    lambda ns: ns.nn.functional.celu(ns.ones(3), 0.0),
])
def test_errors_match_torch(call):
    ours, theirs = _error(lambda: call(tinygrad_lr)), _error(lambda: call(torch))
    assert theirs is not None and ours == theirs


def test_softmin_without_dim_warns_like_torch():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin has been deprecated"):
        tinygrad_lr.nn.functional.softmin(tinygrad_lr.ones(2, 3))


def test_hardtanh_deprecated_keywords_warn():
    with pytest.warns(FutureWarning, match="`min_value` is deprecated"):
        m = tinygrad_lr.nn.Hardtanh(min_value=-2.0)
    assert m.min_val == -2.0


def test_rrelu_training_draws_slopes_within_bounds():
    tinygrad_lr.manual_seed(0)
    x = tinygrad_lr.tensor(-np.linspace(0.5, 2.0, 200), requires_grad=True)
    m = tinygrad_lr.nn.RReLU(0.1, 0.3)
    out = m(x)
    slopes = out.detach().numpy() / x.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03  # random, not fixed
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)  # the gradient is the drawn slope
    positive = tinygrad_lr.tensor([1.0, 2.0])
    np.testing.assert_array_equal(m(positive).numpy(), [1.0, 2.0])
    m.eval()
    np.testing.assert_allclose(m(x).detach().numpy(), x.detach().numpy() * 0.2)


def test_prelu_parameter_and_state_dict_keys():
    ours, theirs = tinygrad_lr.nn.PReLU(4, init=0.1), torch.nn.PReLU(4, init=0.1)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())


def test_large_inputs_stay_finite():
    x = tinygrad_lr.tensor([-1000.0, -50.0, 0.5, 50.0, 1000.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings from NumPy
        for name in ("softplus", "logsigmoid", "silu", "mish", "gelu", "elu", "selu"):
            out = getattr(tinygrad_lr.nn.functional, name)(x)
            out.sum().backward()
            ref = getattr(torch.nn.functional, name)(torch.tensor(x.detach().numpy()))
            np.testing.assert_allclose(out.detach().numpy(), ref.numpy(), rtol=1e-6)
            assert np.isfinite(x.grad.numpy()).all()
            x.grad = None


def test_integer_inputs_keep_their_dtype_where_torch_allows_them():
    x = [1, 5, -3, 7]
    for call in (lambda ns, t: ns.nn.functional.hardtanh(t, -2.5, 2.5), lambda ns, t: ns.nn.functional.relu6(t),
                 lambda ns, t: ns.nn.functional.threshold(t, 2, 0)):
        ours, theirs = call(tinygrad_lr, tinygrad_lr.tensor(x)), call(torch, torch.tensor(x))
        assert str(ours.dtype) == str(theirs.dtype) and ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rrelu_training_slopes_are_torchs_under_the_same_seed(dtype):
    x = np.random.default_rng(1).standard_normal((4, 5)).astype(dtype)
    tinygrad_lr.manual_seed(3)
    torch.manual_seed(3)
    ours = tinygrad_lr.nn.RReLU(0.1, 0.4)(tinygrad_lr.tensor(x, requires_grad=True))
    theirs = torch.nn.RReLU(0.1, 0.4)(torch.tensor(x, requires_grad=True))
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    # and the generator is left where PyTorch leaves it
    np.testing.assert_array_equal(tinygrad_lr.rand(3).numpy(), torch.rand(3).numpy())


def test_gumbel_softmax_eps_is_deprecated_as_in_torch():
    for ns in (tinygrad_lr, torch):
        with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect."):
            ns.nn.functional.gumbel_softmax(ns.zeros(2, 3), eps=1e-5)


@pytest.mark.parametrize("training", [False, True])
def test_rrelu_inplace_matches_torch(training):
    v = np.array([-1.5, -0.2, 0.3, 2.0])
    results = []
    for ns in (tinygrad_lr, torch):
        ns.manual_seed(0)
        x = ns.tensor(v, requires_grad=True)
        h = x * 1
        y = ns.nn.functional.rrelu(h, training=training, inplace=True)
        (y * ns.tensor([1.0, 2, 3, 4])).sum().backward()
        results.append((y is h, y.grad_fn.name(), y.detach().numpy().tolist(), x.grad.numpy().tolist()))
    assert results[0] == results[1]
