"""Smoke test of ``python -m benchmarks --quick``: it runs, and writes a well-formed report.

No test here asserts a time: timings depend on the machine and on whatever else runs on it.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, str]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--device", "cpu", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(out / "results.json") as f:
        return json.load(f), str(out), done.stdout


def test_json_describes_the_machine(quick_run: tuple[dict, str, str]) -> None:
    results, _, _ = quick_run
    machine = results["machine"]
    assert machine["cpu"]["logical_cores"] >= 1
    assert {"tinygrad_lr", "numpy", "torch"} <= set(machine["versions"])
    assert machine["threads"]["torch_intra_op"] >= 1
    assert results["devices"] == ["cpu"]
    assert {c["name"] for c in results["contenders"]} == {"tinygrad_lr", "torch", "floor"}


def test_every_workload_has_figures_for_every_contender(quick_run: tuple[dict, str, str]) -> None:
    results, _, _ = quick_run
    w = results["workloads"]
    assert set(w) == {"mlp", "overhead", "linear", "graph", "rng", "rnn", "cnn"}
    cnn = {(r["contender"], r["variant"]) for r in w["cnn"]["rows"]}
    assert {("tinygrad_lr", "LeNet"), ("torch", "LeNet"), ("floor", "LeNet")} <= cnn
    assert all(r["vs_torch"] > 0 for r in w["cnn"]["rows"])
    assert {r["contender"] for r in w["rnn"]["rows"]} == {"tinygrad_lr", "torch"}
    assert all(r["median_s"] > 0 and r["vs_torch"] > 0 for r in w["rnn"]["rows"] if r["contender"] == "tinygrad_lr")
    rng = {(r["contender"], r["workload"]) for r in w["rng"]["rows"]}
    assert {c for c, _ in rng} == {"tinygrad_lr", "torch", "floor"} and ("tinygrad_lr", "randperm(60_000)") in rng
    assert all(r["vs_torch"] > 0 for r in w["rng"]["rows"] if r["contender"] == "tinygrad_lr")
    batches = results["config"]["mlp_batches"]["cpu"]
    mlp = w["mlp"]["rows"]
    assert {(r["contender"], r["batch"]) for r in mlp} == {(c, b) for c in ("tinygrad_lr", "torch", "floor") for b in batches}
    for row in mlp:
        assert 0 < row["min_s"] <= row["q1_s"] <= row["median_s"] <= row["q3_s"] <= row["max_s"]
        assert row["n"] >= 3
        assert row["vs_torch"] > 0 and row["vs_floor"] > 0
    pure_python = {"micrograd"} if importlib.util.find_spec("micrograd") else set()
    assert {r["contender"] for r in w["overhead"]["rows"]} == {"tinygrad_lr", "torch", "floor"} | pure_python
    for row in w["overhead"]["rows"]:
        assert row["ops"] == 1000 and row["us_per_op"] > 0 and row["forward_us_per_op"] > 0
        assert row["gc_us_per_op"] >= 0 and 0 <= row["total"]["gc"]["share"] <= 1
    assert {r["contender"] for r in w["linear"]["rows"]} == {"tinygrad_lr", "torch", "floor"}
    assert all(r["gflops"] > 0 for r in w["linear"]["rows"])


def test_the_per_op_floor_computes_the_chains_gradients() -> None:
    """The per-op NumPy floor is the chain's forward and backward by hand: same values as torch."""
    import numpy as np
    import torch

    from benchmarks.workloads import numpy_floor_chain
    grad_x, grad_w = numpy_floor_chain(np, 40, lambda: None, [])()
    x = torch.tensor([0.5], requires_grad=True)
    w = torch.tensor([0.9], requires_grad=True)
    y = x
    for _ in range(10):
        y = -((y * w + 0.25).tanh())
    y.backward()
    np.testing.assert_allclose(grad_x, x.grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(grad_w, w.grad.numpy(), rtol=1e-5)


def test_graph_backward_reports_scaling_and_memory(quick_run: tuple[dict, str, str]) -> None:
    results, _, _ = quick_run
    rows = results["workloads"]["graph"]["rows"]
    sizes = results["config"]["graph_sizes"]
    assert {(r["contender"], r["nodes"]) for r in rows} == {(c, n) for c in ("tinygrad_lr", "torch") for n in sizes}
    ours = next(r for r in rows if r["contender"] == "tinygrad_lr" and r["nodes"] == sizes[-1])
    assert set(ours["full_gc_collections"]) == {"build", "backward", "repeats"}
    assert 0 <= ours["build_gc_s"] < ours["build"]["max_s"] and ours["backward_gc_s"] >= 0
    assert 0 < ours["build_without_gc_us_per_node"] <= ours["build_us_per_node"]  # b - gc <= b, so their medians too
    memory = ours["memory"]["tracemalloc"]
    assert set(memory) == {"graph_held_bytes", "peak_during_backward_bytes", "after_backward_bytes", "after_del_bytes"}
    assert memory["graph_held_bytes"] > 0
    # Backward frees the saved arrays and intermediate tensors but keeps the nodes and their edges
    # while the output lives (as PyTorch does, for graph tools); deleting the output frees it all.
    assert memory["after_backward_bytes"] < memory["graph_held_bytes"]
    assert memory["after_del_bytes"] < 0.05 * memory["graph_held_bytes"]


def test_paired_ratios_targets_and_other_processes_load(quick_run: tuple[dict, str, str]) -> None:
    results, _, stdout = quick_run
    mlp = results["workloads"]["mlp"]["rows"]
    ours = [r for r in mlp if r["contender"] == "tinygrad_lr"]
    for row in ours:  # ratios are medians of per-round ratios, one per round of the interleaved timing
        assert len(row["round_s"]) == row["vs_torch_spread"]["rounds"] >= 3
        assert row["vs_torch_spread"]["q1"] <= row["vs_torch"] <= row["vs_torch_spread"]["q3"]
    names = [t["target"] for t in results["targets"]]
    assert any("Per-op overhead" in n for n in names) and any("Graph build" in n for n in names)
    assert all(t["met"] is None or t["met"] == (t["measured"] <= t["limit"]) for t in results["targets"])
    assert sum("CPU MLP step" in n for n in names) == 2 * len(results["config"]["mlp_batches"]["cpu"])
    # no GPU in a --device cpu run: those targets say "not measured"
    assert all(t["measured"] is None for t in results["targets"] if t["target"].startswith("GPU"))
    assert set(results["other_cpu"]) == {f"{w}/cpu" for w in results["workloads"]}
    for meter in results["other_cpu"].values():
        if meter["available"]:
            assert meter["others_cores_machine"] >= 0 and isinstance(meter["high"], bool)
    assert "Targets of issue 14" in stdout and "met" in stdout
    assert results["args"]["threads"] == 1 and len(results["machine"]["pinned_cores"]) == 1


def test_plots_and_table(quick_run: tuple[dict, str, str]) -> None:
    _, out, stdout = quick_run
    for name in ("mlp_time.png", "mlp_ratio.png", "overhead.png", "linear.png", "graph_backward.png", "cnn_ratio.png"):
        path = os.path.join(out, name)
        assert os.path.getsize(path) > 1000
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "tinygrad_lr/torch" in stdout and "µs/op" in stdout


@pytest.mark.parametrize("kernels", ["numpy", "fused kernels"])
@pytest.mark.parametrize("batch", [1, 3, 16, 100])
def test_the_floor_takes_the_same_step_as_torch(batch: int, kernels: str) -> None:
    """The floor is only a floor if it computes the step: same loss and parameters as PyTorch. With
    "fused kernels", the CuPy kernels it uses on a GPU run here compiled for the CPU (see
    ``cuda_kernels_on_cpu``)."""
    import numpy as np
    import torch

    from benchmarks import floor
    from benchmarks.workloads import LR, mlp_parameters
    rng = np.random.default_rng(batch)
    params = mlp_parameters(rng)
    x = rng.standard_normal((batch, 784), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    ours = [p.copy() for p in params]
    if kernels == "numpy":
        loss = floor.mlp_step(np, ours, x, y, LR)()
    else:
        from cuda_kernels_on_cpu import CXX, stop_on_numpy, use_on_numpy
        if CXX is None:
            pytest.skip("no C++ compiler (g++) to build the kernels on the CPU")
        fused = use_on_numpy()
        try:
            loss = floor.mlp_step(np, ours, x, y, LR)()
        finally:
            stop_on_numpy()
        assert {name.split("_")[1] for name in fused._built} == {"relu", "sgd"}
    theirs = [torch.tensor(p, requires_grad=True) for p in params]
    W1, b1, W2, b2, W3, b3 = theirs
    h = torch.relu(torch.relu(torch.tensor(x) @ W1.T + b1) @ W2.T + b2)
    expected = torch.nn.functional.cross_entropy(h @ W3.T + b3, torch.tensor(y))
    expected.backward()
    np.testing.assert_allclose(loss, expected.item(), rtol=1e-5)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p, (t - LR * t.grad).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_the_gpu_check_script_is_valid_bash_and_runs_the_three_steps() -> None:
    """.ci/gpu-check is what a session with a GPU runs: it must parse, and run tests, report, benchmark."""
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".ci", "gpu-check")
    assert os.access(script, os.X_OK)
    subprocess.run(["bash", "-n", script], check=True)
    text = open(script).read()
    for step in ("step tests_cuda", "step report", "step benchmark"):
        assert step in text
    assert "-m compare --device all" in text and "-m benchmarks --device cuda" in text
