"""The engine: PyTorch's CPU ``Generator``, a 32-bit Mersenne Twister seeded as PyTorch seeds it.

``manual_seed(s)`` runs the standard MT19937 ``init_genrand`` on the low 32 bits of ``s``. NumPy's
``np.random.MT19937`` is the same twister, so we set its 624-word key by hand and let it produce
the 32-bit words (``random()`` in ATen) fast; ``random64()`` glues two consecutive words,
first word high. Besides the twister a generator holds one cached normal (the Box–Muller partner,
see ``distributions.py``), which is part of its state.

``get_state()`` is PyTorch's 5,056-byte ``CPUGeneratorImplState``, so a state saved by one
framework restores in the other::

    offset 0     seed (u64)          8  left (i32)   12 seeded (i32)   16 next (u64)
    offset 24    the 624 state words, each as u64
    offset 5016  normal_x, normal_y, normal_rho (f64: normal_y is the cached normal)
    offset 5040  normal_is_valid (i32)   5048 cached float normal (f32)   5052 its flag (u8)

ATen's twister reads word ``next`` after decrementing ``left`` (``left == 1`` means "twist
first"), so NumPy's position is ``625 - left``.
"""
from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator

import numpy as np

DEFAULT_SEED = 67280421310721  # the seed of a fresh PyTorch process
STATE_SIZE = 5056
_N = 624


def init_genrand(seed: int) -> np.ndarray:
    """The standard MT19937 key for a 32-bit seed: x[i] = 1812433253·(x[i−1] ^ (x[i−1] >> 30)) + i."""
    key = [seed & 0xFFFFFFFF]
    for i in range(1, _N):
        previous = key[-1]
        key.append((1812433253 * (previous ^ (previous >> 30)) + i) & 0xFFFFFFFF)
    return np.array(key, dtype=np.uint32)


class Generator:
    """``torch.Generator``: an independent random stream, ``Generator().manual_seed(0)``."""

    def __init__(self, device: Any = "cpu") -> None:
        from ..backend import to_device
        self._device = to_device(device)
        self._twister = np.random.MT19937()
        self._cupy_state = None  # a CuPy RandomState, for draws made directly on a CUDA device
        self.manual_seed(DEFAULT_SEED)

    @property
    def device(self) -> Any:
        return self._device

    def manual_seed(self, seed: Any) -> "Generator":
        seed = int(seed)
        if not -2 ** 63 <= seed < 2 ** 64:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % 2 ** 64  # a negative seed is its two's complement, as in C++
        self._set_words(init_genrand(self._seed), 624, fresh=True)
        self.normal_cache: float | None = None
        self._float_normal_cache: float | None = None
        self._cupy_state = None
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        """Seed from the operating system's entropy and return the seed (64 bits)."""
        self.manual_seed(int.from_bytes(os.urandom(8), "little"))
        return self._seed

    def _cupy_random(self) -> Any:
        """A CuPy ``RandomState`` seeded by this generator, for draws made directly on a CUDA device."""
        if self._cupy_state is None:
            from ..backend import cupy_module
            self._cupy_state = cupy_module().random.RandomState(self._seed % 2 ** 32)
        return self._cupy_state

    # ------------------------------------------------------------------------------ words
    def _set_words(self, key: np.ndarray, pos: int, fresh: bool = False, next_: int = 0) -> None:
        self._twister.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        # when pos == 624, ATen's ``next`` is 0 after seeding and 624 after drawing: keep it for get_state
        self._next_when_exhausted = 0 if fresh else next_

    def random(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit outputs of the twister (ATen's ``random()``), as uint64."""
        if n:
            self._next_when_exhausted = 624
        return self._twister.random_raw(n)

    def random64(self, n: int) -> np.ndarray:
        """``n`` 64-bit draws (ATen's ``random64()``): two words each, the first in the high half."""
        words = self.random(2 * n)
        return (words[0::2] << np.uint64(32)) | words[1::2]

    # ------------------------------------------------------------------------------ state
    def get_state(self) -> Any:
        """PyTorch's 5,056-byte state as a uint8 tensor."""
        from ..tensor import Tensor
        return Tensor._wrap(self._state_bytes(), self._device_cpu())

    def set_state(self, new_state: Any) -> "Generator":
        from .. import dtypes
        from ..tensor import Tensor
        if not isinstance(new_state, Tensor) or new_state.dtype is not dtypes.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        self._load_state_bytes(np.ascontiguousarray(new_state._data.get() if hasattr(new_state._data, "get")
                                                    else new_state._data))
        return self

    @staticmethod
    def _device_cpu() -> Any:
        from ..backend import CPU
        return CPU

    def _state_bytes(self) -> np.ndarray:
        raw = self._twister.state["state"]
        pos = int(raw["pos"])
        state = np.zeros(STATE_SIZE, dtype=np.uint8)
        state[0:8] = np.frombuffer(np.uint64(self._seed).tobytes(), np.uint8)
        header = np.array([625 - pos, 1], dtype=np.int32)  # left, seeded
        state[8:16] = header.view(np.uint8)
        state[16:24] = np.array([pos if pos < 624 else self._next_when_exhausted], np.uint64).view(np.uint8)
        state[24:5016] = raw["key"].astype(np.uint64).view(np.uint8)
        if self.normal_cache is not None:
            state[5024:5032] = np.array([self.normal_cache], np.float64).view(np.uint8)
            state[5040:5044] = np.array([1], np.int32).view(np.uint8)
        if self._float_normal_cache is not None:
            state[5048:5052] = np.array([self._float_normal_cache], np.float32).view(np.uint8)
            state[5052] = 1
        return state

    def _load_state_bytes(self, state: np.ndarray) -> None:
        if state.size != STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input "
                               f"RNG state size to be {state.size}")
        left = int(state[8:12].view(np.int32)[0])
        next_ = int(state[16:24].view(np.uint64)[0])
        if not 1 <= left <= 624:
            raise RuntimeError("The input RNG state is invalid: left must be in [1, 624]")
        self._seed = int(state[0:8].view(np.uint64)[0])
        self._set_words(state[24:5016].view(np.uint64).astype(np.uint32), 625 - left, next_=next_)
        valid = int(state[5040:5044].view(np.int32)[0])
        self.normal_cache = float(state[5024:5032].view(np.float64)[0]) if valid else None
        self._float_normal_cache = float(state[5048:5052].view(np.float32)[0]) if state[5052] else None

    def __repr__(self) -> str:
        return f"<tinygrad_lr._C.Generator object at {hex(id(self))}>"


default_generator = Generator()


def manual_seed(seed: Any) -> Generator:
    """Seed the global stream (and CuPy's, when CuPy is in use) so that later draws repeat."""
    default_generator.manual_seed(seed)
    import sys
    from ..backend import cupy_module
    if "cupy" in sys.modules and cupy_module() is not None:
        cupy_module().random.seed(default_generator.initial_seed() % 2 ** 32)
    return default_generator


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The global generator's state: PyTorch's 5,056-byte uint8 tensor (``torch.get_rng_state()``)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    default_generator.set_state(new_state)


def _generator(generator: Generator | None = None) -> Generator:
    return default_generator if generator is None else generator


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type: str = "cuda") -> Iterator[None]:
    """Run a block, then put the global CPU generator back as it was (``torch.random.fork_rng``).

    CuPy's generator, used by draws made directly on a CUDA device, is not saved.
    """
    if not enabled:
        yield
        return
    saved = default_generator._state_bytes()
    try:
        yield
    finally:
        default_generator._load_state_bytes(saved)
