"""Every module, loss, model, optimizer and training case of the registry against PyTorch, in
float32 and float64, on every device pairing (fixed shapes; two seeds of values)."""
from __future__ import annotations

import pytest

from compare import all_cases, check
from compare.registry import DTYPES

CASES = [c for kind in ("module", "loss", "optimizer", "training") for c in all_cases(kind=kind)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matches_torch(case, dtype, pairing):
    if dtype not in case.dtypes or tuple(pairing) not in case.pairings:
        pytest.skip(f"{case.name} does not run on {pairing} in {dtype}")
    seeds = (0,) if case.kind == "training" else (0, 1)
    for seed in seeds:
        result = check(case, pairing, dtype, seed)
        assert result.passed, f"seed {seed}: {result.message}"


def test_every_layer_loss_and_optimizer_has_a_case():
    import tinygrad_lr
    names = {c.name.split("_")[0] for c in CASES}
    for name in tinygrad_lr.nn.__all__:
        if name not in {"Module", "ModuleDict", "ModuleList", "Parameter", "Sequential", "functional", "init"}:
            assert name in names, f"nn.{name} has no parity case in compare/cases_nn.py"
    for name in tinygrad_lr.optim.__all__:
        if name not in {"Optimizer", "lr_scheduler", "swa_utils"}:
            assert name in names, f"optim.{name} has no parity case in compare/cases_training.py"


def test_state_dict_round_trip():
    import numpy as np
    import torch

    import tinygrad_lr
    from compare.convert import load_into_ours, load_into_torch
    from compare.cases_nn import neural_network_v2

    torch.manual_seed(0)
    reference = neural_network_v2(torch)
    ours = load_into_ours(neural_network_v2(tinygrad_lr), reference)
    assert list(ours.state_dict()) == list(reference.state_dict())
    back = load_into_torch(neural_network_v2(torch), ours)
    for key, value in reference.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key].numpy(), value.numpy())
        np.testing.assert_array_equal(np.asarray(ours.state_dict()[key]), value.numpy())
