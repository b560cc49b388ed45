"""Top-level functions of the ``torch`` namespace that are not factories: the functional spelling of
Tensor methods (``torch.sin(x)`` is ``x.sin()``), and functions of several tensors: ``einsum``,
``hstack``/``vstack``/``dstack``/``column_stack``, ``meshgrid``, ``broadcast_tensors``,
``cartesian_prod``, ``combinations``, ``cdist``, ``std_mean``/``var_mean``, ``searchsorted``,
``bucketize``, ``tril_indices``/``triu_indices``. ``tinygrad_lr/__init__.py`` star-imports this module.
"""
from __future__ import annotations

import itertools
import string
from typing import Any, Sequence

import numpy as np

from . import dtypes
from ._repr import get_printoptions, printoptions, set_printoptions
from .backend import array_module, to_device
from .dtypes import bfloat16, finfo, iinfo
from .ops import linalg_extra as X
from .shapes import Size, _normalize_dim
from .tensor import Tensor
from .tensor_extra import _renamed
from .tensor_shape import cat, stack
from .tensor_sort import return_type

_METHODS = (
    "sin cos tan asin acos atan atan2 arcsin arccos arctan arctan2 sinh cosh asinh acosh atanh arcsinh arccosh "
    "arctanh deg2rad rad2deg log1p expm1 log2 log10 exp2 rsqrt reciprocal trunc fix frac erf erfc erfinv logit sgn "
    "signbit hypot fmod remainder copysign lerp floor_divide clamp_min clamp_max nan_to_num isinf isposinf isneginf "
    "isreal isclose logical_and logical_or logical_xor bitwise_and bitwise_or bitwise_xor bitwise_not "
    "bitwise_left_shift bitwise_right_shift sort argsort msort topk kthvalue median nanmedian mode cumsum cumprod "
    "cummax cummin logcumsumexp prod nansum nanmean aminmax count_nonzero unique unique_consecutive bincount histc "
    "flip fliplr flipud roll rot90 movedim moveaxis swapaxes swapdims tile scatter scatter_add "
    "scatter_reduce index_add index_copy index_fill index_put masked_select take take_along_dim nonzero argwhere "
    "norm dist diagonal diag_embed diag trace tril triu outer ger inner mv addmm addmv addbmm baddbmm kron cross "
    "bmm det inverse unbind select tensor_split hsplit vsplit dsplit split_with_sizes addcmul addcdiv addr diff "
    "logaddexp logaddexp2 xlogy fmax fmin float_power vdot quantile nanquantile cov corrcoef logdet slogdet pinverse "
    "matrix_power negative positive absolute greater greater_equal less less_equal not_equal ravel lgamma digamma sinc "
    "mvlgamma renorm masked_scatter heaviside nextafter ldexp gcd lcm frexp unflatten"
).split()


def _method(name: str) -> Any:
    method = getattr(Tensor, name)

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 - PyTorch's name
        return method(input, *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``tinygrad_lr.{name}(input, ...)`` is ``input.{name}(...)``."
    return function


for _name in _METHODS:
    globals()[_name] = _method(_name)
del _name

__all__ = list(_METHODS) + [
    "repeat_interleave", "isin", "polygamma", "trapezoid", "trapz", "cumulative_trapezoid", "diagflat", "vander",
    "rsub", "logspace", "scalar_tensor", "asarray", "unravel_index", "typename", "block_diag", "histogram", "tensordot", "chain_matmul", "einsum", "hstack", "vstack", "dstack", "column_stack", "row_stack", "meshgrid", "broadcast_tensors",
    "broadcast_to", "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d", "cartesian_prod", "combinations",
    "cdist", "std_mean", "var_mean", "searchsorted", "bucketize", "tril_indices", "triu_indices", "cosine_similarity",
    "pairwise_distance", "set_printoptions", "get_printoptions", "printoptions", "finfo", "iinfo", "bfloat16",
]


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
    out = other - (input if alpha == 1 else input * alpha)
    return _renamed(out, "RsubBackward0" if isinstance(other, Tensor) else "RsubBackward1")


def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    from .creation import linspace, tensor
    exponents = linspace(start, end, steps, dtype=dtypes.float64, device=device)
    values = (base ** exponents._data).astype((dtypes.to_dtype(dtype) if dtype else dtypes.get_default_dtype()).np)
    return tensor(values, device=device, requires_grad=requires_grad)


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    from .creation import tensor
    return tensor(float(s), dtype=dtype, device=device, requires_grad=requires_grad)


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool = False) -> Tensor:
    """Like ``as_tensor``: shares memory with an array or tensor unless a copy is asked for or needed."""
    from .creation import as_tensor, tensor
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


def block_diag(*tensors: Tensor) -> Tensor:
    """The inputs (0-d, 1-D as rows, 2-D) on the diagonal of one matrix, zeros elsewhere."""
    from .ops.linalg_extra import BlockDiag
    matrices = [t.reshape(1, -1) if t.ndim == 1 else t.reshape(1, 1) if t.ndim == 0 else t for t in tensors]
    if any(t.ndim != 2 for t in matrices):
        raise RuntimeError("torch.block_diag: Input tensors must have 2 or fewer dimensions.")
    result = dtypes.result_type(*((t.dtype, 2) for t in matrices))
    return BlockDiag.apply(*[t if t.dtype is result else t.to(result) for t in matrices])


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


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Σ over ``dims`` (the last n of a with the first n of b, or two lists of dims): one matrix
    product after moving the contracted dims together."""
    if isinstance(dims, int):
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [_normalize_dim(d, a.ndim) for d in dims_a]
    dims_b = [_normalize_dim(d, b.ndim) for d in dims_b]
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    size = int(np.prod([a.shape[d] for d in dims_a], dtype=np.int64))
    left = a.permute(*free_a, *dims_a).reshape(-1, size)
    right = b.permute(*dims_b, *free_b).reshape(size, -1)
    return left.mm(right).reshape(*[a.shape[d] for d in free_a], *[b.shape[d] for d in free_b])


def chain_matmul(*matrices: Tensor) -> Tensor:
    from .linalg import multi_dot
    return multi_dot(list(matrices))


# ------------------------------------------------------------------------------------ einsum
def _parse_einsum(equation: str, operands: Sequence[Tensor]) -> tuple[tuple[str, ...], str]:
    """Subscripts per operand and the output's. ``...`` becomes letters unused elsewhere; without
    ``->`` the output is the letters that appear once, in alphabetical order (NumPy's rule)."""
    equation = equation.replace(" ", "")
    left, arrow, output = equation.partition("->")
    inputs = left.split(",")
    if len(inputs) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(inputs) else
                           "einsum(): fewer operands were provided than specified in the equation")
    spare = [c for c in string.ascii_letters if c not in equation]
    ellipsis = ""
    resolved = []
    for sub, t in zip(inputs, operands):
        if "..." in sub:
            count = t.ndim - (len(sub) - 3)
            if ellipsis and count != len(ellipsis):
                raise NotImplementedError("einsum: '...' covering different numbers of dims is not supported")
            ellipsis = "".join(spare[:count])
            sub = sub.replace("...", ellipsis)
        if len(sub) != t.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(sub)}) does not match "
                               f"the number of dimensions ({t.ndim}) for operand {len(resolved)}"
                               + (" and no ellipsis was given" if "..." not in equation else ""))
        resolved.append(sub)
    if arrow:
        output = output.replace("...", ellipsis)
    else:
        letters = "".join(resolved)
        output = ellipsis + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis))
    return tuple(resolved), output


def _einsum_name(inputs: tuple[str, ...], output: str) -> str:
    """The grad_fn PyTorch's einsum ends with: it permutes, multiplies, sums, or calls bmm and views."""
    letters = set("".join(inputs))
    if len(inputs) == 1:  # a diagonal or transpose ends with a permute; anything summed, with a sum
        return "PermuteBackward0" if set(output) == letters else "SumBackward1"
    contracted = letters - set(output)
    return "MulBackward0" if not contracted else "ViewBackward0"


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, e.g. "ij,jk->ik" (matmul), "bij,bjk->bik" (batched), "ii" (trace),
    "ij->ji" (transpose), "i,j->ij" (outer), "ij->" (sum)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in operands]
    inputs, output = _parse_einsum(equation, tensors)
    result = dtypes.result_type(*((t.dtype, 2) for t in tensors))
    tensors = [t if t.dtype is result else t.to(result) for t in tensors]
    return _renamed(X.Einsum.apply(*tensors, inputs=inputs, output=output), _einsum_name(inputs, output))


# --------------------------------------------------------------------------- joining, grids
def atleast_1d(*tensors: Any) -> Any:
    out = [t.reshape(1) if t.ndim == 0 else t for t in _tensors(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_2d(*tensors: Any) -> Any:
    out = [t.reshape(1, 1) if t.ndim == 0 else t.unsqueeze(0) if t.ndim == 1 else t for t in _tensors(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_3d(*tensors: Any) -> Any:
    def lift(t: Tensor) -> Tensor:
        if t.ndim == 0:
            return t.reshape(1, 1, 1)
        if t.ndim == 1:
            return t.unsqueeze(0).unsqueeze(-1)
        return t.unsqueeze(-1) if t.ndim == 2 else t
    out = [lift(t) for t in _tensors(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def _tensors(tensors: Sequence[Any]) -> list[Tensor]:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors)."""
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, dim=0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 0, 1-D tensors as rows."""
    return cat([atleast_2d(t) for t in tensors], dim=0)


row_stack = vstack


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 2, after lifting to 3-D."""
    return cat([atleast_3d(t) for t in tensors], dim=2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Join as columns: 0-d and 1-D tensors become columns first."""
    return hstack([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors])


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids: out_k[i0, i1, ...] = tensors[k][i_k] ("ij"); "xy" swaps the first two axes."""
    tensors = _tensors(tensors)
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    if indexing == "xy" and len(tensors) >= 2:
        swapped = [tensors[1], tensors[0]] + tensors[2:]
        grids = meshgrid(*swapped, indexing="ij")
        return (grids[1], grids[0]) + grids[2:]
    sizes = [t.numel() for t in tensors]
    out = []
    for k, t in enumerate(tensors):
        shape = [1] * len(tensors)
        shape[k] = sizes[k]
        out.append(t.reshape(shape).expand(sizes))
    return tuple(out)


def broadcast_shapes(*shapes: Any) -> Size:
    try:
        return Size(np.broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s) for s in shapes]))
    except ValueError:
        raise RuntimeError("Shape mismatch: objects cannot be broadcast to a single shape") from None


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    tensors = _tensors(tensors)
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:  # noqa: A002
    return input.expand(*size)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each 1-D tensor, as rows."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """The r-element combinations of a 1-D tensor's elements (itertools' order), as rows."""
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(choose(range(input.numel()), r))
    if not rows:
        return input.new_zeros(0, r) if r else input.new_zeros(0)
    columns = np.array(rows, dtype=np.int64).T
    return stack([input[Tensor._wrap(input._xp.asarray(c), input.device)] for c in columns], dim=1)


def _triangle_indices(upper: bool, row: int, col: int, offset: int, dtype: Any, device: Any) -> Tensor:
    dev = to_device(device)
    xp = array_module(dev)
    rows, cols = (np.triu_indices if upper else np.tril_indices)(row, offset, col)
    values = np.stack([rows, cols]).astype((dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)).np)
    return Tensor._wrap(xp.asarray(values), dev)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    return _triangle_indices(False, row, col, offset, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    return _triangle_indices(True, row, col, offset, dtype, device)


# -------------------------------------------------------------------------------- distances
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """out[..., i, j] = ‖x1[..., i, :] − x2[..., j, :]‖_p, from the differences (PyTorch switches to
    a matrix-product formula for p = 2 and more than 25 rows, which rounds differently)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D" if x1.ndim < 2 else
                           f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    from .tensor_linalg import vector_norm
    return _renamed(vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1), "CdistBackward0")


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    from .nn.functional.distance import cosine_similarity as cosine
    return cosine(x1, x2, dim, eps)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    from .nn.functional.distance import pairwise_distance as distance
    return distance(x1, x2, p, eps, keepdim)


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
