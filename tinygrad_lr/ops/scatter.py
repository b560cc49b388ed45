"""Writing into a copy of a tensor at index positions: scatter, scatter_add, scatter_reduce,
index_add, index_copy, index_fill, index_put.

``positions`` is a NumPy/CuPy advanced index (a tuple of arrays, see
``tensor_indexing._along_dim_index``) naming every position written; ``src_slices`` cuts ``src`` to
the index's shape, as PyTorch reads only that corner of it. The gradient of the tensor written
into is out_grad, except at positions that were overwritten (their old value was lost: 0); the
gradient of the written values is out_grad read back at the positions they went to.
"""
from __future__ import annotations

from typing import Any

from ..autograd import Op
from ..backend import scatter_add, scatter_reduce_into


def _zeroed_at(xp: Any, grad: Any, positions: Any) -> Any:
    grad = grad.copy()
    grad[positions] = 0
    return grad


def _placed(xp: Any, shape: tuple[int, ...], slices: tuple, values: Any) -> Any:
    """zeros of ``shape`` with ``values`` in the corner ``slices`` (the part of src that was read)."""
    out = xp.zeros(shape, dtype=values.dtype)
    out[slices] = values
    return out


class Scatter(Op):
    """out = a with out[positions] = src;  grad_a = out_grad, 0 where overwritten;
    grad_src = out_grad[positions]"""
    torch_name = "ScatterBackward0"

    def forward(self, a, src, positions: Any, src_slices: tuple):
        self.save(src.shape, positions, src_slices)
        out = a.copy()
        out[positions] = src[src_slices]
        return out

    def backward(self, out_grad):
        src_shape, positions, slices = self.saved
        xp = self.xp
        return _zeroed_at(xp, out_grad, positions), _placed(xp, src_shape, slices, out_grad[positions])


class ScatterValue(Op):
    """out = a with out[positions] = value (a number);  grad_a = out_grad, 0 where overwritten"""
    torch_name = "ScatterBackward1"

    def forward(self, a, positions: Any, value: Any):
        self.save(positions)
        out = a.copy()
        out[positions] = value
        return out

    def backward(self, out_grad):
        (positions,) = self.saved
        return _zeroed_at(self.xp, out_grad, positions)


class IndexFill(ScatterValue):
    torch_name = "IndexFillBackward0"


class ScatterAdd(Op):
    """out = a with src added at positions (repeats accumulate);  grad_a = out_grad,
    grad_src = out_grad[positions]"""
    torch_name = "ScatterAddBackward0"

    def forward(self, a, src, positions: Any, src_slices: tuple, alpha: Any = 1):
        self.save(src.shape, positions, src_slices, alpha)
        out = a.copy()
        part = src[src_slices]
        scatter_add(self.xp, out, positions, part if alpha == 1 else part * alpha)
        return out

    def backward(self, out_grad):
        src_shape, positions, slices, alpha = self.saved
        picked = out_grad[positions]
        return out_grad, _placed(self.xp, src_shape, slices, picked if alpha == 1 else picked * alpha)


class IndexAdd(ScatterAdd):
    torch_name = "IndexAddBackward0"


class IndexCopy(Scatter):
    torch_name = "IndexCopyBackward0"


class IndexPut(Op):
    """out = a with out[indices] = values (or += when ``accumulate``; values broadcast);
    grad_a = out_grad (0 where overwritten unless accumulating), grad_values = out_grad[indices]"""
    torch_name = "IndexPutBackward0"

    def forward(self, a, values, indices: Any, accumulate: bool):
        self.save(indices, accumulate)
        out = a.copy()
        if accumulate:
            scatter_add(self.xp, out, indices, self.xp.broadcast_to(values, out[indices].shape))
        else:
            out[indices] = values
        return out

    def backward(self, out_grad):
        indices, accumulate = self.saved
        grad_a = out_grad if accumulate else _zeroed_at(self.xp, out_grad, indices)
        return grad_a, out_grad[indices]


_UFUNCS = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum"}
_IDENTITY = {"sum": 0, "mean": 0, "prod": 1, "amax": -float("inf"), "amin": float("inf")}


class ScatterReduce(Op):
    """out = a with src reduced into positions by sum, prod, mean, amax or amin (``include_self``:
    whether a's own value takes part). Gradients, with c the number of values reduced into a spot:
    sum: grad_a = g, grad_src = g[pos];  mean: g / c for both;
    prod: grad_a = g·out/a, grad_src = (g·out)[pos] / src (inputs without zeros);
    amax/amin: the gradient is shared evenly by every value equal to the result."""
    torch_name = "ScatterReduceBackward0"

    def forward(self, a, src, positions: Any, src_slices: tuple, reduce: str, include_self: bool):
        xp = self.xp
        part = src[src_slices]
        out = a.copy()
        if not include_self:
            identity = _IDENTITY[reduce]
            out[positions] = identity if a.dtype.kind == "f" or abs(identity) != float("inf") else \
                (xp.iinfo(a.dtype).min if identity < 0 else xp.iinfo(a.dtype).max)
        scatter_reduce_into(xp, out, positions, part, _UFUNCS[reduce])
        count = None
        if reduce == "mean":
            count = xp.ones_like(a)
            if not include_self:
                count[positions] = 0
            scatter_add(xp, count, positions, xp.ones_like(part))
            out = out / count if a.dtype.kind == "f" else out // count
        self.save(a, part, src.shape, positions, src_slices, reduce, include_self, out, count)
        return out

    def backward(self, out_grad):
        a, part, src_shape, positions, slices, reduce, include_self, out, count = self.saved
        xp = self.xp
        if reduce == "sum":
            grad_a, grad_part = out_grad, out_grad[positions]
        elif reduce == "mean":
            grad_a = out_grad / count
            grad_part = grad_a[positions]
        elif reduce == "prod":
            if (a == 0).any() or (part == 0).any():
                raise NotImplementedError("the backward of scatter_reduce(reduce='prod') with zeros in the "
                                          "input is not supported")
            grad_a = out_grad * out / a
            grad_part = (out_grad * out)[positions] / part
        else:
            value = out[positions]
            self_hits = (a == out).astype(out_grad.dtype)
            part_hits = (part == value).astype(out_grad.dtype)
            shares = self_hits.copy()
            scatter_add(xp, shares, positions, part_hits)
            distributed = out_grad / shares
            grad_a = self_hits * distributed
            grad_part = part_hits * distributed[positions]
        if not include_self:
            grad_a = _zeroed_at(xp, grad_a, positions)
        return grad_a, _placed(xp, src_shape, slices, grad_part)
