"""``F.pad``: constant padding of any dims (negative pads crop), reflect / replicate / circular
padding of the last 1, 2 or 3 dims. The index rules live here; the op (a gather along each axis
whose gradient is a scatter-add) is ``ops/resample.py``.

``pad`` lists (before, after) pairs starting from the *last* dim: ``(left, right, top, bottom)``.
"""
from __future__ import annotations

from typing import Any, Sequence

from ...ops import resample as R
from ...tensor import Tensor

__all__ = ["pad"]

_NONCONSTANT = {"reflect": (R.ReflectionPad1d, R.ReflectionPad2d, R.ReflectionPad3d),
                "replicate": (R.ReplicationPad1d, R.ReplicationPad2d, R.ReplicationPad3d),
                "circular": (R.CircularPad,) * 3}


def _source_index(xp: Any, mode: str, n: int, before: int, after: int) -> Any:
    """For each output position along an axis of length n, the input position it copies."""
    p = xp.arange(-before, n + after)
    if mode == "reflect":       # ... 2 1 | 0 1 2 3 | 2 1 ...  (the edge itself is not repeated)
        p = xp.abs(p)
        return xp.where(p >= n, 2 * (n - 1) - p, p)
    if mode == "replicate":     # 0 0 | 0 1 2 3 | 3 3
        return xp.clip(p, 0, n - 1)
    return p % n                # circular: 2 3 | 0 1 2 3 | 0 1


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad ``input`` by ``pad`` = (last dim's before, after, the dim before it's before, after, ...)."""
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    k = len(pad) // 2
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in range(k)]  # last dim first
    axes = [input.ndim - 1 - i for i in range(k)]
    if mode == "constant":
        full = [(0, 0)] * input.ndim
        for axis, pair in zip(axes, pairs):
            full[axis] = pair
        for (b, a), n in zip(full, input.shape):
            if n + min(b, 0) + min(a, 0) < 0:  # PyTorch crops (narrow) before it pads
                raise RuntimeError("narrow(): length must be non-negative.")
        return R.ConstantPadNd.apply(input, pads=tuple(full), value=0.0 if value is None else value)
    if mode not in _NONCONSTANT:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise ValueError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not (k in (1, 2, 3) and input.ndim in (k + 1, k + 2)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    xp = input._xp
    taps = []
    for axis, (before, after) in zip(axes, pairs):
        n = input.shape[axis]
        if before < 0 or after < 0:
            raise NotImplementedError(f"negative padding in mode '{mode}' is not supported")
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({before}, {after}) at dimension {axis} of input "
                               f"{list(input.shape)}")
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and n == 0:
            raise RuntimeError(f"padding size is expected to be smaller than input size, got input of shape "
                               f"{list(input.shape)}")
        taps.append((axis, [(_source_index(xp, mode, n, before, after), None)]))
    taps.sort(key=lambda t: t[0])
    return _NONCONSTANT[mode][k - 1].apply(input, axes=taps)
