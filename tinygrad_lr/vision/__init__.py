"""torchvision's pieces that the course uses: image ``datasets`` and ``transforms``.

``from tinygrad_lr.vision import datasets, transforms`` (under ``python -m tinygrad_lr run``, a
script's ``import torchvision`` gets this package). It sits on top of the framework and uses only
its public API, written as a user would write it (``import tinygrad_lr as torch``); that is also
why ``python -m compare script`` can run it over real PyTorch, which has no such package.

Images are NumPy ``uint8`` arrays of shape (H, W) where torchvision hands out PIL images:
``transforms.ToTensor()`` turns either into a float tensor (C, H, W) in [0, 1].
"""
from . import datasets, transforms

__all__ = ["datasets", "transforms"]
