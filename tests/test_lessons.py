"""Every lesson runs, writes its plots, and prints what PyTorch prints: each one goes through
``python -m compare script`` (the lesson under PyTorch and under tinygrad_lr, every printed number
compared) and must exit 0. Where the course notes give numbers, the lesson must print them too.

The lessons print numbers drawn from the random stream (weights, shuffling, dropout), so they
also check that tinygrad_lr's stream is PyTorch's.
"""
from __future__ import annotations

import json
import os

import pytest

from compare.script import main as compare_script

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LESSONS = os.path.join(ROOT, "lessons")


# (lesson, arguments that keep the test quick, lines the course notes print)
LESSON_RUNS = [
    ("01_linear_regression.py", [],
     ["    1   1611.8477", " 1000   0.0503", "after training: tensor([[19.7401]]) tensor([0.5908])"]),
    ("02_multi_output_regression.py", ["--epochs", "40"],
     ["w = tensor([[-2.1788,  0.5684],", "        [-1.0845, -1.3986],", "        [ 0.4033,  0.8380]], requires_grad=True)"]),
    ("03_layers.py", [], []),
    ("04_mlp_classifier.py", ["--epochs", "2"], []),
    ("05_optimizers.py", ["--epochs", "10"], []),
    ("06_logistic_softmax.py", ["--epochs", "20"], []),
    ("07_datasets_dataloaders.py", ["--epochs", "5"], []),
    ("08_cnn.py", ["--epochs", "1"], []),
    ("09_backprop_visible.py", [], []),
]


def test_every_lesson_is_tested():
    names = sorted(n for n in os.listdir(LESSONS) if n[:2].isdigit() and n.endswith(".py"))
    assert names == [run[0] for run in LESSON_RUNS]


def test_lessons_start_with_the_import_swap():
    for name, *_ in LESSON_RUNS:
        with open(os.path.join(LESSONS, name)) as f:
            code = f.read()
        assert "\nimport tinygrad_lr as torch\n" in code, name
        assert "import torch\n" not in code.replace("import tinygrad_lr as torch\n", ""), name


@pytest.mark.parametrize("lesson,args,notes", [pytest.param(n, a, notes, id=n[:2]) for n, a, notes in LESSON_RUNS])
def test_lesson_prints_what_pytorch_prints(lesson, args, notes, tmp_path, monkeypatch, capsys):
    # Two processes share the cores; one thread also makes PyTorch sum in the same order on any machine.
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "report.json"
    code = compare_script([os.path.join(LESSONS, lesson), "--json", str(report), "--", "--out", str(tmp_path / "out"), *args])
    out = capsys.readouterr().out
    data = json.loads(report.read_text())
    assert data["returncode"] == {"torch": 0, "tinygrad_lr": 0}, data["stderr"]
    assert code == 0, out
    plots = [n for n in os.listdir(tmp_path / "out") if n.endswith(".png")]
    assert plots, "the lesson wrote no plot"
    printed = [line["ours"] for line in data["lines"]]
    for line in notes:
        assert line in printed, f"the course notes print {line!r}"
    assert len(printed) >= 5


def test_the_readme_lecture_example_prints_what_pytorch_prints(tmp_path, monkeypatch, capsys):
    """The README's complete lecture-style script, taken from the README itself, under both."""
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    start = readme.index("```python\nimport tinygrad_lr as torch          # the same code runs on PyTorch")
    code = readme[start + len("```python\n"): readme.index("```", start + 10)]
    script = tmp_path / "lecture.py"
    script.write_text(code)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    report = tmp_path / "report.json"
    assert compare_script([str(script), "--json", str(report)]) == 0, capsys.readouterr().out
    printed = [line["ours"] for line in json.loads(report.read_text())["lines"]]
    shown = [line[2:] for line in code.splitlines() if line.startswith("# epoch")]
    assert len(shown) == 3 and printed == shown  # the README shows what the script prints
