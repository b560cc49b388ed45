"""tinygrad_lr's own file format: state dicts (and nested dicts, lists, numbers, strings, tensors) in a ``.npz``.

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
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from ..backend import CPU, move
from ..tensor import Tensor

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


def write(obj: Any, handle: IO[bytes]) -> None:
    """Write ``obj`` as the npz archive described above to an open binary file."""
    arrays: dict[str, np.ndarray] = {}
    structure = json.dumps({"format": _FORMAT, "object": _encode(obj, arrays)}, allow_nan=False)
    np.savez(handle, **{_STRUCTURE: np.array(structure), **arrays})


def read(handle: IO[bytes], device: Any) -> Any:
    """Read what ``write`` wrote. Any file that is not one raises ``ValueError`` (the caller names it)."""
    try:
        with np.load(handle, allow_pickle=False) as archive:
            if _STRUCTURE not in archive.files:
                raise ValueError("not a tinygrad_lr.save file: it has no 'structure' entry")
            header = json.loads(str(archive[_STRUCTURE]))
            if not isinstance(header, dict) or header.get("format") != _FORMAT:
                raise ValueError("not a tinygrad_lr.save file: its structure entry is not tinygrad_lr's")
            arrays = {name: archive[name] for name in archive.files if name != _STRUCTURE}
        return _decode(header["object"], arrays, device)
    except ValueError as error:  # json.JSONDecodeError is a ValueError too
        if "not a tinygrad_lr.save file" in str(error):
            raise
        raise ValueError(f"not a tinygrad_lr.save file: {error}") from error
    except (KeyError, TypeError, AttributeError, IndexError, OSError) as error:
        # a crafted structure: a name with no array, a container that is not a list of pairs, ...
        raise ValueError(f"not a tinygrad_lr.save file: its structure is damaged ({type(error).__name__}: "
                         f"{error})") from error
