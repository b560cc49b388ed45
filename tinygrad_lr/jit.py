"""``torch.jit``: tinygrad_lr has no TorchScript compiler.

``ScriptModule`` exists so that tools can ask ``isinstance(model, torch.jit.ScriptModule)`` (never
true here: no module is ever scripted); ``is_scripting()`` and ``is_tracing()`` are False;
``script`` and ``trace`` raise rather than hand back an unscripted model as if it were one.
"""
from __future__ import annotations

from typing import Any

from .nn.module import Module

__all__ = ["ScriptModule", "is_scripting", "is_tracing", "script", "trace"]


class ScriptModule(Module):
    """The type of a scripted module; tinygrad_lr never makes one."""


def is_scripting() -> bool:
    return False


def is_tracing() -> bool:
    return False


def script(obj: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("torch.jit.script: tinygrad_lr has no TorchScript compiler; call the model directly")


def trace(func: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("torch.jit.trace: tinygrad_lr has no TorchScript compiler; call the model directly")
