"""Pooling layers beyond the parity registry: PyTorch's error messages and repr (compared with live
torch), the gradient on ties (to the first maximum, as PyTorch's CPU kernel) and NaN, grad_fn
names, and hypothesis-drawn kernels, strides, paddings, dilations and ceil_mode checked against
PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lr
from compare import Case, check
from compare.registry import DISTINCT, farg


def raised(fn, ns):
    try:
        fn(ns)
    except Exception as e:  # noqa: BLE001 - we compare whatever each side raises
        return type(e).__name__, str(e)
    return None


def ones(ns, *shape, dtype=None):
    return ns.ones(*shape, dtype=dtype or ns.float32)


def F(ns):
    return ns.nn.functional


ERRORS = {
    "1-D input to a 2-D max pool": lambda ns: ns.nn.MaxPool2d(2)(ones(ns, 8)),
    "2-D input to a 2-D max pool": lambda ns: ns.nn.MaxPool2d(2)(ones(ns, 8, 8)),
    "5-D input to a 2-D max pool": lambda ns: ns.nn.MaxPool2d(2)(ones(ns, 1, 1, 1, 8, 8)),
    "input smaller than the kernel": lambda ns: ns.nn.MaxPool2d(2)(ones(ns, 1, 1, 1, 1)),
    "avg pool: input smaller than the kernel": lambda ns: ns.nn.AvgPool2d(3)(ones(ns, 1, 2, 2, 2)),
    "padding over half the kernel": lambda ns: ns.nn.MaxPool2d(2, padding=2)(ones(ns, 1, 1, 8, 8)),
    "negative padding": lambda ns: ns.nn.MaxPool2d(3, padding=-1)(ones(ns, 1, 1, 8, 8)),
    "avg pool: negative padding": lambda ns: F(ns).avg_pool2d(ones(ns, 1, 2, 8, 8), 3, padding=-1),
    "avg pool: padding over half the kernel": lambda ns: ns.nn.AvgPool2d(2, padding=2)(ones(ns, 1, 1, 8, 8)),
    "kernel 0": lambda ns: F(ns).max_pool2d(ones(ns, 1, 2, 8, 8), 0),
    "stride 0": lambda ns: F(ns).max_pool2d(ones(ns, 1, 2, 8, 8), 2, 0),
    "dilation 0": lambda ns: F(ns).max_pool2d(ones(ns, 1, 2, 8, 8), 2, dilation=0),
    "kernel of 3 values": lambda ns: F(ns).max_pool2d(ones(ns, 1, 2, 8, 8), (2, 2, 2)),
    "avg pool: 5-D input": lambda ns: F(ns).avg_pool2d(ones(ns, 1, 1, 1, 8, 8), 2),
    "avg pool: divisor 0": lambda ns: F(ns).avg_pool2d(ones(ns, 1, 2, 8, 8), 2, divisor_override=0),
    "max_pool1d: 1-D input": lambda ns: ns.nn.MaxPool1d(2)(ones(ns, 8)),
    "max_pool1d: 4-D input": lambda ns: ns.nn.MaxPool1d(2)(ones(ns, 1, 1, 1, 8)),
    "avg_pool1d: 4-D input": lambda ns: ns.nn.AvgPool1d(2)(ones(ns, 1, 1, 1, 8)),
    "avg_pool1d: too short": lambda ns: F(ns).avg_pool1d(ones(ns, 1, 1, 1), 2),
    "avg_pool1d: kernel pair": lambda ns: F(ns).avg_pool1d(ones(ns, 1, 2, 8), (2, 2)),
    "adaptive avg: 1-D input": lambda ns: ns.nn.AdaptiveAvgPool2d(2)(ones(ns, 8)),
    "adaptive avg: 5-D input": lambda ns: F(ns).adaptive_avg_pool2d(ones(ns, 1, 1, 1, 8, 8), 2),
    "adaptive avg: negative size": lambda ns: F(ns).adaptive_avg_pool2d(ones(ns, 1, 2, 8, 8), -1),
    "adaptive avg: 3 sizes": lambda ns: F(ns).adaptive_avg_pool2d(ones(ns, 1, 2, 8, 8), (2, 2, 2)),
    "adaptive avg: empty plane": lambda ns: F(ns).adaptive_avg_pool2d(ones(ns, 1, 2, 0, 8), 2),
    "adaptive avg: integers": lambda ns: F(ns).adaptive_avg_pool2d(ones(ns, 1, 2, 8, 8, dtype=ns.int64), 2),
    "adaptive max: 1-D input": lambda ns: ns.nn.AdaptiveMaxPool2d(2)(ones(ns, 8)),
    "adaptive avg 1d: 4-D input": lambda ns: ns.nn.AdaptiveAvgPool1d(2)(ones(ns, 1, 2, 8, 8)),
    "adaptive max 1d: 1-D input": lambda ns: ns.nn.AdaptiveMaxPool1d(2)(ones(ns, 8)),
    "unpool: float indices": lambda ns: F(ns).max_unpool2d(ones(ns, 1, 2, 8, 8), ones(ns, 1, 2, 8, 8), 2),
    "unpool: index out of range": lambda ns: F(ns).max_unpool2d(ones(ns, 1, 2, 8, 8),
                                                                ns.full((1, 2, 8, 8), 300, dtype=ns.int64), 2),
    "unpool: index shape": lambda ns: F(ns).max_unpool2d(ones(ns, 1, 2, 8, 8), ns.zeros(1, 2, 4, 8, dtype=ns.int64), 2),
    "unpool: output_size": lambda ns: F(ns).max_unpool2d(ones(ns, 1, 2, 8, 8), ns.zeros(1, 2, 8, 8, dtype=ns.int64), 2,
                                                         output_size=(20, 16)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    expected = raised(ERRORS[name], torch)
    assert expected is not None, "torch accepts this: the case is wrong"
    assert raised(ERRORS[name], tinygrad_lr) == expected


REPRS = [
    lambda ns: ns.nn.MaxPool2d(2),
    lambda ns: ns.nn.MaxPool2d((2, 3), padding=(1, 1)),
    lambda ns: ns.nn.MaxPool2d(3, 2, 1, 2, True, True),
    lambda ns: ns.nn.MaxPool1d(3, stride=2),
    lambda ns: ns.nn.AvgPool2d(2),
    lambda ns: ns.nn.AvgPool2d(3, 2, 1, True, False, 2),
    lambda ns: ns.nn.AvgPool1d(3, 2, 1, True, False),
    lambda ns: ns.nn.AdaptiveAvgPool2d((None, 3)),
    lambda ns: ns.nn.AdaptiveAvgPool2d(1),
    lambda ns: ns.nn.AdaptiveAvgPool1d(4),
    lambda ns: ns.nn.AdaptiveMaxPool2d(3, return_indices=True),
    lambda ns: ns.nn.AdaptiveMaxPool1d(3),
    lambda ns: ns.nn.MaxUnpool2d((2, 3), 1, 1),
    lambda ns: ns.nn.MaxUnpool2d(2),
]


@pytest.mark.parametrize("build", REPRS)
def test_repr_matches_torch(build):
    assert repr(build(tinygrad_lr)) == repr(build(torch))
    assert list(build(tinygrad_lr).state_dict()) == []


TIES = {
    "constant plane": np.ones((1, 1, 4, 4)),
    "ties across rows": np.array([[[[1, 3, 0, 0], [3, 2, 0, 1], [1, 1, 1, 1], [0, 1, 1, 0]]]], dtype=float),
    "integers": np.random.default_rng(0).integers(0, 3, size=(2, 2, 6, 5)).astype(float),
}


@pytest.mark.parametrize("pool", [
    lambda ns, x: F(ns).max_pool2d(x, 2, return_indices=True),
    lambda ns, x: F(ns).max_pool2d(x, 3, stride=1, padding=1, return_indices=True),
    lambda ns, x: F(ns).max_pool2d(x, (2, 3), stride=(1, 2), dilation=(2, 1), ceil_mode=True, return_indices=True),
    lambda ns, x: F(ns).adaptive_max_pool2d(x, (3, 2), return_indices=True),
    lambda ns, x: F(ns).max_pool1d(x.flatten(2), 3, stride=2, return_indices=True),
])
@pytest.mark.parametrize("values", list(TIES))
def test_ties_send_the_gradient_to_the_first_maximum(pool, values):
    """As PyTorch's CPU kernel: a later entry replaces the maximum only if strictly greater."""
    grads, indices = [], []
    for ns in (tinygrad_lr, torch):
        x = ns.tensor(TIES[values], requires_grad=True)
        out, index = pool(ns, x)
        out.backward(ns.tensor(np.arange(1.0, out.numel() + 1).reshape(tuple(out.shape))))
        grads.append(x.grad.numpy())
        indices.append(index.numpy())
    np.testing.assert_array_equal(indices[0], indices[1])
    np.testing.assert_array_equal(grads[0], grads[1])


def test_nan_is_the_maximum():
    a = np.arange(16.0).reshape(1, 1, 4, 4)
    a[0, 0, 0, 1] = a[0, 0, 1, 0] = a[0, 0, 3, 3] = np.nan
    results = []
    for ns in (tinygrad_lr, torch):
        x = ns.tensor(a, requires_grad=True)
        out, index = F(ns).max_pool2d(x, 2, return_indices=True)
        out.sum().backward()
        results.append((out.detach().numpy(), index.numpy(), x.grad.numpy()))
    for ours, reference in zip(*results):
        np.testing.assert_array_equal(ours, reference)


def test_grad_fn_names():
    x = tinygrad_lr.ones(1, 2, 6, 6, requires_grad=True)
    names = {
        "MaxPool2DWithIndicesBackward0": [F(tinygrad_lr).max_pool2d(x, 2), F(tinygrad_lr).max_pool2d(x[0], 2)],
        "AvgPool2DBackward0": [F(tinygrad_lr).avg_pool2d(x, 2)],
        "AdaptiveAvgPool2DBackward0": [F(tinygrad_lr).adaptive_avg_pool2d(x, 4)],
        "AdaptiveMaxPool2DBackward0": [F(tinygrad_lr).adaptive_max_pool2d(x, 4)],
        "MeanBackward1": [F(tinygrad_lr).adaptive_avg_pool2d(x, 1)],
        "SqueezeBackward1": [F(tinygrad_lr).max_pool1d(x[0], 2), F(tinygrad_lr).avg_pool1d(x[0], 2)],
        "MaxUnpool2DBackward0": [F(tinygrad_lr).max_unpool2d(*F(tinygrad_lr).max_pool2d(x, 2, return_indices=True), 2)],
    }
    for name, outputs in names.items():
        assert [o.grad_fn.name() for o in outputs] == [name] * len(outputs)


@st.composite
def pool_settings(draw, average: bool):
    """A pool PyTorch accepts: padding at most half the (dilated) kernel, the output at least 1."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (1, 1) if average else (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = tuple(draw(st.integers(0, (d * (k - 1) + 1) // 2)) for k, d in zip(kernel, dilation))
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 4)) for k, d, p in zip(kernel, dilation, padding))
    options = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=draw(st.booleans()))
    if average:
        options["count_include_pad"] = draw(st.booleans())
        options["divisor_override"] = draw(st.sampled_from([None, None, 3]))
    else:
        options["dilation"] = dilation
    return (draw(st.integers(1, 2)), draw(st.integers(1, 2)), *size), options


@settings(max_examples=15)
@given(setting=pool_settings(average=False), dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_drawn_max_pools_match_torch(setting, dtype, seed, pairing):
    shape, options = setting
    case = Case("max_pool2d_drawn", fn=lambda ns, x: F(ns).max_pool2d(x, return_indices=True, **options),
                args=(farg(*shape, **DISTINCT),))
    result = check(case, pairing, dtype, seed)
    assert result.passed, f"{options}: {result.message}"


@settings(max_examples=15)
@given(setting=pool_settings(average=True), dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_drawn_avg_pools_match_torch(setting, dtype, seed, pairing):
    shape, options = setting
    case = Case("avg_pool2d_drawn", fn=lambda ns, x: F(ns).avg_pool2d(x, **options), args=(farg(*shape),))
    result = check(case, pairing, dtype, seed)
    assert result.passed, f"{options}: {result.message}"


@settings(max_examples=15)
@given(size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
       out=st.tuples(st.one_of(st.none(), st.integers(1, 6)), st.one_of(st.none(), st.integers(1, 6))),
       dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_drawn_adaptive_pools_match_torch(size, out, dtype, seed, pairing):
    case = Case("adaptive_drawn", fn=lambda ns, x: (F(ns).adaptive_avg_pool2d(x, out),
                                                    *F(ns).adaptive_max_pool2d(x, out, return_indices=True)),
                args=(farg(2, 2, *size, **DISTINCT),))
    result = check(case, pairing, dtype, seed)
    assert result.passed, f"{size} -> {out}: {result.message}"
