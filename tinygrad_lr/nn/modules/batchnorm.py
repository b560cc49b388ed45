"""``torch.nn.modules.batchnorm`` (``isinstance(m, nn.modules.batchnorm._BatchNorm)`` in init code)."""
from ..normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm, _NormBase  # noqa: F401
