"""Regressions found by running later-chapter course code (autoencoders, GANs, transformers) under
both frameworks: each checks tinygrad_lr against live PyTorch."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import tinygrad_lr


def test_math_constants_are_pythons_floats() -> None:
    for name in ("pi", "e", "inf", "nan"):
        ours, theirs = getattr(tinygrad_lr, name), getattr(torch, name)
        assert type(ours) is type(theirs) is float
        assert ours == theirs or (math.isnan(ours) and math.isnan(theirs))


@pytest.mark.parametrize("view", [lambda x: x.transpose(0, 1), lambda x: x.permute(2, 0, 1), lambda x: x[:, ::2],
                                  lambda x: x.transpose(1, 2)[:, :1], lambda x: x[:, :1].expand(3, 4, 5)])
def test_dropout_draws_in_the_inputs_memory_order(view) -> None:
    """empty_like keeps a dense permuted layout and bernoulli_ fills memory order: a transposed input
    gets a different mask than its contiguous copy (MultiheadAttention's batch_first output does)."""
    outs = []
    for ns in (tinygrad_lr, torch):
        ns.manual_seed(3)
        outs.append(ns.nn.functional.dropout(view(ns.ones(3, 4, 5)), 0.5).numpy())
    np.testing.assert_array_equal(outs[0], outs[1])


def _encoders(**kw):
    torch.manual_seed(0)
    ref = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                      norm=torch.nn.LayerNorm(8), **kw)
    ours = tinygrad_lr.nn.TransformerEncoder(tinygrad_lr.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                             norm=tinygrad_lr.nn.LayerNorm(8), **kw)
    ours.load_state_dict({k: tinygrad_lr.tensor(v.numpy()) for k, v in ref.state_dict().items()})
    assert list(ours.state_dict()) == list(ref.state_dict())
    return ours, ref


def test_encoder_same_init_under_the_same_seed() -> None:
    for ns in (torch, tinygrad_lr):
        ns.manual_seed(0)
    ref = torch.nn.TransformerEncoderLayer(8, 2, 16)
    tinygrad_lr.manual_seed(0)
    ours = tinygrad_lr.nn.TransformerEncoderLayer(8, 2, 16)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    for (_, a), (_, b) in zip(ours.named_parameters(), ref.named_parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_encoder_train_mode_dropout_draws_match() -> None:
    ours, ref = _encoders(enable_nested_tensor=False)
    x = np.random.default_rng(0).standard_normal((3, 5, 8)).astype(np.float32)
    pad = [[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]]
    outs = []
    for ns, m in ((tinygrad_lr, ours), (torch, ref)):
        m.train()
        ns.manual_seed(2)
        outs.append(m(ns.tensor(x), src_key_padding_mask=ns.tensor(pad)).detach().numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pad", [[[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]],
                                 [[False] * 5, [True] + [False] * 4, [False] * 5]])   # left-aligned or not
@pytest.mark.parametrize("grad", [False, True])
def test_encoder_eval_with_padding_mask_as_pytorchs_nested_tensor_path(pad, grad) -> None:
    """Eval, no gradient, left-aligned padding: PyTorch runs nested tensors and pads the result with 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # PyTorch's prototype warning about nested tensors
        ours, ref = _encoders()
        x = np.random.default_rng(1).standard_normal((3, 5, 8)).astype(np.float32)
        outs = []
        for ns, m in ((tinygrad_lr, ours), (torch, ref)):
            m.eval()
            with ns.set_grad_enabled(grad):
                outs.append(m(ns.tensor(x), src_key_padding_mask=ns.tensor(pad)).detach().numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-5, atol=1e-5)


def test_encoder_nested_tensor_warning() -> None:
    messages = []
    for ns in (tinygrad_lr, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ns.nn.TransformerEncoder(ns.nn.TransformerEncoderLayer(8, 2, 16), 1)
        messages.append([str(w.message) for w in caught if "enable_nested_tensor" in str(w.message)])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_activation_string_refused_as_pytorch() -> None:
    for ns in (tinygrad_lr, torch):
        with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
            ns.nn.TransformerEncoderLayer(8, 2, activation="tanh")


@pytest.mark.parametrize("name", ["any", "all"])
@pytest.mark.parametrize("dtype", ["bool", "uint8", "float32", "int64"])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (-1, True), ((0, 2), False), ((0, 1, 2), True)])
def test_any_all_over_dims(name, dtype, dim, keepdim) -> None:
    """(top2 == y.unsqueeze(1)).any(dim=1): top-k accuracy; a uint8 tensor stays uint8 as in PyTorch."""
    data = (np.random.default_rng(0).random((2, 3, 4)) > 0.6).astype(dtype)
    outs = []
    for ns in (tinygrad_lr, torch):
        x = ns.tensor(data)
        kw = {} if dim is None else {"dim": dim, "keepdim": keepdim}
        out = getattr(x, name)(**kw)
        assert getattr(ns, name)(x, **kw).tolist() == out.tolist()
        outs.append((out.tolist(), str(out.dtype).split(".")[-1], tuple(out.shape)))
    assert outs[0] == outs[1]


def test_transformer_same_init_and_errors() -> None:
    """nn.Transformer re-initialises every matrix Xavier-uniform after building: same draws under a seed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = []
        for ns in (tinygrad_lr, torch):
            ns.manual_seed(0)
            models.append(ns.nn.Transformer(8, 2, 1, 1, 16))
    ours, ref = models
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    for (_, a), (_, b) in zip(ours.named_parameters(), ref.named_parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    for ns, m in ((tinygrad_lr, ours), (torch, ref)):
        with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
            m(ns.zeros(3, 2, 8), ns.zeros(3, 1, 8))
        with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
            m(ns.zeros(3, 2, 4), ns.zeros(3, 2, 4))
    for ns in (tinygrad_lr, torch):
        mask = ns.nn.Transformer.generate_square_subsequent_mask(3, dtype=ns.float64)
        assert mask.tolist() == [[0.0, -math.inf, -math.inf], [0.0, 0.0, -math.inf], [0.0, 0.0, 0.0]]
        assert str(mask.dtype).endswith("float64")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3, -1, -2, 40])
def test_round_decimals(dtype, decimals) -> None:
    """x.round(decimals=2) in a metrics table: PyTorch's kernel in the input's dtype (float32 1.005 -> 1.0)."""
    data = np.concatenate([np.random.default_rng(0).standard_normal(50) * 10.0 ** np.arange(-2, 3).repeat(10),
                           [1.005, 2.675, 0.125, -0.5, 1e30]]).astype(dtype)
    outs = []
    for ns in (tinygrad_lr, torch):
        x = ns.tensor(data, requires_grad=True)
        y = x.round(decimals=decimals)
        assert type(y.grad_fn).__name__ == "RoundBackward1"
        y.sum().backward()
        z = ns.tensor(data)
        z.round_(decimals=decimals)
        outs.append((y.detach().numpy(), x.grad.numpy(), ns.round(x, decimals=decimals).detach().numpy(), z.numpy()))
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype


@pytest.mark.parametrize("decimals,kernel", [(0, "round_vml_cpu"), (2, "round_cpu")])
def test_round_decimals_refuses_integers(decimals, kernel) -> None:
    for ns in (tinygrad_lr, torch):
        with pytest.raises(NotImplementedError, match=f'"{kernel}" not implemented for \'Long\''):
            ns.tensor([3, 17]).round(decimals=decimals)
        assert ns.tensor([3]).round().tolist() == [3]


def test_min_dim_prints_as_return_types_min() -> None:
    for ns in (tinygrad_lr, torch):
        x = ns.tensor([[0.5, 0.2, 0.7], [0.1, 0.9, 0.3]])
        assert repr(x.min(dim=1)).startswith("torch.return_types.min(")
        assert repr(x.max(1)).startswith("torch.return_types.max(")
        assert repr(ns.min(ns.tensor(2.0), 0)).startswith("torch.return_types.min(")


@pytest.mark.parametrize("bounds", ["min", "max", "both", "both_crossed"])
def test_clamp_with_tensor_bounds(bounds) -> None:
    """clamp(x, min=t, max=t): broadcast bounds, promoted dtype, gradients into the bounds (ClampBackward0)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    lo, hi = rng.standard_normal(4) - 0.5, rng.standard_normal((3, 1)) + 0.5
    if bounds == "both_crossed":
        lo, hi = hi.repeat(4, 1) + 1.0, lo
    upstream = rng.standard_normal((3, 4))
    results = []
    for ns in (tinygrad_lr, torch):
        t = ns.tensor(x, requires_grad=True)
        tl, th = ns.tensor(lo, requires_grad=True), ns.tensor(hi.astype(np.float32), requires_grad=True)
        kw = {"min": {"min": tl}, "max": {"max": th}, "both": {"min": tl, "max": th},
              "both_crossed": {"min": tl, "max": th}}[bounds]
        y = t.clamp(**kw)
        assert type(y.grad_fn).__name__ == "ClampBackward0"
        y.backward(ns.tensor(upstream))
        grads = [g.grad.numpy() if g.grad is not None else None for g in (t, tl, th)]
        results.append((y.detach().numpy(), str(y.dtype).split(".")[-1], grads))
    (y0, d0, g0), (y1, d1, g1) = results
    np.testing.assert_allclose(y0, y1)
    assert d0 == d1
    for a, b in zip(g0, g1):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_clamp_number_beside_a_tensor() -> None:
    """PyTorch's Number overload: a 0-d tensor beside a number is read as a number (ClampBackward1);
    a bigger tensor beside a number matches no overload (TypeError)."""
    for ns in (tinygrad_lr, torch):
        x = ns.tensor([0.5, 2.0, 5.0], requires_grad=True)
        y = x.clamp(ns.tensor(1.0), 4)
        assert y.tolist() == [1.0, 2.0, 4.0] and type(y.grad_fn).__name__ == "ClampBackward1"
        with pytest.raises(TypeError, match="clamp\\(\\) received an invalid combination of arguments"):
            x.clamp(min=-0.3, max=ns.tensor([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("layer", ["linear", "conv", "conv_transpose"])
def test_spectral_norm_training_steps(layer) -> None:
    """SN-GAN discriminator idiom: same u/v draws, power-iteration buffers, weights and gradients as PyTorch."""
    rng = np.random.default_rng(0)
    shape = {"linear": (4, 3), "conv": (2, 3, 6, 6), "conv_transpose": (2, 3, 4, 4)}[layer]
    xs = [rng.standard_normal(shape).astype(np.float32) for _ in range(3)]
    runs = []
    for ns in (tinygrad_lr, torch):
        ns.manual_seed(0)
        build = {"linear": lambda: ns.nn.Linear(3, 5), "conv": lambda: ns.nn.Conv2d(3, 4, 3),
                 "conv_transpose": lambda: ns.nn.ConvTranspose2d(3, 2, 3)}[layer]
        m = ns.nn.utils.spectral_norm(build(), n_power_iterations=2)
        opt = ns.optim.SGD(m.parameters(), lr=0.1)
        for x in xs:
            loss = m(ns.tensor(x)).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        m.eval()
        out = m(ns.tensor(xs[0])).detach().numpy()
        state = {k: v.detach().numpy() for k, v in m.state_dict().items()}
        runs.append((out, state, [n for n, _ in m.named_parameters()], m.weight_orig.grad.numpy()))
    (o0, s0, n0, g0), (o1, s1, n1, g1) = runs
    assert n0 == n1 and list(s0) == list(s1)
    np.testing.assert_allclose(o0, o1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g0, g1, rtol=1e-5, atol=1e-6)
    for k in s0:
        np.testing.assert_allclose(s0[k], s1[k], rtol=1e-5, atol=1e-6)


def test_remove_spectral_norm_and_errors() -> None:
    results = []
    for ns in (tinygrad_lr, torch):
        ns.manual_seed(0)
        m = ns.nn.utils.spectral_norm(ns.nn.Linear(3, 2))
        m(ns.ones(1, 3))
        with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks on the same parameter weight"):
            ns.nn.utils.spectral_norm(m)
        with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
            ns.nn.utils.spectral_norm(ns.nn.Linear(3, 2), n_power_iterations=0)
        ns.nn.utils.remove_spectral_norm(m)
        with pytest.raises(ValueError, match="spectral_norm of 'weight' not found in"):
            ns.nn.utils.remove_spectral_norm(m)
        results.append(([n for n, _ in m.named_parameters()], list(m.state_dict()), m.weight.detach().numpy()))
    assert results[0][:2] == results[1][:2]
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-6)


def test_replacing_a_child_or_parameter_keeps_its_place() -> None:
    """Transfer learning: model.conv1 = nn.Conv2d(...) or seq[1] = nn.Identity() keeps the order
    of children, parameters, state_dict and print(model), as in PyTorch."""
    results = []
    for ns in (tinygrad_lr, torch):
        ns.manual_seed(0)
        m = ns.nn.Sequential(ns.nn.Linear(2, 3), ns.nn.BatchNorm1d(3), ns.nn.ReLU(), ns.nn.Linear(3, 1))
        m[1] = ns.nn.Identity()
        m[0] = ns.nn.Linear(2, 3)
        m[3].weight = ns.nn.Parameter(ns.zeros(1, 3))
        m.add_module("2", ns.nn.Tanh())
        results.append((repr(m), list(m.state_dict()), [n for n, _ in m.named_parameters()],
                        [n for n, _ in m.named_children()]))
    assert results[0] == results[1]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8"])
@pytest.mark.parametrize("shape,dim", [((40,), 0), ((3, 17), 1), ((70, 2), 0), ((2, 3, 300), -1)])
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("sorted_", [True, False])
def test_topk_among_equal_values_as_pytorch_cpu(dtype, shape, dim, largest, sorted_) -> None:
    """Top-k of counts or votes has ties: PyTorch's CPU kernel (partial_sort or nth_element + sort)
    decides which of the equal values' indices come first; tinygrad_lr replays it."""
    rng = np.random.default_rng(sum(shape))
    data = rng.integers(0, 4, shape).astype(dtype)
    if dtype.startswith("float"):
        data.flat[::7] = np.nan
    n = shape[dim]
    for k in sorted({0, 1, 3, n // 2, n}):
        outs = []
        for ns in (tinygrad_lr, torch):
            r = ns.tensor(data).topk(k, dim=dim, largest=largest, sorted=sorted_)
            outs.append((r.indices.numpy(), r.values.numpy()))
        np.testing.assert_array_equal(outs[0][0], outs[1][0])
        np.testing.assert_array_equal(outs[0][1], outs[1][1])


@pytest.mark.parametrize("n", [5, 16, 17, 50, 300])
def test_mode_index_as_pytorch_cpu(n) -> None:
    """torch.mode(votes): the index is the last of the mode's run after PyTorch's unstable std::sort."""
    rng = np.random.default_rng(n)
    for trial in range(20):
        data = rng.integers(0, int(rng.integers(1, 6)), (2, n))
        outs = [ns.tensor(data).mode(dim=1) for ns in (tinygrad_lr, torch)]
        assert outs[0].values.tolist() == outs[1].values.tolist()
        assert outs[0].indices.tolist() == outs[1].indices.tolist()


@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_weight_norm_training_steps(dim) -> None:
    """nn.utils.weight_norm: weight_g/weight_v (dim=None and dim=-1 both mean the whole tensor), the
    deprecation warning, values and gradients over SGD steps as in PyTorch."""
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((5, 3)).astype(np.float32) for _ in range(2)]
    runs = []
    for ns in (tinygrad_lr, torch):
        ns.manual_seed(0)
        with pytest.warns(FutureWarning, match="torch.nn.utils.weight_norm` is deprecated"):
            m = ns.nn.utils.weight_norm(ns.nn.Linear(3, 4), dim=dim)
        opt = ns.optim.SGD(m.parameters(), lr=0.1)
        for x in xs:
            loss = m(ns.tensor(x)).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        runs.append(([n for n, _ in m.named_parameters()], {k: v.detach().numpy() for k, v in m.state_dict().items()},
                     m.weight_g.grad.numpy(), m.weight_v.grad.numpy()))
        with warnings.catch_warnings(), pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
            warnings.simplefilter("ignore", FutureWarning)   # PyTorch warns before it refuses
            ns.nn.utils.weight_norm(m)
        ns.nn.utils.remove_weight_norm(m)
        with pytest.raises(ValueError, match="weight_norm of 'weight' not found in"):
            ns.nn.utils.remove_weight_norm(m)
    (n0, s0, *g0), (n1, s1, *g1) = runs
    assert n0 == n1 and list(s0) == list(s1)
    for k in s0:
        np.testing.assert_allclose(s0[k], s1[k], rtol=1e-5, atol=1e-7)
    for a, b in zip(g0, g1):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
