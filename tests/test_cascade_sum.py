"""Sums in PyTorch's order of additions (``tinygrad_lr/_cascade_sum.py``), checked bit for bit against
live torch: whole-tensor sums and means, sums over leading axes (bias gradients, broadcasting undone),
the NLL loss's own cascade, and the course's first lecture, a hand-written linear regression whose
loss and weights now print PyTorch's digits at every step."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr
from tinygrad_lr._cascade_sum import SERIAL_LIMIT, cascade_sum, leading_sum, nll_total


def _values(seed: int, shape, dtype):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, shape)).astype(dtype)


SIZES = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 41, 42, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257,
         500, 1023, 1024, 1025, 4095, 4096, 4097, 10000, 16384, 32767, SERIAL_LIMIT]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_whole_sums_and_means_match_torch_to_the_bit(dtype: type) -> None:
    for i, n in enumerate(SIZES):
        x = _values(i, n, dtype)
        assert cascade_sum(x) == torch.tensor(x).sum().item(), n
        ours, theirs = tinygrad_lr.tensor(x), torch.tensor(x)
        assert ours.sum().item() == theirs.sum().item() and ours.mean().item() == theirs.mean().item(), n
        shaped = x[: n // 4 * 4].reshape(-1, 2, 2) if n >= 4 else x
        assert tinygrad_lr.tensor(shaped).sum().item() == torch.tensor(shaped).sum().item(), n


def test_sums_with_inf_and_nan_match_torch() -> None:
    """Non-finite values where PyTorch's accumulators meet them: in the short scalar path (1-7
    values), in vectors, in the leftover values and in columns."""
    inf, nan = np.inf, np.nan
    for values in ([inf, 1.0], [1.0, -inf, 2.0], [inf, -inf], [nan, 1.0], [inf] + [1.0] * 20, [1.0] * 20 + [-inf],
                   [1.0] * 9 + [nan], [inf] * 40):
        x = np.array(values, np.float32)
        ours, theirs = tinygrad_lr.tensor(x).sum().item(), torch.tensor(x).sum().item()
        assert ours == theirs or (np.isnan(ours) and np.isnan(theirs)), values
    grid = np.ones((6, 20), np.float32)
    grid[2, 3], grid[4, 17], grid[1, 0], grid[3, 0] = inf, nan, inf, -inf
    np.testing.assert_array_equal(tinygrad_lr.tensor(grid).sum(0).numpy(), torch.tensor(grid).sum(0).numpy())


SHAPES = [(64, 10), (64, 512), (1, 512), (3, 7), (50, 1), (100, 3), (16, 33), (17, 40), (200, 100), (5, 4, 9),
          (2, 3, 8), (256, 8), (1000, 16), (31, 1000), (7, 65), (4, 4), (300, 64), (8, 4096)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sums_over_leading_axes_match_torch_to_the_bit(dtype: type) -> None:
    """ATen's outer reduction: what a bias gradient and a broadcast's gradient are."""
    for i, shape in enumerate(SHAPES):
        x = _values(100 + i, shape, dtype)
        dims = tuple(range(len(shape) - 1))
        expected = torch.tensor(x).sum(dim=dims).numpy()
        np.testing.assert_array_equal(leading_sum(x, len(dims)), expected)
        np.testing.assert_array_equal(tinygrad_lr.tensor(x).sum(dim=dims).numpy(), expected)
        np.testing.assert_array_equal(tinygrad_lr.tensor(x).mean(dim=0).numpy(), torch.tensor(x).mean(dim=0).numpy())
        b = tinygrad_lr.tensor(np.zeros(shape[-1], dtype), requires_grad=True)
        (tinygrad_lr.tensor(x) * 0 + b).backward(tinygrad_lr.tensor(x))  # the broadcast undone: Σ over leading axes
        np.testing.assert_array_equal(b.grad.numpy(), expected)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignored", [False, True])
def test_nll_loss_matches_torch_to_the_bit(weighted: bool, ignored: bool) -> None:
    """PyTorch's NLL kernel adds the samples in its own 8-level cascade (and the class weights of the
    mean's denominator too). On the same log-probabilities the loss is PyTorch's to the bit.
    (``cross_entropy`` also takes log_softmax, whose exp/log come from other libraries: last bits.)"""
    rng = np.random.default_rng(7)
    weight = rng.uniform(0.5, 2.0, 5).astype(np.float32)
    for n in (1, 2, 15, 16, 17, 33, 64, 100, 257, 1000, 5000):
        log_probs = torch.log_softmax(torch.tensor(rng.standard_normal((n, 5)).astype(np.float32) * 3), 1).numpy()
        target = rng.integers(0, 5, n)
        if ignored:
            target[rng.integers(0, n, max(1, n // 4))] = -100  # indices at multiples of 16 included, often
            target[-1] = 1  # (never all ignored)
        for reduction in ("mean", "sum"):
            def loss(ns):
                return ns.nn.functional.nll_loss(ns.tensor(log_probs), ns.tensor(target), reduction=reduction,
                                                 weight=ns.tensor(weight) if weighted else None).item()
            assert loss(tinygrad_lr) == loss(torch), (n, reduction)


def test_nll_total_fast_path_gives_the_loops_answer() -> None:
    """Ignored samples contribute 0 (as the NLL node's per-sample losses do); where none of them sits
    at a multiple of 16 the vectorised cascade is the loop's, else the loop runs."""
    from tinygrad_lr._cascade_sum import _nll_total_loop
    rng = np.random.default_rng(8)
    values = rng.standard_normal(300).astype(np.float32)
    kept = rng.random(300) > 0.3
    for flush_points_kept in (True, False):
        kept[::16] = flush_points_kept or kept[::16]
        zeroed = np.where(kept, values, np.float32(0))
        assert nll_total(zeroed, kept) == _nll_total_loop(zeroed, kept)


@pytest.mark.parametrize("loss_name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_losses_match_torch_to_the_bit(loss_name: str) -> None:
    x, y = _values(1, (64, 3), np.float32), _values(2, (64, 3), np.float32)
    ours = getattr(tinygrad_lr.nn.functional, loss_name)(tinygrad_lr.tensor(x), tinygrad_lr.tensor(y)).item()
    assert ours == getattr(torch.nn.functional, loss_name)(torch.tensor(x), torch.tensor(y)).item()


def test_the_hand_written_linear_regression_prints_torchs_numbers_at_every_step() -> None:
    def train(ns):
        ns.manual_seed(0)
        x = ns.linspace(-1, 1, 50).reshape(-1, 1)
        y = 3 * x + 0.5 + 0.1 * ns.randn(50, 1)
        w, b = ns.zeros(1, requires_grad=True), ns.zeros(1, requires_grad=True)
        printed = []
        for _ in range(200):
            loss = ((x * w + b - y) ** 2).mean()
            loss.backward()
            with ns.no_grad():
                w -= 0.1 * w.grad
                b -= 0.1 * b.grad
                w.grad.zero_()
                b.grad.zero_()
            printed.append((loss.item(), w.item(), b.item()))
        return printed
    assert train(tinygrad_lr) == train(torch)
