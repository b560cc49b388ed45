"""``torch.backends.mkldnn``: oneDNN, which tinygrad_lr never calls (its CPU kernels are NumPy's)."""
from __future__ import annotations

enabled = True


def is_available() -> bool:
    return False
