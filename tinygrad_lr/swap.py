"""Run a script with one framework standing in for another: ``python -m tinygrad_lr run SCRIPT``.

A PyTorch script says ``import torch``, ``import torch.nn.functional as F``, ``from torchvision
import transforms``. Python asks each *finder* on ``sys.meta_path`` for a module before it looks
at the disk; ``AliasFinder`` answers for ``torch`` and every ``torch.X`` with the module
``tinygrad_lr.X`` (and for ``torchvision.X`` with ``tinygrad_lr.vision.X``), so the script runs
unchanged on tinygrad_lr. A part of PyTorch that tinygrad_lr lacks fails at the import with a
``ModuleNotFoundError`` that names both modules.

The same finder runs the other way for ``python -m compare script``: a lesson that starts with
``import tinygrad_lr as torch`` is run on real PyTorch by mapping ``tinygrad_lr`` to ``torch``.
Only ``tinygrad_lr.vision`` and ``tinygrad_lr.viz``, which PyTorch does not have, are then loaded
from this package's own files; both are written against the public API (``import tinygrad_lr``),
so there they run on top of real PyTorch.

This file imports nothing from tinygrad_lr, so ``python swap.py`` works where tinygrad_lr is not
importable (the PyTorch side of a comparison). Usage as a script::

    python tinygrad_lr/swap.py --to tinygrad_lr|torch SCRIPT [ARGS...]
"""
from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # run as a file, its folder is first on sys.path, and our random.py
    sys.path[0] = os.getcwd()  # would shadow the standard library's (run_script sets it again)

import importlib
import importlib.abc
import importlib.machinery
import runpy
from typing import Any, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))  # the tinygrad_lr package folder

#: what stands in for what, per target framework
TO_TINYGRAD = {"torch": "tinygrad_lr", "torchvision": "tinygrad_lr.vision"}
#: tinygrad_lr's own extras, loaded from this folder even when ``tinygrad_lr`` means ``torch``
#: (``from tinygrad_lr import viz`` asks for ``torch.viz`` once ``tinygrad_lr`` is ``torch``)
EXTRAS = ("vision", "viz")
TO_TORCH = {**{f"torch.{name}": f"tinygrad_lr.{name}" for name in EXTRAS}, "tinygrad_lr": "torch"}


class _SameModule(importlib.abc.Loader):
    """Loads a name as an already imported module (``torch.nn`` *is* ``tinygrad_lr.nn``)."""

    def __init__(self, module: Any) -> None:
        self.module, self.spec = module, getattr(module, "__spec__", None)

    def create_module(self, spec: Any) -> Any:
        return self.module

    def exec_module(self, module: Any) -> None:
        module.__spec__ = self.spec  # importlib set it to the alias's spec; keep the module's own


class AliasFinder(importlib.abc.MetaPathFinder):
    """Map module names: ``aliases = {"torch": "tinygrad_lr"}`` serves ``torch.nn`` as
    ``tinygrad_lr.nn``. Names in ``from_source`` (under an alias's name) are loaded from ``folder``
    instead."""

    def __init__(self, aliases: dict[str, str], from_source: Sequence[str] = (), folder: str = HERE) -> None:
        self.aliases, self.from_source, self.folder = dict(aliases), tuple(from_source), folder

    def _target(self, fullname: str) -> str | None:
        for alias, target in sorted(self.aliases.items(), key=lambda item: -len(item[0])):  # longest first
            if fullname == alias or fullname.startswith(alias + "."):
                return target + fullname[len(alias):]
        return None

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        for name in self.from_source:
            if fullname == name:  # the extra's own folder, whatever its parent's __path__ says
                return importlib.machinery.PathFinder.find_spec(fullname, [self.folder])
            if fullname.startswith(name + "."):
                return None  # found by the normal machinery inside the extra's __path__
        real = self._target(fullname)
        if real is None:
            return None
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as error:
            if error.name is not None and real.startswith(error.name):
                raise ModuleNotFoundError(
                    f"No module named {fullname!r}: the script imports {fullname}, which is served by "
                    f"{real}, and {real.split('.')[0]} does not have it (yet)", name=fullname) from None
            raise
        return importlib.machinery.ModuleSpec(fullname, _SameModule(module))


def install(to: str) -> AliasFinder:
    """Put the finder for target framework ``to`` ("tinygrad_lr" or "torch") first on sys.meta_path."""
    if to == "tinygrad_lr":
        finder = AliasFinder(TO_TINYGRAD)
    elif to == "torch":
        finder = AliasFinder(TO_TORCH, [f"tinygrad_lr.{name}" for name in EXTRAS])
    else:
        raise ValueError(f"unknown framework {to!r}: expected 'tinygrad_lr' or 'torch'")
    for name in list(sys.modules):  # a name imported before the swap would bypass the finder
        if name.split(".")[0] in finder.aliases and name.split(".")[0] != to and name != __name__:
            del sys.modules[name]
    sys.meta_path.insert(0, finder)
    return finder


def run_script(script: str, args: Sequence[str], to: str = "tinygrad_lr") -> None:
    """Run ``script`` as ``__main__`` with ``sys.argv = [script, *args]`` and the script's folder
    first on ``sys.path``, as ``python script args`` would, with framework ``to`` swapped in."""
    if not os.path.isfile(script):
        raise SystemExit(f"no such script: {script}")
    install(to)
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    runpy.run_path(script, run_name="__main__")


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    to = "tinygrad_lr"
    if len(argv) >= 2 and argv[0] == "--to":
        to, argv = argv[1], argv[2:]
    if not argv:
        raise SystemExit("usage: swap.py [--to tinygrad_lr|torch] SCRIPT [ARGS...]")
    run_script(argv[0], argv[1:], to)


if __name__ == "__main__":
    main()
