"""``save`` and ``load``: tinygrad_lr's own pickle-free ``.npz`` format, and PyTorch's ``torch.save`` files.

``save`` writes the ``.npz`` format (``npz.py``) unless asked for ``format="torch"``, which writes the zip
archive ``torch.save`` writes (``torch_write.py``), readable by real ``torch.load(weights_only=True)``.
``load`` looks at the first bytes and reads any of them, PyTorch's legacy (before 1.6) files too
(``torch_legacy.py``); a PyTorch file is unpickled by a restricted unpickler (``torch_read.py``) that can
only rebuild tensors and plain containers: nothing in a file ever runs.
"""
from __future__ import annotations

import io
import os
import pickle
import zipfile
from typing import IO, Any

from ..backend import CPU, to_device
from . import npz, torch_legacy, torch_read, torch_write

_FORMATS = ("npz", "torch")
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"
_HEAD = len(torch_legacy.MAGIC_PICKLE)


def save(obj: Any, f: str | os.PathLike | IO[bytes], pickle_module: Any = None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False, *,
         format: str = "npz") -> None:  # noqa: A002 - the natural name
    """Write ``obj`` (a state dict, a tensor, or nested containers of them) to a path or binary file.

    ``format="npz"`` (the default) is tinygrad_lr's pickle-free archive; ``format="torch"`` is PyTorch's zip
    format, for files real PyTorch should read. The file name is used as given in both (``model.pth``).
    """
    if format not in _FORMATS:
        raise ValueError(f"save: format must be one of {_FORMATS}, got {format!r}")
    if pickle_module is not None and pickle_module is not pickle:  # torch's default is the pickle module
        raise NotImplementedError("save: pickle_module is not supported (tinygrad_lr writes its own pickle)")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("save: writing the legacy (non-zip) torch format is not supported")
    if format == "torch" and pickle_protocol != 2:
        raise NotImplementedError("save: only pickle_protocol=2 (torch.save's default) is written")

    def write(handle: IO[bytes], archive_name: str) -> None:
        if format == "torch":
            torch_write.write(obj, handle, archive_name, byteorder_record=not _disable_byteorder_record)
        else:
            npz.write(obj, handle)

    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as handle:  # torch.save names the archive's folder after the file
            write(handle, os.path.splitext(os.path.basename(f))[0] or "archive")
    else:
        write(f, "archive")


def load(f: str | os.PathLike | IO[bytes], map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Read a file ``save`` or ``torch.save`` wrote; tensors come back on the CPU or on ``map_location``.

    Nothing in the file is executed whatever ``weights_only`` says: a PyTorch file may hold only what
    ``torch.load(weights_only=True)`` accepts (tensors, parameters, ``OrderedDict``, containers, numbers,
    strings, dtypes, ``torch.Size``); anything else raises ``pickle.UnpicklingError`` naming it.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("load: pickle_module is not supported (files are never unpickled freely)")
    if mmap:
        raise NotImplementedError("load: mmap=True is not supported (storages are read into memory)")
    unknown = sorted(set(pickle_load_args) - {"encoding"})
    if unknown:  # torch passes these to its unpickler, which accepts only encoding
        raise TypeError(f"load() got an unexpected keyword argument {unknown[0]!r}")
    device = _map_location(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as handle:
            return _load(handle, device, os.fspath(f), pickle_load_args)
    return _load(f, device, str(getattr(f, "name", "the file")), pickle_load_args)


def _map_location(map_location: Any) -> Any:
    if map_location is None:
        return CPU
    if isinstance(map_location, dict) or callable(map_location):
        raise NotImplementedError("load: map_location as a dict or a function is not supported; give a device")
    return to_device(map_location)


def _load(handle: IO[bytes], device: Any, name: str, options: dict[str, Any]) -> Any:
    start = handle.tell() if handle.seekable() else 0
    head = handle.read(_HEAD)
    handle.seek(start)
    try:
        if head.startswith(_ZIP_MAGIC):
            data = io.BytesIO(handle.read())
            with zipfile.ZipFile(data) as archive:
                if torch_read.is_torch_archive(archive):
                    return torch_read.read(archive, device, name, **options)
            data.seek(0)
            return npz.read(data, device)
        if head.startswith(_NPY_MAGIC):
            raise ValueError("not a tinygrad_lr.save file: it is a single NumPy array (.npy); read it with "
                             "numpy.load")
        if torch_legacy.is_legacy(head):
            return torch_legacy.read(handle.read(), device, name, **options)
        raise ValueError("not a tinygrad_lr.save file (nor a torch.save file)")
    except zipfile.BadZipFile as error:  # a truncated or damaged archive
        raise ValueError(f"{name}: not a tinygrad_lr.save file: {error}") from error
    except ValueError as error:
        if str(error).startswith(name):
            raise
        raise ValueError(f"{name}: {error}") from error
