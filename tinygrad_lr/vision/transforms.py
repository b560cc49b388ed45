"""Image transforms with torchvision's names, arguments and ``repr``.

``Compose([ToTensor(), Normalize((0.5,), (0.5,))])`` turns a ``uint8`` image (a NumPy array
(H, W) or (H, W, C), or a PIL image) into a normalized float tensor (C, H, W). Random transforms
draw from ``tinygrad_lr.rand``, as torchvision draws from ``torch.rand``, so a seeded run makes the
same choices in both frameworks.
"""
from __future__ import annotations

import enum
from typing import Any, Callable, Sequence

import numpy as np

import tinygrad_lr as torch  # the public API only (see vision/__init__.py)


class InterpolationMode(enum.Enum):
    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


class Compose:
    """Apply ``transforms`` one after the other."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = list(transforms)

    def __call__(self, image: Any) -> Any:
        for transform in self.transforms:
            image = transform(image)
        return image

    def __repr__(self) -> str:
        return "Compose(\n" + "".join(f"    {t}\n" for t in self.transforms) + ")"


class ToTensor:
    """An image (H, W) or (H, W, C), NumPy or PIL, to a float32 tensor (C, H, W); ``uint8`` values
    are divided by 255 so they land in [0, 1] (other dtypes are kept as they are, as torchvision)."""

    def __call__(self, image: Any) -> Any:
        array = np.asarray(image)
        if array.ndim == 2:
            array = array[:, :, None]
        if array.ndim != 3:
            raise ValueError(f"pic should be 2/3 dimensional. Got {array.ndim} dimensions.")
        chw = np.ascontiguousarray(array.transpose(2, 0, 1))
        if chw.dtype == np.uint8:
            return torch.from_numpy(chw).to(dtype=torch.get_default_dtype()).div(255)
        return torch.from_numpy(chw)

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """``(x - mean[c]) / std[c]`` for each channel c of a float tensor (..., C, H, W)."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor: Any) -> Any:
        if not torch.is_tensor(tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
        if not tensor.dtype.is_floating_point:
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        mean = torch.as_tensor(self.mean, dtype=tensor.dtype).reshape(-1, 1, 1)
        std = torch.as_tensor(self.std, dtype=tensor.dtype).reshape(-1, 1, 1)
        if (std == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
        if self.inplace:
            return tensor.sub_(mean).div_(std)
        return (tensor - mean) / std

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean}, std={self.std})"


class Lambda:
    """Any function as a transform: ``Lambda(lambda x: x.flatten())``."""

    def __init__(self, lambd: Callable) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, image: Any) -> Any:
        return self.lambd(image)

    def __repr__(self) -> str:
        return "Lambda()"


def _nearest_indices(size_in: int, size_out: int) -> np.ndarray:
    """PyTorch's nearest rule: output pixel i reads input pixel floor(i * in / out)."""
    scale = size_in / size_out
    return np.minimum(np.floor(np.arange(size_out) * scale).astype(np.int64), size_in - 1)


class Resize:
    """Resize to ``size``: an int sets the shorter side (keeping the aspect ratio), ``(h, w)`` both.

    Only nearest-neighbour interpolation is implemented; torchvision's default is bilinear, so it
    must be asked for: ``Resize(16, interpolation=InterpolationMode.NEAREST)`` (anything else
    raises rather than silently resizing differently). Works on tensors (..., H, W) and on NumPy
    images (H, W) or (H, W, C).
    """

    def __init__(self, size: int | Sequence[int], interpolation: Any = InterpolationMode.BILINEAR,
                 max_size: int | None = None, antialias: bool | None = True) -> None:
        mode = interpolation.value if isinstance(interpolation, InterpolationMode) else interpolation
        if mode != "nearest":
            raise NotImplementedError(f"Resize: interpolation={interpolation} is not supported by tinygrad_lr; "
                                      "pass interpolation=InterpolationMode.NEAREST")
        if max_size is not None:
            raise NotImplementedError("Resize: max_size is not supported by tinygrad_lr")
        self.size, self.interpolation = size, InterpolationMode(mode)

    def _output_size(self, height: int, width: int) -> tuple[int, int]:
        if isinstance(self.size, int) or len(self.size) == 1:
            short = self.size if isinstance(self.size, int) else self.size[0]
            if height <= width:
                return short, int(short * width / height)
            return int(short * height / width), short
        return int(self.size[0]), int(self.size[1])

    def __call__(self, image: Any) -> Any:
        if torch.is_tensor(image):
            height, width = image.shape[-2], image.shape[-1]
            out_h, out_w = self._output_size(height, width)
            rows = torch.as_tensor(_nearest_indices(height, out_h))
            cols = torch.as_tensor(_nearest_indices(width, out_w))
            return image.index_select(image.dim() - 2, rows).index_select(image.dim() - 1, cols)
        array = np.asarray(image)
        out_h, out_w = self._output_size(array.shape[0], array.shape[1])
        return array[_nearest_indices(array.shape[0], out_h)][:, _nearest_indices(array.shape[1], out_w)]

    def __repr__(self) -> str:
        return f"Resize(size={self.size}, interpolation={self.interpolation.value}, max_size=None, antialias=True)"


class RandomHorizontalFlip:
    """Mirror the image left to right with probability ``p``: one ``rand(1)`` draw per call."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def __call__(self, image: Any) -> Any:
        if torch.rand(1) < self.p:
            if torch.is_tensor(image):
                reversed_columns = torch.arange(image.shape[-1] - 1, -1, -1)
                return image.index_select(image.dim() - 1, reversed_columns)
            return np.ascontiguousarray(np.asarray(image)[:, ::-1])
        return image

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


__all__ = ["Compose", "InterpolationMode", "Lambda", "Normalize", "RandomHorizontalFlip", "Resize", "ToTensor"]
