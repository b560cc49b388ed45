"""``nn.utils`` against live PyTorch: gradient clipping, parameters as a vector, padding and packing
(the numbers themselves are also registry cases in compare/cases_rnn.py)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import tinygrad_lr as tg
from compare.convert import load_into_ours


def same_error(ours, reference):
    with pytest.raises(Exception) as expected:
        reference()
    with pytest.raises(type(expected.value)) as got:
        ours()
    assert str(got.value) == str(expected.value)


def test_import_paths_as_torch():
    from tinygrad_lr.nn.utils import clip_grad_norm_, parameters_to_vector  # noqa: F401
    from tinygrad_lr.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_sequence  # noqa: F401
    import tinygrad_lr.nn.utils.rnn as rnn
    assert rnn.pad_packed_sequence is tg.nn.utils.rnn.pad_packed_sequence
    assert set(torch.nn.utils.rnn.__all__) <= set(rnn.__all__)


def models():
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    ours = load_into_ours(tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.Tanh(), tg.nn.Linear(4, 2)).double(), reference)
    x = np.random.default_rng(0).standard_normal((5, 3))
    (reference(torch.tensor(x)) ** 2).sum().backward()
    (ours(tg.tensor(x)) ** 2).sum().backward()
    return ours, reference


@pytest.mark.parametrize("norm_type", [2.0, 1, 0.5, float("inf"), 0])
def test_clip_grad_norm_returns_the_total_norm_and_scales_in_place(norm_type):
    ours, reference = models()
    got = tg.nn.utils.clip_grad_norm_(ours.parameters(), 0.1, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(reference.parameters(), 0.1, norm_type=norm_type)
    assert isinstance(got, tg.Tensor) and got.shape == () and got.dtype == tg.float64
    np.testing.assert_allclose(got.item(), expected.item(), rtol=1e-12)
    for p, q in zip(ours.parameters(), reference.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_edge_cases():
    w = tg.nn.Parameter(tg.tensor([3.0, 4.0]))
    w.grad = tg.tensor([3.0, float("nan")])
    same_error(lambda: tg.nn.utils.clip_grad_norm_(w, 1.0, error_if_nonfinite=True), _torch_nonfinite)
    w.grad = tg.tensor([3.0, 4.0])
    assert tg.nn.utils.clip_grad_norm_(w, 10.0).item() == 5.0  # a single tensor; small enough: unchanged
    assert w.grad.tolist() == [3.0, 4.0]
    reference = _torch_param_with_grad()
    for foreach in (True, False, None):
        w.grad, reference.grad = tg.tensor([3.0, 4.0]), torch.tensor([3.0, 4.0])
        assert tg.nn.utils.clip_grad_norm_([w], 1.0, foreach=foreach).item() == \
            torch.nn.utils.clip_grad_norm_([reference], 1.0, foreach=foreach).item()
        np.testing.assert_array_equal(w.grad.numpy(), reference.grad.numpy())
    empty = tg.nn.utils.clip_grad_norm_([], 1.0)
    assert empty.item() == 0.0 and empty.dtype == tg.float32
    with pytest.warns(UserWarning, match="empty generator"):
        tg.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    with pytest.warns(FutureWarning, match="deprecated"):
        tg.nn.utils.clip_grad_norm([w], 1.0)


def _torch_param_with_grad():
    p = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    p.grad = torch.tensor([3.0, 4.0])
    return p


def _torch_nonfinite():
    p = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    p.grad = torch.tensor([3.0, float("nan")])
    return torch.nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)


def test_clip_grad_norm_keeps_float32():
    w = tg.nn.Parameter(tg.tensor([3.0, 4.0]))
    w.grad = tg.tensor([30.0, 40.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy float64 promotion warnings either
        total = tg.nn.utils.clip_grad_norm_([w], 1.0)
    assert total.dtype == w.grad.dtype == tg.float32
    np.testing.assert_allclose(w.grad.numpy(), [0.6, 0.8], rtol=1e-6)


def test_clip_grad_value_and_get_total_norm():
    ours, reference = models()
    tg.nn.utils.clip_grad_value_(ours.parameters(), 0.2)
    torch.nn.utils.clip_grad_value_(reference.parameters(), 0.2)
    for p, q in zip(ours.parameters(), reference.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12)  # gradients differ in the last bit
        assert np.abs(p.grad.numpy()).max() <= 0.2
    grads = [p.grad for p in ours.parameters()]
    total = tg.nn.utils.get_total_norm(grads, 3.0)
    np.testing.assert_allclose(total.item(), torch.nn.utils.get_total_norm([q.grad for q in reference.parameters()], 3.0).item())
    tg.nn.utils.clip_grads_with_norm_(ours.parameters(), 0.01, total)
    np.testing.assert_allclose(tg.nn.utils.get_total_norm(grads, 3.0).item(), 0.01, rtol=1e-4)


def test_parameters_to_vector_and_back():
    ours, reference = models()
    vec = tg.nn.utils.parameters_to_vector(ours.parameters())
    np.testing.assert_array_equal(vec.detach().numpy(), torch.nn.utils.parameters_to_vector(reference.parameters()).detach().numpy())
    assert vec.requires_grad and vec.shape == (3 * 4 + 4 + 4 * 2 + 2,)
    tg.nn.utils.vector_to_parameters(tg.arange(26, dtype=tg.float64), ours.parameters())
    assert ours[0].weight.tolist()[0] == [0.0, 1.0, 2.0] and ours[2].bias.tolist() == [24.0, 25.0]
    same_error(lambda: tg.nn.utils.vector_to_parameters([1.0], ours.parameters()),
               lambda: torch.nn.utils.vector_to_parameters([1.0], reference.parameters()))


# ------------------------------------------------------------------------------------ nn.utils.rnn

def test_pack_padded_sequence_matches_torch_including_ties():
    x = np.random.default_rng(0).standard_normal((5, 6, 2))
    for lengths in ([2, 5, 3, 5, 1, 2], [5, 5, 5, 5, 5, 5], [1, 1, 1, 1, 1, 1]):
        for as_tensor in (False, True):
            mine = tg.nn.utils.rnn.pack_padded_sequence(tg.tensor(x), tg.tensor(lengths) if as_tensor else lengths,
                                                       enforce_sorted=False)
            theirs = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), torch.tensor(lengths) if as_tensor
                                                             else lengths, enforce_sorted=False)
            for a, b in zip(mine, theirs):
                np.testing.assert_array_equal(a.numpy(), b.numpy())
                assert a.dtype is getattr(tg, str(b.dtype).split(".")[-1])
    packed = tg.nn.utils.rnn.pack_sequence([tg.ones(3, 2), tg.ones(2, 2)])
    assert type(packed).__name__ == "PackedSequence" and packed._fields == torch.nn.utils.rnn.PackedSequence._fields
    assert packed.sorted_indices is None and packed.batch_sizes.tolist() == [2, 2, 1]
    data, batch_sizes, *_ = packed  # a named tuple, unpacked as lecture code does
    assert packed.double().data.dtype == tg.float64 and packed.to(tg.float64).batch_sizes is batch_sizes
    assert repr(packed).startswith("PackedSequence(data=tensor(")


def test_pack_and_pad_errors_match_torch():
    x = np.zeros((4, 3, 2))
    for call in (
        lambda ns: ns.nn.utils.rnn.pack_padded_sequence(ns.tensor(x), [2, 3, 3]),
        lambda ns: ns.nn.utils.rnn.pack_padded_sequence(ns.tensor(x), [3, 3, 0]),
        lambda ns: ns.nn.utils.rnn.pad_packed_sequence(ns.nn.utils.rnn.pack_padded_sequence(ns.tensor(x), [4, 3, 1]),
                                                       total_length=3),
        lambda ns: ns.nn.utils.rnn.pad_sequence([ns.ones(2, 3), ns.ones(3, 4)]),
        lambda ns: ns.nn.utils.rnn.pad_sequence([ns.ones(2, 3)], padding_side="middle"),
        lambda ns: ns.nn.utils.rnn.pad_sequence([]),
        lambda ns: ns.nn.utils.rnn.pack_padded_sequence(ns.tensor(x), ns.tensor([[3, 2, 1]])),
        lambda ns: ns.nn.utils.rnn.pack_padded_sequence(ns.tensor(x), [3, 2]),
    ):
        same_error(lambda: call(tg), lambda: call(torch))
    with pytest.raises(RuntimeError, match="larger than the padded sequence length"):  # PyTorch reads past the end
        tg.nn.utils.rnn.pack_padded_sequence(tg.tensor(x), [5, 3, 1])


@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_packed_round_trip_and_rnn_on_packed_input(batch_first):
    rng = np.random.default_rng(0)
    seqs = [rng.standard_normal((n, 3)) for n in (2, 4, 1)]
    results = []
    for ns in (tg, torch):
        rnn = ns.nn.utils.rnn
        tensors = [ns.tensor(s) for s in seqs]
        padded = rnn.pad_sequence(tensors, batch_first=batch_first, padding_value=9.0)
        packed = rnn.pack_padded_sequence(padded, [2, 4, 1], batch_first=batch_first, enforce_sorted=False)
        back, lengths = rnn.pad_packed_sequence(packed, batch_first=batch_first, padding_value=-1.0, total_length=5)
        unpacked = rnn.unpack_sequence(packed)
        results.append([padded, back, lengths] + unpacked)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert results[0][2].dtype == tg.int64 and results[0][2].device.type == "cpu"


def test_lstm_returns_a_packed_sequence_for_packed_input():
    torch.manual_seed(0)
    reference = torch.nn.LSTM(3, 4).double()
    ours = load_into_ours(tg.nn.LSTM(3, 4).double(), reference)
    x = np.random.default_rng(1).standard_normal((4, 3, 3))
    out, (h, c) = ours(tg.nn.utils.rnn.pack_padded_sequence(tg.tensor(x), [2, 4, 3], enforce_sorted=False))
    ref, (rh, rc) = reference(torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), [2, 4, 3], enforce_sorted=False))
    assert isinstance(out, tg.nn.utils.rnn.PackedSequence)
    for a, b in zip([out.data, out.batch_sizes, out.sorted_indices, out.unsorted_indices, h, c],
                    [ref.data, ref.batch_sizes, ref.sorted_indices, ref.unsorted_indices, rh, rc]):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-14)
    # the final state of each sequence is at its own last step, in the original batch order
    padded, _ = tg.nn.utils.rnn.pad_packed_sequence(out)
    np.testing.assert_array_equal(h[0].detach().numpy()[0], padded.detach().numpy()[1, 0])
