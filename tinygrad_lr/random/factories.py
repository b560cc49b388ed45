"""Random factories: ``rand``, ``randn``, ``randint``, ``randperm``, ``normal``, ``bernoulli``, ``multinomial``.

Each is PyTorch's composition: an empty tensor filled in place (``rand`` is
``empty(size).uniform_()``, ``randn`` is ``empty(size).normal_()``), so the factory and the
in-place fill draw the very same numbers. ``generator=`` picks a stream other than the global one.
"""
from __future__ import annotations

from typing import Any, Sequence

from .. import dtypes
from ..backend import array_module, to_device
from ..shapes import _shape_args
from ..tensor import Tensor
from . import distributions as D
from .generator import Generator, _generator


def _empty(shape: tuple, dtype: Any, device: Any, default: dtypes.dtype) -> Tensor:
    dev = to_device(device)
    dt = dtypes.to_dtype(dtype) if dtype is not None else default
    return Tensor._wrap(array_module(dev).empty(shape, dtype=dt.np), dev)


def _finish(t: Tensor, requires_grad: bool) -> Tensor:
    if requires_grad:
        # A factory words the refusal differently from the requires_grad setter, as PyTorch does.
        if not t.dtype.is_floating_point:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = True
    return t


def _size(shape: tuple, size: Any) -> tuple:
    """``rand(2, 3)``, ``rand((2, 3))`` or ``rand(size=(2, 3))``."""
    return _shape_args(shape) if size is None else tuple(int(s) for s in size)


def rand(*shape: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1): ``empty(size).uniform_()``."""
    t = _empty(_size(shape, size), dtype, device, dtypes.get_default_dtype())
    return _finish(t.uniform_(generator=generator), requires_grad)


def randn(*shape: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal: ``empty(size).normal_()``."""
    t = _empty(_size(shape, size), dtype, device, dtypes.get_default_dtype())
    return _finish(t.normal_(generator=generator), requires_grad)


def randint(*args: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
            requires_grad: bool = False, size: Any = None, low: Any = None, high: Any = None) -> Tensor:
    """``randint(high, size)`` or ``randint(low, high, size)``: integers in [low, high), int64."""
    args = args + tuple(a for a in (low, high, size) if a is not None)
    if len(args) == 2:
        low, (high, size) = 0, args
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError("randint() received an invalid combination of arguments: expected (high, size) "
                        "or (low, high, size)")
    t = _empty(tuple(size), dtype, device, dtypes.int64)
    return _finish(t.random_(int(low), int(high), generator=generator), requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0..n−1 (n − 1 swaps, one 32-bit word each)."""
    dev = to_device(device)
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    if dev.type != "cpu":
        return _finish(Tensor._wrap(array_module(dev).random.permutation(n).astype(dt.np), dev), requires_grad)
    return _finish(Tensor._wrap(D.randperm(_generator(generator), int(n)).astype(dt.np), dev), requires_grad)


def rand_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,  # noqa: A002
              generator: Generator | None = None) -> Tensor:
    return rand(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad, generator=generator)


def randn_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,  # noqa: A002
               generator: Generator | None = None) -> Tensor:
    return randn(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad, generator=generator)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, dtype: Any = None,  # noqa: A002
                 device: Any = None, requires_grad: bool = False, generator: Generator | None = None) -> Tensor:
    """``randint_like(x, high)`` or ``randint_like(x, low, high)``, in x's dtype unless told."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                   requires_grad=requires_grad, generator=generator)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Sequence[int] | None = None, *,
           generator: Generator | None = None, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``normal(mean, std, size)`` with numbers, or with tensors of means and/or stds.

    With tensors PyTorch draws standard normals of the broadcast shape and then computes
    ``z * std + mean`` as two rounded steps (``mul_`` then ``add_``); with a tensor mean and a
    number std it draws ``normal_(0, std)`` and adds the mean.
    """
    mean_is_tensor, std_is_tensor = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mean_is_tensor or std_is_tensor):
        if size is None:
            raise TypeError("normal() missing the size argument: normal(mean, std, size)")
        t = _empty(tuple(size), dtype, device, dtypes.get_default_dtype())
        return _finish(t.normal_(float(mean), float(std), generator=generator), requires_grad)
    if std_is_tensor and std.numel() and bool((std._data < 0).any()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not std_is_tensor and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    like = mean if mean_is_tensor else std
    shape = tuple(like.shape) if not (mean_is_tensor and std_is_tensor) else \
        tuple(array_module(like.device).broadcast_shapes(tuple(mean.shape), tuple(std.shape)))
    out = Tensor._wrap(like._xp.empty(shape, dtype=like._data.dtype), like.device)
    if mean_is_tensor and not std_is_tensor:
        out.normal_(0.0, float(std), generator=generator)
    else:
        out.normal_(generator=generator)
        out._data *= std._data
    out._data += mean._data if mean_is_tensor else out._data.dtype.type(mean)
    return _finish(out, requires_grad)


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """0s and 1s drawn with the probabilities in ``input`` (or the number ``p``), in input's dtype."""
    return input.bernoulli(p, generator=generator)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator: Generator | None = None) -> Tensor:
    return input.multinomial(num_samples, replacement, generator=generator)
