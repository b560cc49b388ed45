"""``nn.Parameter``: a Tensor that a Module registers as one of its learnable weights.

A Parameter is an ordinary leaf Tensor (it shares the array of the tensor it wraps, no copy) with
``requires_grad=True`` by default. Assigning one to a Module attribute is what makes it show up in
``module.parameters()`` and so in the optimizer.
"""
from __future__ import annotations

from ..creation import empty
from ..tensor import Tensor


class Parameter(Tensor):
    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        if data is None:
            data = empty(0)  # PyTorch's Parameter() is an empty float tensor
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter expects a Tensor, got {type(data).__name__}")
        self._init(data._data, data.device)
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> "Parameter":
        # copy.deepcopy(model): a new Parameter over a copy of the array (and of .grad)
        if id(self) not in memo:
            result = Parameter(Tensor._wrap(self._data.copy(), self.device), self.requires_grad)
            if self.grad is not None:
                result.grad = Tensor._wrap(self.grad._data.copy(), self.device)
            memo[id(self)] = result
        return memo[id(self)]
