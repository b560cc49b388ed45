"""``torch.nn.modules.loss``: the loss modules and their bases ``_Loss`` and ``_WeightedLoss``, which
course code subclasses for a custom loss (defined in ``nn/loss.py``)."""
from ..loss import *  # noqa: F401,F403
from ..loss import _Loss, _WeightedLoss  # noqa: F401
