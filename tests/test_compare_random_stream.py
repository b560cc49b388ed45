"""compare's random-stream section: every row passes against live torch, and a wrong draw fails."""
from __future__ import annotations

import pytest

from compare import random_stream
from compare.cli import main


@pytest.mark.parametrize("name", list(random_stream.CHECKS))
def test_random_stream_row(name):
    result = random_stream.check_stream(name, seed=3)
    assert result.passed, result.message


def test_a_different_draw_fails(monkeypatch):
    import torch
    monkeypatch.setitem(random_stream.CHECKS, "wrong", ("float32", lambda fw: fw.randn(5) if fw is torch else fw.rand(5)))
    result = random_stream.check_stream("wrong")
    assert result.status == "failed" and "values differ" in result.message


def test_cli_reports_the_section(capsys):
    assert main(["--quick", "--device", "cpu", "--filter", "random: randperm*"]) == 0
    out = capsys.readouterr().out
    assert "random: randperm(1000)" in out and "1 passed, 0 failed" in out
