"""In-place random fills: ``uniform_``, ``normal_``, ``random_``, ``bernoulli_``, ``exponential_``...

Each draws from PyTorch's CPU stream (``tinygrad_lr.random``), value by value in the *memory*
order of the tensor, as ATen's TensorIterator does: a transposed view is filled along its
storage, not along its logical rows. Like every in-place op they are refused on a leaf that
requires grad while grad mode is on (wrap inits in ``no_grad()``, as ``nn.init`` does).

On a CUDA tensor the values come from CuPy's generator: PyTorch's CUDA stream (Philox) is not
reproduced. Tensors made on the CPU and then moved keep their values, which is what lectures do.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .random import distributions as D
from .random.generator import Generator, _generator

if TYPE_CHECKING:
    from .tensor import Tensor

_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half"}


_C_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}  # how ATen's messages name the integer types


def memory_order(array: np.ndarray) -> np.ndarray:
    """The view of ``array`` whose C order is its memory order (axes by decreasing stride)."""
    return array.transpose(sorted(range(array.ndim), key=lambda axis: -abs(array.strides[axis])))


def _torch_name(t: "Tensor") -> str:
    return _TORCH_NAMES[t.dtype.name]


class RandomMethods:
    """Random in-place fills and draws, as Tensor methods."""

    __slots__ = ()

    def _fill_random(self, draw: Callable[[Generator, int], np.ndarray], generator: Generator | None,
                     cuda: Callable[[Any], Any]) -> "Tensor":
        """Write ``draw(generator, n)`` (n values in memory order) into this tensor's own array."""
        self._check_inplace()
        if generator is not None and generator.device.type != self.device.type:
            raise RuntimeError(f"Expected a '{self.device.type}' device type for generator but found "
                               f"'{generator.device.type}'")
        if self.device.type != "cpu":  # CuPy's generator (the global one, or this Generator's own)
            self._data[...] = cuda(self._xp.random if generator is None else generator._cupy_random())
            return self
        view = memory_order(self._data)
        view[...] = draw(_generator(generator), view.size).reshape(view.shape)
        return self

    def _require_float(self, kernel: str) -> None:
        if not self.dtype.is_floating_point:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_torch_name(self)}\'')

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Generator | None = None) -> "Tensor":
        """U[a, b): ``u·(b − a) + a`` from 24-bit (float32) or 53-bit (float64) uniforms."""
        self._require_float("check_uniform_bounds")
        dt = self._data.dtype
        return self._fill_random(lambda g, n: D.uniform(g, n, dt, a, b), generator,
                                 lambda r: r.uniform(a, b, self.shape).astype(dt))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Generator | None = None) -> "Tensor":
        """N(mean, std²) by Box–Muller: blocks of 16 for ≥ 16 contiguous values, else the cached scalar path."""
        self._require_float("normal_kernel_cpu")
        dt, contiguous = self._data.dtype, self._data.flags.c_contiguous
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        return self._fill_random(lambda g, n: D.normal(g, n, dt, mean, std, contiguous), generator,
                                 lambda r: r.normal(mean, std, self.shape).astype(dt))

    def random_(self, *bounds: int, generator: Generator | None = None, **named: int) -> "Tensor":
        """``random_()``, ``random_(to)``, ``random_(from, to)``: integers drawn as ``word % range + from``."""
        low, high = self._random_bounds(bounds, named)
        dt = self._data.dtype
        if high is not None and dt.kind in "iub":
            lowest, highest = (0, 1) if dt.kind == "b" else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
            for name, value in (("from", low), ("to - 1", high - 1)):
                if not lowest <= value <= highest and low < high:
                    raise RuntimeError(f"{name} is out of bounds for {_C_NAMES[self.dtype.name]}")
        if high is None:
            return self._fill_random(lambda g, n: D.random_bits(g, n, dt), generator,
                                     lambda r: r.randint(0, 2 ** 31 - 1, self.shape).astype(dt))
        return self._fill_random(lambda g, n: D.integers(g, n, low, high).astype(dt), generator,
                                 lambda r: r.randint(low, high, self.shape).astype(dt))

    @staticmethod
    def _random_bounds(bounds: tuple, named: dict) -> tuple[int, int | None]:
        low, high = named.get("from", 0), named.get("to")
        if len(bounds) == 1:
            high = bounds[0]
        elif len(bounds) == 2:
            low, high = bounds
        elif bounds:
            raise TypeError(f"random_() takes at most 2 positional arguments but {len(bounds)} were given")
        if high is None and low != 0:
            raise NotImplementedError("random_(from, None) is not supported; give both bounds")
        return int(low), None if high is None else int(high)

    def bernoulli_(self, p: Any = 0.5, *, generator: Generator | None = None) -> "Tensor":
        """1 with probability p: a float64 uniform below p (a tensor p: uniforms of its own dtype)."""
        dt = self._data.dtype
        if isinstance(p, _tensor.Tensor):
            probs = p._data
            return self._fill_random(lambda g, n: D.bernoulli_tensor(g, _in_memory_order(probs, self._data)).astype(dt),
                                     generator, lambda r: (r.random_sample(self.shape) < probs).astype(dt))
        p = float(p)
        return self._fill_random(lambda g, n: D.bernoulli(g, n, p).astype(dt), generator,
                                 lambda r: (r.random_sample(self.shape) < p).astype(dt))

    def exponential_(self, lambd: float = 1.0, *, generator: Generator | None = None) -> "Tensor":
        """−log(1 − u)/λ, u a float64 uniform."""
        if not self.dtype.is_floating_point:
            raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must "
                               f"be a floating point but you specified {_torch_name(self)}")
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
        dt = self._data.dtype
        return self._fill_random(lambda g, n: D.exponential(g, n, lambd).astype(dt), generator,
                                 lambda r: r.exponential(1.0 / lambd, self.shape).astype(dt))

    def geometric_(self, p: float, *, generator: Generator | None = None) -> "Tensor":
        """⌈log u / log(1 − p)⌉, u a float64 uniform."""
        dt = self._data.dtype
        return self._fill_random(lambda g, n: D.geometric(g, n, p).astype(dt), generator,
                                 lambda r: r.geometric(p, self.shape).astype(dt))

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Generator | None = None) -> "Tensor":
        self._require_float("cauchy_cpu")
        dt = self._data.dtype
        return self._fill_random(lambda g, n: D.cauchy(g, n, median, sigma).astype(dt), generator,
                                 lambda r: (median + sigma * r.standard_cauchy(self.shape)).astype(dt))

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Generator | None = None) -> "Tensor":
        self._require_float("log_normal_cpu")
        dt = self._data.dtype
        return self._fill_random(lambda g, n: D.log_normal(g, n, mean, std).astype(dt), generator,
                                 lambda r: r.lognormal(mean, std, self.shape).astype(dt))

    # ------------------------------------------------------------------------ out of place
    def bernoulli(self, p: Any = None, *, generator: Generator | None = None) -> "Tensor":
        """A new tensor of 0s and 1s: probabilities ``self`` (or the number ``p``), same dtype."""
        out = _tensor.Tensor._wrap(self._xp.empty(self.shape, dtype=self._data.dtype), self.device)
        return out.bernoulli_(self.detach() if p is None else p, generator=generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Generator | None = None) -> "Tensor":
        """Category indices drawn from each row of probabilities (weights need not sum to 1)."""
        if not 1 <= self.ndim <= 2:
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if not self.dtype.is_floating_point:
            raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                               f"{_torch_name(self)}")
        if self.device.type != "cpu":
            raise NotImplementedError("multinomial on a CUDA tensor: move the probabilities to the CPU first")
        rows = self._data.reshape(-1, self.shape[-1])
        values = D.multinomial(_generator(generator), rows, int(num_samples), replacement)
        return _tensor.Tensor._wrap(values if self.ndim == 2 else values[0], self.device)


def _in_memory_order(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``values`` (broadcast to ``target``'s shape) listed in ``target``'s memory order."""
    axes = sorted(range(target.ndim), key=lambda axis: -abs(target.strides[axis]))
    return np.broadcast_to(values, target.shape).transpose(axes).reshape(-1)
