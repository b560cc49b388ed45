"""``save`` and ``load``: state dicts (and nested dicts, lists, numbers, strings, tensors) in a ``.npz``.

PyTorch pickles; unpickling runs code from the file. Here a file is a plain NumPy ``.npz`` archive
that ``np.load(path, allow_pickle=False)`` reads: every tensor is one array entry (``tensor_0``,
``tensor_1``...) keeping its dtype, and one more entry, ``structure``, is a JSON text describing the
object around them. Containers and keys are tagged in that JSON so that everything comes back as it
went in: dict key order and key types (an optimizer state dict is keyed by ints), tuples versus
lists, ints versus floats.
"""
from __future__ import annotations

import json
import math
import os
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from .backend import CPU, move, to_device
from .tensor import Tensor

_STRUCTURE = "structure"
_FORMAT = "tinygrad_lr.save/1"
_SUPPORTED = "Tensors, NumPy arrays, dicts, lists, tuples, str, int, float, bool and None"


def _encode(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """A JSON value for ``obj``; its arrays go into ``arrays`` under the names the JSON refers to."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        if isinstance(obj, float) and not math.isfinite(obj):
            return {"float": repr(obj)}  # JSON has no nan/inf
        return obj
    if isinstance(obj, Tensor):
        name = f"tensor_{len(arrays)}"
        arrays[name] = move(obj._data, CPU)
        return {"tensor": name, "requires_grad": obj.requires_grad}
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            raise TypeError("tinygrad_lr.save cannot store NumPy arrays of Python objects (that needs pickle)")
        name = f"tensor_{len(arrays)}"
        arrays[name] = obj
        return {"ndarray": name}
    if isinstance(obj, np.generic):
        return _encode(obj.item(), arrays)
    if isinstance(obj, dict):
        items = [[_encode(k, arrays), _encode(v, arrays)] for k, v in obj.items()]
        return {"ordered_dict" if isinstance(obj, OrderedDict) else "dict": items}
    if isinstance(obj, (list, tuple)):
        return {"tuple" if isinstance(obj, tuple) else "list": [_encode(v, arrays) for v in obj]}
    raise TypeError(f"tinygrad_lr.save cannot store an object of type {type(obj).__name__}: it stores "
                    f"{_SUPPORTED} (no pickle)")


def _decode(node: Any, arrays: Any, device: Any) -> Any:
    if not isinstance(node, dict):
        return node
    (tag, value), *rest = node.items()
    if tag == "float":
        return float(value)
    if tag == "tensor":
        array = arrays[value]
        t = Tensor._wrap(move(array, device), device)
        if node.get("requires_grad"):
            t.requires_grad = True
        return t
    if tag == "ndarray":
        return arrays[value]
    if tag in ("dict", "ordered_dict"):
        pairs = ((_decode(k, arrays, device), _decode(v, arrays, device)) for k, v in value)
        return OrderedDict(pairs) if tag == "ordered_dict" else dict(pairs)
    if tag in ("list", "tuple"):
        items = [_decode(v, arrays, device) for v in value]
        return tuple(items) if tag == "tuple" else items
    raise ValueError(f"not a tinygrad_lr.save file: unknown entry {tag!r}")


def save(obj: Any, f: str | os.PathLike | IO[bytes]) -> None:
    """Write ``obj`` (a state dict, a tensor, or nested containers of them) to a path or binary file.

    The file name is used as given (``model.pth`` stays ``model.pth``; ``np.savez`` alone would
    append ``.npz``).
    """
    arrays: dict[str, np.ndarray] = {}
    structure = json.dumps({"format": _FORMAT, "object": _encode(obj, arrays)}, allow_nan=False)
    entries = {_STRUCTURE: np.array(structure), **arrays}
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as handle:
            np.savez(handle, **entries)
    else:
        np.savez(f, **entries)


def load(f: str | os.PathLike | IO[bytes], map_location: Any = None, weights_only: bool | None = True,
         **_ignored: Any) -> Any:
    """Read what ``save`` wrote. Tensors come back on the CPU, or on ``map_location`` (``"cuda"``).

    Loading never unpickles, so ``weights_only`` is always effectively True.
    """
    device = CPU if map_location is None else to_device(map_location)
    with np.load(f, allow_pickle=False) as archive:
        if _STRUCTURE not in archive.files:
            raise ValueError("not a tinygrad_lr.save file: it has no 'structure' entry")
        header = json.loads(str(archive[_STRUCTURE]))
        if header.get("format") != _FORMAT:
            raise ValueError(f"not a tinygrad_lr.save file (format {header.get('format')!r})")
        arrays = {name: archive[name] for name in archive.files if name != _STRUCTURE}
    return _decode(header["object"], arrays, device)
