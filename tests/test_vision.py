"""tinygrad_lr.vision: IDX files written here and read back, the datasets' API, and the transforms
against PyTorch (torchvision's formulas written in torch)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr
from tinygrad_lr.utils.data import DataLoader
from tinygrad_lr.vision import datasets, transforms as T
from tinygrad_lr.vision.idx import read_idx, write_idx

RNG = np.random.default_rng(0)


def _mnist_folder(root, name="MNIST", n_train=5, n_test=3, gz=True):
    raw = root / name / "raw"
    suffix = ".gz" if gz else ""
    images = {True: RNG.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              False: RNG.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)}
    labels = {True: RNG.integers(0, 10, n_train).astype(np.uint8), False: RNG.integers(0, 10, n_test).astype(np.uint8)}
    for train, prefix in ((True, "train"), (False, "t10k")):
        write_idx(str(raw / f"{prefix}-images-idx3-ubyte{suffix}"), images[train])
        write_idx(str(raw / f"{prefix}-labels-idx1-ubyte{suffix}"), labels[train])
    return images, labels


@pytest.mark.parametrize("path", ["a.idx", "a.idx.gz"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float32, np.float64])
def test_idx_round_trip(tmp_path, path, dtype):
    array = (RNG.standard_normal((3, 4, 2)) * 50).astype(dtype)
    write_idx(str(tmp_path / path), array)
    back = read_idx(str(tmp_path / path))
    assert back.dtype == np.dtype(dtype) and back.shape == (3, 4, 2)
    np.testing.assert_array_equal(back, array)


def test_idx_header_is_the_standard_big_endian_one(tmp_path):
    write_idx(str(tmp_path / "l"), np.array([7, 2, 1], np.uint8))
    assert (tmp_path / "l").read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])
    (tmp_path / "bad").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 5, 7]))
    with pytest.raises(ValueError, match="header says"):
        read_idx(str(tmp_path / "bad"))


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST])
def test_mnist_reads_idx_files(tmp_path, gz, cls):
    images, labels = _mnist_folder(tmp_path, cls.__name__, gz=gz)
    train = cls(str(tmp_path), train=True)
    test = cls(str(tmp_path), train=False, transform=T.ToTensor(), target_transform=lambda y: y + 100)
    assert len(train) == 5 and len(test) == 3 and len(train.classes) == 10
    image, label = train[2]
    np.testing.assert_array_equal(image, images[True][2])
    assert label == int(labels[True][2]) and isinstance(label, int)
    assert train.data.shape == (5, 28, 28) and train.data.dtype == tinygrad_lr.uint8
    assert train.targets.dtype == tinygrad_lr.int64
    x, y = test[1]
    assert x.shape == (1, 28, 28) and x.dtype == tinygrad_lr.float32 and y == int(labels[False][1]) + 100
    np.testing.assert_allclose(x.numpy()[0], images[False][1] / np.float32(255), rtol=1e-6)
    assert f"Dataset {cls.__name__}\n    Number of datapoints: 5" in repr(train)


def test_mnist_missing_files_name_the_files_and_folder(tmp_path):
    with pytest.raises(RuntimeError, match=r"train-images-idx3-ubyte, train-labels-idx1-ubyte .* from .*MNIST/raw"):
        datasets.MNIST(str(tmp_path))


def test_mnist_download_offline_says_where_to_put_the_files(tmp_path, monkeypatch):
    import urllib.request

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(RuntimeError, match=r"Could not download train-images-idx3-ubyte.gz .* offline.*MNIST/raw"):
        datasets.MNIST(str(tmp_path), download=True)


def test_digits_is_an_offline_mnist():
    from sklearn.datasets import load_digits
    reference = load_digits()
    train, test = datasets.Digits(train=True), datasets.Digits(train=False)
    assert len(train) + len(test) == 1797 and len(train) == 1437
    images = np.concatenate([train.data.numpy(), test.data.numpy()])
    np.testing.assert_array_equal(images, np.rint(reference.images * 255 / 16).astype(np.uint8))
    np.testing.assert_array_equal(np.concatenate([train.targets.numpy(), test.targets.numpy()]), reference.target)
    loader = DataLoader(datasets.Digits(transform=T.ToTensor()), batch_size=64)
    x, y = next(iter(loader))
    assert x.shape == (64, 1, 8, 8) and y.shape == (64,) and y.dtype == tinygrad_lr.int64


def test_to_tensor_and_normalize_match_torchvision_formulas():
    image = RNG.integers(0, 256, (5, 6, 3), dtype=np.uint8)
    ours = T.Compose([T.ToTensor(), T.Normalize((0.1, 0.2, 0.3), (0.5, 0.25, 2.0))])(image)
    expected = torch.from_numpy(image).permute(2, 0, 1).contiguous().float().div(255)
    expected = (expected - torch.tensor([0.1, 0.2, 0.3]).view(-1, 1, 1)) / torch.tensor([0.5, 0.25, 2.0]).view(-1, 1, 1)
    assert ours.shape == (3, 5, 6) and ours.dtype == tinygrad_lr.float32
    np.testing.assert_array_equal(ours.numpy(), expected.numpy())
    floats = RNG.random((4, 4)).astype(np.float64)
    assert T.ToTensor()(floats).dtype == tinygrad_lr.float64  # only uint8 is scaled
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize((0.5,), (0.5,))(tinygrad_lr.zeros(1, 2, 2, dtype=tinygrad_lr.int64))
    assert repr(T.Compose([T.ToTensor(), T.Lambda(abs)])) == "Compose(\n    ToTensor()\n    Lambda()\n)"


@pytest.mark.parametrize("size,shape", [((3, 7), (2, 5, 9)), (4, (1, 6, 9)), (5, (3, 10, 4))])
def test_resize_nearest_matches_torch_interpolate(size, shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    ours = T.Resize(size, interpolation=T.InterpolationMode.NEAREST)(tinygrad_lr.tensor(x))
    h, w = shape[1:]
    out = size if isinstance(size, tuple) else ((size, int(size * w / h)) if h <= w else (int(size * h / w), size))
    expected = torch.nn.functional.interpolate(torch.tensor(x)[None], size=out, mode="nearest")[0]
    np.testing.assert_array_equal(ours.numpy(), expected.numpy())
    on_numpy = T.Resize(size, interpolation="nearest")(x.transpose(1, 2, 0))
    np.testing.assert_array_equal(on_numpy, expected.numpy().transpose(1, 2, 0))
    with pytest.raises(NotImplementedError, match="interpolation"):
        T.Resize(size)  # torchvision's default is bilinear, which we do not have


def test_random_horizontal_flip_draws_rand_1_per_call():
    x = tinygrad_lr.arange(6.0).reshape(1, 2, 3)
    tinygrad_lr.manual_seed(3)
    flipped = [T.RandomHorizontalFlip(0.5)(x) for _ in range(20)]
    tinygrad_lr.manual_seed(3)
    decisions = [bool(tinygrad_lr.rand(1) < 0.5) for _ in range(20)]
    assert 0 < sum(decisions) < 20
    for was_flipped, out in zip(decisions, flipped):
        expected = x.numpy()[..., ::-1] if was_flipped else x.numpy()
        np.testing.assert_array_equal(out.numpy(), expected)


def test_random_horizontal_flip_makes_torchvisions_choices():
    torch.manual_seed(7)
    torch_decisions = [bool(torch.rand(1) < 0.5) for _ in range(50)]  # torchvision's rule
    tinygrad_lr.manual_seed(7)
    x = np.arange(4, dtype=np.uint8).reshape(2, 2)
    ours = [not np.array_equal(T.RandomHorizontalFlip()(x), x) for _ in range(50)]
    assert ours == torch_decisions
