"""The compare harness itself: the CLI runs and writes JSON, and the checks can fail."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import compare
from compare import Case, check, check_function
from compare.cli import main
from compare.registry import REGISTRY, farg

X = (farg(2, 3),)


def test_cli_quick_filter_writes_json(tmp_path, capsys):
    path = tmp_path / "report.json"
    code = main(["--quick", "--device", "cpu", "--filter", "matmul", "--json", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "passed, 0 failed" in out
    report = json.loads(path.read_text())
    assert report["summary"]["failed"] == 0 and report["summary"]["passed"] > 10
    for key in ("python", "numpy", "torch", "cupy", "torch_cuda", "cpu", "gpu"):
        assert key in report["environment"]
    rows = report["results"]
    assert all("matmul" in r["case"] for r in rows)
    assert {"case", "pairing", "dtype", "max_abs_err", "max_rel_err", "tolerance", "passed"} <= set(rows[0])


def test_cli_says_what_was_skipped(capsys):
    main(["--quick", "--filter", "add_scalar"])
    out = capsys.readouterr().out
    import tinygrad_lr
    import torch
    if not (tinygrad_lr.cuda.is_available() and torch.cuda.is_available()):
        assert "pairing skipped:" in out


def test_cli_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "compare", "--quick", "--filter", "relu"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "relu" in proc.stdout and "0 failed" in proc.stdout


@pytest.fixture
def broken_case():
    case = Case("zz_deliberately_broken", ours=lambda ns, a: a * 2.001, reference=lambda ns, a: a * 2, args=X)
    REGISTRY.append(case)
    yield case
    REGISTRY.remove(case)


def test_cli_exits_nonzero_on_a_failing_case(broken_case, capsys):
    code = main(["--quick", "--device", "cpu", "--filter", "zz_deliberately_broken"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED" in out and "2 failed" in out  # float32 and float64


@pytest.mark.parametrize("ours, message", [
    (lambda ns, a: a * 2.001, "output 0"),                            # wrong values
    (lambda ns, a: a.detach() * 2 + (a - a.detach()) * 3, "grad of input 0"),  # right forward, wrong gradient
    (lambda ns, a: (a * 2).double(), "dtype"),                        # wrong dtype
    (lambda ns, a: (a * 2).reshape(-1), "shape"),                     # wrong shape
    (lambda ns, a: (a * 2, a), "outputs"),                            # wrong number of outputs
    (lambda ns, a: 1 / 0, "ours raised ZeroDivisionError"),           # an exception
])
def test_check_reports_each_kind_of_disagreement(ours, message):
    case = Case("broken", ours=ours, reference=lambda ns, a: a * 2, args=X)
    result = check(case, dtype="float32")
    assert not result.passed and result.status == "failed"
    assert message in result.message


def test_gradient_check_uses_a_random_upstream_gradient():
    """A backward that is only right for a uniform upstream gradient (what ``.sum().backward()``
    sends) must fail: the harness sends a random one."""
    from tinygrad_lr.autograd import Op

    class DoubleAveragingGrad(Op):
        def forward(self, a):
            return 2 * a

        def backward(self, out_grad):
            return self.xp.full(out_grad.shape, 2 * out_grad.mean(), dtype=out_grad.dtype)

    case = Case("averaging_grad", ours=lambda ns, a: DoubleAveragingGrad.apply(a),
                reference=lambda ns, a: 2 * a, args=X)
    result = check(case, dtype="float64")
    assert result.status == "failed" and "grad of input 0" in result.message


def test_check_function_api():
    def gelu_tanh(ns, x):
        return 0.5 * x * (1 + ns.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))
    report = check_function(gelu_tanh, [(4, 5)], devices="all", dtype=["float32", "float64"])
    assert report.passed
    assert {r.dtype for r in report} == {"float32", "float64"}
    assert "numpy/torch-cpu" in str(report)

    def differs(ns, x):
        return x * (2.0 if ns.__name__ == "torch" else 2.5)
    assert not check_function(differs, [(3,)]).passed


def test_check_function_docstring_example():
    import doctest
    import importlib
    failures, _ = doctest.testmod(importlib.import_module("compare.check"), verbose=False)
    assert failures == 0
