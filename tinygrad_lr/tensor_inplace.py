"""In-place methods: ``add_``, ``zero_``, ``fill_``, ``copy_``, ``scatter_``, ``x[i] = v``...

(The random fills, ``uniform_`` and friends, are in ``tensor_random.py``.)

They write into the tensor's own array, so views (``w.data``) see the change. As in PyTorch they
are refused on a leaf that requires grad while grad mode is on (use ``with no_grad():``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import dtypes
from . import tensor as _tensor  # the Tensor class is looked up when a method runs (import cycle)
from .autograd import is_grad_enabled
from .backend import move
from .shapes import _normalize_dim
from .tensor_indexing import _along_dim_index

if TYPE_CHECKING:
    from .tensor import Tensor


class InPlaceMethods:
    """In-place updates, as Tensor methods."""

    __slots__ = ()

    # ---------------------------------------------------------------------------------- in place
    def _check_inplace(self) -> None:
        if is_grad_enabled() and self.requires_grad:
            if self.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            raise RuntimeError("tinygrad_lr does not support in-place operations on tensors that are part of "
                               "a graph; use the out-of-place form (x = x + y) instead.")

    def _inplace(self, fn: str, other: Any) -> "Tensor":
        self._check_inplace()
        value = other._data if isinstance(other, _tensor.Tensor) else other
        if isinstance(other, _tensor.Tensor) and other.device != self.device:
            raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                               f"{self.device} and {other.device}!")
        try:
            getattr(self._xp, fn)(self._data, value, out=self._data)
        except TypeError as e:  # NumPy refuses e.g. float into an integer tensor, as torch does
            raise RuntimeError(f"result type can't be cast to the desired output type {self.dtype}") from e
        return self

    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return self._inplace("add", other if alpha == 1 else other * alpha)

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return self._inplace("subtract", other if alpha == 1 else other * alpha)

    def mul_(self, other: Any) -> "Tensor":
        return self._inplace("multiply", other)

    def div_(self, other: Any) -> "Tensor":
        return self._inplace("divide", other)

    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other)

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other)

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other)

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def fill_(self, value: Any) -> "Tensor":
        self._check_inplace()
        self._data.fill(value.item() if isinstance(value, _tensor.Tensor) else value)
        return self

    def copy_(self, source: "Tensor") -> "Tensor":
        self._check_inplace()
        self._data[...] = move(source._data, self.device)
        return self

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":  # noqa: A002
        self._check_inplace()
        self._xp.clip(self._data, min, max, out=self._data)
        return self

    def scatter_(self, dim: int, index: "Tensor", value: Any = None, *, src: Any = None) -> "Tensor":
        """``self[index[i][j]][j] = value`` (dim=0) / ``self[i][index[i][j]] = value`` (dim=1)."""
        self._check_inplace()
        if index.dtype is not dtypes.int64:
            raise RuntimeError("scatter(): Expected dtype int64 for index")
        value = src if value is None else value
        positions = _along_dim_index(self._xp, index._data, _normalize_dim(dim, self.ndim))
        if isinstance(value, _tensor.Tensor):
            self._data[positions] = value._data[tuple(slice(0, n) for n in index.shape)]
        else:
            self._data[positions] = value
        return self

