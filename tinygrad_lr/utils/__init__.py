"""Utilities: ``utils.data`` (Dataset, DataLoader)."""
