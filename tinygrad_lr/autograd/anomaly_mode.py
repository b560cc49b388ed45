"""Anomaly detection: ``detect_anomaly()`` and ``set_detect_anomaly(mode)``.

While it is on, every recorded node keeps the stack of the forward call that made it
(``graph._check_recording``), and the engine checks every gradient a node returns: a NaN raises
PyTorch's error naming the node, after a warning that shows the forward line that made it.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Any

from . import graph

_check_nan = True


def is_anomaly_enabled() -> bool:
    return graph.anomaly_enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _check_nan


def _set(mode: bool, check_nan: bool) -> None:
    global _check_nan
    graph.anomaly_enabled = bool(mode)
    _check_nan = bool(check_nan)


class detect_anomaly(contextlib.ContextDecorator):
    """``with torch.autograd.detect_anomaly(): ...`` (also a decorator)."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._previous = (is_anomaly_enabled(), _check_nan)
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should "
                      "only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        self._previous = (is_anomaly_enabled(), _check_nan)
        _set(True, self.check_nan)

    def __exit__(self, *exc: object) -> None:
        _set(*self._previous)


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` switches anomaly detection on at once (a call), or for a block."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = (is_anomaly_enabled(), _check_nan)
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set(*self._previous)


def check_nan(node: Any, grads: tuple) -> None:
    """Raise when ``node`` returned a NaN gradient, after warning with its forward stack."""
    if not _check_nan:
        return
    for i, g in enumerate(grads):
        if g is not None and g.dtype.kind in "fc" and bool(node.xp.isnan(g).any()):
            stack = "".join(node.__dict__.get("forward_stack", ()))
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
                          f"{stack}", stacklevel=2)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
