"""Normalization: batch, layer, group (and instance) norm as one fused node, and the vector norm.

All of them standardise x over some axes and then scale and shift it per feature:

    x̂ = (x − μ) · σ⁻¹,   σ⁻¹ = 1 / √(var + ε),   out = γ · x̂ + β

They differ only in *which* axes the statistics run over: batch norm over every axis but the
channels (N, H, W), layer norm over the trailing ``normalized_shape`` axes, group norm over the
channels of one group and the spatial axes of one sample (x viewed as (N, G, C/G · H · W)).
``Normalize`` is that one computation; ``stats_shape`` says how x is viewed while the statistics
are taken, ``param_shape`` how γ and β broadcast against x.

Why one fused node instead of composing sub, mul, mean and sqrt: the backward then is the
closed-form gradient below (one pass, no ε-sized intermediate gradients), and the grad_fn is
PyTorch's ``NativeBatchNormBackward0`` / ``NativeLayerNormBackward0`` / ``NativeGroupNormBackward0``.
"""
from __future__ import annotations

from typing import Any

from ..autograd import Op


def moments(x: Any, axes: tuple[int, ...]) -> tuple[Any, Any]:
    """Mean and biased variance over ``axes`` (kept as size-1 axes), returned in x's dtype.

    Two passes, var = mean((x − μ)²), instead of mean(x²) − μ²: the one-pass form cancels
    catastrophically when |μ| ≫ σ (float32 inputs around 1000 with σ = 0.01 lose every digit).
    Lower-precision inputs are summed in float64, as PyTorch's CPU kernel does: a float32 sum
    of n values near 1000 is off by ~n·ulp(1000), which is already 1% of σ = 0.01 for n = 36.
    The centring itself stays in x's dtype (no float64 copy of x) with μ rounded to m; then
    mean((x − m)²) = var + (μ − m)², and that small known term is taken off.
    """
    accumulate = "float64" if x.dtype.itemsize < 8 else None
    mean = x.mean(axis=axes, keepdims=True, dtype=accumulate)
    rounded = mean.astype(x.dtype, copy=False)
    centered = x - rounded
    var = (centered * centered).mean(axis=axes, keepdims=True, dtype=accumulate)
    if accumulate is not None:
        var = var - (mean - rounded) ** 2
    return rounded, var.astype(x.dtype, copy=False)


class Normalize(Op):
    """out = γ · x̂ + β with x̂ = (x − μ) σ⁻¹ (γ, β optional).

    With statistics of the batch itself (``batch_stats=True``) μ and σ depend on x; over the n
    values of one statistic, with g = dy · γ:

        dx = σ⁻¹ · (g − mean(g) − x̂ · mean(g · x̂))      (= (1/n) σ⁻¹ (n g − Σg − x̂ Σ(g x̂)))

    With fixed statistics (running stats in eval) dx = g · σ⁻¹. In both cases
    dγ = Σ dy · x̂ and dβ = Σ dy, summed over every axis γ is broadcast along.
    """

    def forward(self, x, *params, stats_shape: tuple[int, ...], axes: tuple[int, ...], param_shape: tuple[int, ...],
                eps: float, has_weight: bool, mean: Any = None, var: Any = None, batch_stats: bool = True):
        grouped = x.reshape(stats_shape)
        if mean is None:
            mean, var = moments(grouped, axes)
        invstd = 1.0 / self.xp.sqrt(var + eps)  # Python floats keep x's dtype (no float64 leak)
        x_hat = grouped - mean
        x_hat *= invstd  # in place on the fresh array: one pass and one allocation fewer
        x_hat = x_hat.reshape(x.shape)
        weight = params[0].reshape(param_shape) if has_weight else None
        out = x_hat if weight is None else x_hat * weight
        if len(params) > has_weight:
            bias = params[-1].reshape(param_shape)
            if out is x_hat:
                out = x_hat + bias
            else:
                out += bias
        self.save(x_hat, invstd, weight, stats_shape, axes, param_shape, batch_stats,
                  tuple(p.shape for p in params))
        return out

    def backward(self, out_grad):
        x_hat, invstd, weight, stats_shape, axes, param_shape, batch_stats, shapes = self.saved
        g = out_grad if weight is None else out_grad * weight
        if batch_stats:
            g, h = g.reshape(stats_shape), x_hat.reshape(stats_shape)
            dx = invstd * (g - g.mean(axis=axes, keepdims=True) - h * (g * h).mean(axis=axes, keepdims=True))
        else:
            dx = g.reshape(stats_shape) * invstd
        grads = [dx.reshape(out_grad.shape)]
        # γ and β are broadcast along every axis where param_shape (right-aligned) has size 1
        lead = out_grad.ndim - len(param_shape)
        spread = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(param_shape) if n == 1)
        if weight is not None:
            grads.append((out_grad * x_hat).sum(axis=spread).reshape(shapes[0]))
        if len(shapes) > (weight is not None):
            grads.append(out_grad.sum(axis=spread).reshape(shapes[-1]))
        return tuple(grads)


class BatchNorm(Normalize):
    """Batch norm: γ is constant over the n = N·H·W values of each channel's statistic, so the
    two sums the gradients of γ and β are made of are the ones dx needs (Σ over a channel):

        dβ = Σ dy,   dγ = Σ dy · x̂,   dx = (1/n) · γ · σ⁻¹ · (n · dy − dβ − x̂ · dγ)

    (with running statistics, in eval: dx = γ · σ⁻¹ · dy).
    """
    torch_name = "NativeBatchNormBackward0"

    def backward(self, out_grad):
        x_hat, invstd, weight, stats_shape, axes, param_shape, batch_stats, shapes = self.saved
        sum_dy = out_grad.sum(axis=axes, keepdims=True)
        sum_dy_x_hat = (out_grad * x_hat).sum(axis=axes, keepdims=True)
        scale = invstd if weight is None else invstd * weight
        if batch_stats:
            n = out_grad.size // sum_dy.size
            dx = (out_grad - sum_dy / n - x_hat * (sum_dy_x_hat / n)) * scale
        else:
            dx = out_grad * scale
        grads = [dx]
        if weight is not None:
            grads.append(sum_dy_x_hat.reshape(shapes[0]))
        if len(shapes) > (weight is not None):
            grads.append(sum_dy.reshape(shapes[-1]))
        return tuple(grads)


class LayerNorm(Normalize):
    torch_name = "NativeLayerNormBackward0"


class GroupNorm(Normalize):
    torch_name = "NativeGroupNormBackward0"


class VectorNorm(Op):
    """out = (Σ |x|^p)^(1/p) over ``dim``;  d/dx = |x|^(p−1) · sign(x) / out^(p−1)  (p = 2: x / out)

    As PyTorch's ``linalg_vector_norm``, the gradient at a zero vector is 0, not 0/0.
    """
    torch_name = "LinalgVectorNormBackward0"

    def forward(self, x, p: float, dim: tuple[int, ...], keepdim: bool):
        xp = self.xp
        if p == 2:
            out = xp.sqrt((x * x).sum(axis=dim, keepdims=True))
        elif p == 1:
            out = xp.abs(x).sum(axis=dim, keepdims=True)
        else:
            out = (xp.abs(x) ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        self.save(x, out, p, dim, keepdim)
        return out if keepdim else out.squeeze(axis=dim)

    def backward(self, out_grad):
        x, out, p, dim, keepdim = self.saved
        xp = self.xp
        if not keepdim:
            out_grad = xp.expand_dims(out_grad, dim)
        if p == 1:
            return xp.sign(x) * out_grad
        safe = xp.where(out == 0, 1, out)  # a zero norm gets gradient 0 (x is 0 there too)
        if p == 2:
            return x / safe * out_grad
        return xp.sign(x) * xp.abs(x) ** (p - 1) / safe ** (p - 1) * out_grad
