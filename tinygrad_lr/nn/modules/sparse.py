"""``torch.nn.modules.sparse``: ``Embedding`` and ``EmbeddingBag`` (defined in ``nn/sparse.py``)."""
from ..sparse import Embedding, EmbeddingBag  # noqa: F401

__all__ = ["Embedding", "EmbeddingBag"]
