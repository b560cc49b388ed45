"""Utilities: ``utils.data`` (Dataset, DataLoader, random_split), ``utils.model_zoo`` (offline ``load_url``),
``utils.checkpoint`` (activation checkpointing)."""
from . import checkpoint, data, model_zoo

__all__ = ["checkpoint", "data", "model_zoo"]
