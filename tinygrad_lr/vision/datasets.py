"""Image datasets with torchvision's names and arguments: ``MNIST``, ``FashionMNIST``, ``Digits``.

Each is a ``Dataset``: ``len(ds)`` images, ``ds[i]`` is ``(image, target)`` after ``transform`` and
``target_transform``; the image is a ``uint8`` NumPy array (H, W) (torchvision gives a PIL image;
``transforms.ToTensor()`` accepts both). ``ds.data`` (N, H, W) ``uint8`` and ``ds.targets`` (N,)
``int64`` are tensors, and ``ds.classes`` names the labels, as in torchvision.

``Digits`` needs no network: the 1,797 8×8 handwritten digits that ship inside scikit-learn (a
development dependency, read from its data file without importing scikit-learn).
"""
from __future__ import annotations

import gzip
import importlib.util
import os
import urllib.request
from typing import Any, Callable

import numpy as np

import tinygrad_lr as torch  # the public API only (see vision/__init__.py)
from tinygrad_lr.utils.data import Dataset

from .idx import read_idx


class VisionDataset(Dataset):
    """What every image dataset shares: the arrays, the transforms, indexing and ``repr``."""

    classes: list[str] = []

    def __init__(self, root: str | None, transform: Callable | None = None,
                 target_transform: Callable | None = None) -> None:
        self.root = os.path.expanduser(root) if isinstance(root, str) else root
        self.transform, self.target_transform = transform, target_transform
        self._images: np.ndarray = np.zeros((0, 0, 0), np.uint8)
        self._labels: np.ndarray = np.zeros(0, np.int64)

    @property
    def data(self) -> Any:
        return torch.from_numpy(self._images)

    @property
    def targets(self) -> Any:
        return torch.from_numpy(self._labels)

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.classes)}

    def __len__(self) -> int:
        return len(self._images)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        image, target = self._images[index], int(self._labels[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            lines.append(f"Root location: {self.root}")
        lines += [line for line in self.extra_repr().splitlines() if line]
        if self.transform is not None:
            lines.append("Transform: " + repr(self.transform).replace("\n", "\n" + " " * 4 + "           "))
        if self.target_transform is not None:
            lines.append(f"Target transform: {self.target_transform!r}")
        return "\n".join([f"Dataset {type(self).__name__}"] + ["    " + line for line in lines])


class MNIST(VisionDataset):
    """``MNIST(root, train=True, transform=None, target_transform=None, download=False)``: 28×28
    handwritten digits, 60,000 for training and 10,000 for testing, from the four IDX files in
    ``root/MNIST/raw`` (each either gzipped or not), where torchvision keeps them."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    files = {True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root: str, train: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None, download: bool = False) -> None:
        super().__init__(root, transform, target_transform)
        self.train = train
        if download:
            self.download()
        images, labels = (self._find(name) for name in self.files[bool(train)])
        if images is None or labels is None:
            raise RuntimeError(self._not_found())
        self._images, self._labels = read_idx(images), read_idx(labels).astype(np.int64)
        if len(self._images) != len(self._labels):
            raise RuntimeError(f"{images} holds {len(self._images)} images but {labels} "
                               f"{len(self._labels)} labels")

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "raw")

    def _find(self, name: str) -> str | None:
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _all_names(self) -> list[str]:
        return [name for pair in self.files.values() for name in pair]

    def _not_found(self) -> str:
        names = ", ".join(self.files[bool(self.train)])
        return (f"Dataset not found. {type(self).__name__} reads {names} (each gzipped as .gz or not) "
                f"from {os.path.abspath(self.raw_folder)}. Use download=True to download them, or copy "
                f"the files there by hand.")

    def download(self) -> None:
        """Fetch the missing files into ``raw_folder`` (kept gzipped); a clear error when offline."""
        missing = [name for name in self._all_names() if self._find(name) is None]
        os.makedirs(self.raw_folder, exist_ok=True)
        for name in missing:
            errors = []
            for mirror in self.mirrors:
                url = f"{mirror}{name}.gz"
                try:
                    with urllib.request.urlopen(url, timeout=30) as response:
                        payload = response.read()
                    gzip.decompress(payload)  # a truncated or HTML answer fails here
                except Exception as error:  # noqa: BLE001 - any failure is reported together below
                    errors.append(f"{url}: {error}")
                    continue
                with open(os.path.join(self.raw_folder, name + ".gz"), "wb") as f:
                    f.write(payload)
                break
            else:
                raise RuntimeError(
                    f"Could not download {name}.gz for {type(self).__name__} (is this machine offline?). "
                    f"Put the files {', '.join(n + '.gz' for n in missing)} (or unzipped) into "
                    f"{os.path.abspath(self.raw_folder)} and try again. Tried:\n  " + "\n  ".join(errors))

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """``FashionMNIST(root, train=True, ...)``: Zalando's 28×28 clothing images, MNIST's format,
    file names and sizes, in ``root/FashionMNIST/raw``."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class Digits(VisionDataset):
    """``Digits(train=True, transform=None, target_transform=None)``: the 1,797 8×8 handwritten
    digits (UCI's optical digits, as scikit-learn ships them), an MNIST you can train on offline in
    seconds.

    Pixels are 0–16 in the original; they are scaled to ``uint8`` 0–255 (``round(v * 255 / 16)``)
    so that ``ToTensor`` gives [0, 1] as for MNIST. The split is fixed: the first 1,437 images
    (80%) are the training set and the last 360 the test set.
    """

    classes = [str(d) for d in range(10)]
    train_size = 1437

    def __init__(self, root: str | None = None, train: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None, download: bool = False) -> None:
        super().__init__(root, transform, target_transform)
        self.train = train
        table = np.loadtxt(self._csv_path(), delimiter=",", dtype=np.float64)
        images = np.rint(table[:, :64] * (255 / 16)).astype(np.uint8).reshape(-1, 8, 8)
        labels = table[:, 64].astype(np.int64)
        cut = slice(None, self.train_size) if train else slice(self.train_size, None)
        self._images, self._labels = images[cut], labels[cut]

    @staticmethod
    def _csv_path() -> str:
        spec = importlib.util.find_spec("sklearn")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("Digits reads the images that ship with scikit-learn, which is not installed: "
                               "pip install scikit-learn (it is in requirements-dev.txt)")
        return os.path.join(list(spec.submodule_search_locations)[0], "datasets", "data", "digits.csv.gz")

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"


__all__ = ["Digits", "FashionMNIST", "MNIST", "VisionDataset"]
