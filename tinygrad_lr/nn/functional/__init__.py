"""``nn.functional`` (``import tinygrad_lr.nn.functional as F``): layers and losses as functions.

One file per family, as the modules are: ``activation.py`` (activations, ``linear``, ``dropout``,
``one_hot``), ``loss.py`` (every loss; the math of each lives there once). A new family adds a file
here and one import line below.
"""
from .activation import *  # noqa: F401,F403
from .activation import _softmax_dim  # noqa: F401
from .loss import *  # noqa: F401,F403
from .loss import _reduction, _reduce  # noqa: F401
from .loss_regression import *  # noqa: F401,F403
from .loss_margin import *  # noqa: F401,F403
from .gumbel import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .feature_dropout import *  # noqa: F401,F403 (channel dropout; F.dropout itself is in activation.py)
from .padding import *  # noqa: F401,F403
from .vision import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
