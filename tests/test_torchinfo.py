"""The real ``torchinfo.summary`` (a dev dependency, pinned) on tinygrad_lr models under the import
swap: ``torch`` and every ``torch.X`` served by ``tinygrad_lr`` / ``tinygrad_lr.X`` (as
``python -m tinygrad_lr run`` does), torchinfo imported fresh on top of that. Its printed table
must be the one it prints for the same model in real PyTorch, character for character.

torchinfo walks the model with forward pre-hooks and forward hooks (``register_forward_pre_hook``,
``register_forward_hook``, handles it ``.remove()``s), reads ``named_parameters``, ``nelement``,
``element_size``, ``untyped_storage`` and checks ``isinstance(m, torch.jit.ScriptModule)``.
"""
from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Any, Callable, Iterator

import pytest

torchinfo = pytest.importorskip("torchinfo", reason="torchinfo is a dev dependency (requirements-dev.txt)")

import torch  # noqa: E402

import tinygrad_lr  # noqa: E402
from tinygrad_lr.swap import AliasFinder  # noqa: E402


def _is_swapped(name: str) -> bool:
    return name in ("torch", "torchinfo") or name.startswith(("torch.", "torchinfo."))


@contextlib.contextmanager
def torch_is_tinygrad_lr() -> Iterator[Any]:
    """``import torch`` gives tinygrad_lr inside the block; everything is put back afterwards."""
    saved = {name: module for name, module in sys.modules.items() if _is_swapped(name)}
    for name in saved:
        del sys.modules[name]
    finder = AliasFinder({"torch": "tinygrad_lr"})
    sys.meta_path.insert(0, finder)
    try:
        assert importlib.import_module("torch") is tinygrad_lr
        yield importlib.import_module("torchinfo")
    finally:
        sys.meta_path.remove(finder)
        for name in [name for name in sys.modules if _is_swapped(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def mlp(ns: Any) -> Any:
    return ns.nn.Sequential(ns.nn.Flatten(), ns.nn.Linear(28 * 28, 64), ns.nn.BatchNorm1d(64), ns.nn.ReLU(),
                            ns.nn.Dropout(0.2), ns.nn.Linear(64, 10))


def nested(ns: Any) -> Any:
    class Block(ns.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm = ns.nn.LayerNorm(16)
            self.body = ns.nn.Sequential(ns.nn.Linear(16, 32), ns.nn.GELU() if hasattr(ns.nn, "GELU") else
                                         ns.nn.Tanh(), ns.nn.Linear(32, 16))

        def forward(self, x: Any) -> Any:
            return x + self.body(self.norm(x))

    class Net(ns.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.blocks = ns.nn.ModuleList([Block(), Block()])
            self.head = ns.nn.Linear(16, 3, bias=False)
            self.register_buffer("scale", ns.ones(1))

        def forward(self, x: Any) -> Any:
            for block in self.blocks:
                x = block(x)
            return self.head(x) * self.scale
    return Net()


def cnn(ns: Any) -> Any:
    return ns.nn.Sequential(
        ns.nn.Conv2d(1, 4, 3, padding=1), ns.nn.BatchNorm2d(4), ns.nn.ReLU(), ns.nn.MaxPool2d(2),
        ns.nn.Dropout2d(0.1), ns.nn.ReflectionPad2d(1), ns.nn.Conv2d(4, 8, 3), ns.nn.GroupNorm(2, 8),
        ns.nn.Upsample(scale_factor=2), ns.nn.AdaptiveAvgPool2d(1), ns.nn.Flatten(), ns.nn.Linear(8, 10))


def sequence_model(ns: Any) -> Any:
    class Tagger(ns.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = ns.nn.Embedding(10, 4)
            self.rnn = ns.nn.LSTM(4, 6, batch_first=True)
            self.attention = ns.nn.MultiheadAttention(6, 2, batch_first=True)
            self.norm = ns.nn.LayerNorm(6)
            self.out = ns.nn.Linear(6, 3)

        def forward(self, x: Any) -> Any:
            h, _ = self.rnn(self.embedding(x))
            a, _ = self.attention(h, h, h)
            return self.out(self.norm(h + a))
    return Tagger()


def tables(build: Callable[[Any], Any], **options: Any) -> tuple[str, str]:
    """torchinfo's table for ``build(torch)`` and for ``build(tinygrad_lr)`` under the swap."""
    import torchinfo as real
    reference = str(real.summary(build(torch), verbose=0, **options))
    with torch_is_tinygrad_lr() as swapped:
        ours = str(swapped.summary(build(tinygrad_lr), verbose=0, **options))
    return ours, reference


@pytest.mark.parametrize("build,options", [
    (mlp, dict(input_size=(8, 1, 28, 28))),
    (mlp, dict(input_size=(8, 1, 28, 28), col_names=("input_size", "output_size", "num_params", "trainable"))),
    (nested, dict(input_size=(2, 5, 16), depth=4)),
    (nested, dict(input_size=(2, 5, 16), depth=1, row_settings=("var_names",))),
    (mlp, dict()),
    (mlp, dict(input_size=(1, 28, 28), batch_dim=0, col_names=("output_size", "params_percent"))),
], ids=["mlp", "mlp_columns", "nested", "nested_depth1_var_names", "no_input", "batch_dim"])
def test_summary_table_is_pytorchs(build, options):
    ours, reference = tables(build, **options)
    assert ours == reference


def test_summary_of_a_sequence_model_with_integer_input():
    if not hasattr(tinygrad_lr.nn, "LSTM"):
        pytest.skip("nn.LSTM is not there yet")
    import torchinfo as real
    reference = str(real.summary(sequence_model(torch), input_size=(2, 5), dtypes=[torch.long], verbose=0))
    with torch_is_tinygrad_lr() as swapped:
        ours = str(swapped.summary(sequence_model(tinygrad_lr), input_size=(2, 5), dtypes=[tinygrad_lr.long],
                                   verbose=0))
    assert ours == reference


def test_summary_of_the_course_cnn():
    if not hasattr(tinygrad_lr.nn, "Conv2d") or not hasattr(tinygrad_lr.nn, "AdaptiveAvgPool2d"):
        pytest.skip("nn.Conv2d / nn.AdaptiveAvgPool2d are not there yet")
    ours, reference = tables(cnn, input_size=(2, 1, 16, 16),
                             col_names=("input_size", "output_size", "num_params", "kernel_size", "mult_adds"))
    assert ours == reference


def test_summary_with_input_data_and_frozen_layers():
    def frozen(ns: Any) -> Any:
        model = mlp(ns)
        model[1].requires_grad_(False)
        return model

    import torchinfo as real
    x = torch.rand(4, 1, 28, 28)
    reference = str(real.summary(frozen(torch), input_data=x, verbose=0))
    with torch_is_tinygrad_lr() as swapped:
        ours = str(swapped.summary(frozen(tinygrad_lr), input_data=tinygrad_lr.tensor(x.numpy()), verbose=0))
    assert ours == reference
    assert "Non-trainable params: 50,240" in ours


def test_hooks_removed_and_swap_undone():
    model = mlp(tinygrad_lr)
    with torch_is_tinygrad_lr() as swapped:
        swapped.summary(model, input_size=(2, 1, 28, 28), verbose=0)
    assert all(not (m._forward_hooks or m._forward_pre_hooks) for m in model.modules())
    assert model.training  # torchinfo puts the mode back
    import torch as again
    assert again is torch and sys.modules["torch"] is torch
