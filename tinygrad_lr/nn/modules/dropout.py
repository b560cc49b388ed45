"""``torch.nn.modules.dropout``: the dropout layers (``nn/layers.py``, ``nn/dropout.py``)."""
from ..dropout import AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout  # noqa: F401
from ..layers import Dropout  # noqa: F401
