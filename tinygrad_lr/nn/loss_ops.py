"""Graph nodes for the losses whose gradient is simplest written directly.

Each is an autograd ``Op`` like those in ``tinygrad_lr/ops``: forward and backward on
plain arrays, the derivative in the docstring. Built from smaller ops these losses would be
slower and, at their edges, wrong: log(0) = −inf gives NaN gradients in a chain of
log → clamp → mul, while PyTorch's own formulas stay finite. ``nn.functional`` checks the
arguments and calls these.
"""
from __future__ import annotations

import numpy as np

from .._kernels import FUSED
from .._cascade_sum import nll_total, whole_sum
from ..autograd import Op


def _reduce(loss, reduction: str, denominator=None, total=None):
    """Sum or average the per-element losses; ``denominator`` replaces the count for weighted means.
    The sum adds in PyTorch's order (``_cascade_sum``), so a printed loss has PyTorch's last digits;
    ``total``: a sum the caller made already (the NLL's own order)."""
    if reduction == "none":
        return loss
    if total is None:
        total = whole_sum(loss)
    if reduction == "sum":
        return total
    # An empty or fully ignored batch is NaN, as in PyTorch, without NumPy's warning: Op.apply runs
    # every forward with NumPy's floating-point warnings off (an np.errstate here cost ~2 µs a call).
    return total / (loss.size if denominator is None else denominator)


def _expand_grad(xp, out_grad, shape, reduction: str, denominator=None, broadcast: bool = True):
    """The gradient of each per-element loss, given the gradient of the reduced loss (left 0-d,
    unexpanded, with ``broadcast=False``, for a caller whose arithmetic broadcasts it anyway)."""
    if reduction == "none":
        return out_grad
    if reduction == "mean":
        n = 1
        for s in shape:
            n *= s
        # (no np.errstate: the engine runs every backward with NumPy's floating-point warnings off)
        out_grad = out_grad / (n if denominator is None else denominator)
    return xp.broadcast_to(out_grad, shape) if broadcast else out_grad


class NegativeLogLikelihood(Op):
    """Class-index loss on log-probabilities ``logp`` (class dimension 1, or 0 for one sample).

    For sample i with class y_i, class weights w and label smoothing ε over C classes, the
    target weights are
        a_ic = (1 − ε) · w_{y_i} · [c = y_i] + (ε / C) · w_c      (all zero if y_i == ignore_index)
    and loss_i = −Σ_c a_ic · logp_ic. With ε = 0 this is ``nll_loss``: −w_{y_i} · logp_{i, y_i}.
    'mean' divides the sum by Σ_i w_{y_i} over the samples that are not ignored (PyTorch's
    weighted mean), also for the smoothing term.

    d loss_i / d logp_ic = −a_ic. After ``log_softmax`` this becomes softmax − a: the familiar
    "predicted probabilities minus the one-hot target".
    """
    torch_name = "NllLossBackward0"

    def forward(self, logp, target, weight, ignore_index: int, label_smoothing: float, reduction: str):
        xp = self.xp
        fused = FUSED.get(xp)
        if (fused is not None and weight is None and not label_smoothing and logp.ndim == 2 and fused.takes(logp)
                and logp.flags.c_contiguous):  # CuPy, a batch of rows: one kernel for what follows
            loss, target_weight, safe_target = fused.nll_rows(logp, target, ignore_index)
            denominator = target_weight.sum()
            self.save(None, loss.shape, reduction, denominator, 1, (xp.arange(logp.shape[0]), safe_target),
                      target_weight, logp.shape)
            return _reduce(loss, reduction, denominator)
        class_dim = 0 if logp.ndim == 1 else 1
        n_classes = logp.shape[class_dim]
        class_shape = [1] * logp.ndim
        class_shape[class_dim] = n_classes
        kept = target != ignore_index
        safe_target = xp.where(kept, target, 0)  # any valid index; ignored rows get weight 0
        if weight is None:  # w_{y_i} = 1: the mask itself (no ones(C), gather and product: ~2 us)
            w = None
            target_weight = kept.astype(logp.dtype)
        else:
            w = weight.astype(logp.dtype, copy=False)
            target_weight = w[safe_target] * kept  # w_{y_i}, 0 where ignored
        denominator = target_weight.sum()
        if not label_smoothing:
            # Only a_{i,y_i} is non-zero: pick those entries instead of building the (N, C) matrix.
            # (a batch of rows, the training loop's case, written out: ~2 µs less than the general loop)
            index = (xp.arange(logp.shape[0]), safe_target) if logp.ndim == 2 else \
                _target_positions(xp, safe_target, class_dim)
            loss = -(target_weight * logp[index])
            total = None
            if xp is np and logp.ndim <= 2 and reduction != "none":
                # PyTorch's kernel adds the samples in its own cascade (_cascade_sum.nll_total): the same
                # order here, so the printed loss has PyTorch's last digits
                total = nll_total(loss.reshape(-1), kept.reshape(-1))
                if weight is not None:
                    denominator = nll_total(target_weight.reshape(-1), kept.reshape(-1))
            self.save(None, loss.shape, reduction, denominator, class_dim, index, target_weight, logp.shape)
            return _reduce(loss, reduction, denominator, total)
        if w is None:
            w = xp.ones(n_classes, dtype=logp.dtype)
        one_hot = xp.arange(n_classes).reshape(class_shape) == xp.expand_dims(safe_target, class_dim)
        a = xp.expand_dims(target_weight, class_dim) * one_hot
        if label_smoothing:
            a = a * (1 - label_smoothing) + \
                (w.reshape(class_shape) * xp.expand_dims(kept, class_dim)) * (label_smoothing / n_classes)
        loss = -(a * logp).sum(axis=class_dim)
        self.save(a, loss.shape, reduction, denominator, class_dim)
        return _reduce(loss, reduction, denominator)

    def backward(self, out_grad):
        a, loss_shape, reduction, denominator, class_dim = self.saved[:5]
        # Without smoothing, target_weight * grad broadcasts a 0-d grad itself: no broadcast_to
        # view (~3 µs of a ~90 µs cross-entropy forward + backward at batch 1).
        grad = _expand_grad(self.xp, out_grad, loss_shape, reduction, denominator, broadcast=a is not None)
        if a is None:  # no smoothing: −w_{y_i} · grad_i at (i, y_i), zero elsewhere
            index, target_weight, logp_shape = self.saved[5:]
            fused = FUSED.get(self.xp)
            # CuPy: one kernel instead of zeros, product and scatter
            if fused is not None and len(logp_shape) == 2 and fused.takes(target_weight, grad):
                return fused.nll_backward(target_weight, index[1], grad, logp_shape)
            full = self.xp.zeros(logp_shape, dtype=grad.dtype)
            full[index] = -(target_weight * grad)  # one target per position: no repeated indices
            return full
        return -a * self.xp.expand_dims(grad, class_dim)


def _target_positions(xp, target, class_dim: int) -> tuple:
    """The advanced index of (i, y_i, d1, ...) in log-probabilities shaped like target with a class
    dimension inserted at ``class_dim``."""
    parts = []
    for axis in range(target.ndim + 1):
        if axis == class_dim:
            parts.append(target)
            continue
        target_axis = axis if axis < class_dim else axis - 1
        shape = [1] * target.ndim
        shape[target_axis] = target.shape[target_axis]
        parts.append(xp.arange(target.shape[target_axis]).reshape(shape))
    return tuple(parts)


class BinaryCrossEntropy(Op):
    """loss = −(y · log x + (1 − y) · log(1 − x)), each log clamped at −100 like PyTorch
    (so x = 0 or 1 gives a finite loss);  per element, before weighting and reduction.

    d/dx = (x − y) / (x (1 − x)), with the denominator kept ≥ 1e-12 (PyTorch's EPSILON);
    d/dy = log(1 − x) − log x  (clamped logs).
    """
    torch_name = "BinaryCrossEntropyBackward0"

    def forward(self, x, y, reduction: str = "none", weight=None):
        xp = self.xp
        with np.errstate(divide="ignore"):  # log(0) = −inf, then clamped
            log_x = xp.maximum(xp.log(x), -100)
            log_1mx = xp.maximum(xp.log1p(-x), -100)
        self.save(x, y, log_x, log_1mx, reduction, weight)
        loss = (y - 1) * log_1mx - y * log_x
        # weighted and reduced here, so the loss is one node in a drawn graph, as PyTorch's
        return _reduce(loss if weight is None else loss * weight, reduction)

    def backward(self, out_grad):
        x, y, log_x, log_1mx, reduction, weight = self.saved
        out_grad = _expand_grad(self.xp, out_grad, x.shape, reduction)
        if weight is not None:
            out_grad = out_grad * weight
        grad_x = grad_y = None
        if self.needs_grad[0]:
            # PyTorch's EPSILON is a C float: 1e-12 rounded to float32, also for float64 inputs
            grad_x = out_grad * (x - y) / self.xp.maximum((1 - x) * x, np.float32(1e-12))
        if self.needs_grad[1]:
            grad_y = out_grad * (log_1mx - log_x)
        return grad_x, grad_y


class BinaryCrossEntropyWithLogits(Op):
    """BCE on logits x (σ folded in), optionally with ``pos_weight`` p on the positive term:

        loss = (1 − y) · x + l · softplus(−x),   l = (p − 1) · y + 1,
        softplus(−x) = log(1 + e^−x) = log(1 + e^−|x|) + max(−x, 0)   (never overflows).

    (With p = 1 this is max(x, 0) − x·y + log(1 + e^−|x|).)
    d/dx = (1 − y) − l · σ(−x)   (= σ(x) − y when p = 1),
    d/dy = −x + (p − 1) · softplus(−x),   d/dp = y · softplus(−x).
    """
    torch_name = "BinaryCrossEntropyWithLogitsBackward0"

    def forward(self, x, y, pos_weight=None, reduction: str = "none"):
        xp = self.xp
        softplus_neg = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)
        scale = 1 if pos_weight is None else (pos_weight - 1) * y + 1
        loss = (1 - y) * x + scale * softplus_neg
        self.save(x, y, pos_weight, softplus_neg, scale, reduction, loss.shape)
        return _reduce(loss, reduction)  # reduced here: one node in a drawn graph, as PyTorch's

    def backward(self, out_grad):
        x, y, pos_weight, softplus_neg, scale, reduction, shape = self.saved
        xp = self.xp
        out_grad = _expand_grad(xp, out_grad, shape, reduction)
        grads = [None, None, None]
        if self.needs_grad[0]:
            sigmoid_neg = xp.exp(-x - softplus_neg)  # σ(−x) = e^−x / (1 + e^−x)
            grads[0] = out_grad * ((1 - y) - scale * sigmoid_neg)
        if self.needs_grad[1]:
            grads[1] = out_grad * (-x if pos_weight is None else -x + (pos_weight - 1) * softplus_neg)
        if pos_weight is not None and self.needs_grad[2]:
            grads[2] = out_grad * y * softplus_neg
        return tuple(grads[:len(self.needs_grad)])


class MseLoss(Op):
    """loss = reduce((x − y)²), one node as PyTorch's (a drawn graph shows ``MseLossBackward0`` alone):

        d/dx = (2/n) · (x − y) · g   ('mean'; 2 · (x − y) · g for 'sum' and 'none'),   d/dy = −d/dx.

    x and y may broadcast against each other; the engine sums each gradient back to its input's shape.
    """
    torch_name = "MseLossBackward0"

    def forward(self, x, y, reduction: str = "mean"):
        diff = x - y
        self.save(diff, reduction)
        return _reduce(diff * diff, reduction)

    def backward(self, out_grad):
        diff, reduction = self.saved
        norm = 2.0 / diff.size if reduction == "mean" else 2.0  # a Python float keeps diff's dtype
        grad_x = diff * norm * out_grad
        return grad_x, (-grad_x if self.needs_grad[1] else None)
