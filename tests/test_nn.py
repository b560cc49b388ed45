"""nn layers, Module API and init, checked against live PyTorch.

Layers: the same weights (copied from a torch module with ``load_state_dict``) and the same input
give the same output, input gradient and parameter gradients, in float32 and float64.
"""
from __future__ import annotations

import copy
import math
from collections import OrderedDict

import numpy as np
import pytest
import torch

import tinygrad_lr as tg
import tinygrad_lr.nn.functional as F
from tinygrad_lr import nn

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def ours(array: np.ndarray, requires_grad: bool = False) -> tg.Tensor:
    return tg.tensor(array, requires_grad=requires_grad)


def theirs(array: np.ndarray, requires_grad: bool = False) -> torch.Tensor:
    return torch.tensor(array, requires_grad=requires_grad)


def close(mine: tg.Tensor, reference: torch.Tensor, dtype: type) -> None:
    assert mine.dtype.name == str(reference.dtype).removeprefix("torch."), (mine.dtype, reference.dtype)
    assert tuple(mine.shape) == tuple(reference.shape)
    np.testing.assert_allclose(mine.detach().numpy(), reference.detach().numpy(), **TOL[dtype])


# ------------------------------------------------------------------------------------- layers

LAYERS = [  # (name, factory taking the nn namespace, input shape)
    ("Linear", lambda m: m.Linear(5, 3), (4, 5)),
    ("Linear-nobias", lambda m: m.Linear(5, 3, bias=False), (4, 5)),
    ("Linear-batched", lambda m: m.Linear(5, 3), (2, 4, 5)),
    ("Linear-vector", lambda m: m.Linear(5, 3), (5,)),
    ("Identity", lambda m: m.Identity(), (3, 4)),
    ("ReLU", lambda m: m.ReLU(), (4, 6)),
    ("ReLU-inplace", lambda m: m.ReLU(inplace=True), (4, 6)),
    ("LeakyReLU", lambda m: m.LeakyReLU(), (4, 6)),
    ("LeakyReLU-0.2", lambda m: m.LeakyReLU(0.2), (4, 6)),
    ("Sigmoid", lambda m: m.Sigmoid(), (4, 6)),
    ("Tanh", lambda m: m.Tanh(), (4, 6)),
    ("Softmax", lambda m: m.Softmax(dim=1), (4, 6)),
    ("Softmax-last", lambda m: m.Softmax(dim=-1), (2, 3, 4)),
    ("LogSoftmax", lambda m: m.LogSoftmax(dim=1), (4, 6)),
    ("Flatten", lambda m: m.Flatten(), (2, 3, 4)),
    ("Flatten-0", lambda m: m.Flatten(0, 1), (2, 3, 4)),
    ("Unflatten", lambda m: m.Unflatten(1, (3, 2)), (4, 6)),
    ("Dropout-eval", lambda m: m.Dropout(0.3).eval(), (4, 6)),
    ("Sequential", lambda m: m.Sequential(m.Linear(6, 5), m.Tanh(), m.Linear(5, 2), m.LogSoftmax(dim=1)), (3, 6)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,factory,shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_matches_torch(name, factory, shape, dtype):
    rng = np.random.default_rng(0)
    reference = factory(torch.nn).to(torch.float64 if dtype is np.float64 else torch.float32)
    mine = factory(nn).to(tg.float64 if dtype is np.float64 else tg.float32)
    mine.load_state_dict(reference.state_dict())  # torch tensors are accepted as checkpoint values
    assert repr(mine) == repr(reference)

    x = rng.standard_normal(shape).astype(dtype)
    x_mine, x_ref = ours(x, True), theirs(x, True)
    out_mine, out_ref = mine(x_mine.clone()), reference(x_ref.clone())  # clone: an inplace ReLU refuses a leaf
    close(out_mine, out_ref, dtype)

    upstream = rng.standard_normal(tuple(out_ref.shape)).astype(dtype)
    out_mine.backward(ours(upstream))
    out_ref.backward(theirs(upstream))
    close(x_mine.grad, x_ref.grad, dtype)
    mine_params = dict(mine.named_parameters())
    for key, param in reference.named_parameters():
        close(mine_params[key].grad, param.grad, dtype)


def test_linear_uses_fused_op_and_default_init_bounds():
    layer = nn.Linear(400, 30)
    out = layer(tg.randn(2, 400))
    assert out.grad_fn.name() == "AddmmBackward0"
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert isinstance(p, nn.Parameter) and p.requires_grad and p.dtype is tg.float32
        values = p.detach().numpy()
        assert values.min() >= -bound and values.max() <= bound
    # U(-b, b) has std b/√3; with 12,000 draws the sample std is within ~1% (5σ ≈ 3%)
    assert abs(layer.weight.detach().numpy().std() - bound / math.sqrt(3)) < 0.03 * bound / math.sqrt(3)
    assert layer.weight.shape == (30, 400) and layer.bias.shape == (30,)
    assert nn.Linear(3, 2, dtype=tg.float64).weight.dtype is tg.float64
    assert nn.Linear(3, 2, bias=False).bias is None


def test_linear_shape_error_names_shapes():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(64x100 and 784x10\)"):
        nn.Linear(784, 10)(tg.randn(64, 100))


def test_softmax_without_dim_warns_and_uses_pytorch_legacy_dim():
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    with pytest.warns(UserWarning):
        out = nn.Softmax()(ours(x))
    with pytest.warns(UserWarning):
        ref = torch.nn.Softmax()(theirs(x))
    close(out, ref, np.float32)


def test_functional_activations_match_torch():
    x = np.random.default_rng(2).standard_normal((5, 7))
    for name, kwargs in [("relu", {}), ("leaky_relu", {"negative_slope": 0.3}), ("sigmoid", {}), ("tanh", {}),
                         ("softmax", {"dim": 0}), ("log_softmax", {"dim": -1})]:
        a, b = ours(x, True), theirs(x, True)
        out, ref = getattr(F, name)(a, **kwargs), getattr(torch.nn.functional, name)(b, **kwargs)
        close(out, ref, np.float64)
        out.sum().backward()
        ref.sum().backward()
        close(a.grad, b.grad, np.float64)
    w, bias = np.ones((2, 7)), np.arange(2.0)
    close(F.linear(ours(x), ours(w), ours(bias)), torch.nn.functional.linear(theirs(x), theirs(w), theirs(bias)),
          np.float64)
    close(F.linear(ours(x), ours(w)), torch.nn.functional.linear(theirs(x), theirs(w)), np.float64)


def test_one_hot():
    labels = np.array([[0, 3], [2, 1]])
    for n in (-1, 5):
        out, ref = F.one_hot(ours(labels), n), torch.nn.functional.one_hot(theirs(labels), n)
        assert out.dtype is tg.int64 and out.tolist() == ref.tolist()
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(ours(labels), 3)
    with pytest.raises(RuntimeError, match="Class values must be non-negative."):
        F.one_hot(ours(np.array([0, -1])), 3)
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(tg.tensor([0.0, 1.0]))


# ------------------------------------------------------------------------------------ dropout

def test_dropout_statistics_and_eval_identity():
    tg.manual_seed(0)
    layer = nn.Dropout(p=0.25)
    assert repr(layer) == repr(torch.nn.Dropout(p=0.25)) == "Dropout(p=0.25, inplace=False)"
    x = tg.ones(200, 500, requires_grad=True)
    out = layer(x)
    values = out.detach().numpy()
    assert out.dtype is tg.float32
    assert set(np.unique(values).tolist()) <= {0.0, np.float32(1 / 0.75)}
    # 100,000 Bernoulli(0.25) draws: the zero fraction has std ≈ 0.0014; allow 0.01 (≈ 7σ)
    assert abs((values == 0).mean() - 0.25) < 0.01
    assert abs(values.mean() - 1.0) < 0.015  # the 1/(1-p) scaling keeps the expectation
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)  # the gradient is the same mask and scale
    layer.eval()
    assert layer(x) is x
    assert F.dropout(x, 0.5, training=False) is x


def test_dropout_edges_and_errors():
    x = tg.randn(10, 10, dtype=tg.float64)
    assert (F.dropout(x, 1.0).numpy() == 0).all() and F.dropout(x, 1.0).dtype is tg.float64
    np.testing.assert_array_equal(F.dropout(x, 0.0).numpy(), x.numpy())
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {p}"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match="dropout probability"):
            F.dropout(x, p)


def test_dropout_repeats_with_seed():
    tg.manual_seed(3)
    a = F.dropout(tg.ones(50)).numpy().copy()
    tg.manual_seed(3)
    np.testing.assert_array_equal(F.dropout(tg.ones(50)).numpy(), a)


# ---------------------------------------------------------------------------------- module API

class NeuralNetworkTorch(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = torch.nn.Flatten()
        self.linear_relu_stack = torch.nn.Sequential(
            torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(),
            torch.nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


NeuralNetworkTorch.__name__ = "NeuralNetwork"  # the class name is part of the repr


def test_lecture_model_repr_state_dict_and_forward():
    reference, mine = NeuralNetworkTorch(), NeuralNetwork()
    assert repr(mine) == repr(reference)
    assert list(mine.state_dict().keys()) == list(reference.state_dict().keys())
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in reference.named_parameters()]
    assert [n for n, _ in mine.named_modules()] == [n for n, _ in reference.named_modules()]
    assert [n for n, _ in mine.named_children()] == ["flatten", "linear_relu_stack"]
    assert sum(p.numel() for p in mine.parameters()) == sum(p.numel() for p in reference.parameters())
    mine.load_state_dict(reference.state_dict())
    x = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    close(mine(ours(x)), reference(theirs(x)), np.float32)


def test_nested_repr_with_options_matches_torch():
    def build(m):
        net = m.Sequential(OrderedDict([
            ("body", m.ModuleList([m.Linear(4, 4), m.Linear(4, 4), m.Linear(4, 4, bias=False), m.Tanh()])),
            ("drop", m.Dropout(0.1)), ("act", m.LeakyReLU(0.2, inplace=True)), ("relu", m.ReLU(inplace=True)),
            ("sm", m.Softmax(dim=1)), ("lsm", m.LogSoftmax()), ("id", m.Identity()),
            ("unflat", m.Unflatten(1, (2, 2))), ("empty", m.ModuleList()), ("seq", m.Sequential()),
            ("loss", m.CrossEntropyLoss(label_smoothing=0.1)), ("bce", m.BCEWithLogitsLoss()), ("mse", m.MSELoss()),
        ]))
        return net
    assert repr(build(nn)) == repr(build(torch.nn))


def test_parameter_repr_and_sharing():
    data = tg.ones(2, 3)
    p = nn.Parameter(data)
    assert repr(p) == repr(torch.nn.Parameter(torch.ones(2, 3)))
    assert p._data is data._data and p.requires_grad and p.is_leaf
    assert not nn.Parameter(data, requires_grad=False).requires_grad
    assert repr(nn.Parameter()) == repr(torch.nn.Parameter())
    assert repr(nn.Parameter(tg.ones(2, dtype=tg.float64))) == repr(torch.nn.Parameter(torch.ones(2, dtype=torch.float64)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.register_buffer("steps", tg.zeros(1))
        self.register_buffer("scratch", tg.zeros(2), persistent=False)
        self.scale = nn.Parameter(tg.ones(1))

    def forward(self, x):
        return self.fc(x) * self.scale


def test_registration_and_attribute_routing():
    net = Net()
    assert list(net._parameters) == ["scale"] and list(net._modules) == ["fc"]
    assert [n for n, _ in net.named_parameters()] == ["scale", "fc.weight", "fc.bias"]
    assert [n for n, _ in net.named_buffers()] == ["steps", "scratch"]
    assert list(net.state_dict()) == ["scale", "steps", "fc.weight", "fc.bias"]  # non-persistent buffer left out
    assert len(list(net.parameters(recurse=False))) == 1
    assert [type(m).__name__ for m in net.modules()] == ["Net", "Linear"]
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter 'scale' "
                                        r"\(torch.nn.Parameter or None expected\)"):
        net.scale = tg.ones(1)
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope
    net.fc = nn.Linear(3, 5)  # replacing a child keeps it a child
    assert net.fc.out_features == 5 and list(net._modules) == ["fc"]
    net.extra = nn.Tanh()
    del net.extra
    assert "extra" not in net._modules
    net.register_parameter("nothing", None)
    assert "nothing" not in dict(net.named_parameters())
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, shared)
    assert len(list(seq.parameters())) == 2  # a shared layer counts once, as in PyTorch


def test_train_eval_zero_grad_requires_grad_apply():
    model = NeuralNetwork()
    assert model.training and model.linear_relu_stack[1].training
    assert model.eval() is model and not any(m.training for m in model.modules())
    assert model.train() is model and all(m.training for m in model.modules())
    model(tg.randn(2, 28, 28)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all((p.grad.numpy() == 0).all() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    assert model.requires_grad_(False) is model and not any(p.requires_grad for p in model.parameters())
    model.requires_grad_()
    visited = []
    assert model.apply(lambda m: visited.append(type(m).__name__)) is model
    assert visited[-1] == "NeuralNetwork" and visited.count("Linear") == 3

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)
    model.apply(init_weights)
    assert (model.linear_relu_stack[0].weight.detach().numpy() == 0).all()


def test_sequential_and_modulelist_containers():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and seq[0] is layers[0] and seq[-1] is layers[2] and list(seq) == layers
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    assert repr(head) == repr(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()))
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and list(seq._modules) == ["0", "1", "2", "3"]
    with pytest.raises(IndexError):
        seq[4]
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"] and named.fc is named[0]
    mlist = nn.ModuleList([nn.Linear(2, 2)])
    mlist.append(nn.Linear(2, 2))
    mlist.extend([nn.Tanh()])
    assert len(mlist) == 3 and len(list(mlist.parameters())) == 4 and isinstance(mlist[1:], nn.ModuleList)
    mdict = nn.ModuleDict({"a": nn.Linear(1, 1)})
    assert "a" in mdict and list(mdict.state_dict()) == ["a.weight", "a.bias"]


def test_load_state_dict_round_trip_copies_into_same_arrays():
    a, b = NeuralNetwork(), NeuralNetwork()
    weight = b.linear_relu_stack[0].weight
    array_before = weight._data
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>" and result.missing_keys == []
    assert weight is b.linear_relu_stack[0].weight and weight._data is array_before  # optimizer refs stay valid
    for (_, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    sd = a.state_dict()
    assert not any(v.requires_grad for v in sd.values())
    # numpy arrays are accepted too
    b.load_state_dict({k: np.zeros(tuple(v.shape), dtype=np.float64) for k, v in sd.items()})
    assert (weight.detach().numpy() == 0).all() and weight.dtype is tg.float32


def test_load_state_dict_failure_leaves_model_unchanged():
    mine, reference = Net(), torch.nn.Linear(3, 2)
    before = {k: v.numpy().copy() for k, v in mine.state_dict().items()}
    bad = mine.state_dict()
    bad = OrderedDict((k, tg.ones(*v.shape) * 7) for k, v in bad.items())  # good values...
    bad["fc.weight"] = tg.ones(4, 3)  # ...but one wrong shape
    del bad["steps"]
    bad["extra"] = tg.ones(1)
    with pytest.raises(RuntimeError) as info:
        mine.load_state_dict(bad)
    assert str(info.value) == (
        'Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: "steps". \n\t'
        'Unexpected key(s) in state_dict: "extra". \n\t'
        "size mismatch for fc.weight: copying a param with shape torch.Size([4, 3]) from checkpoint, "
        "the shape in current model is torch.Size([2, 3]).")
    for k, v in mine.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])  # nothing was copied, not even the good values

    # the same messages as torch for a plain Linear
    torch_bad = {"weight": torch.ones(3, 3), "foo": torch.ones(1)}
    with pytest.raises(RuntimeError) as theirs_info:
        reference.load_state_dict(torch_bad)
    with pytest.raises(RuntimeError) as ours_info:
        nn.Linear(3, 2).load_state_dict({"weight": tg.ones(3, 3), "foo": tg.ones(1)})
    assert str(ours_info.value) == str(theirs_info.value)

    result = nn.Linear(3, 2).load_state_dict({"weight": tg.ones(2, 3), "foo": tg.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["foo"]
    assert repr(result) == repr(reference.load_state_dict({"weight": torch.ones(2, 3), "foo": torch.ones(1)},
                                                          strict=False))
    with pytest.raises(RuntimeError, match="size mismatch"):  # shape errors even when not strict
        nn.Linear(3, 2).load_state_dict({"weight": tg.ones(3, 3)}, strict=False)
    with pytest.raises(RuntimeError, match="expected torch.Tensor or Tensor-like object"):
        nn.Linear(3, 2).load_state_dict({"weight": 1, "bias": tg.ones(2)})


def test_to_float_double_in_place_keeps_parameter_objects():
    model = NeuralNetwork()
    params = list(model.parameters())
    model(tg.randn(1, 28, 28)).sum().backward()
    assert model.double() is model
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    assert all(p.dtype is tg.float64 and p.grad.dtype is tg.float64 for p in params)
    out = model(tg.randn(2, 28, 28, dtype=tg.float64))
    assert out.dtype is tg.float64
    assert model.float() is model and all(p.dtype is tg.float32 for p in params)
    assert model.to(tg.float64) is model and params[0].dtype is tg.float64
    assert model.to("cpu") is model and model.cpu() is model and params[0].device == tg.device("cpu")
    net = Net().to(tg.float64)
    assert net.steps.dtype is tg.float64  # floating buffers are cast too
    with pytest.raises(TypeError, match="floating point"):
        model.to(tg.int64)


def test_deepcopy_parameters():
    layer = nn.Linear(2, 2)
    clone = copy.deepcopy(layer.weight)
    assert isinstance(clone, nn.Parameter) and clone._data is not layer.weight._data
    np.testing.assert_array_equal(clone.detach().numpy(), layer.weight.detach().numpy())


def test_forward_missing_and_call():
    class Empty(nn.Module):
        pass
    with pytest.raises(NotImplementedError, match='Module \\[Empty\\] is missing the required "forward" function'):
        Empty()(tg.ones(1))


# --------------------------------------------------------------------------------------- init

def test_calculate_gain_and_fans_match_torch():
    for name, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
                        ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)]:
        assert nn.init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        nn.init.calculate_gain("swish")
    for shape in [(3, 4), (8, 2, 3, 3)]:
        assert (nn.init._calculate_fan_in_and_fan_out(tg.zeros(*shape))
                == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape)))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init._calculate_fan_in_and_fan_out(tg.zeros(3))


SHAPE = (300, 200)  # 60,000 draws: sample std of a unit-std distribution is within ±0.3% (1σ) of the truth


@pytest.mark.parametrize("fn,kwargs,bound,std", [
    ("uniform_", dict(a=-2.0, b=3.0), (-2.0, 3.0), 5 / math.sqrt(12)),
    ("normal_", dict(mean=1.0, std=0.5), None, 0.5),
    ("xavier_uniform_", dict(gain=2.0), 2.0 * math.sqrt(6 / 500), None),
    ("xavier_normal_", dict(), None, math.sqrt(2 / 500)),
    ("kaiming_uniform_", dict(a=math.sqrt(5)), 1 / math.sqrt(200), None),
    ("kaiming_uniform_", dict(mode="fan_out", nonlinearity="relu"), math.sqrt(6 / 300), None),
    ("kaiming_normal_", dict(nonlinearity="relu"), None, math.sqrt(2 / 200)),
    ("kaiming_normal_", dict(a=0.1, mode="fan_out"), None, math.sqrt(2 / (1 + 0.01)) / math.sqrt(300)),
])
def test_init_distributions(fn, kwargs, bound, std):
    tg.manual_seed(0)
    p = nn.Parameter(tg.empty(*SHAPE))
    assert getattr(nn.init, fn)(p, **kwargs) is p and p.requires_grad and p.dtype is tg.float32
    values = p.detach().numpy().astype(np.float64)
    if bound is not None:
        low, high = bound if isinstance(bound, tuple) else (-bound, bound)
        assert values.min() >= low and values.max() <= high
        assert values.min() < low + 0.01 * (high - low) and values.max() > high - 0.01 * (high - low)
        std = (high - low) / math.sqrt(12)
    # 5σ limits for 60,000 draws: the mean within 5·std/√n, the std within ~2%
    expected_mean = kwargs.get("mean", 0.0) if fn == "normal_" else (0.5 if fn == "uniform_" else 0.0)
    assert abs(values.mean() - expected_mean) < 5 * std / math.sqrt(values.size)
    assert abs(values.std() / std - 1) < 0.02


def test_constant_inits_and_modes():
    p = nn.Parameter(tg.empty(3, 4, dtype=tg.float64))
    assert (nn.init.ones_(p).detach().numpy() == 1).all()
    assert (nn.init.zeros_(p).detach().numpy() == 0).all()
    assert (nn.init.constant_(p, 0.5).detach().numpy() == 0.5).all() and p.dtype is tg.float64
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        nn.init.kaiming_uniform_(p, mode="fan_avg")


# --------------------------------------------------------------------------------------- CUDA

def _cuda_available() -> bool:
    from tinygrad_lr.backend import cupy_module
    return cupy_module() is not None and torch.cuda.is_available()


cuda = pytest.mark.skipif(not _cuda_available(), reason="needs CuPy, torch CUDA and an NVIDIA GPU")


@pytest.mark.cuda
@cuda
def test_module_to_cuda_in_place_trains_like_torch():
    reference, mine = NeuralNetworkTorch(), NeuralNetwork()
    mine.load_state_dict(reference.state_dict())
    params = list(mine.parameters())
    x = np.random.default_rng(0).random((8, 28, 28), dtype=np.float32)
    mine(tg.tensor(x)).sum().backward()  # a CPU gradient that must move along
    assert mine.to("cuda") is mine
    assert [id(p) for p in mine.parameters()] == [id(p) for p in params]  # optimizer references stay valid
    assert all(p.is_cuda and p.grad.is_cuda for p in params)
    mine.zero_grad()
    reference.cuda()
    labels = np.arange(8) % 10
    loss = F.cross_entropy(mine(tg.tensor(x, device="cuda")), tg.tensor(labels, device="cuda"), label_smoothing=0.1)
    ref_loss = torch.nn.functional.cross_entropy(reference(torch.tensor(x, device="cuda")),
                                                 torch.tensor(labels, device="cuda"), label_smoothing=0.1)
    loss.backward()
    ref_loss.backward()
    assert loss.device == tg.device("cuda:0")
    np.testing.assert_allclose(loss.item(), ref_loss.item(), rtol=1e-5)
    for p, q in zip(mine.parameters(), reference.parameters()):
        np.testing.assert_allclose(p.grad.cpu().numpy(), q.grad.cpu().numpy(), rtol=1e-4, atol=1e-6)
    # state dicts cross devices: load a CUDA model's weights into a CPU model
    cpu_model = NeuralNetwork()
    cpu_model.load_state_dict(mine.state_dict())
    np.testing.assert_array_equal(cpu_model.linear_relu_stack[0].weight.detach().numpy(),
                                  mine.linear_relu_stack[0].weight.detach().cpu().numpy())
    assert mine.cpu() is mine and all(not p.is_cuda for p in params)


@pytest.mark.cuda
@cuda
def test_losses_dropout_and_init_on_cuda():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 4))
    y = rng.uniform(0, 1, (6, 4))
    a = tg.tensor(x, device="cuda", requires_grad=True)
    b = torch.tensor(x, device="cuda", requires_grad=True)
    mine = F.binary_cross_entropy_with_logits(a, tg.tensor(y, device="cuda"), pos_weight=tg.ones(4, device="cuda") * 2) \
        + F.binary_cross_entropy(a.sigmoid(), tg.tensor(y, device="cuda")) + F.mse_loss(a, tg.tensor(y, device="cuda"))
    ref = torch.nn.functional.binary_cross_entropy_with_logits(b, torch.tensor(y, device="cuda"),
                                                               pos_weight=torch.ones(4, device="cuda") * 2) \
        + torch.nn.functional.binary_cross_entropy(b.sigmoid(), torch.tensor(y, device="cuda")) \
        + torch.nn.functional.mse_loss(b, torch.tensor(y, device="cuda"))
    mine.backward()
    ref.backward()
    np.testing.assert_allclose(mine.item(), ref.item(), rtol=1e-10)
    np.testing.assert_allclose(a.grad.cpu().numpy(), b.grad.cpu().numpy(), rtol=1e-9, atol=1e-12)
    dropped = F.dropout(tg.ones(1000, device="cuda"), 0.5)
    assert dropped.is_cuda and set(np.unique(dropped.cpu().numpy()).tolist()) <= {0.0, 2.0}
    layer = nn.Linear(50, 20, device="cuda")
    assert layer.weight.is_cuda and abs(layer.weight.detach().cpu().numpy()).max() <= 1 / math.sqrt(50)
    assert F.one_hot(tg.tensor([0, 2], device="cuda")).is_cuda
