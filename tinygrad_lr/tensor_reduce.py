"""Tensor methods that reduce: sum, mean, max/min (with indices), var/std, logsumexp, softmax.

Mixed into ``Tensor``; the ops themselves (forward and backward) are in ``ops/reduce.py``.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .ops import movement as M
from .ops import reduce as R
from .shapes import _normalize_dim, _normalize_dims
from .tensor_indexing import _along_dim_index

if TYPE_CHECKING:
    from .tensor import Tensor


class ReductionMethods:
    """Reductions and the softmax family, as Tensor methods."""

    __slots__ = ()

    # -------------------------------------------------------------------------------- reductions
    def sum(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        source = self if dtype is None else self.to(dtype)
        if source.dtype is dtypes.bool_ or (not source.dtype.is_floating_point and source.dtype is not dtypes.int64):
            source = source.to(dtypes.int64)  # PyTorch sums bools and small ints as int64
        out = R.Sum.apply(source, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim)
        if dim is None and out.grad_fn is not None:
            out.grad_fn.torch_name = "SumBackward0"
        return out

    def mean(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        source = self if dtype is None else self.to(dtype)
        if not source.dtype.is_floating_point:
            name = {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(source.dtype.name, source.dtype.name)
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {name}")
        out = R.Mean.apply(source, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim)
        if dim is None and out.grad_fn is not None:
            out.grad_fn.torch_name = "MeanBackward0"
        return out

    def _extremum(self, dim: Any, keepdim: bool, largest: bool) -> Any:
        if isinstance(dim, _tensor.Tensor):  # torch.max(a, b) is the elementwise maximum
            return self.maximum(dim) if largest else self.minimum(dim)
        if self.numel() == 0:
            raise RuntimeError(f"{'max' if largest else 'min'}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        if dim is None:
            out = R.Amax.apply(self, dims=_normalize_dims(None, self.ndim), keepdim=False, largest=largest, whole=True)
            if out.grad_fn is not None and not largest:
                out.grad_fn.torch_name = "MinBackward1"
            return out
        if self.ndim == 0:  # dim 0 of a 0-d tensor is its one element (CuPy has no axis 0 there)
            values, indices = self.reshape(1)._extremum(_normalize_dim(dim, 0), keepdim, largest)
            values = _tensor._named(values.reshape(()), "MaxBackward0" if largest else "MinBackward0")
            return (_MinMaxResult if largest else _MinResult)(values, indices.reshape(()))
        d = _normalize_dim(dim, self.ndim)
        xp = self._xp
        positions = (xp.argmax if largest else xp.argmin)(self._data, axis=d, keepdims=True)
        index = _along_dim_index(xp, positions, d)
        if not keepdim:  # every part of the index has size 1 along d: drop it to drop the dim
            index = tuple(part.squeeze(d) for part in index)
            positions = positions.squeeze(d)
        values = M.MaxAlongDim.apply(self, index=index, advanced=True)
        if values.grad_fn is not None and not largest:
            values.grad_fn.torch_name = "MinBackward0"
        return (_MinMaxResult if largest else _MinResult)(values, _tensor.Tensor._wrap(positions.astype(np.int64),
                                                                                        self.device))

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """``max()`` is the largest element; ``max(dim)`` is ``(values, indices)``; ``max(other)`` is elementwise."""
        return self._extremum(dim, keepdim, largest=True)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        return self._extremum(dim, keepdim, largest=False)

    def amax(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        out = R.Amax.apply(self, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim, largest=True)
        return _tensor._named(out, "AmaxBackward0")

    def amin(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        out = R.Amax.apply(self, dims=_normalize_dims(dim, self.ndim), keepdim=keepdim, largest=False)
        return _tensor._named(out, "AminBackward0")

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return self._arg_extremum(self._xp.argmax, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return self._arg_extremum(self._xp.argmin, dim, keepdim)

    def _arg_extremum(self, fn: Any, dim: int | None, keepdim: bool) -> "Tensor":
        if dim is None or self.ndim == 0:
            out = fn(self._data.reshape(-1))
            if keepdim:
                out = out.reshape((1,) * self.ndim)
        else:
            out = fn(self._data, axis=_normalize_dim(dim, self.ndim), keepdims=keepdim)
        return _tensor.Tensor._wrap(self._xp.asarray(out, dtype=np.int64), self.device)

    def _correction(self, unbiased: Any, correction: Any) -> int:
        if correction is not None:
            return int(correction)
        return 1 if unbiased is None or unbiased else 0

    def _spread_arguments(self, name: str, dim: Any, unbiased: Any, correction: Any) -> tuple[tuple[int, ...], int]:
        """dims and correction of var/std, with PyTorch's warning when n − correction ≤ 0 (the result is
        inf or nan: a sample of one has no spread)."""
        if isinstance(dim, bool):  # var(False): the old positional unbiased flag
            dim, unbiased = None, dim
        dims, correction = _normalize_dims(dim, self.ndim), self._correction(unbiased, correction)
        n = 1
        for d in dims:
            n *= self.shape[d]
        if n - correction <= 0 or self._data.size == 0:  # PyTorch's reduction factor of an empty input is 0
            warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                          "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
        return dims, correction

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> "Tensor":
        dims, correction = self._spread_arguments("var", dim, unbiased, correction)
        return R.Var.apply(self, dims=dims, correction=correction, keepdim=keepdim)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> "Tensor":
        dims, correction = self._spread_arguments("std", dim, unbiased, correction)
        return R.Std.apply(self, dims=dims, correction=correction, keepdim=keepdim)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> "Tensor":
        return R.LogSumExp.apply(self._float_input(), dims=_normalize_dims(dim, self.ndim), keepdim=keepdim)

    def softmax(self, dim: int) -> "Tensor":
        if self.ndim == 0:  # over the one element (CuPy has no axis 0 on a 0-d array)
            return _tensor._named(self.reshape(1).softmax(_normalize_dim(dim, 0)).reshape(()), "SoftmaxBackward0")
        return R.Softmax.apply(self._float_input(), dim=_normalize_dim(dim, self.ndim))

    def log_softmax(self, dim: int) -> "Tensor":
        if self.ndim == 0:
            return _tensor._named(self.reshape(1).log_softmax(_normalize_dim(dim, 0)).reshape(()),
                                  "LogSoftmaxBackward0")
        return R.LogSoftmax.apply(self._float_input(), dim=_normalize_dim(dim, self.ndim))



class _MinMaxResult(tuple):
    """``(values, indices)`` with ``.values`` and ``.indices``, like torch.return_types.max."""

    def __new__(cls, values: Tensor, indices: Tensor) -> "_MinMaxResult":
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.max(\nvalues={self[0]!r},\nindices={self[1]!r})"


class _MinResult(_MinMaxResult):
    """``min(dim)``'s ``(values, indices)``: prints as torch.return_types.min."""

    def __repr__(self) -> str:
        return f"torch.return_types.min(\nvalues={self[0]!r},\nindices={self[1]!r})"
