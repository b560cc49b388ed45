"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode``.

Each is a context manager that is also a decorator. Grad mode is per thread, as in PyTorch.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Callable

# --------------------------------------------------------------------------------------- grad mode

class _GradState(threading.local):
    enabled = True  # per thread, as in PyTorch; the class attribute is every new thread's default
    inference = False


_state = _GradState()


def is_grad_enabled() -> bool:
    return _state.enabled


def _set_grad_enabled(mode: bool) -> None:
    _state.enabled = bool(mode)


class _GradMode(contextlib.ContextDecorator):
    """Base of the grad-mode switches: a context manager that is also a decorator (ContextDecorator
    enters a fresh copy, from ``_recreate_cm``, around every call of a decorated function)."""

    mode = True

    def __enter__(self) -> None:
        self._previous = is_grad_enabled()
        _set_grad_enabled(self.mode)

    def __exit__(self, *exc: object) -> None:
        _set_grad_enabled(self._previous)

    def _recreate_cm(self) -> "_GradMode":
        return type(self)()


class no_grad(_GradMode):
    """Within this block no graph is recorded: outputs never require grad."""

    mode = False


class enable_grad(_GradMode):
    mode = True


class inference_mode(_GradMode):
    """No graph is recorded, and every tensor made inside is an *inference tensor*
    (``t.is_inference()``): outside the block it may not be saved for backward or updated in
    place, as in PyTorch. ``inference_mode(False)`` turns inference mode off inside an enclosing
    one and leaves grad mode as it is.

    Marking costs nothing per tensor: entering swaps the Tensor's initialiser for one that also
    sets the mark (``_inference_switch``, installed by ``tensor.py``), and leaving swaps it back.
    The switch is process-wide, so unlike PyTorch's thread-local mode, tensors made by another
    thread while one thread is inside the block are marked too.
    """

    def __init__(self, mode: bool = True) -> None:
        self.enabled = mode

    def __enter__(self) -> None:
        self._previous = is_grad_enabled()
        self._previous_inference = _state.inference
        if self.enabled:
            _set_grad_enabled(False)
        _set_inference(self.enabled)

    def __exit__(self, *exc: object) -> None:
        _set_grad_enabled(self._previous)
        _set_inference(self._previous_inference)

    def _recreate_cm(self) -> "inference_mode":
        return inference_mode(self.enabled)


def is_inference_mode_enabled() -> bool:
    return _state.inference


def _set_inference(mode: bool) -> None:
    global inference_tensors_exist
    if mode != _state.inference:
        _state.inference = mode
        if mode:
            inference_tensors_exist = True
        if _inference_switch is not None:
            _inference_switch(mode)


inference_tensors_exist = False  # set once any inference tensor may exist: Op.apply checks only then
_inference_switch: Callable[[bool], None] | None = None  # installed by tensor.py


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(False)`` works as a call, a context manager and a decorator."""

    def __init__(self, mode: bool) -> None:
        self._previous = is_grad_enabled()
        self.mode = bool(mode)
        _set_grad_enabled(self.mode)  # takes effect at once when used as a plain call

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: Callable) -> Callable:
        _set_grad_enabled(self._previous)  # used as a decorator: do not change the global mode
        return super().__call__(fn)

    def _recreate_cm(self) -> "set_grad_enabled":
        return set_grad_enabled(self.mode)
