"""Course-style scripts written as a learner types them from a lecture (plain ``import torch``), each
run by ``python -m compare script``: under PyTorch and under tinygrad_lr, every printed line and number
compared; the test passes only when the comparison exits 0. Each script takes a few seconds."""
from __future__ import annotations

import json
import os

import pytest

from compare.script import main as compare_script

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "course_scripts")
NAMES = sorted(n for n in os.listdir(SCRIPTS) if n.endswith(".py"))


def test_there_are_scripts() -> None:
    assert NAMES


@pytest.mark.parametrize("name", NAMES)
def test_script_prints_what_pytorch_prints(name, tmp_path, monkeypatch, capsys) -> None:
    # one thread: PyTorch then sums in the same order on any machine, and two processes share the cores
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "report.json"
    code = compare_script([os.path.join(SCRIPTS, name), "--json", str(report)])
    out = capsys.readouterr().out
    data = json.loads(report.read_text())
    assert data["returncode"] == {"torch": 0, "tinygrad_lr": 0}, data["stderr"]
    assert code == 0, out
