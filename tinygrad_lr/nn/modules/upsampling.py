"""``torch.nn.modules.upsampling``: ``Upsample`` and the older fixed-mode forms."""
from ..upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d  # noqa: F401
