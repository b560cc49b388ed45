"""Channel dropout layers: ``Dropout1d``, ``Dropout2d``, ``Dropout3d`` (whole feature maps are kept
or zeroed together) and ``AlphaDropout`` / ``FeatureAlphaDropout`` (for SELU networks). Each is
active only in training mode; ``Dropout`` itself is in ``layers.py``."""
from __future__ import annotations

from ..tensor import Tensor
from .functional import feature_dropout as D
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return D.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return D.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return D.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """(``inplace`` is stored and printed but not used, as in PyTorch's module; ``F.alpha_dropout``
    takes it.)"""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return D.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return D.feature_alpha_dropout(input, self.p, self.training)  # inplace unused, as in PyTorch
