"""The losses as functions: the math of each loss lives here once (``nn/loss.py`` holds the modules' options).
Argument checks raise PyTorch's errors with PyTorch's words, so a learner's mistake (a float class target, a class
index out of range) reads the same in both."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ... import dtypes
from ...autograd import is_grad_enabled
from ...backend import indices_below, move
from ...tensor import Tensor
from .. import loss_ops

# ------------------------------------------------------------------------------------ loss helpers

def _reduction(reduction: str, size_average: Any = None, reduce: Any = None) -> str:
    """The ``reduction`` string, from the legacy ``size_average``/``reduce`` flags when given."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        legacy = ("mean" if size_average else "sum") if reduce else "none"
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{legacy}' instead.",
                      stacklevel=3)
        return legacy
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _named(loss: Tensor, name: str) -> Tensor:
    """PyTorch's grad_fn name for a loss it computes in one kernel and we compose (printing a loss
    shows it: ``grad_fn=<MseLossBackward0>``)."""
    if loss.grad_fn is not None:
        loss.grad_fn.torch_name = name
    return loss


def _type_name(dt: dtypes.dtype) -> str:
    """PyTorch's scalar-type names used in its messages: Float, Double, Long, Int, ..."""
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}.get(dt.name, dt.name)


def _check_broadcast(input: Tensor, target: Tensor) -> None:  # noqa: A002
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)
        a, b = input.shape, target.shape
        for i in range(1, min(len(a), len(b)) + 1):
            if a[-i] != b[-i] and 1 not in (a[-i], b[-i]):
                raise RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) "
                                   f"at non-singleton dimension {max(len(a), len(b)) - i}")


def _pointwise_loss(errors: Tensor, reduction: str, weight: Tensor | None) -> Tensor:
    """Reduce elementwise errors; with ``weight``, 'mean' is Σ w·e / Σ w (PyTorch's weighted mean)."""
    if weight is None:
        return _reduce(errors, reduction)
    if weight.shape != errors.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = errors * weight
    return weighted.sum() / weight.sum() if reduction == "mean" else _reduce(weighted, reduction)
__all__ = ["mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy"]


# ------------------------------------------------------------------------------------ regression

def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,  # noqa: A002
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """mean (or sum) of (x − y)²."""
    reduction = _reduction(reduction, size_average, reduce)
    _check_broadcast(input, target)
    if weight is None and input.dtype is target.dtype and input.dtype.is_floating_point:
        return loss_ops.MseLoss.apply(input, target, reduction=reduction)  # one node, as PyTorch's graph
    loss = _pointwise_loss((input - target) ** 2, reduction, weight)
    return loss if weight is not None else _named(loss, "MseLossBackward0")


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,  # noqa: A002
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """mean (or sum) of |x − y|."""
    reduction = _reduction(reduction, size_average, reduce)
    _check_broadcast(input, target)
    return _pointwise_loss((input - target).abs(), reduction, weight)


# -------------------------------------------------------------------------------- binary targets

def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                         size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """−w · (y log x + (1 − y) log(1 − x)) for probabilities x (see ``loss_ops.BinaryCrossEntropy``)."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_type_name(target.dtype)} but expected {_type_name(input.dtype)}")
    data = input._data
    if data.size and not bool(((data >= 0) & (data <= 1)).all()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    labels = target._data
    if labels.size and not bool(((labels >= 0) & (labels <= 1)).all()):  # NaN fails too, as in PyTorch
        raise RuntimeError("all elements of target should be between 0 and 1")
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'binary_cross_entropy' is not differentiable with respect to argument "
                           "'weight'. This input cannot have requires_grad True.")
    if weight is None or (weight.dtype is input.dtype and weight.device == input.device):
        weights = None if weight is None else weight._data
        return loss_ops.BinaryCrossEntropy.apply(input, target, reduction=reduction, weight=weights)
    loss = loss_ops.BinaryCrossEntropy.apply(input, target) * weight
    return _named(_reduce(loss, reduction), "BinaryCrossEntropyBackward0")


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                                     size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE of σ(x), computed stably from the logits x (see ``loss_ops.BinaryCrossEntropyWithLogits``)."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    operands = [input, target] + ([] if pos_weight is None else [pos_weight])
    common = dtypes.result_type(*((t.dtype, 2) for t in operands))
    operands = [t if t.dtype is common else t.to(common) for t in operands]
    if weight is None:
        return loss_ops.BinaryCrossEntropyWithLogits.apply(*operands, reduction=reduction)
    loss = loss_ops.BinaryCrossEntropyWithLogits.apply(*operands) * weight
    return _named(_reduce(loss, reduction), "BinaryCrossEntropyWithLogitsBackward0")


# --------------------------------------------------------------------------------- class targets

def _check_class_targets(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int) -> None:  # noqa: A002
    """PyTorch's checks for class-index targets, in its words."""
    data, scores = target._data, input._data
    if (weight is None and scores.ndim == 2 and data.ndim == 1 and data.dtype == np.int64
            and data.shape[0] == scores.shape[0] and data.shape[0]
            and indices_below(data, scores.shape[1])):
        # Fast path, a batch of class indices all in range (the training loop's case): every check
        # below passes. Reading the arrays directly (no Size or dtype objects) and one max instead of
        # the masks: 14 -> 7 us per call at batch 1 (measured in the MLP step). Anything else falls
        # through to the full checks.
        return
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_type_name(target.dtype)}")
    if input.ndim == 0:
        raise ValueError("Expected input to have at least 1 dimension (got 0)")
    if input.ndim >= 2 and (target.ndim == 0 or target.shape[0] != input.shape[0]):
        got = target.shape[0] if target.ndim else 0  # PyTorch's kernel reads a 0-d target's batch as 0
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({got}).")
    if input.ndim == 1 and target.ndim != 0:
        raise RuntimeError(f"0D target tensor expected for 1D input, got target of shape {list(target.shape)}")
    if input.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.ndim > 2 and target.shape != input.shape[:1] + input.shape[2:]:
        raise RuntimeError(f"Expected target size {list(input.shape[:1] + input.shape[2:])}, got {list(target.shape)}")
    n_classes = input.shape[0 if input.ndim == 1 else 1]
    if weight is not None and weight.numel() != n_classes:
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes "
                           f"but got weight tensor of shape: {list(weight.shape)}")
    data = target._data
    bad = (data != ignore_index) & ((data < 0) | (data >= n_classes))
    if bool(bad.any()):
        raise IndexError(f"Target {int(data[bad].reshape(-1)[0])} is out of bounds.")


def _class_loss(log_probs: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int,
                label_smoothing: float, reduction: str) -> Tensor:
    if log_probs.ndim == 1 and target.ndim == 1 and target.numel() == 1:
        target = target.reshape(())  # PyTorch accepts a one-element target for a single sample
    _check_class_targets(log_probs, target, weight, ignore_index)
    weight_array = None if weight is None else move(weight._data, log_probs.device)
    loss = loss_ops.NegativeLogLikelihood.apply(
        log_probs, target=target._data.astype(np.int64, copy=False), weight=weight_array,
        ignore_index=ignore_index, label_smoothing=label_smoothing, reduction=reduction)
    # PyTorch adds the smoothing term to the NLL (AddBackward0) and runs (N, C, d1, ...) inputs
    # through its 2-D kernel, viewing unreduced losses of other ranks back to the target's shape
    if label_smoothing:
        return _named(loss, "AddBackward0")
    if log_probs.ndim >= 3:
        return _named(loss, "ViewBackward0" if reduction == "none" and log_probs.ndim != 4 else "NllLoss2DBackward0")
    return _named(loss, "NllLossBackward0")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,  # noqa: A002
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """−w_y · input[y] for log-probabilities ``input`` of shape (C), (N, C) or (N, C, d1, ...)."""
    reduction = _reduction(reduction, size_average, reduce)
    return _class_loss(input, target, weight, ignore_index, 0.0, reduction)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,  # noqa: A002
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dimension, then the negative log-likelihood of the targets.

    ``target`` holds class indices (int64, one per sample) or, when it has the input's shape,
    class probabilities. ``label_smoothing`` ε mixes the target with the uniform distribution:
    (1 − ε)·target + ε/C.
    """
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    if input.ndim == 0:
        raise ValueError("Expected input to have at least 1 dimension (got 0)")
    log_probs = input.log_softmax(class_dim)
    if target.shape != input.shape:
        return _class_loss(log_probs, target, weight, ignore_index, label_smoothing, reduction)

    # Probability targets: −Σ_c w_c · target_c · log p_c per sample.
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{_type_name(target.dtype)}")
    if ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")
    n_classes = input.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    products = log_probs * target
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_dim] = n_classes
        products = products * weight.reshape(shape)
    if reduction == "none":
        return -products.sum(class_dim)
    if reduction == "sum":
        return -products.sum()
    # 'mean' averages over the samples (every position but the class dimension), weights or not
    return _named(-products.sum() / (input.numel() // n_classes if input.numel() else float("nan")),
                  "DivBackward1")  # PyTorch divides by a C++ number: div(Scalar)
