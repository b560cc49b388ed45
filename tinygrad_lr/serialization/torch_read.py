"""Read the zip archives ``torch.save`` writes, as ``torch.load(weights_only=True)`` does: nothing runs.

A ``torch.save`` file is a zip archive with one folder (named after the file, or ``archive``)::

    model/data.pkl          a pickle of the object; each tensor is a call to a rebuild function
    model/data/0, data/1    the raw bytes of each storage (what tensors are views of)
    model/byteorder         "little" or "big"; model/version, .format_version, .storage_alignment

A pickle is a small program: ``GLOBAL module name`` pushes any importable callable and ``REDUCE`` calls
it, so a hostile file can run ``os.system``. This unpickler's ``find_class`` answers only the names
below, each with tinygrad_lr's own stand-in (``torch._utils._rebuild_tensor_v2`` is our function that
cuts a tensor out of a storage); any other name raises ``pickle.UnpicklingError`` before it is looked
up. Storages come from ``persistent_load``: the pickle refers to them by key, their bytes are records.
Each tensor is copied out of its storage (tensors that shared a storage in PyTorch come back equal
but separate).
"""
from __future__ import annotations

import codecs
import collections
import io
import pickle
import zipfile
from typing import Any

import numpy as np

from .. import dtypes
from ..backend import device, move
from ..shapes import Size
from ..tensor import Tensor

_STORAGE_DTYPES = {"FloatStorage": dtypes.float32, "DoubleStorage": dtypes.float64, "HalfStorage": dtypes.float16,
                   "LongStorage": dtypes.int64, "IntStorage": dtypes.int32, "ShortStorage": dtypes.int16,
                   "CharStorage": dtypes.int8, "ByteStorage": dtypes.uint8, "BoolStorage": dtypes.bool_,
                   "UntypedStorage": dtypes.uint8}
_UNSUPPORTED_STORAGES = ("BFloat16Storage", "ComplexFloatStorage", "ComplexDoubleStorage")


class _StorageType:
    """What ``GLOBAL torch FloatStorage`` gives: only a name, used inside a storage's persistent id."""

    def __init__(self, name: str) -> None:
        self.name = name


class _Storage:
    """A storage as read from its record: a flat array of its dtype. ``pending``: its bytes come later
    in the file (the legacy format), so tensors are views of it until ``torch_legacy`` copies them."""

    def __init__(self, array: np.ndarray, pending: bool = False) -> None:
        self.array, self.pending = array, pending


class _TensorType:
    """``torch.Tensor`` / ``torch.nn.parameter.Parameter`` as ``_rebuild_from_type_v2`` names them."""

    def __init__(self, name: str) -> None:
        self.name = name


def _refuse(message: str) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(f"Weights only load failed: {message}")


def _tensor_from_storage(storage: Any, offset: Any, size: Any, stride: Any) -> Tensor:
    """The strided view ``storage[offset + sum(i_k * stride_k)]`` of shape ``size``, copied out.

    Every index is checked against the storage first: a crafted file must not read past its bytes."""
    if not isinstance(storage, _Storage):
        raise _refuse(f"a tensor's storage is a {type(storage).__name__}, not a storage record")
    if not (isinstance(offset, int) and isinstance(size, tuple) and isinstance(stride, tuple)
            and len(size) == len(stride) and all(isinstance(n, int) and n >= 0 for n in (offset, *size, *stride))):
        raise _refuse(f"bad tensor geometry (offset {offset!r}, size {size!r}, stride {stride!r})")
    flat = storage.array
    if 0 in size:
        return Tensor._wrap(np.empty(size, dtype=flat.dtype))
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= flat.size:
        raise _refuse(f"a tensor of size {size} and stride {stride} at offset {offset} reaches past its "
                      f"storage of {flat.size} elements")
    view = np.lib.stride_tricks.as_strided(flat[offset:], shape=size,
                                           strides=tuple(s * flat.itemsize for s in stride))
    return Tensor._wrap(view if storage.pending else np.array(view))


def _rebuild_tensor(storage: Any, storage_offset: Any, size: Any, stride: Any) -> Tensor:
    return _tensor_from_storage(storage, storage_offset, size, stride)


def _rebuild_tensor_v2(storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any = False,
                       backward_hooks: Any = None, metadata: Any = None) -> Tensor:
    """``torch._utils._rebuild_tensor_v2``: a tensor from its storage, geometry and ``requires_grad``."""
    if backward_hooks:
        raise _refuse("a tensor in the file carries backward hooks (they would be code)")
    if metadata:
        raise NotImplementedError(f"tinygrad_lr.load: tensor metadata {metadata!r} is not supported")
    tensor = _tensor_from_storage(storage, storage_offset, size, stride)
    tensor.requires_grad = bool(requires_grad)
    return tensor


def _rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any) -> Any:
    """``torch._utils._rebuild_parameter``: an ``nn.Parameter`` around a rebuilt tensor."""
    from ..nn.parameter import Parameter  # nn sits above serialization's tensors; imported when needed
    if not isinstance(data, Tensor) or backward_hooks:
        raise _refuse("a parameter must wrap a tensor and carry no backward hooks")
    return Parameter(data, bool(requires_grad))


def _rebuild_parameter_with_state(data: Any, requires_grad: Any, backward_hooks: Any, state: Any) -> Any:
    if state:
        raise NotImplementedError(f"tinygrad_lr.load: parameter attributes {sorted(state)} are not supported")
    return _rebuild_parameter(data, requires_grad, backward_hooks)


def _rebuild_from_type_v2(func: Any, new_type: Any, args: Any, state: Any) -> Any:
    """What PyTorch writes for tensors of a subclass: only plain tensors and parameters are accepted."""
    if func not in _REBUILDERS or not isinstance(new_type, _TensorType) or not isinstance(args, tuple):
        raise _refuse(f"_rebuild_from_type_v2 of {getattr(new_type, 'name', new_type)!r} is not a plain tensor")
    if state:
        raise NotImplementedError(f"tinygrad_lr.load: tensor attributes {sorted(state)} are not supported")
    return func(*args)


def _encode(text: Any, encoding: Any = "latin1") -> bytes:
    """``_codecs.encode``: how protocol-2 pickles write ``bytes``; only text to latin-1 is accepted."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise _refuse("_codecs.encode is allowed only as pickle's way of writing bytes")
    return codecs.encode(text, "latin1")


_REBUILDERS = (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_parameter, _rebuild_parameter_with_state)
_DTYPE_NAMES = ("float32", "float", "float64", "double", "float16", "half", "bfloat16", "int64", "long", "int32",
                "int", "int16", "short", "int8", "uint8", "bool")
_ALLOWED: dict[str, Any] = {
    "collections.OrderedDict": collections.OrderedDict, "collections.Counter": collections.Counter,
    "builtins.set": set, "builtins.bytearray": bytearray, "builtins.complex": complex, "_codecs.encode": _encode,
    "torch.Size": Size, "torch.device": device,
    "torch.Tensor": _TensorType("Tensor"), "torch.nn.parameter.Parameter": _TensorType("Parameter"),
    "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    **{f"torch._utils.{f.__name__}": f for f in _REBUILDERS},
    **{f"torch.{name}": getattr(dtypes, "bool_" if name == "bool" else name) for name in _DTYPE_NAMES},
    **{f"torch.{name}": _StorageType(name) for name in (*_STORAGE_DTYPES, *_UNSUPPORTED_STORAGES)},
    "torch.storage.UntypedStorage": _StorageType("UntypedStorage"),
}


class _Unpickler(pickle._Unpickler):
    """Python's own unpickler (the pure-Python one, whose opcodes can be overridden) with every way to
    reach a callable or change an existing object closed: ``find_class`` answers only ``_ALLOWED``,
    and ``BUILD`` (set an object's attributes) is allowed only on an ``OrderedDict`` the file itself
    made (``state_dict()._metadata``), never on the shared objects ``find_class`` hands out."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def load_build(self) -> None:
        state = self.stack.pop()
        target = self.stack[-1]
        if type(target) is not collections.OrderedDict or not isinstance(state, dict) \
                or not all(isinstance(key, str) for key in state):
            raise _refuse(f"{self.file_name}: BUILD (setting attributes) of a {type(target).__name__} is not allowed")
        target.__dict__.update(state)

    dispatch[pickle.BUILD[0]] = load_build

    def __init__(self, data: bytes, archive: zipfile.ZipFile, prefix: str, file_name: str, **options: Any) -> None:
        super().__init__(io.BytesIO(data), **options)
        self.archive, self.prefix, self.file_name = archive, prefix, file_name
        self.big_endian = _record(archive, prefix + "byteorder", b"little").strip() == b"big"
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get(f"{module}.{name}")
        if found is None:
            raise _refuse(f"{self.file_name}: Unsupported global: GLOBAL {module}.{name} was not an allowed global "
                          "by default. tinygrad_lr.load rebuilds only tensors, parameters, dtypes and plain "
                          "containers, as torch.load(weights_only=True), and never runs code from a file.")
        return found

    def persistent_load(self, pid: Any) -> _Storage:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType) and isinstance(pid[2], str) and isinstance(pid[4], int)):
            raise _refuse("unsupported persistent id encountered")
        _, storage_type, key, _location, numel = pid
        if key not in self.storages:
            self.storages[key] = self._read_storage(storage_type.name, key, numel)
        return self.storages[key]

    def _read_storage(self, type_name: str, key: str, numel: int) -> _Storage:
        if type_name in _UNSUPPORTED_STORAGES:
            raise NotImplementedError(f"tinygrad_lr.load: {self.file_name} holds a {type_name} tensor, which "
                                      "tinygrad_lr has no dtype for (convert it with .float() before torch.save)")
        dtype = _STORAGE_DTYPES[type_name].np.newbyteorder(">" if self.big_endian else "<")
        raw = _record(self.archive, f"{self.prefix}data/{key}", None)
        if raw is None or len(raw) != numel * dtype.itemsize:
            raise _refuse(f"{self.file_name}: storage {key} should hold {numel} values of {type_name} and does not")
        return _Storage(np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("=")))


def _record(archive: zipfile.ZipFile, name: str, default: Any) -> Any:
    try:
        return archive.read(name)
    except KeyError:
        return default


def _prefix(archive: zipfile.ZipFile) -> str | None:
    for name in archive.namelist():
        folder, _, base = name.rpartition("/")
        if base == "data.pkl" and folder and "/" not in folder:
            return folder + "/"
    return None


def is_torch_archive(archive: zipfile.ZipFile) -> bool:
    """True for a zip archive laid out as ``torch.save`` writes one (a ``<folder>/data.pkl`` record)."""
    return _prefix(archive) is not None


def _move_all(obj: Any, dev: device, seen: set[int]) -> None:
    """Move every rebuilt tensor to ``dev`` (map_location) in place, so containers and classes stay."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Tensor):
        obj._init(move(obj._data, dev), dev, obj.requires_grad)
    elif isinstance(obj, dict):
        for value in obj.values():
            _move_all(value, dev, seen)
    elif isinstance(obj, (list, tuple, set)):
        for value in obj:
            _move_all(value, dev, seen)


def read(archive: zipfile.ZipFile, dev: device, file_name: str, **options: Any) -> Any:
    """Unpickle ``<folder>/data.pkl`` with the restricted unpickler; tensors on ``dev``."""
    prefix = _prefix(archive)
    unpickler = _Unpickler(archive.read(prefix + "data.pkl"), archive, prefix, file_name, **options)
    try:
        obj = unpickler.load()
    except pickle.UnpicklingError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, EOFError) as error:
        # a crafted pickle calling an allowed function wrongly, or a truncated one
        raise _refuse(f"{file_name}: damaged torch.save file ({type(error).__name__}: {error})") from error
    if dev.type != "cpu":
        _move_all(obj, dev, set())
    return obj
