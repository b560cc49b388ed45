"""Optimizers against live PyTorch: identical parameters and gradient sequences, every step compared."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lr
from tinygrad_lr import optim

SHAPES = [(3, 4), (5,), ()]
TOLERANCE = {np.float32: dict(rtol=2e-6, atol=1e-7), np.float64: dict(rtol=1e-10, atol=1e-12)}


def make_params(dtype, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
    ours = [tinygrad_lr.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


def gradients(dtype, steps, seed=1):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(shape).astype(dtype) for shape in SHAPES] for _ in range(steps)]


def assert_params_close(ours, theirs, dtype, step):
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **TOLERANCE[dtype],
                                   err_msg=f"parameter {i} after step {step}")


def run_and_compare(name, kwargs, dtype=np.float32, steps=6, skip=None):
    """Step both frameworks with the same gradients; ``skip`` names a parameter left without a gradient."""
    ours, theirs = make_params(dtype)
    opt_ours = getattr(optim, name)(ours, **kwargs)
    opt_theirs = getattr(torch.optim, name)(theirs, **kwargs)
    for step, grads in enumerate(gradients(dtype, steps)):
        for i, (a, b, g) in enumerate(zip(ours, theirs, grads)):
            if i == skip:
                continue
            a.grad = tinygrad_lr.tensor(g)
            b.grad = torch.tensor(g)
        opt_ours.step()
        opt_theirs.step()
        assert_params_close(ours, theirs, dtype, step)
    return opt_ours, opt_theirs, ours, theirs


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict()),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, weight_decay=0.01, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.9), maximize=True)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.001, alpha=0.9, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.001, momentum=0.9, centered=True)),
    ("RMSprop", dict(lr=0.001, centered=True, maximize=True, alpha=0.3)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", CASES, ids=lambda c: str(c))
def test_trajectory_matches_torch(name, kwargs, dtype):
    run_and_compare(name, kwargs, dtype)


@pytest.mark.parametrize("name,kwargs", CASES[::3], ids=lambda c: str(c))
def test_params_without_grad_are_skipped(name, kwargs):
    opt_ours, opt_theirs, ours, _ = run_and_compare(name, kwargs, skip=1)
    assert len(opt_ours.state) == len(opt_theirs.state)
    assert ours[1] not in opt_ours.state or not opt_ours.state[ours[1]]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_real_backward_on_quadratic(name):
    target = np.linspace(-1, 1, 12).reshape(3, 4).astype(np.float32)
    ours, theirs = make_params(np.float32)
    kwargs = dict(lr=0.05, momentum=0.5) if name in ("SGD", "RMSprop") else dict(lr=0.05)
    opt_ours = getattr(optim, name)(ours, **kwargs)
    opt_theirs = getattr(torch.optim, name)(theirs, **kwargs)
    for step in range(5):
        for opt, params, lib in ((opt_ours, ours, tinygrad_lr), (opt_theirs, theirs, torch)):
            def closure():
                opt.zero_grad()
                loss = ((params[0] - lib.tensor(target)) ** 2).sum() + (params[1] ** 2).mean() + params[2] * 3.0
                loss.backward()
                return loss
            loss = opt.step(closure)
        assert_params_close(ours, theirs, np.float32, step)


# PyTorch's CPU kernels fuse multiply-adds and its float32 sqrt is not correctly rounded, so the two
# frameworks differ by about an ulp per operation. Random hyperparameters can amplify that (a gradient
# that nearly cancels with weight decay, then divided by a small eps), so the hypothesis tests check the
# update rules in float64, where an amplified ulp is still far below the tolerance; the fixed cases
# above check float32 at ~1e-6. (RMSprop's alpha stays above 0: at alpha=0, centered, v - m*m is exactly
# 0 here and a rounding-error negative in PyTorch, whose sqrt is NaN.)
settings_fast = settings(max_examples=12, deadline=None)
unit = st.floats(0.0, 0.99)


@settings_fast
@given(lr=st.floats(1e-4, 0.5), momentum=unit, dampening=st.floats(0.0, 0.9), weight_decay=st.floats(0.0, 0.5),
       nesterov=st.booleans(), maximize=st.booleans())
def test_sgd_hypothesis(lr, momentum, dampening, weight_decay, nesterov, maximize):
    if nesterov:
        momentum, dampening = max(momentum, 0.1), 0.0
    run_and_compare("SGD", dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                nesterov=nesterov, maximize=maximize), np.float64, steps=4)


@settings_fast
@given(name=st.sampled_from(["Adam", "AdamW"]), lr=st.floats(1e-4, 0.1), beta1=unit, beta2=unit,
       eps=st.floats(1e-10, 1e-3), weight_decay=st.floats(0.0, 0.5), amsgrad=st.booleans(), maximize=st.booleans())
def test_adam_hypothesis(name, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize):
    run_and_compare(name, dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                               maximize=maximize), np.float64, steps=4)


@settings_fast
@given(lr=st.floats(1e-4, 0.1), alpha=st.floats(0.05, 0.99), eps=st.floats(1e-10, 1e-3), weight_decay=st.floats(0.0, 0.5),
       momentum=unit, centered=st.booleans(), maximize=st.booleans())
def test_rmsprop_hypothesis(lr, alpha, eps, weight_decay, momentum, centered, maximize):
    run_and_compare("RMSprop", dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                    centered=centered, maximize=maximize), np.float64, steps=4)


# ------------------------------------------------------------------------------------ state dicts
def to_torch_state(state_dict):
    """Our state dict with tensors converted to torch's, to load into a torch optimizer."""
    state = {k: {n: torch.tensor(v.numpy()) for n, v in s.items()} for k, s in state_dict["state"].items()}
    return {"state": state, "param_groups": copy.deepcopy(state_dict["param_groups"])}


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(amsgrad=True)),
                                         ("AdamW", dict()), ("RMSprop", dict(momentum=0.5, centered=True))])
def test_state_dict_round_trip_then_continue(name, kwargs):
    opt_ours, opt_theirs, ours, theirs = run_and_compare(name, kwargs, steps=3)
    saved, saved_theirs = opt_ours.state_dict(), opt_theirs.state_dict()
    assert list(saved) == ["state", "param_groups"]
    assert saved["param_groups"] == saved_theirs["param_groups"]
    assert list(saved["state"]) == list(saved_theirs["state"])
    for index, state in saved["state"].items():
        assert list(state) == list(saved_theirs["state"][index])
        for key, value in state.items():
            assert isinstance(value, tinygrad_lr.Tensor)
            assert value.dtype.name == str(saved_theirs["state"][index][key].dtype).replace("torch.", "")
            np.testing.assert_allclose(value.numpy(), saved_theirs["state"][index][key].numpy(), rtol=2e-6, atol=1e-7)
    # A fresh optimizer on copies of the parameters, loaded from the state dict, continues identically.
    fresh = [tinygrad_lr.tensor(p.detach().numpy(), requires_grad=True) for p in ours]
    fresh_torch = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in ours]
    opt_fresh = getattr(optim, name)(fresh, lr=123.0)
    opt_fresh.load_state_dict(saved)
    opt_fresh_torch = getattr(torch.optim, name)(fresh_torch, lr=123.0)
    opt_fresh_torch.load_state_dict(to_torch_state(saved))
    assert opt_fresh.param_groups[0]["lr"] == opt_ours.param_groups[0]["lr"]
    assert opt_fresh.param_groups[0]["params"][0] is fresh[0]
    for step, grads in enumerate(gradients(np.float32, 3, seed=7)):
        for a, b, g in zip(fresh, fresh_torch, grads):
            a.grad, b.grad = tinygrad_lr.tensor(g), torch.tensor(g)
        opt_fresh.step()
        opt_fresh_torch.step()
        assert_params_close(fresh, fresh_torch, np.float32, step)
    # The loaded state is a copy: the original optimizer's buffers did not move.
    for index, state in opt_ours.state_dict()["state"].items():
        for key, value in state.items():
            np.testing.assert_array_equal(value.numpy(), saved["state"][index][key].numpy())


def test_load_state_dict_casts_to_param_dtype():
    p = tinygrad_lr.zeros(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = tinygrad_lr.ones(3)
    opt.step()
    q = tinygrad_lr.zeros(3, dtype=tinygrad_lr.float64, requires_grad=True)
    opt64 = optim.SGD([q], lr=0.1, momentum=0.9)
    opt64.load_state_dict(opt.state_dict())
    assert opt64.state[q]["momentum_buffer"].dtype is tinygrad_lr.float64


def test_load_state_dict_mismatch_raises_and_changes_nothing():
    a, b = tinygrad_lr.zeros(2, requires_grad=True), tinygrad_lr.zeros(3, requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1)
    one_group = optim.SGD([a], lr=0.5).state_dict()
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(one_group)
    two_groups = optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.5).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(two_groups)
    assert opt.param_groups[0]["lr"] == 0.1 and len(opt.param_groups) == 1
    assert opt.param_groups[0]["params"][0] is a and opt.param_groups[0]["params"][1] is b


# ------------------------------------------------------------------------------ groups and repr
def test_param_groups_with_per_group_options_match_torch():
    ours, theirs = make_params(np.float32)
    opt_ours = optim.SGD([{"params": ours[:2]}, {"params": ours[2:], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    opt_theirs = torch.optim.SGD([{"params": theirs[:2]}, {"params": theirs[2:], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert repr(opt_ours) == repr(opt_theirs)
    assert opt_ours.state_dict()["param_groups"] == opt_theirs.state_dict()["param_groups"]
    for step, grads in enumerate(gradients(np.float32, 3)):
        for a, b, g in zip(ours, theirs, grads):
            a.grad, b.grad = tinygrad_lr.tensor(g), torch.tensor(g)
        opt_ours.step()
        opt_theirs.step()
        assert_params_close(ours, theirs, np.float32, step)


@pytest.mark.parametrize("name,kwargs", CASES[::2], ids=lambda c: str(c))
def test_repr_and_defaults_match_torch(name, kwargs):
    ours, theirs = make_params(np.float32)
    opt_ours, opt_theirs = getattr(optim, name)(ours, **kwargs), getattr(torch.optim, name)(theirs, **kwargs)
    assert repr(opt_ours) == repr(opt_theirs)
    assert opt_ours.defaults == opt_theirs.defaults


def test_add_param_group():
    ours, theirs = make_params(np.float32)
    opt_ours, opt_theirs = optim.Adam(ours[:1], lr=0.1), torch.optim.Adam(theirs[:1], lr=0.1)
    opt_ours.add_param_group({"params": ours[1:], "lr": 0.01})
    opt_theirs.add_param_group({"params": theirs[1:], "lr": 0.01})
    assert repr(opt_ours) == repr(opt_theirs)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt_ours.add_param_group({"params": ours[0]})


def test_zero_grad():
    p = tinygrad_lr.ones(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    view = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is view and p.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_updates_are_in_place():
    p = tinygrad_lr.ones(3, requires_grad=True)
    view, array = p.data, p._data
    opt = optim.Adam([p], lr=0.1)
    p.grad = tinygrad_lr.ones(3)
    opt.step()
    assert p._data is array and view.tolist() == p.tolist() and p.tolist() != [1.0, 1.0, 1.0]
    assert p.dtype is tinygrad_lr.float32 and opt.state[p]["exp_avg"].dtype is tinygrad_lr.float32


# ---------------------------------------------------------------------------------------- errors
ERRORS = [
    ("SGD", dict(lr=-1.0)), ("SGD", dict(momentum=-0.5)), ("SGD", dict(weight_decay=-1)),
    ("SGD", dict(nesterov=True)), ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1)),
    ("Adam", dict(lr=-1.0)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.0, 0.9))),
    ("Adam", dict(betas=(0.9, -0.1))), ("AdamW", dict(weight_decay=-0.1)),
    ("RMSprop", dict(alpha=-0.5)), ("RMSprop", dict(momentum=-1.0)), ("RMSprop", dict(eps=-1.0)),
]


def raised(fn):
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - we compare whatever was raised
        return type(error), str(error)
    return None


@pytest.mark.parametrize("name,kwargs", ERRORS, ids=lambda c: str(c))
def test_invalid_hyperparameters_raise_like_torch(name, kwargs):
    ours = raised(lambda: getattr(optim, name)([tinygrad_lr.zeros(1, requires_grad=True)], **kwargs))
    theirs = raised(lambda: getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **kwargs))
    assert theirs is not None and ours == theirs


def test_invalid_params_raise_like_torch():
    cases = [
        (lambda lib: [], "empty"),
        (lambda lib: lib.zeros(2, requires_grad=True), "tensor"),
        (lambda lib: [lib.zeros(2, requires_grad=True) * 2], "non-leaf"),
        (lambda lib: [1.0], "number"),
        (lambda lib: [{"params": {lib.zeros(1, requires_grad=True)}}], "set"),
    ]
    for make, label in cases:
        ours = raised(lambda: optim.SGD(make(tinygrad_lr), lr=0.1))
        theirs = raised(lambda: torch.optim.SGD(make(torch), lr=0.1))
        assert theirs is not None and ours == theirs, label


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1)),
                                         ("Adam", dict(lr=0.1, amsgrad=True)), ("AdamW", dict(lr=0.1)),
                                         ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True))])
def test_on_device_matches_cpu(device, name, kwargs):
    """The same steps on ``device`` (CuPy arrays on CUDA) as on the CPU; state stays on the device."""
    cpu, _ = make_params(np.float32)
    moved = [tinygrad_lr.tensor(p.detach().numpy(), device=device, requires_grad=True) for p in cpu]
    opt_cpu, opt_dev = getattr(optim, name)(cpu, **kwargs), getattr(optim, name)(moved, **kwargs)
    for grads in gradients(np.float32, 3):
        for a, b, g in zip(cpu, moved, grads):
            a.grad, b.grad = tinygrad_lr.tensor(g), tinygrad_lr.tensor(g, device=device)
        opt_cpu.step()
        opt_dev.step()
    for a, b in zip(cpu, moved):
        assert b.device == tinygrad_lr.device(device) and b.dtype is tinygrad_lr.float32
        np.testing.assert_allclose(b.detach().cpu().numpy(), a.detach().numpy(), rtol=1e-5, atol=1e-6)
    for key, value in opt_dev.state[moved[0]].items():
        assert value.device == (tinygrad_lr.device("cpu") if key == "step" else tinygrad_lr.device(device))
