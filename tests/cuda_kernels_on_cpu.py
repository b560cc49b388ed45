"""``cupy.ElementwiseKernel`` on the CPU: the same C++ kernel body, compiled with g++, run on NumPy arrays.

``tinygrad_lr/_kernels.py`` writes its fused CUDA kernels as CuPy ``ElementwiseKernel`` bodies. A
machine without a GPU cannot run CuPy, but it can compile the body: this stand-in takes the same
``(in_params, out_params, operation, name)``, wraps the body in a C++ loop over the elements (``i``
the index, as in CuPy), compiles it into a shared library and calls it through ctypes. Registered for
NumPy (``use_on_numpy``), it sends the ops' CuPy branch through real compiled kernel code, so the tests
check the kernels' arithmetic and the ops' wiring against PyTorch.

What it follows of CuPy's rules (the parts the kernels use):
- a parameter is ``[raw] TYPE name``; TYPE is a dtype name (``float32``, ``int64`` ...) or a type
  placeholder (``T``), bound to the dtype of the first argument given for it;
- non-raw arrays (outputs included) broadcast together and are read as values / written as
  references per element; ``raw`` arrays are passed whole, indexed by the body (``a[j]``), and the
  loop length then comes from ``size=``;
- outputs that are not given are allocated (broadcast shape, dtype of their type);
- scalars are passed by value. Stricter than CuPy: a Python float for a ``T`` parameter is refused,
  so a kernel call cannot leave the scalar's dtype to chance.
It is compiled without floating-point contraction (``-ffp-contract=off``), as the kernels are on a GPU
(``--fmad=false``, which ``options`` carries and this stand-in accepts): a fused multiply-add happens
only where a body calls ``fma``.
"""
from __future__ import annotations

import atexit
import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from typing import Any

import numpy as np

CXX = shutil.which("g++") or shutil.which("c++")
_C_TYPES = {"float32": ("float", ctypes.c_float), "float64": ("double", ctypes.c_double),
            "int64": ("long long", ctypes.c_longlong), "int32": ("int", ctypes.c_int),
            "uint8": ("unsigned char", ctypes.c_ubyte),
            "bool": ("bool", ctypes.c_bool)}
_BUILD_DIR = tempfile.mkdtemp(prefix="tinygrad_kernels_")
atexit.register(shutil.rmtree, _BUILD_DIR, ignore_errors=True)
_LIBRARIES: dict[str, Any] = {}


class _Param:
    def __init__(self, text: str, is_output: bool) -> None:
        words = text.split()
        self.raw = words[0] == "raw"
        if self.raw:
            words = words[1:]
        if len(words) != 2:
            raise ValueError(f"cannot parse kernel parameter {text!r}")
        self.type, self.name = words
        self.is_output = is_output
        self.placeholder = self.type not in _C_TYPES


def _params(text: str, is_output: bool) -> list[_Param]:
    return [_Param(part.strip(), is_output) for part in text.split(",") if part.strip()]


def _compile(source: str) -> Any:
    digest = hashlib.sha1(source.encode()).hexdigest()[:16]
    library = _LIBRARIES.get(digest)
    if library is None:
        path = os.path.join(_BUILD_DIR, f"k{digest}")
        with open(path + ".cpp", "w") as f:
            f.write(source)
        subprocess.run([CXX, "-O1", "-ffp-contract=off", "-shared", "-fPIC", "-o", path + ".so", path + ".cpp"],
                       check=True, capture_output=True, text=True)
        library = _LIBRARIES[digest] = ctypes.CDLL(path + ".so")
    return library


class ElementwiseKernel:
    """The CPU stand-in for ``cupy.ElementwiseKernel(in_params, out_params, operation, name)``."""

    def __init__(self, in_params: str, out_params: str, operation: str, name: str = "kernel",
                 options: tuple = ()) -> None:
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"kernel name {name!r} is not a C identifier")
        self.inputs, self.outputs = _params(in_params, False), _params(out_params, True)
        for p in self.inputs + self.outputs:  # CuPy's rule: its generated code uses these names
            if p.name in ("n", "i") or p.name.startswith("_"):
                raise ValueError(f"{name}: parameter name {p.name!r} is reserved by CuPy")
        self.operation, self.name = operation, name
        self.calls = 0  # how often it ran (tests check the fused path was taken)

    def __call__(self, *args: Any, size: int | None = None) -> Any:
        params = self.inputs + self.outputs
        if not len(self.inputs) <= len(args) <= len(params):
            raise TypeError(f"{self.name}: wrong number of arguments ({len(args)})")
        values = dict(zip([p.name for p in params], args))
        # bind the type placeholders, from the first argument given for each
        bound: dict[str, np.dtype] = {}
        for p in params:
            if p.placeholder and p.name in values and p.type not in bound:
                value = values[p.name]
                if isinstance(value, float) and not isinstance(value, np.floating):
                    raise TypeError(f"{self.name}: a Python float for {p.type} {p.name}; pass a NumPy scalar")
                bound[p.type] = np.asarray(value).dtype
        dtype_of = {p.name: (bound[p.type] if p.placeholder else np.dtype(p.type)) for p in params}
        for p in params:
            if p.name in values and isinstance(values[p.name], np.ndarray) and values[p.name].dtype != dtype_of[p.name]:
                raise TypeError(f"{self.name}: {p.name} is {values[p.name].dtype}, expected {dtype_of[p.name]}")
        # broadcast the element-wise arrays (outputs too), allocate the missing outputs
        elementwise = [p for p in params if not p.raw and p.name in values and isinstance(values[p.name], np.ndarray)]
        shape = np.broadcast_shapes(*[values[p.name].shape for p in elementwise]) if elementwise else ()
        for p in self.outputs:
            if p.name not in values:
                if p.raw:
                    raise TypeError(f"{self.name}: raw output {p.name} must be given")
                values[p.name] = np.empty(shape, dtype=dtype_of[p.name])
            elif not p.raw and values[p.name].shape != shape:
                raise ValueError(f"{self.name}: output {p.name} has shape {values[p.name].shape}, the loop {shape}")
        if any(p.raw for p in params) and size is None and not elementwise:
            raise ValueError(f"{self.name}: a kernel of raw arrays needs size=")
        n = int(size) if size is not None else int(np.prod(shape, dtype=np.int64))
        # contiguous buffers for the C loop; outputs written back afterwards
        buffers, c_args, signature, loop_lines = {}, [ctypes.c_longlong(n)], ["long long n"], []
        for p in params:
            ctype, cscalar = _C_TYPES[dtype_of[p.name].name]
            value = values[p.name]
            if p.raw or isinstance(value, np.ndarray):
                if p.raw:
                    if not value.flags.c_contiguous:
                        raise ValueError(f"{self.name}: raw {p.name} must be C-contiguous here")
                    buffer = value
                else:
                    buffer = np.ascontiguousarray(np.broadcast_to(value, shape))
                    if p.is_output and buffer is not value:
                        buffer = buffer.copy()
                buffers[p.name] = buffer
                c_args.append(ctypes.c_void_p(buffer.ctypes.data))
                const = "" if p.is_output else "const "
                if p.raw:
                    signature.append(f"{const}{ctype}* {p.name}")
                else:
                    signature.append(f"{const}{ctype}* {p.name}_array")
                    loop_lines.append(f"{ctype}& {p.name} = (({ctype}*){p.name}_array)[i];" if p.is_output
                                      else f"const {ctype} {p.name} = {p.name}_array[i];")
            else:
                c_args.append(cscalar(value))
                signature.append(f"const {ctype} {p.name}")
        typedefs = "".join(f"typedef {_C_TYPES[d.name][0]} {t};\n" for t, d in bound.items())
        source = ("#include <cmath>\nusing namespace std;\n" + typedefs
                  + f'extern "C" void {self.name}({", ".join(signature)}) {{\n'
                  + "  for (long long i = 0; i < n; ++i) {\n    " + "\n    ".join(loop_lines)
                  + "\n    " + self.operation.strip() + ";\n  }\n}\n")
        getattr(_compile(source), self.name)(*c_args)
        self.calls += 1
        results = []
        for p in self.outputs:
            value = values[p.name]
            if buffers.get(p.name) is not None and buffers[p.name] is not value:
                np.copyto(value, buffers[p.name])
            results.append(value)
        return results[0] if len(results) == 1 else tuple(results)


def use_on_numpy() -> Any:
    """Register the compiled kernels for NumPy arrays (``_kernels.FUSED[np]``); returns them."""
    from tinygrad_lr import _kernels
    kernels = _kernels.FUSED[np] = _kernels.Kernels(np, _kernels.no_contraction(ElementwiseKernel))
    return kernels


def stop_on_numpy() -> None:
    from tinygrad_lr import _kernels
    _kernels.FUSED.pop(np, None)
