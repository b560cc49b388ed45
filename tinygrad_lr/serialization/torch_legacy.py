"""Read PyTorch's legacy (before 1.6, ``_use_new_zipfile_serialization=False``) files, nothing executed.

Such a file is five pickles and the raw storages, one after the other in a single stream::

    magic number 0x1950a86a20f9469cfc6c | protocol 1001 | sys_info {"little_endian": ...}
    the object (storages as persistent ids ("storage", type, key, location, numel, view))
    the sorted storage keys | per key: its element count (int64) and its bytes

Every pickle goes through ``torch_read``'s restricted unpickler. The storages' bytes come after the
object, so its tensors are first views of empty storages; once the bytes are in, each is copied out.
"""
from __future__ import annotations

import io
import pickle
from typing import Any

import numpy as np

from ..tensor import Tensor
from .torch_read import _STORAGE_DTYPES, _UNSUPPORTED_STORAGES, _move_all, _refuse, _Storage, _StorageType, _Unpickler

MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
MAGIC_PICKLE = pickle.dumps(MAGIC_NUMBER, protocol=2)  # how torch.save starts such a file (protocol 2)
_PROTOCOL_VERSION = 1001


class _LegacyUnpickler(_Unpickler):
    def __init__(self, stream: io.BytesIO, file_name: str, big_endian: bool, roots: dict, **options: Any) -> None:
        pickle._Unpickler.__init__(self, stream, **options)
        self.file_name, self.big_endian, self.roots = file_name, big_endian, roots

    def persistent_load(self, pid: Any) -> _Storage:
        if isinstance(pid, tuple) and pid[:1] == ("module",):
            raise _refuse(f"{self.file_name} holds a whole pickled nn.Module (its class and code), which is never "
                          "loaded; save and load its state_dict()")
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage" and isinstance(pid[1], _StorageType)
                and isinstance(pid[2], str) and isinstance(pid[4], int) and pid[4] >= 0):
            raise _refuse("unsupported persistent id encountered")
        _, storage_type, key, _location, numel, view = pid
        if storage_type.name in _UNSUPPORTED_STORAGES:
            raise NotImplementedError(f"tinygrad_lr.load: {self.file_name} holds a {storage_type.name} tensor, which "
                                      "tinygrad_lr has no dtype for")
        if key not in self.roots:
            self.roots[key] = _Storage(np.zeros(numel, dtype=_STORAGE_DTYPES[storage_type.name].np), pending=True)
        root = self.roots[key]
        if view is None:
            return root
        if not (isinstance(view, tuple) and len(view) == 3 and all(isinstance(v, int) for v in view[1:])):
            raise _refuse(f"bad storage view {view!r}")
        _, offset, size = view  # a storage that is a slice of another (very old files)
        if offset < 0 or size < 0 or offset + size > root.array.size:
            raise _refuse(f"storage view {view!r} reaches past its storage")
        return _Storage(root.array[offset:offset + size], pending=True)


def is_legacy(head: bytes) -> bool:
    return head.startswith(MAGIC_PICKLE)


def _copy_out(obj: Any, seen: set[int]) -> None:
    """Each tensor stops being a view of its storage: separate memory, as every loaded tensor here."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Tensor):
        obj._init(np.array(obj._data), obj.device, obj.requires_grad)
    elif isinstance(obj, dict):
        for value in obj.values():
            _copy_out(value, seen)
    elif isinstance(obj, (list, tuple, set)):
        for value in obj:
            _copy_out(value, seen)


def read(data: bytes, dev: Any, file_name: str, **options: Any) -> Any:
    stream, roots = io.BytesIO(data), {}

    def next_pickle(big_endian: bool = False) -> Any:
        return _LegacyUnpickler(stream, file_name, big_endian, roots, **options).load()

    try:
        if next_pickle() != MAGIC_NUMBER or next_pickle() != _PROTOCOL_VERSION:
            raise _refuse(f"{file_name}: not a PyTorch legacy file (magic number or protocol version)")
        sys_info = next_pickle()
        big_endian = isinstance(sys_info, dict) and sys_info.get("little_endian") is False
        obj = next_pickle(big_endian)
        keys = next_pickle()
        if not isinstance(keys, list) or sorted(keys) != sorted(roots):
            raise _refuse(f"{file_name}: its storage list does not match its tensors")
        order = ">" if big_endian else "<"
        for key in keys:
            flat = roots[key].array
            count = int.from_bytes(stream.read(8), "big" if big_endian else "little")
            raw = stream.read(count * flat.itemsize)
            if count != flat.size or len(raw) != count * flat.itemsize:
                raise _refuse(f"{file_name}: storage {key} should hold {flat.size} values and does not")
            flat[:] = np.frombuffer(raw, dtype=flat.dtype.newbyteorder(order))
    except pickle.UnpicklingError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, EOFError) as error:
        raise _refuse(f"{file_name}: damaged legacy torch.save file ({type(error).__name__}: {error})") from error
    _copy_out(obj, set())
    if dev.type != "cpu":
        _move_all(obj, dev, set())
    return obj
