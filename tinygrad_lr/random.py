"""Random numbers: one NumPy generator behind ``manual_seed``, ``rand``, ``randn``, init, shuffling.

Matching PyTorch's random stream bit for bit is not a goal (its generators are its own); what is
kept is the behaviour: ``manual_seed(s)`` makes every later draw repeatable, and a
``Generator`` object gives an independent, seedable stream. CUDA tensors draw on the host and are
copied over, so a seed gives the same numbers on the CPU and on the GPU.
"""
from __future__ import annotations

from typing import Any

import numpy as np

_DEFAULT_SEED = 67280421310721  # PyTorch's initial seed, for familiarity


class Generator:
    """``torch.Generator``: an independent random stream (``Generator().manual_seed(0)``)."""

    def __init__(self, device: Any = "cpu") -> None:
        self.device = device
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        return self.manual_seed(int(np.random.SeedSequence().entropy) % (2 ** 63)).initial_seed()

    def get_state(self) -> dict:
        return self._rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self._rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the global stream (and CuPy's, when CuPy is in use) so later draws repeat."""
    default_generator.manual_seed(seed)
    from .backend import cupy_module
    import sys
    if "cupy" in sys.modules and cupy_module() is not None:
        cupy_module().random.seed(int(seed) % (2 ** 32))
    return default_generator


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> dict:
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    default_generator.set_state(state)


def _generator(generator: Generator | None = None) -> np.random.Generator:
    return (generator or default_generator)._rng
