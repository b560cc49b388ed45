"""PyTorch's NumPy-style keyword spellings: ``x.sum(axis=0, keepdims=True)`` is ``x.sum(dim=0, keepdim=True)``.

PyTorch's argument parser accepts ``axis`` for ``dim`` and ``keepdims`` for ``keepdim`` in every native
function and Tensor method, and textbooks use them (``y_hat.argmax(axis=1)``, ``X.sum(axis=0)``). The
functions PyTorch writes in Python (``norm``, ``split``, ``unique``, ...) do not take them, so they are
left alone here too. ``install`` wraps every public Tensor method and top-level function that has a
``dim`` or ``keepdim`` parameter; the wrapper looks at the keywords only when there are any.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

ALIASES = {"axis": "dim", "keepdims": "keepdim"}
# Written in Python in torch/_tensor.py and torch/functional.py: no NumPy spellings there.
PYTHON_DEFINED = frozenset({"norm", "split", "unique", "unique_consecutive", "unflatten", "stft", "istft",
                            "tensordot", "lu", "chain_matmul", "einsum", "meshgrid", "cdist"})


def _takes_dim(function: Callable) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "dim" in parameters or "keepdim" in parameters


def _accepting_aliases(function: Callable, name: str) -> Callable:
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs and ("axis" in kwargs or "keepdims" in kwargs):
            for alias, real in ALIASES.items():
                if alias in kwargs:
                    if real in kwargs:  # PyTorch's parser then sees the alias as an unknown keyword
                        raise TypeError(f"{name}() got an unexpected keyword argument '{alias}'")
                    kwargs[real] = kwargs.pop(alias)
        return function(*args, **kwargs)

    return call


def install(tensor_class: type, namespace: dict) -> None:
    """Wrap the Tensor methods and the functions in ``namespace`` (the package's globals) that take ``dim``."""
    wrapped = set()
    for name in dir(tensor_class):
        if name.startswith("_") or name in PYTHON_DEFINED:
            continue
        method = inspect.getattr_static(tensor_class, name)
        if inspect.isfunction(method) and _takes_dim(method):
            setattr(tensor_class, name, _accepting_aliases(method, name))
            wrapped.add(name)
    for name, function in list(namespace.items()):
        if name.startswith("_") or name in PYTHON_DEFINED or not inspect.isfunction(function):
            continue
        # The functional spellings of methods (``torch.sum(x, ...)``) take ``*args, **kwargs``.
        if name in wrapped or _takes_dim(function):
            namespace[name] = _accepting_aliases(function, name)
