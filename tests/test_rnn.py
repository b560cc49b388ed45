"""Recurrent layers and Embedding beyond the parity registry (compare/cases_rnn.py): PyTorch's
parameter names, shapes and order, repr, init, error types and messages, dropout between layers,
finite differences of every parameter's gradient, and the Embedding options that change state."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lr as tg
from compare.convert import load_into_ours

CONFIGS = [
    ("RNN", dict()),
    ("RNN", dict(nonlinearity="relu", num_layers=2, bias=False)),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3, bias=False)),
    ("GRU", dict(bidirectional=True, dropout=0.25, num_layers=3)),
]


def both(cls: str, *args, **kwargs):
    """The same layer in both frameworks, ours holding PyTorch's initial weights (float64)."""
    torch.manual_seed(0)
    reference = getattr(torch.nn, cls)(*args, **kwargs).double()
    ours = getattr(tg.nn, cls)(*args, **kwargs).double()
    return load_into_ours(ours, reference), reference


def same_error(ours, reference):
    """Both calls raise the same exception type with the same message."""
    with pytest.raises(Exception) as expected:
        reference()
    with pytest.raises(type(expected.value)) as got:
        ours()
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("cls,kwargs", CONFIGS)
def test_parameters_names_shapes_order_and_repr(cls, kwargs):
    ours, reference = both(cls, 3, 5, **kwargs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in reference.named_parameters()]
    assert list(ours.state_dict()) == list(reference.state_dict())
    assert ours._flat_weights_names == reference._flat_weights_names
    assert [[tuple(p.shape) for p in layer] for layer in ours.all_weights] == \
        [[tuple(p.shape) for p in layer] for layer in reference.all_weights]
    assert repr(ours) == repr(reference)
    ours.flatten_parameters()  # a no-op, as PyTorch's off cuDNN


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_names_and_repr(cls):
    for kwargs in (dict(), dict(bias=False)):
        ours, reference = both(cls, 3, 5, **kwargs)
        assert [n for n, _ in ours.named_parameters()] == [n for n, _ in reference.named_parameters()]
        assert repr(ours) == repr(reference)
    assert repr(tg.nn.RNNCell(2, 3, nonlinearity="relu")) == repr(torch.nn.RNNCell(2, 3, nonlinearity="relu"))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
def test_init_is_uniform_within_one_over_sqrt_hidden(cls):
    tg.manual_seed(0)
    layer = getattr(tg.nn, cls)(3, 16)
    bound = 1 / math.sqrt(16)
    values = np.concatenate([p.detach().numpy().ravel() for p in layer.parameters()])
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.9 * bound and abs(values.mean()) < 0.02  # spread over the whole range
    assert all(p.dtype == tg.float32 and p.requires_grad for p in layer.parameters())


@pytest.mark.parametrize("cls,args,kwargs", [
    ("LSTM", (3, 4), dict(num_layers=2, bidirectional=True)), ("GRU", (3, 4), {}), ("RNN", (2, 3), dict(bias=False)),
    ("LSTMCell", (3, 4), {}), ("GRUCell", (2, 5), {}), ("RNNCell", (2, 5), {}),
    ("Embedding", (10, 3), dict(padding_idx=1)), ("EmbeddingBag", (10, 3), {})])
def test_initial_weights_are_torch_s_under_the_same_seed(cls, args, kwargs):
    torch.manual_seed(0)
    tg.manual_seed(0)
    reference, ours = getattr(torch.nn, cls)(*args, **kwargs), getattr(tg.nn, cls)(*args, **kwargs)
    for (name, p), (_, q) in zip(ours.named_parameters(), reference.named_parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)


def test_init_goes_through_nn_init_uniform_in_registration_order(monkeypatch):
    seen = []
    monkeypatch.setattr(tg.nn.init, "uniform_", lambda t, a, b: seen.append((tuple(t.shape), a, b)) or t)
    layer = tg.nn.LSTM(3, 4, bidirectional=True)
    assert seen == [(tuple(p.shape), -0.5, 0.5) for p in layer.parameters()]


def test_construction_errors_and_warning():
    for kwargs in (dict(dropout=1.5), dict(dropout=True), dict(num_layers=0), dict(bias=1), dict(batch_first=None)):
        same_error(lambda: tg.nn.LSTM(3, 4, **kwargs), lambda: torch.nn.LSTM(3, 4, **kwargs))
    same_error(lambda: tg.nn.RNN(3, 0), lambda: torch.nn.RNN(3, 0))
    same_error(lambda: tg.nn.RNN(3.0, 4), lambda: torch.nn.RNN(3.0, 4))
    same_error(lambda: tg.nn.RNN(3, 4, nonlinearity="gelu"), lambda: torch.nn.RNN(3, 4, nonlinearity="gelu"))
    same_error(lambda: tg.nn.GRU(3, 4, proj_size=2), lambda: torch.nn.GRU(3, 4, proj_size=2))
    same_error(lambda: tg.nn.LSTM(3, 4, proj_size=4), lambda: torch.nn.LSTM(3, 4, proj_size=4))
    with pytest.warns(UserWarning, match="dropout option adds dropout after all but last recurrent layer"):
        tg.nn.GRU(3, 4, dropout=0.5)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_forward_errors_match_torch(cls):
    ours, reference = both(cls, 3, 4)
    lstm = cls == "LSTM"

    def state(ns, *shape):
        h = ns.zeros(*shape, dtype=ns.float64)
        return (h, h) if lstm else h

    for ns_call in (
        lambda ns, m: m(ns.zeros(5, 2, 4, dtype=ns.float64)),                    # wrong input size
        lambda ns, m: m(ns.zeros(5, 2, 3, dtype=ns.float64), state(ns, 1, 3, 4)),  # wrong batch in h0
        lambda ns, m: m(ns.zeros(5, 2, 3, dtype=ns.float64), state(ns, 1, 2, 5)),  # wrong hidden size
        lambda ns, m: m(ns.zeros(5, 2, 3, dtype=ns.float64), state(ns, 2, 4)),     # 2-D state, batched input
        lambda ns, m: m(ns.zeros(5, 3, dtype=ns.float64), state(ns, 1, 1, 4)),     # 3-D state, unbatched input
        lambda ns, m: m(ns.zeros(5, dtype=ns.float64)),                          # 1-D input
        lambda ns, m: m(ns.zeros(5, 2, 3)),                                      # float32 input, float64 weights
    ):
        same_error(lambda: ns_call(tg, ours), lambda: ns_call(torch, reference))


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_errors_match_torch(cls):
    ours, reference = both(cls, 3, 4)
    lstm = cls == "LSTMCell"

    def state(ns, *shape):
        h = ns.zeros(*shape, dtype=ns.float64)
        return (h, h) if lstm else h

    for ns_call in (
        lambda ns, m: m(ns.zeros(2, 4, dtype=ns.float64)),
        lambda ns, m: m(ns.zeros(2, 3, dtype=ns.float64), state(ns, 3, 4)),
        lambda ns, m: m(ns.zeros(2, 3, dtype=ns.float64), state(ns, 2, 5)),
        lambda ns, m: m(ns.zeros(1, 2, 3, dtype=ns.float64)),
        lambda ns, m: m(ns.zeros(2, 3, dtype=ns.float64), state(ns, 1, 2, 4)),
        lambda ns, m: m(ns.zeros(2, 3)),
    ):
        same_error(lambda: ns_call(tg, ours), lambda: ns_call(torch, reference))


def _objective(model, x, hx, weights):
    out, hidden = model(x, hx)
    hidden = tg.cat(hidden, dim=-1) if isinstance(hidden, tuple) else hidden
    return (out * weights[0]).sum() + (hidden * weights[1]).sum()


@pytest.mark.parametrize("cls,kwargs", [("RNN", dict(num_layers=2, bidirectional=True)),
                                        ("LSTM", dict(num_layers=2, bidirectional=True)),
                                        ("LSTM", dict(bidirectional=True, proj_size=1)),
                                        ("GRU", dict(num_layers=2, bidirectional=True, bias=False))])
def test_every_parameter_gradient_matches_finite_differences(cls, kwargs):
    """Central differences in float64 over every parameter element (the registry's finite-difference
    check perturbs inputs only)."""
    tg.manual_seed(1)
    model = getattr(tg.nn, cls)(2, 2, **kwargs).double()
    rng = np.random.default_rng(0)
    states = model.num_layers * (2 if model.bidirectional else 1)
    x = tg.tensor(rng.standard_normal((3, 2, 2)))
    h = tg.tensor(rng.standard_normal((states, 2, kwargs.get("proj_size", 2))))
    hx = (h, tg.tensor(rng.standard_normal((states, 2, 2)))) if cls == "LSTM" else h
    with tg.no_grad():
        out, hidden = model(x, hx)
    hidden = tg.cat(hidden, dim=-1) if cls == "LSTM" else hidden
    weights = [tg.tensor(rng.standard_normal(tuple(out.shape))), tg.tensor(rng.standard_normal(tuple(hidden.shape)))]
    _objective(model, x, hx, weights).backward()
    eps = 1e-6
    with tg.no_grad():
        for name, p in model.named_parameters():
            numeric = np.zeros(p.shape)
            for k in np.ndindex(*p.shape):
                original = p._data[k]
                p._data[k] = original + eps
                plus = _objective(model, x, hx, weights).item()
                p._data[k] = original - eps
                minus = _objective(model, x, hx, weights).item()
                p._data[k] = original
                numeric[k] = (plus - minus) / (2 * eps)
            np.testing.assert_allclose(p.grad.numpy(), numeric, rtol=1e-5, atol=1e-7, err_msg=name)


def test_dropout_between_layers_is_f_dropout_on_each_layer_output_but_the_last():
    """In training, the output of every layer but the last goes through F.dropout (as PyTorch's
    CPU kernels do); the same seed and a hand-built stack of one-layer LSTMs give the same numbers."""
    lstm = tg.nn.LSTM(3, 4, num_layers=3, dropout=0.4, bidirectional=True).double()
    layers = [tg.nn.LSTM(3 if k == 0 else 8, 4, bidirectional=True).double() for k in range(3)]
    for k, single in enumerate(layers):
        single.load_state_dict({name.replace(f"_l{k}", "_l0"): p for name, p in lstm.named_parameters()
                                if f"_l{k}" in name})
    x = tg.tensor(np.random.default_rng(0).standard_normal((5, 2, 3)))
    tg.manual_seed(3)
    out, (h, c) = lstm(x)
    tg.manual_seed(3)
    y, hs = x, []
    for k, single in enumerate(layers):
        y, (hk, _) = single(y)
        hs.append(hk)
        if k < 2:
            y = tg.nn.functional.dropout(y, 0.4, True)
    np.testing.assert_array_equal(out.detach().numpy(), y.detach().numpy())
    np.testing.assert_array_equal(h.detach().numpy(), tg.cat(hs).detach().numpy())
    assert (out.detach().numpy() != lstm.eval()(x)[0].detach().numpy()).any()  # dropout did act in training


def test_dropout_between_layers_matches_torch_under_the_same_seed():
    ours, reference = both("GRU", 3, 4, num_layers=2, dropout=0.5)
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    tg.manual_seed(7)
    torch.manual_seed(7)
    np.testing.assert_allclose(ours(tg.tensor(x))[0].detach().numpy(), reference(torch.tensor(x))[0].detach().numpy(),
                               rtol=1e-10, atol=1e-12)


def _grad_fn_names(result):
    if isinstance(result, tuple) and hasattr(result, "batch_sizes"):  # a PackedSequence
        return "packed " + _grad_fn_names(result.data)
    if isinstance(result, tuple):
        return "(" + ", ".join(_grad_fn_names(t) for t in result) + ")"
    return result.grad_fn.name()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cls", ["RNN", "GRU", "LSTM"])
def test_printed_grad_fn_names_are_torch_s_on_the_cpu(cls, dtype):
    """What ``print(output)`` shows: the node PyTorch's CPU kernels end with (stack, cat, oneDNN's
    LSTM node in float32, the batch_first transpose, squeeze for unbatched input)."""
    configs = [(dict(), (5, 2, 3)), (dict(batch_first=True), (2, 5, 3)), (dict(bidirectional=True), (5, 2, 3)),
               (dict(num_layers=2), (5, 2, 3)), (dict(), (5, 3)),
               (dict(num_layers=2, bidirectional=True, batch_first=True), (2, 5, 3))]
    for kwargs, shape in configs:
        names = [_grad_fn_names(getattr(ns.nn, cls)(3, 4, **kwargs).to(getattr(ns, dtype))(
            ns.randn(*shape, dtype=getattr(ns, dtype)))) for ns in (torch, tg)]
        assert names[1] == names[0], kwargs
    for lengths, enforce_sorted in (([5, 3], True), ([3, 5], False)):
        names = [_grad_fn_names(getattr(ns.nn, cls)(3, 4).to(getattr(ns, dtype))(ns.nn.utils.rnn.pack_padded_sequence(
            ns.randn(5, 2, 3, dtype=getattr(ns, dtype)), lengths, enforce_sorted=enforce_sorted))) for ns in (torch, tg)]
        assert names[1] == names[0], lengths
    cell = cls + "Cell"
    for shape in ((2, 3), (3,)):
        names = [_grad_fn_names(getattr(ns.nn, cell)(3, 4).to(getattr(ns, dtype))(ns.randn(*shape, dtype=getattr(ns, dtype))))
                 for ns in (torch, tg)]
        assert names[1] == names[0], (cell, shape)


def test_outputs_keep_float32_and_grad_fn():
    lstm = tg.nn.LSTM(3, 4)
    out, (h, c) = lstm(tg.randn(5, 2, 3))
    assert out.dtype == h.dtype == c.dtype == tg.float32
    assert out.requires_grad and out.grad_fn is not None
    cell = tg.nn.GRUCell(3, 4)
    assert cell(tg.randn(3)).shape == (4,)


def test_lstm_state_dict_loads_into_torch_and_back():
    ours, reference = both("LSTM", 3, 4, num_layers=2, bidirectional=True)
    fresh = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
    fresh.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 2, 3))
    np.testing.assert_allclose(fresh(torch.tensor(x))[0].detach().numpy(), ours(tg.tensor(x))[0].detach().numpy(),
                               rtol=1e-12)


# --------------------------------------------------------------------------------------- Embedding

def test_embedding_repr_init_and_padding_row():
    for kwargs in (dict(), dict(padding_idx=0, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)):
        assert repr(tg.nn.Embedding(10, 3, **kwargs)) == repr(torch.nn.Embedding(10, 3, **kwargs))
    tg.manual_seed(0)
    emb = tg.nn.Embedding(200, 50, padding_idx=-2)
    assert emb.padding_idx == 198
    weight = emb.weight.detach().numpy()
    assert not weight[198].any()
    assert abs(weight.std() - 1) < 0.05 and abs(weight.mean()) < 0.05  # N(0, 1)


def test_embedding_padding_row_gets_no_gradient_and_grad_fn_name():
    emb = tg.nn.Embedding(5, 2, padding_idx=1)
    out = emb(tg.tensor([[1, 2], [1, 1]]))
    assert out.grad_fn.name() == "EmbeddingBackward0"
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[0, 0], [0, 0], [1, 1], [0, 0], [0, 0]])


def test_embedding_max_norm_renormalises_the_weight_in_place_like_torch():
    torch.manual_seed(0)
    reference = torch.nn.Embedding(6, 3, max_norm=0.8).double()
    ours = load_into_ours(tg.nn.Embedding(6, 3, max_norm=0.8).double(), reference)
    tokens = [[0, 2, 2], [5, 0, 1]]
    before = ours.weight.detach().numpy().copy()
    reference(torch.tensor(tokens))
    ours(tg.tensor(tokens))
    np.testing.assert_allclose(ours.weight.detach().numpy(), reference.weight.detach().numpy(), rtol=1e-12)
    norms = np.linalg.norm(ours.weight.detach().numpy(), axis=1)
    assert (norms[[0, 1, 2, 5]] <= 0.8 + 1e-9).all()
    np.testing.assert_array_equal(ours.weight.detach().numpy()[[3, 4]], before[[3, 4]])  # rows not looked up
    assert (np.linalg.norm(before, axis=1)[[0, 1, 2, 5]] > 0.8).any()  # and some looked-up row was renormalised


def test_embedding_from_pretrained_and_errors():
    weights = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    frozen = tg.nn.Embedding.from_pretrained(weights)
    assert not frozen.weight.requires_grad
    assert frozen(tg.tensor([1])).tolist() == [[3.0, 4.0]]
    assert tg.nn.Embedding.from_pretrained(weights, freeze=False).weight.requires_grad
    ours, reference = tg.nn.Embedding(5, 3), torch.nn.Embedding(5, 3)
    for call in (lambda ns, m: m(ns.tensor([5])), lambda ns, m: m(ns.tensor([-1])), lambda ns, m: m(ns.tensor([1.0]))):
        same_error(lambda: call(tg, ours), lambda: call(torch, reference))
    same_error(lambda: tg.nn.Embedding(5, 3, padding_idx=5), lambda: torch.nn.Embedding(5, 3, padding_idx=5))
    same_error(lambda: tg.nn.Embedding.from_pretrained(tg.zeros(3)), lambda: torch.nn.Embedding.from_pretrained(torch.zeros(3)))
    with pytest.raises(NotImplementedError, match="sparse"):
        tg.nn.Embedding(5, 3, sparse=True)
    assert tg.nn.functional.embedding(tg.tensor([1], dtype=tg.int32), weights).tolist() == [[3.0, 4.0]]


def test_embedding_bag_repr_and_errors_match_torch():
    for kwargs in (dict(), dict(mode="sum", max_norm=1.0, padding_idx=-1), dict(mode="max", norm_type=1.0)):
        assert repr(tg.nn.EmbeddingBag(10, 3, **kwargs)) == repr(torch.nn.EmbeddingBag(10, 3, **kwargs))
    ours, reference = tg.nn.EmbeddingBag(5, 2), torch.nn.EmbeddingBag(5, 2)
    for call in (
        lambda ns, m: m(ns.tensor([1, 2, 3]), ns.tensor([1])),
        lambda ns, m: m(ns.tensor([1, 2, 3]), ns.tensor([0, 5])),
        lambda ns, m: m(ns.tensor([1, 2, 3])),
        lambda ns, m: m(ns.tensor([[1, 2]]), ns.tensor([0])),
        lambda ns, m: m(ns.tensor([1, 2]), ns.tensor([0]), per_sample_weights=ns.tensor([1.0, 2.0])),
        lambda ns, m: m(ns.tensor([1, 2]), ns.tensor([0]), per_sample_weights=ns.tensor([1.0])),
    ):
        same_error(lambda: call(tg, ours), lambda: call(torch, reference))
    same_error(lambda: tg.nn.functional.embedding_bag(tg.tensor([1]), tg.zeros(5, 2), tg.tensor([0]), mode="min"),
               lambda: torch.nn.functional.embedding_bag(torch.tensor([1]), torch.zeros(5, 2), torch.tensor([0]),
                                                         mode="min"))
    with pytest.raises(NotImplementedError, match="scale_grad_by_freq"):
        tg.nn.EmbeddingBag(5, 2, scale_grad_by_freq=True)(tg.tensor([[1, 2]]))
    frozen = tg.nn.EmbeddingBag.from_pretrained(tg.tensor([[1.0, 2.0], [3.0, 5.0]]), mode="sum")
    assert not frozen.weight.requires_grad and frozen(tg.tensor([[0, 1, 1]])).tolist() == [[7.0, 12.0]]


def test_import_paths_as_torch():
    from tinygrad_lr.nn.modules.rnn import RNNBase, RNNCellBase  # noqa: F401
    from tinygrad_lr.nn.modules.sparse import EmbeddingBag  # noqa: F401
    import tinygrad_lr.nn.modules.rnn as ours
    import torch.nn.modules.rnn as theirs
    assert all(getattr(ours, name) is getattr(tg.nn, name) for name in theirs.__all__)
    assert tg.nn.modules.sparse.Embedding is tg.nn.Embedding


@settings(max_examples=15)
@given(st.sampled_from(["RNN", "LSTM", "GRU"]), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
       st.integers(1, 3), st.integers(1, 2), st.booleans(), st.booleans(), st.booleans(), st.data())
def test_random_configurations_match_torch(cls, steps, batch, inputs, hidden, layers, bidirectional, batch_first,
                                           pack, data):
    """Drawn sizes and options (packed with drawn lengths too), float64: outputs, states and every gradient."""
    kwargs = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    ours, reference = both(cls, inputs, hidden, **kwargs)
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16)))
    x = rng.standard_normal((batch, steps, inputs) if batch_first else (steps, batch, inputs))
    lengths = data.draw(st.lists(st.integers(1, steps), min_size=batch, max_size=batch))
    results = []
    for ns, m in ((tg, ours), (torch, reference)):
        X = ns.tensor(x, requires_grad=True)
        arg = ns.nn.utils.rnn.pack_padded_sequence(X, lengths, batch_first, enforce_sorted=False) if pack else X
        out, hidden_state = m(arg)
        out = ns.nn.utils.rnn.pad_packed_sequence(out, batch_first)[0] if pack else out
        states = list(hidden_state) if cls == "LSTM" else [hidden_state]
        loss = sum((t * ns.tensor(np.cos(np.arange(t.numel())).reshape(tuple(t.shape)))).sum() for t in [out] + states)
        loss.backward()
        results.append([t.detach().numpy() for t in [out] + states] + [X.grad.numpy()] +
                       [p.grad.numpy() for p in m.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
