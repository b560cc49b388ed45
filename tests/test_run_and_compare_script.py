"""``python -m tinygrad_lr run`` (the import swap) and ``python -m compare script`` (whole scripts)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

from compare.script import line_up, main, numbers_agree

ROOT = __file__.rsplit("/tests/", 1)[0]


def _write(tmp_path, name, code):
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return path


def _run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_run_swaps_torch_and_its_submodules_and_passes_argv(tmp_path):
    script = _write(tmp_path, "train.py", """
        import sys
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.utils.data import DataLoader
        from torch import optim
        print(torch.__name__, nn.__name__, F.__name__, DataLoader.__module__, optim.__name__)
        print(sys.argv[1:], sys.path[0] == sys.argv[0].rsplit("/", 1)[0], __name__)
        print(torch.tensor([1.0, -2.0]).relu().sum())
    """)
    result = _run("-m", "tinygrad_lr", "run", str(script), "--epochs", "3")
    assert result.returncode == 0, result.stderr
    names, argv, total = result.stdout.splitlines()
    assert names == "tinygrad_lr tinygrad_lr.nn tinygrad_lr.nn.functional tinygrad_lr.utils.data tinygrad_lr.optim"
    assert argv == "['--epochs', '3'] True __main__"
    assert total == "tensor(1.)"


def test_run_maps_torchvision_to_vision(tmp_path):
    script = _write(tmp_path, "vision.py", """
        import torchvision
        from torchvision import transforms
        from torchvision.datasets import MNIST
        print(torchvision.__name__, transforms.__name__, MNIST.__module__)
        print(transforms.ToTensor()(__import__("numpy").full((2, 2), 255, dtype="uint8")))
    """)
    result = _run("-m", "tinygrad_lr", "run", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "tinygrad_lr.vision tinygrad_lr.vision.transforms tinygrad_lr.vision.datasets",
        "tensor([[[1., 1.],", "         [1., 1.]]])"]


def test_run_names_what_is_missing(tmp_path):
    script = _write(tmp_path, "dist.py", "import torch.no_such_module\n")
    result = _run("-m", "tinygrad_lr", "run", str(script))
    assert result.returncode == 1
    assert ("ModuleNotFoundError: No module named 'torch.no_such_module': the script imports "
            "torch.no_such_module, which is served by tinygrad_lr.no_such_module") in result.stderr


def test_try_import_still_works_under_the_swap(tmp_path):
    script = _write(tmp_path, "opt.py", """
        try:
            import torch.no_such_module
        except ImportError as error:
            print(type(error).__name__, error.name)
    """)
    result = _run("-m", "tinygrad_lr", "run", str(script))
    assert result.stdout.strip() == "ModuleNotFoundError torch.no_such_module", result.stderr


def test_numbers_agree_rules():
    assert numbers_agree("1.5410", "1.5410", 1e-4)
    assert numbers_agree("1611.8477", "1611.8479", 1e-4)       # relative 1e-7
    assert not numbers_agree("1.5410", "1.5430", 1e-4)
    assert numbers_agree("0.0001", "0.0002", 1e-4)             # one unit in the last printed place
    assert not numbers_agree("0.0001", "0.0003", 1e-4)
    assert not numbers_agree("10", "11", 0.5)                  # integers exactly
    assert numbers_agree("nan", "nan", 1e-4) and not numbers_agree("nan", "1.0", 1e-4)
    assert not numbers_agree("inf", "-inf", 1e-4)


def test_line_up_finds_missing_lines_and_number_differences():
    reference = ["epoch 1 loss 2.5000", "epoch 2 loss 1.2500", "done"]
    ours = ["epoch 1 loss 2.5000", "epoch 2 loss 1.3000", "extra", "done"]
    results = line_up(reference, ours, 1e-4)
    assert [(r.agrees, r.why) for r in results] == [
        (True, ""), (False, "1.3000 vs 1.2500"), (False, "only tinygrad_lr printed this"), (True, "")]
    assert line_up(["<AddBackward0 object at 0x7f12>"], ["<AddBackward0 object at 0x55aa>"], 1e-4)[0].agrees
    masked = line_up(["took 1.2 s"], ["took 3.4 s"], 1e-4, [re.compile(r"took .* s")])
    assert masked[0].agrees


def test_compare_script_agrees_on_a_lesson_style_script(tmp_path, capsys):
    script = _write(tmp_path, "lesson.py", """
        import sys
        import tinygrad_lr as torch
        x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        loss = (x * x).sum() / 3
        loss.backward()
        print(loss, x.grad, sep="\\n")
        print(loss.grad_fn, sys.argv[1:])
    """)
    report = tmp_path / "report.json"
    code = main([str(script), "--json", str(report), "--", "a"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4 of 4 lines agree" in out
    data = json.loads(report.read_text())
    assert data["agrees"] and data["returncode"] == {"torch": 0, "tinygrad_lr": 0}
    assert data["lines"][0]["reference"] == "tensor(10., grad_fn=<DivBackward0>)"


def test_compare_script_shows_differences_and_crashes(tmp_path, capsys):
    script = _write(tmp_path, "which.py", """
        import torch
        print("value", 1.0 if torch.__name__ == "torch" else 1.3)
        if torch.__name__ != "torch":
            raise ValueError("only on one side")
        print("only PyTorch gets here")
    """)
    assert main([str(script)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"1\s+value 1.0\s+value 1.3\s+1.3 vs 1.0", out), out
    assert re.search(r"2\s+only PyTorch gets here\s+\(missing\)\s+only PyTorch printed this", out), out
    assert "tinygrad_lr run exited with 1" in out and "only on one side" in out


def test_compare_without_torch_says_what_to_do(monkeypatch, capsys):
    import importlib.util

    from compare.cli import main as cli_main
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    for argv in (["script", "x.py"], ["--quick"]):
        assert cli_main(argv) == 2
        err = capsys.readouterr().err
        assert "cannot import torch" in err and ".venv/bin/python -m compare" in err
