"""``torch.nn.modules.normalization``: the layer, group, RMS and local response norms."""
from ..normalization import GroupNorm, LayerNorm, LocalResponseNorm, RMSNorm  # noqa: F401
