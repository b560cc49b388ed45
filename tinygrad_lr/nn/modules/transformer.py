"""``torch.nn.modules.transformer``: the encoder modules (defined in ``nn/transformer.py``)."""
from ..transformer import TransformerEncoder, TransformerEncoderLayer  # noqa: F401
