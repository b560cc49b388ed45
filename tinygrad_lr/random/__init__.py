"""PyTorch's CPU random stream, bit for bit: ``manual_seed(0); randn(1, 1)`` is 1.5410 here too.

Read in this order:
- ``generator.py``: the engine (MT19937 seeded as PyTorch seeds it), ``Generator``, the
  global ``default_generator``, ``manual_seed``/``seed``/``initial_seed``, and the 5,056-byte
  state of ``get_rng_state``/``set_rng_state`` (the same bytes as PyTorch's).
- ``distributions.py``: how 32-bit words become uniforms, normals (two paths and a cache),
  integers, permutations, Bernoulli, exponential and multinomial draws.
- ``float32_math.py`` / ``float64_math.py``: the last-bit details — PyTorch's AVX2 ``log`` and
  ``sincos`` with their fused multiply-adds, and an exact float64 FMA.
- ``factories.py``: ``rand``, ``randn``, ``randint``, ``randperm``, ``normal``, ``bernoulli``,
  ``multinomial`` and the ``*_like`` forms; the in-place fills are in ``tensor_random.py``.

What is reproduced: PyTorch's CPU generator on x86-64 with AVX2 (which PyTorch also uses on
AVX-512 machines). Not reproduced: PyTorch's CUDA generator (Philox) — draws made directly on a
CUDA device come from CuPy's generator — and the scalar libm path that PyTorch takes on CPUs
without AVX2 (float32 ``randn`` of ≥ 16 values and ``uniform_(a, b)`` differ there in the last bits).
"""
from .generator import (DEFAULT_SEED, Generator, _generator, default_generator, fork_rng, get_rng_state,
                        initial_seed, manual_seed, seed, set_rng_state)

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state", "fork_rng", "DEFAULT_SEED"]
