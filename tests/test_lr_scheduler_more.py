"""The schedulers beyond Step/MultiStep/Exponential/Lambda/Plateau against live PyTorch: the lr (and,
for the cyclic ones, the momentum or beta1) after every step, exactly; state dicts; errors."""
from __future__ import annotations

import warnings

import pytest
import torch

import tinygrad_lr
from tinygrad_lr import optim


def optimizers(kind="SGD", groups=2, **options):
    ours = [{"params": [tinygrad_lr.zeros(1, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)]
    theirs = [{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)]
    return getattr(optim, kind)(ours, lr=0.1, **options), getattr(torch.optim, kind)(theirs, lr=0.1, **options)


def momenta(opt):
    return [(g.get("momentum"), tuple(g["betas"]) if "betas" in g else None) for g in opt.param_groups]


def run(make, steps=25, kind="SGD", epochs=None, **options):
    """Step both schedulers side by side; every lr (and momentum) must be equal as floats."""
    opt_ours, opt_theirs = optimizers(kind, **options)
    ours, theirs = make(optim.lr_scheduler, opt_ours), make(torch.optim.lr_scheduler, opt_theirs)
    assert ours.get_last_lr() == theirs.get_last_lr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the epoch argument's deprecation warning
        for i in range(steps):
            opt_ours.step()
            opt_theirs.step()
            if epochs is None:
                ours.step()
                theirs.step()
            else:
                ours.step(epochs[i])
                theirs.step(epochs[i])
            assert ours.get_last_lr() == theirs.get_last_lr(), i
            assert [g["lr"] for g in opt_ours.param_groups] == [g["lr"] for g in opt_theirs.param_groups]
            assert momenta(opt_ours) == momenta(opt_theirs)
    assert getattr(ours, "last_epoch", None) == getattr(theirs, "last_epoch", None)
    return ours, theirs


S = optim.lr_scheduler
SCHEDULES = {
    "cosine": lambda m, o: m.CosineAnnealingLR(o, T_max=7),
    "cosine_eta_min": lambda m, o: m.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
    "warm_restarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=4),
    "warm_restarts_mult": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
    "linear": lambda m, o: m.LinearLR(o, start_factor=0.25, total_iters=6),
    "linear_down": lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=8),
    "constant": lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=4),
    "polynomial": lambda m, o: m.PolynomialLR(o, total_iters=10, power=2.0),
    "multiplicative": lambda m, o: m.MultiplicativeLR(o, lambda epoch: 0.95 if epoch % 2 else 0.9),
    "sequential": lambda m, o: m.SequentialLR(o, [m.LinearLR(o, 0.1, total_iters=3), m.ExponentialLR(o, 0.9),
                                                  m.CosineAnnealingLR(o, T_max=6)], milestones=[4, 12]),
    "chained": lambda m, o: m.ChainedScheduler([m.ConstantLR(o, 0.5, total_iters=5), m.ExponentialLR(o, 0.9)]),
    "cyclic": lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=4),
    "cyclic_triangular2": lambda m, o: m.CyclicLR(o, [0.01, 0.02], 0.2, step_size_up=3, step_size_down=5,
                                                  mode="triangular2"),
    "cyclic_exp_range": lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="exp_range", gamma=0.9),
    "cyclic_scale_fn": lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 0.8 ** x,
                                               scale_mode="iterations"),
    "one_cycle": lambda m, o: m.OneCycleLR(o, max_lr=1.0, total_steps=25),
    "one_cycle_linear_three_phase": lambda m, o: m.OneCycleLR(o, max_lr=[0.5, 1.0], epochs=5, steps_per_epoch=5,
                                                              anneal_strategy="linear", three_phase=True),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_torch(name):
    run(SCHEDULES[name], momentum=0.9)


@pytest.mark.parametrize("name", ["cyclic", "one_cycle"])
def test_cyclic_schedules_move_adams_beta1(name):
    run(SCHEDULES[name], kind="Adam")


@pytest.mark.parametrize("name", ["cosine", "linear", "constant", "polynomial", "warm_restarts_mult"])
def test_closed_forms_with_an_epoch_argument(name):
    epochs = [0, 1, 3, 2, 7, 9, 4, 12, 5, 15] if name != "warm_restarts_mult" else [0.5, 1, 2.25, 4, 9.5, 3, 20, 7]
    run(SCHEDULES[name], steps=len(epochs), epochs=epochs, momentum=0.9)


def test_epoch_argument_warns_as_torch_does():
    opt, _ = optimizers()
    scheduler = S.CosineAnnealingLR(opt, 5)
    opt.step()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
        scheduler.step(2)


def test_get_lr_outside_step_warns():
    opt, _ = optimizers()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        S.LinearLR(opt).get_lr()


@pytest.mark.parametrize("name", ["cosine", "warm_restarts_mult", "cyclic_triangular2", "one_cycle", "sequential",
                                  "chained", "linear"])
def test_state_dict_keys_values_and_resume(name):
    ours, theirs = run(SCHEDULES[name], steps=6, momentum=0.9)
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert set(mine) == set(reference)

    def plain(d):  # nested scheduler state dicts compare key by key; functions are not part of a state
        return {k: ([plain(v) for v in value] if k == "_schedulers" else value) for k, value in d.items()
                if k not in ("_scale_fn_ref", "lr_lambdas")}
    assert plain(mine) == plain(reference)
    # a fresh scheduler loaded from the state continues the same sequence
    opt_ours, opt_theirs = optimizers(momentum=0.9)
    resumed = SCHEDULES[name](optim.lr_scheduler, opt_ours)
    resumed.load_state_dict(mine)
    for group, saved in zip(opt_ours.param_groups, ours.optimizer.param_groups):
        group.update({k: v for k, v in saved.items() if k != "params"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(4):
            resumed.step()
            theirs.step()
            assert resumed.get_last_lr() == theirs.get_last_lr()


def _error(make):
    try:
        make()
    except Exception as e:  # noqa: BLE001 - the type is compared
        return type(e), str(e)
    return None


@pytest.mark.parametrize("make", [
    lambda m, o: m.LinearLR(o, start_factor=0),
    lambda m, o: m.LinearLR(o, end_factor=1.5),
    lambda m, o: m.ConstantLR(o, factor=2),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    lambda m, o: m.OneCycleLR(o, 1.0),
    lambda m, o: m.OneCycleLR(o, 1.0, total_steps=10, pct_start=2),
    lambda m, o: m.OneCycleLR(o, 1.0, total_steps=10, anneal_strategy="exp"),
    lambda m, o: m.OneCycleLR(o, [1.0], total_steps=10),
    lambda m, o: m.CyclicLR(o, 0.1, 1.0, mode="sine"),
    lambda m, o: m.SequentialLR(o, [m.ConstantLR(o)], milestones=[3]),
    lambda m, o: m.SequentialLR(o, [], milestones=[]),
    lambda m, o: m.ChainedScheduler([m.ReduceLROnPlateau(o)]),
    lambda m, o: m.MultiplicativeLR(o, 0.9),
    lambda m, o: m.StepLR(o, 2, verbose=True),  # PyTorch 2.13 no longer takes verbose
    lambda m, o: m.CosineAnnealingLR(o, 2, verbose=True),
])
def test_errors_match_torch(make):
    opt_ours, opt_theirs = optimizers(momentum=0.9)
    ours, theirs = _error(lambda: make(optim.lr_scheduler, opt_ours)), _error(lambda: make(torch.optim.lr_scheduler,
                                                                                        opt_theirs))
    assert theirs is not None and ours == theirs


def test_one_cycle_past_total_steps_raises():
    opt, _ = optimizers(momentum=0.9)
    scheduler = S.OneCycleLR(opt, 1.0, total_steps=2)
    opt.step()
    scheduler.step()
    scheduler.step()
    with pytest.raises(ValueError, match="Tried to step 3 times. The specified number of total steps is 2"):
        scheduler.step()


def test_cycle_momentum_needs_momentum():
    opt = optim.Adagrad([tinygrad_lr.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        S.OneCycleLR(opt, 1.0, total_steps=5)


def test_scheduler_step_before_optimizer_step_warns_like_torch():
    for ns in (tinygrad_lr, torch):
        opt = ns.optim.SGD([ns.zeros(1, requires_grad=True)], lr=0.1)
        scheduler = ns.optim.lr_scheduler.StepLR(opt, 2)
        with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`"):
            scheduler.step()
    for ns in (tinygrad_lr, torch):  # in the right order: silent
        opt = ns.optim.SGD([ns.zeros(1, requires_grad=True)], lr=0.1)
        scheduler = ns.optim.lr_scheduler.StepLR(opt, 2)
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scheduler.step()


def test_an_optimizer_with_a_scheduler_still_pickles():
    import pickle
    p = tinygrad_lr.zeros(2, requires_grad=True)
    opt = optim.Adam([p], lr=0.1)
    S.StepLR(opt, 2)
    p.grad = tinygrad_lr.ones(2)
    opt.step()
    copy = pickle.loads(pickle.dumps(opt))
    assert copy.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    assert copy.state_dict()["state"][0]["exp_avg"].tolist() == opt.state_dict()["state"][0]["exp_avg"].tolist()


@pytest.mark.parametrize("name", ["cosine", "linear", "polynomial", "one_cycle", "cyclic"])
def test_resuming_with_last_epoch_matches_torch(name):
    """A scheduler built with last_epoch=k on an optimizer that already has ``initial_lr``."""
    def make(m, o):
        SCHEDULES[name](m, o)  # sets initial_lr (and max_lr, momenta) in the groups
        resumed = {"cosine": lambda: m.CosineAnnealingLR(o, T_max=7, last_epoch=3),
                   "linear": lambda: m.LinearLR(o, start_factor=0.25, total_iters=6, last_epoch=2),
                   "polynomial": lambda: m.PolynomialLR(o, total_iters=10, power=2.0, last_epoch=4),
                   "one_cycle": lambda: m.OneCycleLR(o, max_lr=1.0, total_steps=30, last_epoch=5),
                   "cyclic": lambda: m.CyclicLR(o, 0.01, 0.1, step_size_up=4, last_epoch=6)}[name]
        return resumed()
    run(make, steps=10, momentum=0.9)
