"""Learning-rate schedulers (``torch.optim.lr_scheduler``): each ``step()`` sets ``lr`` in every param
group of an optimizer.

``base.py`` holds the base class and the multiplicative schedules (Lambda, Multiplicative, Step,
MultiStep, Constant, Linear, Exponential, Polynomial); ``cosine.py`` the cosine annealings;
``cyclic.py`` CyclicLR and OneCycleLR (which also cycle the momentum); ``combined.py`` SequentialLR
and ChainedScheduler; ``plateau.py`` ReduceLROnPlateau.
"""
from .base import (ConstantLR, ExponentialLR, LambdaLR, LinearLR, LRScheduler, MultiplicativeLR, MultiStepLR,
                   PolynomialLR, StepLR)
from .combined import ChainedScheduler, SequentialLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .plateau import ReduceLROnPlateau


class _LRScheduler(LRScheduler):
    """PyTorch's old name of the base class, still subclassed by some course code."""


__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "SequentialLR", "PolynomialLR", "CosineAnnealingLR", "ChainedScheduler",
           "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR"]
