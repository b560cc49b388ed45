"""Top-level numeric functions: integration (``trapezoid``), ``vander``, ``histogram``,
``searchsorted``/``bucketize``, ``std_mean``/``var_mean``, ``isin``, ``logspace``, ``asarray`` and
other small ones that have no Tensor method of the same name.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..backend import to_device
from ..shapes import _normalize_dim
from ..tensor import Tensor, _named
from ..tensor_extra import _renamed
from ..tensor_shape import cat
from ..tensor_sort import return_type

__all__ = ["repeat_interleave", "isin", "trapezoid", "trapz", "cumulative_trapezoid", "diagflat", "vander", "rsub",
           "logspace", "scalar_tensor", "asarray", "unravel_index", "typename", "polygamma", "histogram",
           "std_mean", "var_mean", "searchsorted", "bucketize"]


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,  # noqa: A002
                      output_size: int | None = None) -> Tensor:
    """``input.repeat_interleave(repeats, dim)``; with one tensor of counts, the positions repeated:
    ``repeat_interleave(tensor([1, 2]))`` is ``tensor([0, 1, 1])``."""
    if repeats is None:
        counts = input
        return Tensor._wrap(counts._xp.repeat(counts._xp.arange(counts.numel()), counts._data), counts.device)
    return input.repeat_interleave(repeats, dim, output_size=output_size)


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` is among ``test_elements`` (either may be a number)."""
    base = elements if isinstance(elements, Tensor) else test_elements
    xp = base._xp
    values = elements._data if isinstance(elements, Tensor) else xp.asarray(elements)
    tests = test_elements._data if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    return Tensor._wrap(xp.isin(values, tests, invert=invert), base.device)


def _trapezoid_pieces(y: Tensor, x: Tensor | None, dx: float, dim: int) -> Tensor:
    """The area of each trapezoid along ``dim``: (y[i+1] + y[i]) / 2 · (x[i+1] − x[i] or dx)."""
    d = _normalize_dim(dim, y.ndim)
    n = y.shape[d]
    heights = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    if x is None:
        return heights * (dx / 2)
    return heights * _widths(x, y.ndim, d) / 2


def _widths(x: Tensor, ndim: int, d: int) -> Tensor:
    """x[i+1] − x[i] along d (a 1-D x lies along d)."""
    if x.ndim == 1:
        return x.diff().reshape([-1 if i == d else 1 for i in range(ndim)])
    return x.diff(dim=d)


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """∫ y along ``dim`` by the trapezoid rule, spacing ``dx`` (1) or the sample points ``x``."""
    d = _normalize_dim(dim, y.ndim)
    if x is None:
        total = (y.narrow(d, 1, y.shape[d] - 1) + y.narrow(d, 0, y.shape[d] - 1)).sum(d)
        return _renamed(total * ((1.0 if dx is None else dx) / 2), "MulBackward1")
    heights = y.narrow(d, 1, y.shape[d] - 1) + y.narrow(d, 0, y.shape[d] - 1)
    return _renamed((heights * _widths(x, y.ndim, d)).sum(d) / 2, "DivBackward1")


def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    if x is None:
        return _trapezoid_pieces(y, x, 1.0 if dx is None else dx, dim).cumsum(dim)
    d = _normalize_dim(dim, y.ndim)
    heights = y.narrow(d, 1, y.shape[d] - 1) + y.narrow(d, 0, y.shape[d] - 1)
    return _renamed((heights * _widths(x, y.ndim, d)).cumsum(d) / 2, "DivBackward1")


def diagflat(input: Tensor, offset: int = 0) -> Tensor:  # noqa: A002
    return input.reshape(-1).diag(offset)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803 - PyTorch's name
    """Columns x⁰, x¹, … (reversed unless ``increasing``), from a cumulative product."""
    n = x.numel() if N is None else N
    if n == 0:
        return x.new_zeros(x.numel(), 0)
    ones = x.new_ones(x.numel(), 1)
    columns = ones if n == 1 else cat([ones, x.reshape(-1, 1).expand(x.numel(), n - 1).cumprod(1)], dim=1)
    return columns if increasing else columns.flip(1)


def rsub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """other − alpha · input"""
    name = "RsubBackward0" if isinstance(other, Tensor) else "RsubBackward1"
    if alpha == 1:
        return _renamed(other - input, name)
    # other − alpha · input, rounded once as PyTorch's kernel: other + (−alpha) · input (Tensor.add's node)
    b, a = input._operands(other)  # (a: other as a tensor of the promoted dtype)
    return _named(a._scaled_add(b, -alpha, name), name, None if isinstance(other, Tensor) else 0)


def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    from ..creation import linspace, tensor
    exponents = linspace(start, end, steps, dtype=dtypes.float64, device=device)
    values = (base ** exponents._data).astype((dtypes.to_dtype(dtype) if dtype else dtypes.get_default_dtype()).np)
    return tensor(values, device=device, requires_grad=requires_grad)


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    from ..creation import tensor
    return tensor(float(s), dtype=dtype, device=device, requires_grad=requires_grad)


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool = False) -> Tensor:
    """Like ``as_tensor``: shares memory with an array or tensor unless a copy is asked for or needed."""
    from ..creation import as_tensor, tensor
    out = tensor(obj, dtype=dtype, device=device) if copy else as_tensor(obj, dtype=dtype, device=device)
    return out.requires_grad_() if requires_grad else out


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """Flat indices as coordinates of ``shape`` (row-major)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    base = indices if isinstance(indices, Tensor) else Tensor._wrap(np.asarray(indices, dtype=np.int64), to_device(None))
    return tuple(Tensor._wrap(c.astype(np.int64), base.device) for c in base._xp.unravel_index(base._data, shape))


def typename(obj: Any) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    return type(obj).__qualname__ if module in (None, "builtins") else f"{module}.{type(obj).__qualname__}"


def polygamma(n: int, input: Tensor) -> Tensor:  # noqa: A002 - torch.polygamma(n, input)
    return input.polygamma(n)


HistogramResult = return_type("histogram", ("hist", "bin_edges"))


def histogram(input: Tensor, bins: Any = 100, *, range: Any = None, weight: Tensor | None = None,  # noqa: A002
              density: bool = False) -> Any:
    """(hist, bin_edges): counts (or weight sums, or a density) in ``bins`` equal bins over
    ``range`` (the data's when None), or in the bins a tensor of edges gives."""
    xp = input._xp
    edges = bins._data if isinstance(bins, Tensor) else int(bins)
    hist, bin_edges = xp.histogram(input._data, bins=edges, range=range,
                                   weights=None if weight is None else weight._data, density=density)
    dt = input._data.dtype
    return HistogramResult((Tensor._wrap(hist.astype(dt), input.device), Tensor._wrap(bin_edges.astype(dt), input.device)))



# ------------------------------------------------------------------------- paired moments
def _moment_args(dim: Any, unbiased: Any, keepdim: bool, correction: Any) -> tuple:
    if isinstance(dim, bool):  # std_mean(x, False): the old positional unbiased flag
        dim, unbiased = None, dim
    return dim, unbiased, keepdim, correction


def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,  # noqa: A002
             correction: Any = None) -> tuple[Tensor, Tensor]:
    dim, unbiased, keepdim, correction = _moment_args(dim, unbiased, keepdim, correction)
    std = input.std(dim, unbiased, keepdim, correction=correction)
    mean = input.mean(dim, keepdim=keepdim)
    return _renamed(std, "StdMeanBackward0"), _renamed(mean, "StdMeanBackward0")


def var_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,  # noqa: A002
             correction: Any = None) -> tuple[Tensor, Tensor]:
    dim, unbiased, keepdim, correction = _moment_args(dim, unbiased, keepdim, correction)
    var = input.var(dim, unbiased, keepdim, correction=correction)
    mean = input.mean(dim, keepdim=keepdim)
    return _renamed(var, "VarMeanBackward0"), _renamed(mean, "VarMeanBackward0")


# --------------------------------------------------------------------------------- searching
def searchsorted(sorted_sequence: Tensor, values: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None) -> Tensor:
    """Insertion positions of ``values`` in each (last-dim) row of ``sorted_sequence``: the first
    position whose element is >= value (> value with ``right=True`` or ``side="right"``)."""
    xp = sorted_sequence._xp
    side = side or ("right" if right else "left")
    sequence = sorted_sequence._data
    if sorter is not None:
        sequence = xp.take_along_axis(sequence, sorter._data, axis=-1)
    scalar = not isinstance(values, Tensor)
    targets = xp.asarray(values) if scalar else values._data
    if sequence.ndim == 1:
        out = xp.searchsorted(sequence, targets, side=side)
    else:
        if targets.shape[:-1] != sequence.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               "dimensions of boundaries tensor and input value tensor must match")
        rows, picks = sequence.reshape(-1, sequence.shape[-1]), targets.reshape(-1, targets.shape[-1])
        out = xp.stack([xp.searchsorted(r, v, side=side) for r, v in zip(rows, picks)]).reshape(targets.shape)
    dt = np.int32 if out_int32 else np.int64
    return Tensor._wrap(xp.asarray(out).astype(dt), sorted_sequence.device)


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:  # noqa: A002
    """The bucket of each value: i with boundaries[i-1] < x <= boundaries[i] (< x, >= with right)."""
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
