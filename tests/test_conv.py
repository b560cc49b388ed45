"""Convolution layers beyond the parity registry: PyTorch's error messages and repr (compared with
live torch), state_dict keys and init bounds, grad_fn names, batch chunking, and hypothesis-drawn
strides, paddings, dilations and groups checked against PyTorch."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lr
from compare import Case, check
from compare.registry import farg
from tinygrad_lr.ops import conv as conv_ops


def raised(fn, ns):
    try:
        fn(ns)
    except Exception as e:  # noqa: BLE001 - we compare whatever each side raises
        return type(e).__name__, str(e)
    return None


def ones(ns, *shape, dtype=None):
    return ns.ones(*shape, dtype=dtype or ns.float32)


ERRORS = {
    "wrong channel count": lambda ns: ns.nn.Conv2d(3, 4, 3)(ones(ns, 1, 2, 8, 8)),
    "wrong channel count, unbatched": lambda ns: ns.nn.Conv2d(3, 4, 3)(ones(ns, 2, 8, 8)),
    "input smaller than the kernel": lambda ns: ns.nn.Conv2d(3, 4, 3)(ones(ns, 1, 3, 2, 2)),
    "input smaller than the dilated kernel": lambda ns: ns.nn.Conv2d(3, 4, 3, dilation=2)(ones(ns, 1, 3, 4, 4)),
    "2-D input to conv2d": lambda ns: ns.nn.Conv2d(3, 4, 3)(ones(ns, 8, 8)),
    "5-D input to conv2d": lambda ns: ns.nn.Conv2d(3, 4, 3)(ones(ns, 1, 1, 3, 8, 8)),
    "1-D input to conv1d": lambda ns: ns.nn.Conv1d(3, 4, 3)(ones(ns, 8)),
    "conv1d channels": lambda ns: ns.nn.Conv1d(4, 4, 3)(ones(ns, 1, 3, 8)),
    "conv1d too short": lambda ns: ns.nn.Conv1d(4, 4, 3)(ones(ns, 1, 4, 2)),
    "in_channels not divisible by groups": lambda ns: ns.nn.Conv2d(3, 4, 3, groups=2),
    "out_channels not divisible by groups": lambda ns: ns.nn.Conv2d(4, 3, 3, groups=2),
    "groups 0": lambda ns: ns.nn.Conv2d(4, 4, 3, groups=0),
    "F groups not dividing the weight": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 4, 8, 8), ones(ns, 3, 2, 3, 3),
                                                                            groups=2),
    "F groups and channels": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 4, 8, 8), ones(ns, 4, 3, 3, 3), groups=2),
    "negative padding": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 3, 8, 8), ones(ns, 4, 3, 3, 3), padding=-1),
    "negative padding, module": lambda ns: ns.nn.Conv2d(3, 4, 3, padding=-1)(ones(ns, 1, 3, 8, 8)),
    "stride 0": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 3, 8, 8), ones(ns, 4, 3, 3, 3), stride=0),
    "dilation 0": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 3, 8, 8), ones(ns, 4, 3, 3, 3), dilation=0),
    "stride of 3 values": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 3, 8, 8), ones(ns, 4, 3, 3, 3),
                                                             stride=(1, 1, 1)),
    "3-D weight to conv2d": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 3, 8, 8), ones(ns, 4, 3, 3)),
    "bias size": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 3, 8, 8), ones(ns, 4, 3, 3, 3), ones(ns, 3)),
    "dtype of the weight": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 3, 8, 8), ones(ns, 4, 3, 3, 3, dtype=ns.float64)),
    "float64 input, float32 model": lambda ns: ns.nn.Conv2d(1, 6, 5)(ones(ns, 64, 1, 28, 28, dtype=ns.float64)),
    "float64 input, no bias": lambda ns: ns.nn.Conv2d(1, 6, 5, bias=False)(ones(ns, 4, 1, 8, 8, dtype=ns.float64)),
    "dtype of the bias": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 3, 8, 8), ones(ns, 4, 3, 3, 3),
                                                            ones(ns, 4, dtype=ns.float64)),
    "'same' with stride": lambda ns: ns.nn.Conv2d(4, 4, 3, padding="same", stride=2),
    "'same' with stride, functional": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 4, 8, 8), ones(ns, 4, 4, 3, 3),
                                                                         padding="same", stride=2),
    "invalid padding string": lambda ns: ns.nn.Conv2d(4, 4, 3, padding="full"),
    "invalid padding string, functional": lambda ns: ns.nn.functional.conv2d(ones(ns, 1, 4, 8, 8),
                                                                             ones(ns, 4, 4, 3, 3), padding="full"),
    "invalid padding_mode": lambda ns: ns.nn.Conv2d(4, 4, 3, padding_mode="mirror"),
    "transposed: padding_mode": lambda ns: ns.nn.ConvTranspose2d(4, 2, 3, padding_mode="reflect"),
    "transposed: channels": lambda ns: ns.nn.functional.conv_transpose2d(ones(ns, 1, 4, 8, 8), ones(ns, 3, 4, 3, 3)),
    "transposed: output padding": lambda ns: ns.nn.ConvTranspose2d(4, 2, 3, output_padding=1)(ones(ns, 1, 4, 5, 5)),
    "transposed: output too small": lambda ns: ns.nn.functional.conv_transpose2d(ones(ns, 1, 4, 2, 2),
                                                                                 ones(ns, 4, 4, 3, 3), padding=3),
    "transposed: output_size out of range": lambda ns: ns.nn.ConvTranspose2d(4, 2, 3, stride=2)(
        ones(ns, 1, 4, 8, 8), output_size=[16, 16]),
    "transposed: 2-D input": lambda ns: ns.nn.functional.conv_transpose2d(ones(ns, 8, 8), ones(ns, 4, 2, 3, 3)),
    "fold: channels": lambda ns: ns.nn.functional.fold(ones(ns, 1, 35, 36), (8, 8), 3),
    "fold: blocks": lambda ns: ns.nn.functional.fold(ones(ns, 1, 36, 35), (8, 8), 3),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    expected = raised(ERRORS[name], torch)
    assert expected is not None, "torch accepts this: the case is wrong"
    assert _sets_sorted(raised(ERRORS[name], tinygrad_lr)) == _sets_sorted(expected)


def _sets_sorted(error: tuple | None) -> tuple | None:
    """A Python set printed inside a message (``{'zeros', 'reflect', ...}``) has no fixed order: it
    follows string hashes, which differ per process and between a set built at run time and one
    loaded from a .pyc. Compare such sets as sorted items; everything else stays exact."""
    import re
    if error is None:
        return None
    kind, message = error[0], error[1]
    message = re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)
    return (kind, message, *error[2:])


REPRS = [
    lambda ns: ns.nn.Conv2d(3, 4, 3),
    lambda ns: ns.nn.Conv2d(3, 4, (3, 5), stride=2, padding=1, dilation=2, bias=False),
    lambda ns: ns.nn.Conv2d(4, 4, 3, padding="same", groups=4),
    lambda ns: ns.nn.Conv2d(4, 4, 3, padding="valid", padding_mode="reflect"),
    lambda ns: ns.nn.Conv1d(2, 3, 4, stride=(2,), padding=1),
    lambda ns: ns.nn.ConvTranspose2d(3, 4, 3, stride=2, output_padding=1, groups=1, dilation=1),
    lambda ns: ns.nn.ConvTranspose2d(4, 2, (2, 3), padding=(1, 0), groups=2, bias=False),
    lambda ns: ns.nn.Sequential(ns.nn.Conv2d(1, 6, 5), ns.nn.ReLU(), ns.nn.MaxPool2d(2)),
]


@pytest.mark.parametrize("build", REPRS)
def test_repr_matches_torch(build):
    assert repr(build(tinygrad_lr)) == repr(build(torch))


@pytest.mark.parametrize("build", [lambda ns: ns.nn.Conv2d(6, 4, (3, 2), groups=2),
                                   lambda ns: ns.nn.Conv1d(3, 5, 4, bias=False),
                                   lambda ns: ns.nn.ConvTranspose2d(4, 6, 3, groups=2)])
def test_state_dict_and_init_bounds(build):
    ours, theirs = build(tinygrad_lr), build(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        assert tuple(ours.state_dict()[key].shape) == tuple(value.shape)
    # kaiming_uniform_(a=√5) and the bias: U(±1/√fan_in), fan_in = weight.shape[1] · kernel area
    fan_in = ours.weight.shape[1] * math.prod(ours.weight.shape[2:])
    for p in ours.parameters():
        values = p.detach().numpy()
        assert np.abs(values).max() <= 1 / math.sqrt(fan_in) + 1e-7
        assert np.abs(values).max() > 0.5 / math.sqrt(fan_in)  # not all tiny: the whole range is used


def test_grad_fn_names():
    x = tinygrad_lr.ones(1, 3, 6, 6, requires_grad=True)
    F = tinygrad_lr.nn.functional
    assert F.conv2d(x, tinygrad_lr.ones(2, 3, 3, 3)).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv_transpose2d(x, tinygrad_lr.ones(3, 2, 3, 3)).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv2d(x[0], tinygrad_lr.ones(2, 3, 3, 3)).grad_fn.name() == "SqueezeBackward1"
    assert F.conv1d(x[0], tinygrad_lr.ones(2, 6, 3)).grad_fn.name() == "ConvolutionBackward0"
    assert F.unfold(x, 2).grad_fn.name() == "Im2ColBackward0"
    assert F.fold(F.unfold(x, 2), (6, 6), 2).grad_fn.name() == "Col2ImBackward0"


def test_chunked_over_the_batch_matches_one_pass(monkeypatch):
    """Above CHUNK_BYTES the columns are built chunk by chunk (and rebuilt in backward)."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in ((5, 2, 6, 5), (3, 2, 3, 3), (3,))]

    def run():
        x, w, b = (tinygrad_lr.tensor(a, requires_grad=True) for a in arrays)
        out = tinygrad_lr.nn.functional.conv2d(x, w, b, padding=1, stride=(1, 2))
        out.backward(tinygrad_lr.tensor(np.linspace(-1, 1, out.numel()).reshape(out.shape)))
        return [out.detach().numpy(), x.grad.numpy(), w.grad.numpy(), b.grad.numpy()]

    whole = run()
    per_sample = 3 * 2 * 9 * 6 * 3 * 8  # one sample's columns: C·kh·kw·OH·OW float64s
    monkeypatch.setattr(conv_ops, "CHUNK_BYTES", 2 * per_sample)
    assert len(conv_ops.batch_chunks(5, per_sample)) == 3
    for ours, reference in zip(run(), whole):
        np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-12)


@st.composite
def conv_settings(draw):
    """A convolution PyTorch accepts: channels divisible by groups, the (dilated) kernel within
    the padded input, padding an int, a pair or 'same' (stride 1 only)."""
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(["int", "pair", "same"]))
    if padding == "same":
        stride, padding = (1, 1), "same"
    elif padding == "int":
        padding = draw(st.integers(0, 2))
    else:
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    pads = (0, 0) if padding == "same" else (padding, padding) if isinstance(padding, int) else padding
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 3)) for k, d, p in zip(kernel, dilation, pads))
    batch = draw(st.integers(1, 2))
    return dict(x=(batch, in_channels, *size), w=(out_channels, in_channels // groups, *kernel),
                options=dict(stride=stride, padding=padding, dilation=dilation, groups=groups))


@settings(max_examples=12)
@given(setting=conv_settings(), dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_drawn_convolutions_match_torch(setting, dtype, seed, pairing):
    options = setting["options"]
    case = Case("conv2d_drawn", fn=lambda ns, x, w, b: ns.nn.functional.conv2d(x, w, b, **options),
                args=(farg(*setting["x"]), farg(*setting["w"]), farg(setting["w"][0])))
    result = check(case, pairing, dtype, seed)
    assert result.passed, f"{options}: {result.message}"


@st.composite
def transposed_settings(draw):
    groups = draw(st.sampled_from([1, 2]))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride, dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3))), (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    size = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    padding = tuple(draw(st.integers(0, max(0, ((n - 1) * s + d * (k - 1)) // 2)))
                    for n, s, d, k in zip(size, stride, dilation, kernel))
    return dict(x=(draw(st.integers(1, 2)), in_channels, *size), w=(in_channels, out_channels // groups, *kernel),
                b=out_channels, options=dict(stride=stride, padding=padding, output_padding=output_padding,
                                             groups=groups, dilation=dilation))


@settings(max_examples=12)
@given(setting=transposed_settings(), dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_drawn_transposed_convolutions_match_torch(setting, dtype, seed, pairing):
    options = setting["options"]
    case = Case("conv_transpose2d_drawn", fn=lambda ns, x, w, b: ns.nn.functional.conv_transpose2d(x, w, b, **options),
                args=(farg(*setting["x"]), farg(*setting["w"]), farg(setting["b"])))
    result = check(case, pairing, dtype, seed)
    assert result.passed, f"{options}: {result.message}"


def test_transposed_chunked_over_the_batch_matches_one_pass(monkeypatch):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in ((5, 2, 3, 4), (2, 3, 3, 3), (3,))]

    def run():
        x, w, b = (tinygrad_lr.tensor(a, requires_grad=True) for a in arrays)
        out = tinygrad_lr.nn.functional.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
        out.backward(tinygrad_lr.tensor(np.linspace(-1, 1, out.numel()).reshape(out.shape)))
        return [out.detach().numpy(), x.grad.numpy(), w.grad.numpy(), b.grad.numpy()]

    whole = run()
    per_sample = 3 * 3 * 3 * 3 * 4 * 8  # one sample's columns: C_out·kh·kw·H·W float64s
    monkeypatch.setattr(conv_ops, "CHUNK_BYTES", 2 * per_sample)
    for ours, reference in zip(run(), whole):
        np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-12)
