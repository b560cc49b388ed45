"""``torch.nn.modules.transformer``: the transformer modules (defined in ``nn/transformer.py``)."""
from ..transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,  # noqa: F401
                           TransformerEncoder, TransformerEncoderLayer)
