"""``torch.backends.cuda``: ``is_built()`` and ``matmul.allow_tf32``, which is the same switch as
``torch.set_float32_matmul_precision`` (True is ``"high"``, False ``"highest"``), as in PyTorch."""
from __future__ import annotations

from .. import process


def is_built() -> bool:
    """True when CuPy with a GPU is there: what tinygrad_lr's CUDA support is built on."""
    from ..backend import cupy_module
    return cupy_module() is not None


class _Matmul:
    @property
    def allow_tf32(self) -> bool:
        return process.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        process.set_float32_matmul_precision("high" if value else "highest")

    def __setattr__(self, name: str, value: object) -> None:
        if name != "allow_tf32":  # a misspelled flag must not be silently ignored
            raise AttributeError(f"Unknown attribute {name}")
        super().__setattr__(name, value)


matmul = _Matmul()
