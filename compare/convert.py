"""Move weights between PyTorch and tinygrad_lr: state dicts keep the same keys on both sides, so
a model built from the same architecture loads the other's weights as is."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np


def to_ours(state_dict: dict[str, Any], device: Any = None) -> "OrderedDict[str, Any]":
    """A torch state_dict as tinygrad_lr tensors (same keys, dtypes and values)."""
    import tinygrad_lr
    return OrderedDict((key, tinygrad_lr.tensor(value.detach().cpu().numpy(), device=device))
                       for key, value in state_dict.items())


def to_torch(state_dict: dict[str, Any], device: Any = None) -> "OrderedDict[str, Any]":
    """A tinygrad_lr state_dict as torch tensors (same keys, dtypes and values)."""
    import torch
    return OrderedDict((key, torch.tensor(np.asarray(value), device=device)) for key, value in state_dict.items())


def load_into_ours(our_module: Any, torch_module: Any) -> Any:
    """Copy a torch module's weights into our module of the same architecture (strict keys)."""
    device = next(iter(our_module.parameters())).device if list(our_module.parameters()) else None
    our_module.load_state_dict(to_ours(torch_module.state_dict(), device))
    return our_module


def load_into_torch(torch_module: Any, our_module: Any) -> Any:
    """Copy our module's weights into a torch module of the same architecture (strict keys)."""
    device = next(iter(torch_module.parameters())).device if list(torch_module.parameters()) else None
    torch_module.load_state_dict(to_torch(our_module.state_dict(), device))
    return torch_module


def same_start(ns: Any, build: Any, like: Any, seed: int = 0) -> Any:
    """``build(ns)`` with the weights PyTorch initializes under ``seed``, in ``like``'s dtype and on
    its device: the way both sides of a model or training case start from identical weights."""
    import torch
    dtype_name = str(like.dtype).split(".")[-1]
    torch.manual_seed(seed)
    reference = build(torch).to(dtype=getattr(torch, dtype_name))
    if ns is torch:
        return reference.to(like.device)
    model = build(ns).to(device=like.device, dtype=getattr(ns, dtype_name))
    return load_into_ours(model, reference)
