"""Everything in the library that draws, against live PyTorch: layer init, ``nn.init``, dropout,
data loading and splitting — the same numbers bit for bit after the same ``manual_seed`` — and a
dropout MLP trained on shuffled batches that reaches PyTorch's losses."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import tinygrad_lr as tg
from tests.test_random import both, same


def _mlp(fw, p: float = 0.0):
    nn = fw.nn
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(p), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 10))


def test_linear_784_512_after_manual_seed_42_is_pytorchs():
    both(42, lambda fw: tuple(p.detach() for p in fw.nn.Linear(784, 512).parameters()))


def test_default_init_of_the_mnist_mlp():
    both(0, lambda fw: tuple(p.detach() for p in _mlp(fw).parameters()) + (fw.randn(2),))


INITS = [
    ("uniform_", lambda init, w, g: init.uniform_(w, -0.5, 2.0, generator=g)),
    ("normal_", lambda init, w, g: init.normal_(w, 0.5, 0.02, generator=g)),
    ("xavier_uniform_", lambda init, w, g: init.xavier_uniform_(w, gain=init.calculate_gain("tanh"), generator=g)),
    ("xavier_normal_", lambda init, w, g: init.xavier_normal_(w, generator=g)),
    ("kaiming_uniform_", lambda init, w, g: init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)),
    ("kaiming_uniform_relu_fan_out", lambda init, w, g: init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu",
                                                                              generator=g)),
    ("kaiming_normal_", lambda init, w, g: init.kaiming_normal_(w, generator=g)),
    ("trunc_normal_", lambda init, w, g: init.trunc_normal_(w, std=0.7, generator=g)),
    ("trunc_normal_narrow", lambda init, w, g: init.trunc_normal_(w, a=2.0, b=3.0, generator=g)),  # rejection branch
    ("sparse_", lambda init, w, g: init.sparse_(w, 0.3, generator=g)),
    ("eye_", lambda init, w, g: init.eye_(w)),
]


@pytest.mark.parametrize("use_generator", [False, True], ids=["global", "generator"])
@pytest.mark.parametrize("name,fill", INITS, ids=[name for name, _ in INITS])
def test_nn_init_draws_as_pytorch(name, fill, use_generator):
    def draw(fw):
        w = fw.empty(33, 20, requires_grad=True)
        g = fw.Generator().manual_seed(3) if use_generator else None
        fill(fw.nn.init, w, g)
        return w.detach(), fw.rand(3)
    both(1, draw)


def test_dirac_and_conv_shaped_inits():
    def draw(fw):
        init = fw.nn.init
        return (init.dirac_(fw.empty(6, 3, 5, 5), groups=2), init.kaiming_uniform_(fw.empty(8, 3, 3, 3)),
                init.xavier_normal_(fw.empty(4, 2, 3)))
    both(2, draw)


def test_orthogonal_uses_pytorchs_normals_and_agrees_to_rounding():
    """The QR is LAPACK in float64 here and MKL in float32 in PyTorch: equal to float32 rounding."""
    torch.manual_seed(6)
    theirs = [torch.nn.init.orthogonal_(torch.empty(*shape), gain=2.0) for shape in ((5, 8), (8, 5), (4, 2, 3))]
    tg.manual_seed(6)
    ours = [tg.nn.init.orthogonal_(tg.empty(*shape), gain=2.0) for shape in ((5, 8), (8, 5), (4, 2, 3))]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=0, atol=2e-6)  # float32 QR rounding
    same(tg.randn(3), torch.randn(3))  # and the stream is in the same place afterwards


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dropout_masks(dtype):
    def draw(fw):
        x = fw.ones(7, 33, dtype=getattr(fw, dtype))
        layer = fw.nn.Dropout(0.3)
        outs = (fw.nn.functional.dropout(x, 0.5), layer(x), fw.nn.functional.dropout(x, 0.2, training=False))
        layer.eval()
        return outs + (layer(x), fw.nn.functional.dropout(x[:, ::2], 0.1), fw.randn(2))
    both(4, draw)


def test_dropout_backward_is_the_mask():
    for fw in (torch, tg):
        fw.manual_seed(0)
    xs = [fw.ones(50, requires_grad=True) for fw in (tg, torch)]
    for x, fw in zip(xs, (tg, torch)):
        fw.nn.functional.dropout(x, 0.4).sum().backward()
    same(xs[0].grad, xs[1].grad)
    assert type(tg.nn.functional.dropout(xs[0], 0.4).grad_fn).__name__ == "MulBackward0"


def _loader_epochs(fw, epochs: int = 2, **options):
    data = fw.utils.data
    dataset = data.TensorDataset(fw.arange(23), fw.arange(23) * 10)
    loader = data.DataLoader(dataset, batch_size=5, **options)
    orders = [fw.cat([batch[0] for batch in loader]) for _ in range(epochs)]
    return tuple(orders) + (fw.randn(3),)


def test_dataloader_shuffle_orders_and_the_stream_after():
    both(0, lambda fw: _loader_epochs(fw, shuffle=True))
    both(7, lambda fw: _loader_epochs(fw, shuffle=False))  # the base seed is drawn unshuffled too
    both(1, lambda fw: _loader_epochs(fw, shuffle=True, drop_last=True))
    both(2, lambda fw: _loader_epochs(fw, shuffle=True, generator=fw.Generator().manual_seed(5)))


def test_samplers():
    def draw(fw):
        data = fw.utils.data
        source = list(range(10))
        g = fw.Generator().manual_seed(9)
        lists = [list(data.RandomSampler(source)), list(data.RandomSampler(source, num_samples=25)),
                 list(data.RandomSampler(source, replacement=True, num_samples=70)),
                 list(data.RandomSampler(source, num_samples=20, generator=g)),
                 list(data.SubsetRandomSampler([3, 1, 4, 1, 5, 9])),
                 list(data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.0], 30)),
                 list(data.WeightedRandomSampler([1, 2, 3, 4, 5], 3, replacement=False)),
                 list(data.BatchSampler(data.RandomSampler(source), 4, False))]
        return tuple(fw.tensor(sum(l, []) if isinstance(l[0], list) else l) for l in lists) + (fw.randn(2),)
    both(3, draw)


def test_random_split_with_lengths_and_fractions():
    def draw(fw):
        data = fw.utils.data
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            splits = (data.random_split(range(10), [3, 7]), data.random_split(range(11), [0.5, 0.3, 0.2]),
                      data.random_split(range(12), [0.25, 0.75], generator=fw.Generator().manual_seed(1)))
        return tuple(fw.tensor(list(s.indices)) for split in splits for s in split) + (fw.randn(2),)
    both(5, draw)


def _train(fw, dtype, steps: int = 20):
    """A dropout MLP trained with SGD on shuffled DataLoader batches; returns the losses."""
    rng = np.random.default_rng(0)
    features, labels = rng.standard_normal((120, 12)), rng.integers(0, 3, 120)
    fw.manual_seed(0)
    dt = getattr(fw, dtype)
    model = fw.nn.Sequential(fw.nn.Linear(12, 32), fw.nn.ReLU(), fw.nn.Dropout(0.3), fw.nn.Linear(32, 3)).to(dt)
    data = fw.utils.data
    loader = data.DataLoader(data.TensorDataset(fw.tensor(features, dtype=dt), fw.tensor(labels)),
                             batch_size=16, shuffle=True)
    optimizer = fw.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    while len(losses) < steps:
        for x, y in loader:
            loss = fw.nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return np.array(losses)


@pytest.mark.parametrize("dtype,rtol", [("float64", 1e-10), ("float32", 1e-5)])
def test_dropout_mlp_on_shuffled_batches_reaches_pytorchs_losses(dtype, rtol):
    """Same init, masks and batch order; the losses then differ only by arithmetic rounding
    (float32: the matmuls sum in another order, compounded over 20 steps of momentum SGD; measured
    1.2e-7 relative, so 1e-5 leaves room for other BLAS builds)."""
    np.testing.assert_allclose(_train(tg, dtype), _train(torch, dtype), rtol=rtol)


LAYERS = {"Conv1d": lambda nn: nn.Conv1d(3, 4, 5), "Conv2d": lambda nn: nn.Conv2d(3, 8, 3),
          "ConvTranspose2d": lambda nn: nn.ConvTranspose2d(4, 6, 3), "RNN": lambda nn: nn.RNN(10, 20, 2),
          "LSTM": lambda nn: nn.LSTM(10, 20, 2, bidirectional=True), "GRU": lambda nn: nn.GRU(5, 7),
          "LSTMCell": lambda nn: nn.LSTMCell(4, 6), "Embedding": lambda nn: nn.Embedding(10, 3),
          "PReLU": lambda nn: nn.PReLU(), "BatchNorm1d": lambda nn: nn.BatchNorm1d(5)}


@pytest.mark.parametrize("name", LAYERS)
def test_layer_default_init_draws_as_pytorch(name):
    both(0, lambda fw: tuple(p.detach() for p in LAYERS[name](fw.nn).parameters()) + (fw.randn(2),))
