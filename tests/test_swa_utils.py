"""torch.optim.swa_utils against live PyTorch: AveragedModel (running mean, EMA, use_buffers),
SWALR's lr sequence, update_bn's recomputed statistics."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr
from compare.convert import load_into_ours


def model(ns):
    return ns.nn.Sequential(ns.nn.Linear(3, 4), ns.nn.BatchNorm1d(4), ns.nn.Tanh(), ns.nn.Linear(4, 2))


def both_models():
    torch.manual_seed(0)
    theirs = model(torch).double()
    ours = load_into_ours(model(tinygrad_lr).double(), theirs)
    return ours, theirs


def train_with_averaging(ns, net, averaged, steps=6):
    opt = ns.optim.SGD(net.parameters(), lr=0.1)
    x = ns.tensor(np.random.default_rng(0).standard_normal((8, 3)))
    for _ in range(steps):
        opt.zero_grad()
        net(x).square().mean().backward()
        opt.step()
        averaged.update_parameters(net)


@pytest.mark.parametrize("kind", ["swa", "ema_multi", "ema", "swa_multi", "use_buffers"])
def test_averaged_model_matches_torch(kind):
    ours, theirs = both_models()
    averaged = []
    for ns, net in ((tinygrad_lr, ours), (torch, theirs)):
        u = ns.optim.swa_utils
        options = {"swa": {}, "ema_multi": {"multi_avg_fn": u.get_ema_multi_avg_fn(0.9)},
                   "ema": {"avg_fn": u.get_ema_avg_fn(0.8)}, "swa_multi": {"multi_avg_fn": u.get_swa_multi_avg_fn()},
                   "use_buffers": {"use_buffers": True}}[kind]
        avg = u.AveragedModel(net, **options)
        train_with_averaging(ns, net, avg)
        averaged.append(avg)
    mine, reference = averaged[0].state_dict(), averaged[1].state_dict()
    assert list(mine) == list(reference)
    for key, value in reference.items():
        np.testing.assert_allclose(mine[key].numpy(), value.numpy(), rtol=1e-12, atol=1e-14, err_msg=key)
    assert int(averaged[0].n_averaged) == 6 and str(averaged[0].n_averaged.dtype) == "torch.int64"


def test_update_bn_matches_torch():
    ours, theirs = both_models()
    data = np.random.default_rng(1).standard_normal((12, 3))
    for ns, net in ((tinygrad_lr, ours), (torch, theirs)):
        loader = ns.utils.data.DataLoader(ns.utils.data.TensorDataset(ns.tensor(data)), batch_size=4)
        net.eval()
        ns.optim.swa_utils.update_bn(loader, net)
        assert not net.training and net[1].momentum == 0.1
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), value.numpy(), rtol=1e-12, atol=1e-14,
                                   err_msg=key)


@pytest.mark.parametrize("options", [dict(swa_lr=0.05), dict(swa_lr=[0.02, 0.05], anneal_epochs=4,
                                                                 anneal_strategy="linear"),
                                     dict(swa_lr=0.01, anneal_epochs=0)])
def test_swalr_matches_torch(options):
    sequences = []
    for ns in (tinygrad_lr, torch):
        groups = [{"params": [ns.zeros(1, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(2)]
        opt = ns.optim.SGD(groups, lr=0.1)
        scheduler = ns.optim.swa_utils.SWALR(opt, **options)
        lrs = [scheduler.get_last_lr()]
        for _ in range(12):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        sequences.append(lrs)
        state = scheduler.state_dict()
    assert sequences[0] == sequences[1]
    assert "anneal_func" not in state


def test_errors_match_torch():
    def error(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the type is compared
            return type(e), str(e)
    for call in (lambda ns: ns.optim.swa_utils.get_ema_multi_avg_fn(1.5),
                 lambda ns: ns.optim.swa_utils.SWALR(ns.optim.SGD([ns.zeros(1, requires_grad=True)]), 0.1,
                                                     anneal_strategy="exp"),
                 lambda ns: ns.optim.swa_utils.SWALR(ns.optim.SGD([ns.zeros(1, requires_grad=True)]), 0.1,
                                                     anneal_epochs=-1)):
        assert error(lambda: call(torch)) is not None and error(lambda: call(tinygrad_lr)) == error(lambda: call(torch))
