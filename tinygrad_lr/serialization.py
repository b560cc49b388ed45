"""Placeholder: save/load are being written (issue 3)."""
def save(obj, path):
    raise NotImplementedError


def load(path):
    raise NotImplementedError
