"""Process-level API against live torch: threads, determinism, matmul precision, torch.compile,
torch.backends flags and the torch.cuda calls course code makes on a machine without a GPU."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import tinygrad_lr


def _run_isolated(code: str) -> str:
    """Thread settings are process-wide (and interop threads settable once): a fresh interpreter each."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            timeout=120, check=True)
    return result.stdout


def test_set_num_threads_limits_the_blas_pools():
    out = _run_isolated("""
        import threadpoolctl, tinygrad_lr
        tinygrad_lr.set_num_threads(1)
        pools = threadpoolctl.threadpool_info()
        print(tinygrad_lr.get_num_threads(), sorted({p["num_threads"] for p in pools if p["user_api"] == "blas"}))
    """)
    assert out.split() == ["1", "[1]"]


def test_threads_determinism_and_matmul_precision_as_torch():
    code = """
        import warnings
        import {ns} as torch
        for call in (lambda: torch.set_num_threads(0), lambda: torch.set_num_interop_threads(-1),
                     lambda: torch.use_deterministic_algorithms(1)):
            try:
                call()
            except Exception as error:
                print(type(error).__name__, error)
        torch.set_num_interop_threads(2)
        print(torch.get_num_interop_threads())
        try:
            torch.set_num_interop_threads(3)
        except RuntimeError as error:
            print(error)
        print(torch.are_deterministic_algorithms_enabled())
        torch.use_deterministic_algorithms(True, warn_only=True)
        print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
        print(torch.get_float32_matmul_precision(), torch.backends.cuda.matmul.allow_tf32)
        torch.set_float32_matmul_precision("high")
        print(torch.get_float32_matmul_precision(), torch.backends.cuda.matmul.allow_tf32)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.set_float32_matmul_precision("fastest")
        print(caught[0].category.__name__, str(caught[0].message).split(";")[0], torch.get_float32_matmul_precision())
    """
    assert _run_isolated(code.format(ns="tinygrad_lr")) == _run_isolated(code.format(ns="torch"))
    tinygrad_lr.backends.cuda.matmul.allow_tf32 = True  # the legacy switch is the same setting
    assert tinygrad_lr.get_float32_matmul_precision() == "high"
    tinygrad_lr.backends.cuda.matmul.allow_tf32 = False
    assert tinygrad_lr.get_float32_matmul_precision() == "highest"


def test_backends_flags_as_on_a_cpu_torch():
    for name in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(tinygrad_lr.backends.cudnn, name) == getattr(torch.backends.cudnn, name), name
    assert tinygrad_lr.backends.cudnn.is_available() is torch.backends.cudnn.is_available() is False
    assert tinygrad_lr.backends.cudnn.version() is torch.backends.cudnn.version() is None
    assert tinygrad_lr.backends.mps.is_available() is torch.backends.mps.is_available() is False
    assert tinygrad_lr.backends.mps.is_built() is False
    assert tinygrad_lr.backends.mkldnn.is_available() is False  # torch has oneDNN; tinygrad_lr never calls it
    tinygrad_lr.backends.cudnn.benchmark = True  # the course's line; read back
    assert tinygrad_lr.backends.cudnn.benchmark is True
    tinygrad_lr.backends.cudnn.benchmark = False
    with pytest.raises(AttributeError):
        tinygrad_lr.backends.cuda.matmul.allow_tf_32 = True  # a misspelled switch is not silently kept


def test_compile_wraps_a_model_as_torch_and_keeps_its_numbers():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Dropout(0.5))
    ours = tinygrad_lr.nn.Sequential(tinygrad_lr.nn.Linear(3, 2), tinygrad_lr.nn.Dropout(0.5))
    ours.load_state_dict({k: tinygrad_lr.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    compiled = {"ours": tinygrad_lr.compile(ours), "theirs": torch.compile(theirs, backend="eager")}  # no codegen
    assert repr(compiled["ours"]) == repr(compiled["theirs"])
    assert list(compiled["ours"].state_dict()) == list(compiled["theirs"].state_dict()) == ["_orig_mod.0.weight",
                                                                                             "_orig_mod.0.bias"]
    for model in compiled.values():
        model.eval()
        model.note = "kept on the model"
    assert ours.training is False and ours.note == "kept on the model" and compiled["ours"]._orig_mod is ours
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(compiled["ours"](tinygrad_lr.tensor(x)).detach().numpy(),
                               compiled["theirs"](torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-7)
    assert tinygrad_lr.compile(ours, disable=True) is ours

    @tinygrad_lr.compile(dynamic=False)
    def f(x):
        return x * 2

    assert f(tinygrad_lr.ones(2)).tolist() == [2.0, 2.0]


def test_cuda_calls_without_a_gpu(monkeypatch):
    if tinygrad_lr.cuda.is_available():
        pytest.skip("checks the no-GPU answers")
    tinygrad_lr.manual_seed(5)
    torch.manual_seed(5)
    for ns in (tinygrad_lr, torch):
        ns.cuda.manual_seed(123)  # seeds only the GPU generator: the CPU stream goes on untouched
        ns.cuda.manual_seed_all(123)
        ns.cuda.empty_cache()
    assert tinygrad_lr.initial_seed() == torch.initial_seed() == 5
    assert tinygrad_lr.rand(3).tolist() == torch.rand(3).tolist()
    assert tinygrad_lr.cuda.memory_allocated() == tinygrad_lr.cuda.memory_reserved() == 0
    cupy_installed = importlib.util.find_spec("cupy") is not None  # then ours stands for a CUDA build
    for name in ("synchronize", "get_device_name"):
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            getattr(torch.cuda, name)()
        with pytest.raises(RuntimeError if cupy_installed else AssertionError, match="CUDA"):
            getattr(tinygrad_lr.cuda, name)()
