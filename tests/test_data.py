"""utils.data against torch.utils.data: batches, lengths, shuffling, collation, random_split."""
from __future__ import annotations

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as torch_data

import tinygrad_lr
from tinygrad_lr.utils import data


def as_numpy(value):
    """Nested batches (ours or torch's) as comparable plain structures: arrays with dtypes, lists, dicts."""
    if isinstance(value, (tinygrad_lr.Tensor, torch.Tensor)):
        array = np.asarray(value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value.numpy())
        return ("tensor", str(array.dtype), array.shape, array.tolist())
    if isinstance(value, dict):
        return {k: as_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [as_numpy(v) for v in value])
    return value


def tensor_datasets(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64) % 3
    return (data.TensorDataset(tinygrad_lr.tensor(x), tinygrad_lr.tensor(y)),
            torch_data.TensorDataset(torch.tensor(x), torch.tensor(y)))


@pytest.mark.parametrize("n", [0, 1, 7, 10])
@pytest.mark.parametrize("batch_size", [1, 3, 5, 10, 12, None])
@pytest.mark.parametrize("drop_last", [False, True])
def test_sequential_batches_and_lengths_match_torch(n, batch_size, drop_last):
    ours_ds, theirs_ds = tensor_datasets(n)
    if batch_size is None and drop_last:
        for loader, ds in ((data.DataLoader, ours_ds), (torch_data.DataLoader, theirs_ds)):
            with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
                loader(ds, batch_size=None, drop_last=True)
        return
    ours = data.DataLoader(ours_ds, batch_size=batch_size, drop_last=drop_last)
    theirs = torch_data.DataLoader(theirs_ds, batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert [as_numpy(b) for b in ours] == [as_numpy(b) for b in theirs]


def test_empty_dataset_like_torch():
    ours_ds, theirs_ds = tensor_datasets(0)
    with pytest.raises(ValueError) as theirs:
        torch_data.DataLoader(theirs_ds, batch_size=2, shuffle=True)
    with pytest.raises(ValueError) as ours:
        data.DataLoader(ours_ds, batch_size=2, shuffle=True)
    assert str(ours.value) == str(theirs.value) == \
        "num_samples should be a positive integer value, but got num_samples=0"
    assert list(data.DataLoader(ours_ds, batch_size=2)) == [] and len(data.DataLoader(ours_ds)) == 0


@pytest.mark.parametrize("drop_last", [False, True])
def test_shuffle_visits_every_sample_once_and_differs_between_epochs(drop_last):
    ours_ds, _ = tensor_datasets(50)
    loader = data.DataLoader(ours_ds, batch_size=8, shuffle=True, drop_last=drop_last)
    epochs = []
    for _ in range(3):
        labels = [row[0] // 3 for x, _ in loader for row in x.tolist()]
        epochs.append(labels)
        if drop_last:
            assert len(labels) == 48 and len(set(labels)) == 48
        else:
            assert sorted(labels) == list(range(50))
    assert epochs[0] != epochs[1] != epochs[2]


def test_shuffle_is_seedable():
    ours_ds, _ = tensor_datasets(30)

    def epochs(loader, count=2):
        return [[b[1].tolist() + b[0][:, 0].tolist() for b in loader] for _ in range(count)]

    make = lambda seed: data.DataLoader(ours_ds, batch_size=4, shuffle=True,  # noqa: E731
                                        generator=tinygrad_lr.Generator().manual_seed(seed))
    assert epochs(make(0)) == epochs(make(0))
    assert epochs(make(0)) != epochs(make(1))
    tinygrad_lr.manual_seed(3)
    first = epochs(data.DataLoader(ours_ds, batch_size=4, shuffle=True))
    tinygrad_lr.manual_seed(3)
    assert epochs(data.DataLoader(ours_ds, batch_size=4, shuffle=True)) == first


SAMPLES = [
    [(1, 2.5, "a", True)] * 3,
    [{"x": np.ones(2, dtype=np.float32) * i, "y": np.int32(i), "z": [i, float(i)]} for i in range(3)],
    [np.float64(1.5), np.float64(2.0)],
    [[np.arange(3, dtype=np.int16), 1]] * 2,
    [collections.namedtuple("Point", "x y")(i, float(i)) for i in range(3)],
]


@pytest.mark.parametrize("samples", SAMPLES, ids=range(len(SAMPLES)))
@pytest.mark.parametrize("batch_size", [2, None])
def test_default_collate_matches_torch(samples, batch_size):
    ours = [as_numpy(b) for b in data.DataLoader(samples, batch_size=batch_size)]
    theirs = [as_numpy(b) for b in torch_data.DataLoader(samples, batch_size=batch_size)]
    assert ours == theirs


def test_collate_stacks_tensors_of_a_custom_dataset():
    class Squares(data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return tinygrad_lr.tensor([i, i * i], dtype=tinygrad_lr.float64), i

    x, y = next(iter(data.DataLoader(Squares(), batch_size=4)))
    assert x.shape == (4, 2) and x.dtype is tinygrad_lr.float64 and y.tolist() == [0, 1, 2, 3]
    assert y.dtype is tinygrad_lr.int64


def test_collate_fn_and_sampler_options():
    ours_ds, _ = tensor_datasets(6)
    loader = data.DataLoader(ours_ds, batch_size=4, collate_fn=lambda batch: len(batch), num_workers=2)
    assert list(loader) == [4, 2]
    loader = data.DataLoader(ours_ds, batch_size=2, sampler=[5, 4, 3])
    assert [y.tolist() for _, y in loader] == [[2, 1], [0]]
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        data.DataLoader(ours_ds, sampler=[0], shuffle=True)
    loader = data.DataLoader(ours_ds, batch_sampler=[[0, 1, 2], [5]])
    assert [len(y) for _, y in loader] == [3, 1] and len(loader) == 2


def test_tensor_dataset_and_subset():
    ours_ds, _ = tensor_datasets(4)
    x, y = ours_ds[2]
    assert x.tolist() == [6.0, 7.0, 8.0] and y.item() == 2
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        data.TensorDataset(tinygrad_lr.zeros(3), tinygrad_lr.zeros(4))
    sub = data.Subset(ours_ds, [3, 1])
    assert len(sub) == 2 and sub[0][1].item() == 0
    batch = next(iter(data.DataLoader(sub, batch_size=2)))
    assert batch[0].tolist() == [[9.0, 10.0, 11.0], [3.0, 4.0, 5.0]]
    joined = ours_ds + sub
    assert len(joined) == 6 and joined[5][0].tolist() == [3.0, 4.0, 5.0] and joined[-1][1].item() == 1


def test_loader_keeps_gradients_flowing_through_dataset_tensors():
    w = tinygrad_lr.ones(4, 2, requires_grad=True)
    loader = data.DataLoader(data.TensorDataset(w), batch_size=3)
    (x,) = next(iter(loader))
    x.sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0]] * 3 + [[0.0, 0.0]]


@pytest.mark.parametrize("lengths", [[3, 8], [0.3, 0.7], [0.5, 0.25, 0.25], [0.33, 0.33, 0.34], [0.1] * 10,
                                     [1.0], [0.4, 0.4, 0.2]])
def test_random_split_lengths_and_disjointness_match_torch(lengths):
    ours = data.random_split(list(range(11)), lengths, generator=tinygrad_lr.Generator().manual_seed(0))
    theirs = torch_data.random_split(list(range(11)), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    everything = [x for s in ours for x in s]
    assert sorted(everything) == list(range(11))


def test_random_split_is_seedable_and_errors_match_torch():
    split = lambda seed: [list(s) for s in data.random_split(range(20), [5, 15],  # noqa: E731
                                                             generator=tinygrad_lr.Generator().manual_seed(seed))]
    assert split(1) == split(1) != split(2)
    for lengths in ([3, 3], [0.5, 0.6], [1.5, -0.5]):
        with pytest.raises(ValueError) as theirs:
            torch_data.random_split(range(10), lengths)
        with pytest.raises(ValueError) as ours:
            data.random_split(range(10), lengths)
        assert str(ours.value) == str(theirs.value)


def test_batches_stay_on_the_dataset_device(device):
    x = tinygrad_lr.arange(12, device=device).reshape(6, 2).float()
    y = tinygrad_lr.arange(6, device=device)
    loader = data.DataLoader(data.TensorDataset(x, y), batch_size=4, shuffle=True)
    batches = list(loader)
    assert all(t.device == tinygrad_lr.device(device) for batch in batches for t in batch)
    assert sorted(v for _, yb in batches for v in yb.tolist()) == list(range(6))
