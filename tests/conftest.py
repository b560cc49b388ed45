"""Shared test setup: device parametrization and the hypothesis profile.

``device`` (our device: "cpu", "cuda") and ``pairing`` (ours vs PyTorch, see compare.devices)
are parametrized fixtures; CUDA params skip with the reason when the machine lacks CuPy, a GPU or
a CUDA build of torch, so a CPU-only run shows them as skipped rather than hiding them.

Hypothesis: the "ci" profile (the default) keeps runs short and repeatable: few examples per
test, no deadline (the first call of an op pays import and allocation costs), derandomized so a
failure reproduces on every run and every xdist worker. HYPOTHESIS_PROFILE=dev explores more.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from compare.devices import pairing_name, unavailable_reason
from compare.registry import PAIRINGS

settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors])
settings.register_profile("dev", max_examples=100, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.differing_executors])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The suite runs on 2 cores with 2 xdist workers: PyTorch's own intra-op threads on top of that
# oversubscribe the cores (a parity case took 0.79 s per run with 2 torch threads vs 0.06 s with 1).
# The reference results do not depend on the thread count at the sizes the tests use.
import torch  # noqa: E402

torch.set_num_threads(1)


def _cuda_reason() -> str | None:
    import tinygrad_lr
    return None if tinygrad_lr.cuda.is_available() else "CUDA unavailable: CuPy not installed or no GPU"


def _param(value, reason: str | None, test_id: str):
    if reason is None:
        return pytest.param(value, id=test_id, marks=[pytest.mark.cuda] if "cuda" in test_id else [])
    return pytest.param(value, id=test_id, marks=[pytest.mark.cuda, pytest.mark.skip(reason=reason)])


PAIRING_PARAMS = [_param(p, unavailable_reason(p), pairing_name(p)) for p in PAIRINGS]
DEVICE_PARAMS = [_param("cpu", None, "cpu"), _param("cuda", _cuda_reason(), "cuda")]


@pytest.fixture(scope="session", params=PAIRING_PARAMS)
def pairing(request):
    """A device pairing (ours, reference), e.g. ("numpy", "torch-cpu")."""
    return request.param


@pytest.fixture(scope="session", params=DEVICE_PARAMS)
def device(request):
    """Our device: "cpu" always, "cuda" when CuPy sees a GPU."""
    return request.param


def pytest_runtest_setup(item):
    """Undo hypothesis' settings chain on parametrized tests before each run.

    For every parametrized item, hypothesis' pytest plugin wraps the test function's settings in one
    more ``settings(parent=...)`` layer on the same function object, so after ~1,000 parameters of
    one test (the op registry has thousands) reading a setting recurses past Python's limit
    (RecursionError in ``settings.database``). Restoring the settings the function was defined with
    keeps the chain one layer deep.
    """
    fn = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
    if fn is None or not hasattr(fn, "_hypothesis_internal_use_settings"):
        return
    original = fn.__dict__.setdefault("_tinygrad_lr_original_settings", fn._hypothesis_internal_use_settings)
    fn._hypothesis_internal_use_settings = original
