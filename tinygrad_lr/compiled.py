"""What ``torch.compile(model)`` returns: an ``OptimizedModule`` around the model, here running it eagerly.

PyTorch's wrapper holds the model as its child ``_orig_mod`` (so its ``state_dict`` keys start with
``_orig_mod.`` and it prints as ``OptimizedModule((_orig_mod): ...)``), forwards attribute reads and
writes to the model, and mirrors its ``training`` flag. The same wrapper here calls the model as it is:
the numbers are the eager ones, which are PyTorch's compiled ones too (compiling does not change the math).
"""
from __future__ import annotations

from typing import Any

from .nn.module import Module


class OptimizedModule(Module):
    _OWN_ATTRIBUTES = {"_orig_mod", "forward", "__dict__"}

    def __init__(self, mod: Module) -> None:
        super().__init__()
        self._modules["_orig_mod"] = mod

    @property
    def training(self) -> bool:  # type: ignore[override]
        return self._modules["_orig_mod"].training

    @training.setter
    def training(self, value: bool) -> None:
        modules = self.__dict__.get("_modules")
        if modules and "_orig_mod" in modules:  # Module.__init__ sets a default before the model is there
            modules["_orig_mod"].training = value

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._modules["_orig_mod"](*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "_orig_mod":
            return self.__dict__["_modules"]["_orig_mod"]
        return getattr(self._orig_mod, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name) or name in self._OWN_ATTRIBUTES:
            return super().__setattr__(name, value)
        return setattr(self._orig_mod, name, value)

    def __delattr__(self, name: str) -> None:
        if hasattr(type(self), name) or name in self._OWN_ATTRIBUTES:
            return super().__delattr__(name)
        return delattr(self._orig_mod, name)

    def __len__(self) -> int:
        if hasattr(self._orig_mod, "__len__"):
            return len(self._orig_mod)
        raise TypeError(f"{type(self._orig_mod).__name__} does not support len()")
