"""Write the zip archive ``torch.save`` writes, so real ``torch.load(weights_only=True)`` reads it.

PyTorch's pickle names its rebuild functions (``torch._utils._rebuild_tensor_v2``); Python's pickler
would insist on importing them, and tinygrad_lr does not import torch. So this file emits the few
protocol-2 opcodes such a pickle uses by hand (the layout ``torch_read.py`` describes):

    tensor     GLOBAL torch._utils _rebuild_tensor_v2, (persistent storage id, offset, size, stride,
               requires_grad, OrderedDict()) REDUCE; a parameter wraps that in _rebuild_parameter
    storage    BINPERSID of ("storage", GLOBAL torch FloatStorage, key, "cpu", numel)
    containers EMPTY_DICT / EMPTY_LIST + MARK ... SETITEMS / APPENDS, tuples with TUPLE

Each tensor is written as its own contiguous storage (a tensor saved twice shares one). Records are
placed at 64-byte boundaries as PyTorch places them (its memory-mapped loading relies on that).
"""
from __future__ import annotations

import io
import math
import struct
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from .. import dtypes
from ..backend import CPU, move
from ..shapes import Size
from ..tensor import Tensor

_STORAGE_NAMES = {dtypes.float32: "FloatStorage", dtypes.float64: "DoubleStorage", dtypes.float16: "HalfStorage",
                  dtypes.int64: "LongStorage", dtypes.int32: "IntStorage", dtypes.int16: "ShortStorage",
                  dtypes.int8: "CharStorage", dtypes.uint8: "ByteStorage", dtypes.bool_: "BoolStorage"}
_ALIGNMENT = 64
_SUPPORTED = ("Tensors, Parameters, dicts, OrderedDicts, lists, tuples, torch.Size, dtypes, str, bytes, int, float, "
              "bool and None")


class _Pickle:
    """A protocol-2 pickle written opcode by opcode, plus the storages it refers to."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.storages: dict[int, tuple[str, np.ndarray]] = {}  # id(tensor) -> (key, flat contiguous array)

    def op(self, code: bytes, payload: bytes = b"") -> None:
        self.out.write(code + payload)

    def global_(self, module: str, name: str) -> None:
        self.op(b"c", f"{module}\n{name}\n".encode())

    def str_(self, text: str) -> None:
        data = text.encode("utf-8")
        self.op(b"X", struct.pack("<I", len(data)) + data)

    def int_(self, value: int) -> None:
        if 0 <= value < 256:
            self.op(b"K", bytes([value]))
        elif -2**31 <= value < 2**31:
            self.op(b"J", struct.pack("<i", value))
        else:  # LONG1: little-endian two's complement
            size = (value.bit_length() + 8) // 8
            self.op(b"\x8a", bytes([size]) + value.to_bytes(size, "little", signed=True))

    def tuple_(self, items: Any) -> None:
        self.op(b"(")
        for item in items:
            self.value(item)
        self.op(b"t")

    def value(self, obj: Any) -> None:
        if obj is None:
            self.op(b"N")
        elif obj is True or obj is False:
            self.op(b"\x88" if obj else b"\x89")
        elif isinstance(obj, np.generic):
            self.value(obj.item())
        elif isinstance(obj, int):
            self.int_(int(obj))
        elif isinstance(obj, float):
            self.op(b"G", struct.pack(">d", obj))
        elif isinstance(obj, str):
            self.str_(obj)
        elif isinstance(obj, bytes):  # protocol 2 spells bytes as _codecs.encode(latin-1 text)
            self.global_("_codecs", "encode")
            self.tuple_((obj.decode("latin1"), "latin1"))
            self.op(b"R")
        elif isinstance(obj, Tensor):
            self.tensor(obj)
        elif isinstance(obj, dtypes.dtype):
            self.global_("torch", obj.name)
        elif isinstance(obj, Size):
            self.global_("torch", "Size")
            self.tuple_((tuple(obj),))
            self.op(b"R")
        elif isinstance(obj, dict):
            if isinstance(obj, OrderedDict):
                self.global_("collections", "OrderedDict")
                self.op(b")R")
            else:
                self.op(b"}")
            self.op(b"(")
            for key, value in obj.items():
                self.value(key)
                self.value(value)
            self.op(b"u")
        elif isinstance(obj, list):
            self.op(b"](")
            for item in obj:
                self.value(item)
            self.op(b"e")
        elif isinstance(obj, tuple):
            self.tuple_(obj)
        else:
            raise TypeError(f"tinygrad_lr.save(format='torch') cannot store an object of type {type(obj).__name__}: "
                            f"it stores {_SUPPORTED}")

    def tensor(self, t: Tensor) -> None:
        from ..nn.parameter import Parameter  # nn sits above; only needed to tell parameters apart
        if t.dtype not in _STORAGE_NAMES:
            raise TypeError(f"tinygrad_lr.save(format='torch') cannot store a {t.dtype} tensor")
        is_parameter = isinstance(t, Parameter)
        if is_parameter:
            self.global_("torch._utils", "_rebuild_parameter")
            self.op(b"(")
        if id(t) not in self.storages:
            self.storages[id(t)] = (str(len(self.storages)), np.ascontiguousarray(move(t._data, CPU)).reshape(-1))
        key, flat = self.storages[id(t)]
        shape = tuple(t.shape)
        strides = tuple(math.prod(shape[i + 1:]) for i in range(len(shape)))  # contiguous, in elements
        self.global_("torch._utils", "_rebuild_tensor_v2")
        self.op(b"((")
        self.str_("storage")
        self.global_("torch", _STORAGE_NAMES[t.dtype])
        for item in (key, "cpu", flat.size):
            self.value(item)
        self.op(b"tQ")  # the storage tuple becomes a persistent id
        for item in (0, shape, strides, t.requires_grad and not is_parameter):
            self.value(item)
        self.global_("collections", "OrderedDict")
        self.op(b")Rt" + b"R")  # backward hooks: an empty OrderedDict; then call _rebuild_tensor_v2
        if is_parameter:
            self.value(t.requires_grad)
            self.global_("collections", "OrderedDict")
            self.op(b")Rt" + b"R")


def _write_aligned(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Store ``data`` uncompressed with its first byte at a multiple of 64 (padding in the extra field)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    header_end = archive.fp.tell() + 30 + len(name.encode())
    padding = -(header_end + 4) % _ALIGNMENT  # 4 bytes of extra-field header before the padding
    info.extra = b"FB" + struct.pack("<H", padding) + b"Z" * padding
    archive.writestr(info, data)


def write(obj: Any, handle: IO[bytes], archive_name: str, byteorder_record: bool = True) -> None:
    """``torch.save(obj, handle)`` without torch: the pickle, its storages and the bookkeeping records."""
    pickle = _Pickle()
    pickle.op(b"\x80\x02")
    pickle.value(obj)
    pickle.op(b".")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        records = [("data.pkl", pickle.out.getvalue()), (".format_version", b"1"),
                   (".storage_alignment", str(_ALIGNMENT).encode())]
        if byteorder_record:  # without it, PyTorch reads the storages as little-endian
            records.append(("byteorder", b"little"))
        records += [(f"data/{key}", flat.astype(flat.dtype.newbyteorder("<")).tobytes())
                    for key, flat in pickle.storages.values()]
        records.append(("version", b"3\n"))
        for name, data in records:
            _write_aligned(archive, f"{archive_name}/{name}", data)
    handle.write(buffer.getvalue())
