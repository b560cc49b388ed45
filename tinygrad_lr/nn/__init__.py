"""Neural networks: ``Module`` and ``Parameter``, layers, losses, ``functional`` and ``init``.

Read ``parameter.py`` and ``module.py`` first (how a model finds its weights), then
``containers.py``, ``layers.py``, ``functional.py`` (the math of the layers and losses),
``loss_ops.py`` (the fused loss gradients) and ``loss.py``; ``init.py`` stands alone.
"""
from . import functional, init
from .containers import ModuleDict, ModuleList, Sequential
from .layers import (Dropout, Flatten, Identity, LeakyReLU, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh,
                     Unflatten)
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter

__all__ = ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "Flatten", "Identity", "L1Loss",
           "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "Module", "ModuleDict", "ModuleList", "NLLLoss",
           "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh", "Unflatten", "functional", "init"]

from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, InstanceNorm1d,  # noqa: E402
                            InstanceNorm2d, InstanceNorm3d, LayerNorm)
__all__ += ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d",
            "InstanceNorm3d", "LayerNorm"]
