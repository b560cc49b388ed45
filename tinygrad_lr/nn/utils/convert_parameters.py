"""Parameters as one flat vector and back (e.g. for second-order methods or weight averaging)."""
from __future__ import annotations

from typing import Iterable

from ...tensor import Tensor
from ...tensor_shape import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param: Tensor, device: object) -> object:
    if device is not None and param.device != device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return param.device


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one 1-D tensor (differentiable: a ``cat`` of views)."""
    device, pieces = None, []
    for param in parameters:
        device = _check_param_device(param, device)
        pieces.append(param.view(-1))
    return cat(pieces)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Set each parameter's ``.data`` to its slice of ``vec`` (in order), reshaped to the parameter's shape."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__module__}.{type(vec).__qualname__}"
                        if type(vec).__module__ != "builtins" else f"expected torch.Tensor, but got: {type(vec).__name__}")
    device, pointer = None, 0
    for param in parameters:
        device = _check_param_device(param, device)
        count = param.numel()
        param.data = vec[pointer:pointer + count].view_as(param).data
        pointer += count
