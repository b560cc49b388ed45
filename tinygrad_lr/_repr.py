"""``repr(tensor)`` exactly as PyTorch prints it: 4 decimals, shared width, summarised past 1,000
elements, and suffixes for a non-default dtype, a CUDA device, ``grad_fn`` or ``requires_grad``.

The float rules (PyTorch's ``_Formatter``): look at the finite non-zero values; if they are all
whole numbers print ``1.`` style; switch to scientific notation when max/min > 1000, max > 1e8
or (non-whole) min < 1e-4; otherwise fixed point with 4 decimals. Every element is padded to the
widest one.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any, Iterator

import numpy as np

from . import dtypes


@dataclasses.dataclass
class _PrintOptions:
    """What ``set_printoptions`` changes (PyTorch's defaults)."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None  # None: chosen from the values (see _Formatter)


OPTIONS = _PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """``torch.set_printoptions``: a ``profile`` ("default", "short", "full") sets all four numbers,
    the other arguments override it; ``sci_mode`` is reset to automatic unless given, as in PyTorch."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"profile must be one of {sorted(_PROFILES)}, got {profile!r}")
        OPTIONS.precision, OPTIONS.threshold, OPTIONS.edgeitems, OPTIONS.linewidth = _PROFILES[profile]
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            setattr(OPTIONS, name, value)
    OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    return dataclasses.asdict(OPTIONS)


@contextlib.contextmanager
def printoptions(**options: Any) -> Iterator[None]:
    """Change the print options inside a ``with`` block only."""
    saved = get_printoptions()
    set_printoptions(**options)
    try:
        yield
    finally:
        set_printoptions(**saved)


class _Formatter:
    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return
        magnitudes = np.abs(finite)
        low, high = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if OPTIONS.sci_mode is None:
            self.sci_mode = bool(high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4)
        else:
            self.sci_mode = bool(OPTIONS.sci_mode)
        precision = OPTIONS.precision
        for v in finite.tolist():
            if self.sci_mode:
                text = f"{v:.{precision}e}"
            elif self.int_mode:
                text = f"{v:.0f}."
            else:
                text = f"{v:.{precision}f}"
            self.max_width = max(self.max_width, len(text))

    def format(self, value: Any) -> str:
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{OPTIONS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{OPTIONS.precision}f}"
        else:
            text = str(value)
        return " " * (self.max_width - len(text)) + text


def _summarized(values: np.ndarray) -> np.ndarray:
    """The edge items that a summarised print shows (for the formatter's width decisions)."""
    edge = OPTIONS.edgeitems
    if values.ndim == 0:
        return values
    if values.ndim == 1:
        return np.concatenate([values[:edge], values[-edge:]]) if values.shape[0] > 2 * edge else values
    if not edge:
        return values[(slice(0, 0),) * values.ndim]
    if values.shape[0] > 2 * edge:
        values = np.concatenate([values[:edge], values[-edge:]])
    return np.stack([_summarized(v) for v in values])


def _vector(values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    element_length = fmt.max_width + 2
    per_line = max(1, int(math.floor((OPTIONS.linewidth - indent) / element_length)))
    edge = OPTIONS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and values.shape[0] > 2 * edge:
        data = [fmt.format(v) for v in values[:edge].tolist()] + [" ..."] + \
               [fmt.format(v) for v in values[-edge:].tolist()]
    else:
        data = [fmt.format(v) for v in values.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _body(values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if values.ndim == 0:
        return fmt.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, fmt)
    edge = OPTIONS.edgeitems
    if summarize and values.shape[0] > 2 * edge:
        parts = [_body(values[i], indent + 1, summarize, fmt) for i in range(edge)] + ["..."] + \
                [_body(values[i], indent + 1, summarize, fmt) for i in range(len(values) - edge, len(values))]
    else:
        parts = [_body(values[i], indent + 1, summarize, fmt) for i in range(values.shape[0])]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    pieces = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > OPTIONS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            last_line_len += len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)


def tensor_repr(t: Any, prefix: str = "tensor(") -> str:
    from .backend import CPU, move
    indent = len(prefix)
    values = move(t._data, CPU)
    if values.dtype == np.float16:
        values = values.astype(np.float32)
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    default_dtype = t.dtype in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool_)
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if t.dtype is not dtypes.get_default_dtype():
            suffixes.append(f"dtype={t.dtype!r}")
        body = "[]"
    else:
        summarize = values.size > OPTIONS.threshold
        fmt = _Formatter(_summarized(values) if summarize else values)
        body = _body(values, indent, summarize, fmt)
        if not OPTIONS.edgeitems:  # nothing of the values is shown: PyTorch prints the size instead
            suffixes.append(f"size={tuple(values.shape)}")
        if not default_dtype:
            suffixes.append(f"dtype={t.dtype!r}")
    if t.grad_fn is not None:
        # the class name: name() of C++-only nodes is qualified ("torch::autograd::CopySlices"), repr is not
        suffixes.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
