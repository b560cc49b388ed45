"""Normalization, padding, upsampling and channel-dropout layers against live PyTorch: what the
parity registry does not cover (errors and their messages, repr, buffers in state_dict, dtypes,
devices and dtype moves, training-mode dropout statistics, float32 accuracy far from zero).
Values and gradients are checked by compare/cases_normalization.py and compare/cases_vision.py."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lr as tg
from tinygrad_lr import nn


def both(build):
    """``build(ns)`` in both frameworks, ours loaded with torch's state."""
    from compare.convert import load_into_ours
    torch.manual_seed(0)
    theirs = build(torch)
    mine = build(tg)
    if list(theirs.state_dict()):
        load_into_ours(mine, theirs)
    return mine, theirs


def same_error(call):
    """``call(ns)`` raises the same exception type and message in both frameworks."""
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as mine:
        call(tg)
    assert str(mine.value) == str(theirs.value)


# ----------------------------------------------------------------------------------- errors

@pytest.mark.parametrize("call", [
    lambda ns: ns.nn.BatchNorm1d(3)(ns.zeros(1, 3)),
    lambda ns: ns.nn.BatchNorm2d(3)(ns.zeros(1, 3, 1, 1)),
    lambda ns: ns.nn.BatchNorm1d(3)(ns.zeros(2, 3, 4, 5)),
    lambda ns: ns.nn.BatchNorm2d(3)(ns.zeros(2, 3, 4)),
    lambda ns: ns.nn.BatchNorm3d(3)(ns.zeros(2, 3, 4)),
    lambda ns: ns.nn.BatchNorm2d(3)(ns.zeros(2, 4, 2, 2)),
    lambda ns: ns.nn.functional.batch_norm(ns.zeros(2, 3), None, None),
    lambda ns: ns.nn.functional.batch_norm(ns.zeros(2, 3), None, None, training=True, eps=0.0),
    lambda ns: ns.nn.LayerNorm(5)(ns.zeros(2, 3, 4)),
    lambda ns: ns.nn.LayerNorm([3, 4])(ns.zeros(2, 4, 4)),
    lambda ns: ns.nn.RMSNorm(4)(ns.zeros(2, 3)),
    lambda ns: ns.nn.functional.layer_norm(ns.zeros(2, 3), (3,), ns.ones(4)),
    lambda ns: ns.nn.GroupNorm(2, 3),
    lambda ns: ns.nn.GroupNorm(2, 4)(ns.zeros(2, 3, 4)),
    lambda ns: ns.nn.GroupNorm(2, 4)(ns.zeros(2, 6, 4)),
    lambda ns: ns.nn.InstanceNorm2d(3)(ns.zeros(2, 3, 1, 1)),
    lambda ns: ns.nn.InstanceNorm2d(3)(ns.zeros(2, 3)),
    lambda ns: ns.nn.InstanceNorm1d(3, affine=True)(ns.zeros(2, 4, 5)),
    lambda ns: ns.nn.Dropout2d(1.5),
    lambda ns: ns.nn.functional.dropout1d(ns.zeros(2, 3, 4, 5)),
    lambda ns: ns.nn.functional.pad(ns.zeros(2, 3), (1, 1, 1)),
    lambda ns: ns.nn.functional.pad(ns.zeros(2, 3), (1, 1, 1, 1, 1, 1)),
    lambda ns: ns.nn.functional.pad(ns.zeros(2, 3, 4, 5), (1, 1), mode="reflect"),
    lambda ns: ns.nn.functional.pad(ns.zeros(1, 1, 3, 3), (3, 3, 0, 0), mode="reflect"),
    lambda ns: ns.nn.functional.pad(ns.zeros(1, 1, 3, 3), (4, 0, 0, 0), mode="circular"),
    lambda ns: ns.nn.functional.pad(ns.zeros(2, 3), (-2, -2)),
    lambda ns: ns.nn.functional.interpolate(ns.zeros(1, 1, 2, 2), scale_factor=2, align_corners=True),
    lambda ns: ns.nn.functional.interpolate(ns.zeros(1, 1, 2, 2), size=3, scale_factor=2),
    lambda ns: ns.nn.functional.interpolate(ns.zeros(1, 1, 2, 2)),
    lambda ns: ns.nn.functional.interpolate(ns.zeros(1, 1, 2, 2), size=(2, 3, 4)),
    lambda ns: ns.nn.functional.pixel_shuffle(ns.zeros(1, 3, 2, 2), 2),
    lambda ns: ns.nn.functional.pixel_unshuffle(ns.zeros(2, 3, 5, 6), 2),
    lambda ns: ns.nn.functional.pixel_unshuffle(ns.zeros(3, 2), 2),
    lambda ns: ns.nn.functional.interpolate(ns.zeros(1, 2, 3), scale_factor=2, mode="bilinear"),
    lambda ns: ns.nn.functional.interpolate(ns.zeros(1, 2, 3, 3), scale_factor=2, mode="trilinear"),
    lambda ns: ns.nn.functional.interpolate(ns.zeros(2, 3), scale_factor=2),
], ids=lambda f: "")
def test_errors_as_pytorch(call):
    same_error(call)


def test_bad_batch_changes_no_state():
    bn = nn.BatchNorm2d(3)
    with pytest.raises(ValueError):
        bn(tg.zeros(1, 3, 1, 1))
    assert int(bn.num_batches_tracked) == 0 and bn.running_mean.tolist() == [0.0] * 3


# ------------------------------------------------------------------------------ repr and state

@pytest.mark.parametrize("build", [
    lambda ns: ns.nn.BatchNorm1d(3, momentum=None, affine=False),
    lambda ns: ns.nn.BatchNorm2d(4, eps=1e-3, track_running_stats=False),
    lambda ns: ns.nn.BatchNorm3d(2, bias=False),
    lambda ns: ns.nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
    lambda ns: ns.nn.InstanceNorm2d(3),
    lambda ns: ns.nn.LayerNorm((2, 3), bias=False),
    lambda ns: ns.nn.LayerNorm(5, elementwise_affine=False),
    lambda ns: ns.nn.RMSNorm([2, 3], eps=1e-4), lambda ns: ns.nn.RMSNorm(3, elementwise_affine=False),
    lambda ns: ns.nn.GroupNorm(2, 4, affine=False),
    lambda ns: ns.nn.Dropout1d(0.2), lambda ns: ns.nn.Dropout3d(), lambda ns: ns.nn.AlphaDropout(0.1),
    lambda ns: ns.nn.ZeroPad2d((1, 2, 3, 4)), lambda ns: ns.nn.ZeroPad1d(1), lambda ns: ns.nn.ConstantPad1d(2, 3.5),
    lambda ns: ns.nn.ConstantPad3d(1, 0.0), lambda ns: ns.nn.ReflectionPad2d(2), lambda ns: ns.nn.ReplicationPad1d(1),
    lambda ns: ns.nn.CircularPad2d((1, 0, 2, 0)), lambda ns: ns.nn.Upsample(scale_factor=2),
    lambda ns: ns.nn.Upsample(size=(3, 4), mode="bilinear", align_corners=True),
    lambda ns: ns.nn.UpsamplingNearest2d(scale_factor=2), lambda ns: ns.nn.UpsamplingBilinear2d(size=5),
    lambda ns: ns.nn.PixelShuffle(2), lambda ns: ns.nn.PixelUnshuffle(3), lambda ns: ns.nn.LocalResponseNorm(2),
], ids=lambda f: "")
def test_repr_parameters_and_buffers_as_pytorch(build):
    mine, theirs = build(tg), build(torch)
    assert repr(mine) == repr(theirs)
    assert [(k, tuple(v.shape), str(v.dtype)) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape), str(v.dtype)) for k, v in theirs.state_dict().items()]
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    for (name, ours), (_, ref) in zip(mine.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(ours.numpy(), ref.numpy(), err_msg=name)


def test_num_batches_tracked_is_an_int64_counter_that_eval_does_not_move():
    bn = nn.BatchNorm1d(2)
    assert bn.num_batches_tracked.dtype is tg.int64 and bn.num_batches_tracked.ndim == 0
    for _ in range(3):
        bn(tg.randn(4, 2))
    bn.eval()(tg.randn(4, 2))
    assert int(bn.num_batches_tracked) == 3


def test_buffers_move_with_dtype_and_load_from_torch():
    mine, theirs = both(lambda ns: ns.nn.Sequential(ns.nn.Linear(3, 3), ns.nn.BatchNorm1d(3)))
    for _ in range(2):
        theirs(torch.randn(5, 3))
    mine.load_state_dict({k: tg.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(mine[1].running_var.numpy(), theirs[1].running_var.numpy())
    assert int(mine[1].num_batches_tracked) == 2
    mine.double()
    assert mine[1].running_mean.dtype is tg.float64 and mine[1].num_batches_tracked.dtype is tg.int64
    assert [b.dtype for b in mine.buffers()] == [tg.float64, tg.float64, tg.int64]


def test_non_persistent_buffer_is_left_out_of_state_dict_but_moves():
    class WithBuffers(tg.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("kept", tg.zeros(2))
            self.register_buffer("scratch", tg.ones(2), persistent=False)

    m = WithBuffers()
    assert list(m.state_dict()) == ["kept"]
    assert [n for n, _ in m.named_buffers()] == ["kept", "scratch"]
    m.double()
    assert m.scratch.dtype is tg.float64
    m.load_state_dict({"kept": tg.tensor([3.0, 4.0])})
    assert m.kept.tolist() == [3.0, 4.0]


def test_state_dict_round_trips_through_torch():
    from compare.convert import load_into_torch
    mine, _ = both(lambda ns: ns.nn.BatchNorm2d(3))
    mine(tg.randn(4, 3, 2, 2))
    back = load_into_torch(torch.nn.BatchNorm2d(3), mine)
    assert int(back.num_batches_tracked) == 1
    np.testing.assert_array_equal(back.running_mean.numpy(), mine.running_mean.numpy())


# ----------------------------------------------------------------------------- numerics

def test_float32_far_from_zero_is_as_accurate_as_pytorch():
    """x ≈ 1000 with σ = 0.01: a one-pass variance would lose every digit; float32 rounding of
    x − μ limits both frameworks to ~0.3%, so ours must be no further from the exact answer."""
    rng = np.random.default_rng(0)
    x = (rng.uniform(-2, 2, (4, 3, 3, 3)) * 0.01 + 1000).astype(np.float32)
    x64 = x.astype(np.float64)
    exact = (x64 - x64.mean((0, 2, 3), keepdims=True)) / np.sqrt(x64.var((0, 2, 3), keepdims=True) + 1e-5)
    theirs = torch.nn.functional.batch_norm(torch.tensor(x), None, None, training=True).numpy()
    mine = tg.nn.functional.batch_norm(tg.tensor(x), None, None, training=True)
    assert mine.dtype is tg.float32
    assert np.abs(mine.numpy() - exact).max() <= np.abs(theirs - exact).max() * 1.5


@pytest.mark.parametrize("layer", ["BatchNorm1d", "LayerNorm", "GroupNorm"])
def test_outputs_and_gradients_keep_float32(layer):
    build = {"BatchNorm1d": lambda: nn.BatchNorm1d(4), "LayerNorm": lambda: nn.LayerNorm(4),
             "GroupNorm": lambda: nn.GroupNorm(2, 4)}[layer]
    m = build()
    x = tg.randn(3, 4, requires_grad=True)
    out = m(x)
    out.sum().backward()
    assert out.dtype is tg.float32 and x.grad.dtype is tg.float32 and m.weight.grad.dtype is tg.float32


@given(n=st.integers(2, 4), c=st.integers(1, 3), h=st.integers(1, 3), w=st.integers(1, 3),
       momentum=st.sampled_from([0.1, 0.5, None]))
def test_batchnorm2d_training_steps_match_torch(n, c, h, w, momentum):
    mine, theirs = both(lambda ns: ns.nn.BatchNorm2d(c, momentum=momentum))
    rng = np.random.default_rng(n * 100 + c * 10 + h + w)
    for step in range(2):
        x = rng.normal(step, 1 + step, (n, c, h, w)).astype(np.float32)
        out_mine, out_theirs = mine(tg.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(out_mine.detach().numpy(), out_theirs.detach().numpy(), rtol=1e-5, atol=1e-5)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(mine, name).numpy(), getattr(theirs, name).numpy(), rtol=1e-6,
                                   err_msg=name)


# ------------------------------------------------------------------------------ dropout

@pytest.mark.parametrize("cls,shape", [("Dropout1d", (40, 30, 5)), ("Dropout2d", (40, 30, 2, 3)),
                                       ("Dropout3d", (40, 30, 2, 2, 2))])
def test_channel_dropout_drops_whole_channels_and_rescales(cls, shape):
    tg.manual_seed(0)
    x = tg.ones(*shape, requires_grad=True)
    out = getattr(nn, cls)(0.3)(x)
    values = out.detach().numpy().reshape(shape[0], shape[1], -1)
    per_channel = values[:, :, 0]
    assert np.all(values == per_channel[:, :, None]), "a channel is kept or zeroed as a whole"
    assert np.all(np.isclose(per_channel, 0) | np.isclose(per_channel, 1 / 0.7, rtol=1e-6))
    assert 0.2 < (per_channel == 0).mean() < 0.4  # 1,200 channels, p = 0.3
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), out.detach().numpy())  # d/dx (x * noise) = noise
    assert out.grad_fn.name() == "MulBackward0"


@pytest.mark.parametrize("build,shape", [(lambda ns: ns.nn.Dropout2d(0.4), (3, 4, 2, 2)),
                                         (lambda ns: ns.nn.Dropout1d(0.3), (4, 5)),
                                         (lambda ns: ns.nn.Dropout3d(0.5), (2, 3, 1, 2, 2)),
                                         (lambda ns: ns.nn.AlphaDropout(0.2), (4, 6)),
                                         (lambda ns: ns.nn.FeatureAlphaDropout(0.3), (3, 4, 2))], ids=lambda f: "")
def test_training_mode_draws_pytorchs_masks(build, shape):
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    outs = []
    for ns in (tg, torch):
        ns.manual_seed(7)
        outs.append(build(ns)(ns.tensor(x)).numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("build,shape", [(lambda ns: ns.nn.Dropout2d(0.4, inplace=True), (3, 4, 2, 2)),
                                         (lambda ns: ns.nn.Dropout1d(0.3, inplace=True), (4, 5)),
                                         (lambda ns: lambda x: ns.nn.functional.alpha_dropout(x, 0.2, True, True), (4, 6))],
                         ids=lambda f: "")
def test_inplace_dropout_changes_the_input_with_pytorchs_gradient(build, shape):
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    results = []
    for ns in (tg, torch):
        ns.manual_seed(2)
        leaf = ns.tensor(x, requires_grad=True)
        h = leaf * 1.0
        out = build(ns)(h)
        assert out is h
        (out * out).sum().backward()
        results.append((h.detach().numpy(), leaf.grad.numpy()))
    for mine, theirs in zip(*results):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-7)


def test_dropout_unbatched_inputs_and_2d_warning():
    assert nn.Dropout1d()(tg.ones(3, 4)).shape == (3, 4)
    assert nn.Dropout3d()(tg.ones(2, 3, 3, 3)).shape == (2, 3, 3, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tg.nn.functional.dropout2d(tg.ones(2, 3, 4))
    with warnings.catch_warnings(record=True) as reference:
        warnings.simplefilter("always")
        torch.nn.functional.dropout2d(torch.ones(2, 3, 4))
    assert [str(w.message) for w in caught] == [str(w.message) for w in reference]


def test_alpha_dropout_keeps_mean_and_variance():
    tg.manual_seed(0)
    x = tg.randn(200, 200)
    out = nn.AlphaDropout(0.2)(x).numpy()
    assert abs(out.mean()) < 0.03 and abs(out.std() - 1) < 0.03
    alpha, p = 1.7580993408473766, 0.2
    a = 1 / np.sqrt((alpha * alpha * p + 1) * (1 - p))
    dropped = np.isclose(out, alpha * a * (p - 1), atol=1e-6)  # a dropped unit: a·(−α') + α'·a·p
    assert 0.15 < dropped.mean() < 0.25


# ----------------------------------------------------------------------------- padding

def test_interpolate_output_sizes_as_pytorch():
    for size in [(5, 7), 3]:
        assert tg.nn.functional.interpolate(tg.zeros(1, 1, 4, 5), size=size).shape == \
            torch.nn.functional.interpolate(torch.zeros(1, 1, 4, 5), size=size).shape
    for factor in [0.5, 1.5, 1.7, 2, (2, 0.6)]:
        assert tg.nn.functional.interpolate(tg.zeros(1, 1, 4, 5), scale_factor=factor).shape == \
            torch.nn.functional.interpolate(torch.zeros(1, 1, 4, 5), scale_factor=factor).shape


def test_unsupported_options_raise():
    with pytest.raises(NotImplementedError, match="antialias"):
        tg.nn.functional.interpolate(tg.zeros(1, 1, 4, 4), scale_factor=2, mode="bilinear", antialias=True)
    with pytest.raises(NotImplementedError, match="lanczos"):
        tg.nn.functional.interpolate(tg.zeros(1, 1, 4, 4), scale_factor=2, mode="lanczos")
    with pytest.raises(NotImplementedError, match="negative padding"):
        tg.nn.functional.pad(tg.zeros(1, 4, 4), (-1, 1), mode="reflect")


def test_layers_run_on_each_device(device):
    x = tg.randn(4, 3, 5, 5, device=device, requires_grad=True)
    m = nn.Sequential(nn.BatchNorm2d(3), nn.GroupNorm(1, 3), nn.ReflectionPad2d(1), nn.Upsample(scale_factor=2,
                                                                                                 mode="bilinear"),
                      nn.Dropout2d(0.2)).to(device)
    m(x).sum().backward()
    assert x.grad.device == x.device and m[0].running_mean.device == x.device


@pytest.mark.parametrize("path,name", [("batchnorm", "_BatchNorm"), ("batchnorm", "_NormBase"),
                                       ("instancenorm", "_InstanceNorm"), ("normalization", "LayerNorm"),
                                       ("dropout", "Dropout"), ("padding", "_ConstantPadNd"),
                                       ("upsampling", "Upsample"), ("pixelshuffle", "PixelShuffle"),
                                       ("activation", "MultiheadAttention")])
def test_nn_modules_paths_classify_layers_as_pytorch(path, name):
    """Init code asks ``isinstance(m, nn.modules.batchnorm._BatchNorm)``: same answers for the same layers."""
    import importlib
    layers = lambda ns: [ns.nn.BatchNorm1d(2), ns.nn.BatchNorm2d(2), ns.nn.InstanceNorm2d(2), ns.nn.LayerNorm(2),
                         ns.nn.GroupNorm(1, 2), ns.nn.Dropout(), ns.nn.Dropout2d(), ns.nn.ZeroPad2d(1),
                         ns.nn.ConstantPad1d(1, 2.0), ns.nn.ReflectionPad2d(1), ns.nn.Upsample(scale_factor=2),
                         ns.nn.PixelShuffle(2), ns.nn.MultiheadAttention(4, 2), ns.nn.Linear(2, 2)]  # noqa: E731
    answers = []
    for ns in (tg, torch):
        cls = getattr(importlib.import_module(f"{ns.__name__}.nn.modules.{path}"), name)
        answers.append([isinstance(m, cls) for m in layers(ns)])
    assert answers[0] == answers[1]
