"""``torch.utils.hooks.RemovableHandle``: what every ``register_*_hook`` returns.

A hook lives in an ordered dict under a fresh integer id; the handle remembers the dict (weakly:
a handle must not keep a deleted module alive) and the id, and ``remove()`` deletes that entry
(and the id from any ``extra_dict``, e.g. the set of hooks that take kwargs). It is also a
context manager: ``with module.register_forward_hook(f): ...`` removes the hook on exit.
"""
from __future__ import annotations

import weakref
from typing import Any

__all__ = ["RemovableHandle"]


class RemovableHandle:
    id: int
    next_id: int = 0  # shared by every handle, as in PyTorch: ids never repeat within a process

    def __init__(self, hooks_dict: Any, *, extra_dict: Any = None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        extras = [extra_dict] if isinstance(extra_dict, dict) else list(extra_dict or ())
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extras)

    def remove(self) -> None:
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            table = ref()
            if table is not None and self.id in table:
                del table[self.id]

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()
