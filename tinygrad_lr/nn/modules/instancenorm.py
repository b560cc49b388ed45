"""``torch.nn.modules.instancenorm``: the instance-norm layers (defined in ``nn/normalization.py``)."""
from ..normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, _InstanceNorm, _NormBase  # noqa: F401
