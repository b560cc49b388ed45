"""Learning-rate schedulers against live PyTorch: the lr sequence, step by step."""
from __future__ import annotations

import warnings

import pytest
import torch

import tinygrad_lr
from tinygrad_lr import optim


def pair(lr=0.1, groups=1):
    ours = [{"params": [tinygrad_lr.zeros(1, requires_grad=True)], "lr": lr * (i + 1)} for i in range(groups)]
    theirs = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr * (i + 1)} for i in range(groups)]
    return optim.SGD(ours, lr=lr), torch.optim.SGD(theirs, lr=lr)


def lr_sequences(make, steps=12, groups=2):
    opt_ours, opt_theirs = pair(groups=groups)
    ours, theirs = make(optim.lr_scheduler, opt_ours), make(torch.optim.lr_scheduler, opt_theirs)
    seq_ours, seq_theirs = [ours.get_last_lr()], [theirs.get_last_lr()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(steps):
            opt_ours.step()
            opt_theirs.step()
            ours.step()
            theirs.step()
            seq_ours.append(ours.get_last_lr())
            seq_theirs.append(theirs.get_last_lr())
            assert [g["lr"] for g in opt_ours.param_groups] == [g["lr"] for g in opt_theirs.param_groups]
    assert ours.last_epoch == theirs.last_epoch
    return seq_ours, seq_theirs


@pytest.mark.parametrize("make", [
    lambda m, o: m.StepLR(o, step_size=3),
    lambda m, o: m.StepLR(o, step_size=2, gamma=0.5),
    lambda m, o: m.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    lambda m, o: m.ExponentialLR(o, gamma=0.9),
    lambda m, o: m.LambdaLR(o, lambda epoch: 1 / (epoch + 1)),
], ids=["step3", "step2-half", "multistep", "exponential", "lambda"])
def test_schedules_match_torch(make):
    ours, theirs = lr_sequences(make)
    assert ours == theirs  # exact: the same float operations in the same order


def test_state_dict_matches_torch_keys():
    opt_ours, opt_theirs = pair()
    ours, theirs = optim.lr_scheduler.StepLR(opt_ours, 2), torch.optim.lr_scheduler.StepLR(opt_theirs, 2)
    assert set(ours.state_dict()) <= set(theirs.state_dict())
    for key in ("step_size", "gamma", "base_lrs", "last_epoch", "_step_count", "_last_lr"):
        assert ours.state_dict()[key] == theirs.state_dict()[key]
    assert "initial_lr" in opt_ours.param_groups[0]


def test_load_state_dict_resumes():
    opt, _ = pair()
    first = optim.lr_scheduler.StepLR(opt, 2)
    for _ in range(3):
        first.step()
    second = optim.lr_scheduler.StepLR(opt, 5)
    second.load_state_dict(first.state_dict())
    assert second.step_size == 2 and second.last_epoch == 3


LOSSES = [1.0, 0.9, 0.95, 0.95, 0.95, 0.89995, 0.96, 0.97, 0.98, 0.5, 0.5, 0.5, 0.5, 0.51, 0.52, 0.3, 0.3, 0.3,
          0.3, 0.3, 0.3, 0.3, 0.3, 0.2999]


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(patience=1),
    dict(patience=2, factor=0.5, cooldown=2),
    dict(patience=0, threshold=0.05, threshold_mode="abs"),
    dict(patience=1, threshold=0.1, threshold_mode="rel", min_lr=0.02),
    dict(mode="max", patience=1, factor=0.5),
    dict(mode="max", patience=0, threshold=0.01, threshold_mode="abs", cooldown=1),
    dict(patience=0, min_lr=[0.05, 0.001], factor=0.2),
    dict(patience=0, factor=0.9, eps=0.05),
])
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    opt_ours, opt_theirs = pair(groups=2)
    ours = optim.lr_scheduler.ReduceLROnPlateau(opt_ours, **kwargs)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(opt_theirs, **kwargs)
    for loss in LOSSES:
        ours.step(tinygrad_lr.tensor(loss, dtype=tinygrad_lr.float64))  # a 0-d tensor metric, as from a loss
        theirs.step(loss)
        assert ours.get_last_lr() == theirs.get_last_lr()
        assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter, ours.last_epoch) == \
            (theirs.best, theirs.num_bad_epochs, theirs.cooldown_counter, theirs.last_epoch)


@pytest.mark.parametrize("kwargs", [dict(factor=1.0), dict(mode="middle"), dict(threshold_mode="both"),
                                    dict(min_lr=[0.1, 0.2, 0.3])])
def test_reduce_lr_on_plateau_errors_match_torch(kwargs):
    opt_ours, opt_theirs = pair(groups=2)
    with pytest.raises(ValueError) as ours:
        optim.lr_scheduler.ReduceLROnPlateau(opt_ours, **kwargs)
    with pytest.raises(ValueError) as theirs:
        torch.optim.lr_scheduler.ReduceLROnPlateau(opt_theirs, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        optim.lr_scheduler.StepLR([], 2)
