"""``torch.nn.modules.pixelshuffle``: ``PixelShuffle`` and ``PixelUnshuffle``."""
from ..upsampling import PixelShuffle, PixelUnshuffle  # noqa: F401
