"""``torch.backends.cudnn``: flags scripts set (``benchmark = True``, ``deterministic = True``); cuDNN itself
is never called, so ``is_available()`` is False and ``version()`` is None, as on PyTorch without cuDNN."""
from __future__ import annotations

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version() -> int | None:
    return None
