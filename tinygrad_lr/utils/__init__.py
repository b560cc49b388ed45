"""Utilities: ``utils.data`` (Dataset, DataLoader, random_split), ``utils.model_zoo`` (offline ``load_url``)."""
from . import data, model_zoo

__all__ = ["data", "model_zoo"]
