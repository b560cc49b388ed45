"""The Tensor's user-facing behaviour against live PyTorch: dtype promotion, factories, repr,
conversions, errors, and lecture-style code run under both frameworks."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import torch

import tinygrad_lr as tg

# ----------------------------------------------------------------------------- type promotion

OPERANDS = {
    "float32": lambda m: m.tensor([1.5, 2.0]),
    "float64": lambda m: m.tensor([1.5, 2.0], dtype=m.float64),
    "int64": lambda m: m.tensor([1, 2]),
    "int32": lambda m: m.tensor([1, 2], dtype=m.int32),
    "bool": lambda m: m.tensor([True, False]),
    "float32 0-d": lambda m: m.tensor(1.5),
    "float64 0-d": lambda m: m.tensor(1.5, dtype=m.float64),
    "int64 0-d": lambda m: m.tensor(3),
    "python float": lambda m: 2.5,
    "python int": lambda m: 2,
    "python bool": lambda m: True,
}
BINARY = ["__add__", "__sub__", "__mul__", "__truediv__", "__pow__", "__lt__", "__eq__"]


def _apply(module, left, right, op):
    a, b = OPERANDS[left](module), OPERANDS[right](module)
    if not isinstance(a, (module.Tensor,)):
        return getattr(b, op.replace("__", "__r", 1))(a) if op not in ("__lt__", "__eq__") else getattr(b, op)(a)
    return getattr(a, op)(b)


@pytest.mark.parametrize("op", BINARY)
def test_result_dtype_matches_torch(op):
    """PyTorch's promotion (categories, 0-d and Python-number rules), for every operand pair."""
    for left in OPERANDS:
        for right in OPERANDS:
            if left.startswith("python") and right.startswith("python"):
                continue
            try:
                expected = str(_apply(torch, left, right, op).dtype)
            except RuntimeError:
                with pytest.raises(RuntimeError):
                    _apply(tg, left, right, op)
                continue
            assert repr(_apply(tg, left, right, op).dtype) == expected, (left, op, right)


def test_numpy_scalars_do_not_promote_float32_to_float64():
    x = tg.ones(3)
    for scalar in (np.float64(2.0), np.float32(2.0), np.int64(2)):
        assert (x * scalar).dtype is tg.float32
        assert (scalar * x).dtype is tg.float32
        assert (x ** scalar).dtype is tg.float32


# ---------------------------------------------------------------------------------- factories

FACTORIES = [
    lambda m: m.tensor([1, 2, 3]),
    lambda m: m.tensor([1.0, 2]),
    lambda m: m.tensor([[True], [False]]),
    lambda m: m.tensor(np.arange(4.0)),
    lambda m: m.tensor(np.arange(4, dtype=np.int32)),
    lambda m: m.tensor([1, 2], dtype=m.float64),
    lambda m: m.FloatTensor([1, 2]),
    lambda m: m.LongTensor([1, 2]),
    lambda m: m.Tensor([1, 2]),
    lambda m: m.zeros(2, 3),
    lambda m: m.zeros((2, 3), dtype=m.int64),
    lambda m: m.ones([4]),
    lambda m: m.full((2, 2), 7),
    lambda m: m.full((2, 2), 7.0),
    lambda m: m.full((2,), True),
    lambda m: m.zeros_like(m.tensor([1, 2])),
    lambda m: m.ones_like(m.tensor([1.0, 2.0], dtype=m.float64)),
    lambda m: m.arange(5),
    lambda m: m.arange(1, 4),
    lambda m: m.arange(0, 1, 0.25),
    lambda m: m.arange(5.0),
    lambda m: m.eye(3),
    lambda m: m.eye(2, 3),
    lambda m: m.linspace(0, 1, 5),
    lambda m: m.from_numpy(np.arange(3, dtype=np.float64)),
]


@pytest.mark.parametrize("make", FACTORIES)
def test_factories_match_torch(make):
    ours, ref = make(tg), make(torch)
    assert repr(ours.dtype) == str(ref.dtype)
    assert tuple(ours.shape) == tuple(ref.shape)
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-6)
    assert repr(ours) == repr(ref)


def test_random_factories_are_seeded_and_typed():
    tg.manual_seed(0)
    a = tg.randn(3, 4)
    tg.manual_seed(0)
    b = tg.randn(3, 4)
    assert np.array_equal(a.numpy(), b.numpy()) and a.dtype is tg.float32 and a.shape == (3, 4)
    u = tg.rand(1000)
    assert u.dtype is tg.float32 and 0 <= u.min().item() and u.max().item() < 1
    r = tg.randint(0, 10, (1000,))
    assert r.dtype is tg.int64 and set(np.unique(r.numpy())) <= set(range(10))
    assert tg.randint(5, (3,)).shape == (3,)
    assert sorted(tg.randperm(6).tolist()) == list(range(6))
    g = tg.Generator().manual_seed(1)
    assert np.array_equal(tg.randn(3, generator=g).numpy(), tg.randn(3, generator=tg.Generator().manual_seed(1)).numpy())


def test_from_numpy_shares_memory():
    array = np.zeros(3, dtype=np.float32)
    t = tg.from_numpy(array)
    array[0] = 5
    assert t[0].item() == 5


# ------------------------------------------------------------------------------------- repr

def _leaf(m):
    return m.tensor([[-1.0, 2.0]], requires_grad=True)


REPRS = [
    lambda m: m.tensor([1.0, 2.0, 3.0]),
    lambda m: m.tensor([[1.5410, -0.2934], [-2.1788, 0.5684]], requires_grad=True),
    lambda m: m.tensor([[1.5, -2.25], [1000.5, 3.0]]),
    lambda m: m.tensor([1e-5, 1.0]),
    lambda m: m.tensor([1e9, 1.0]),
    lambda m: m.tensor([0.0, -0.0]),
    lambda m: m.tensor([float("nan"), float("inf"), 1.5]),
    lambda m: m.arange(2000).reshape(40, 50),
    lambda m: m.arange(2000.0).reshape(2, 20, 50) / 7,
    lambda m: m.arange(100.0) / 3,
    lambda m: m.tensor([]),
    lambda m: m.zeros(0, 3),
    lambda m: m.tensor([1, 2], dtype=m.int32),
    lambda m: m.tensor(5),
    lambda m: m.tensor(3.5),
    lambda m: m.tensor([[True]]),
    lambda m: m.zeros(2, 3, dtype=m.float64),
    lambda m: m.zeros(3, 4, 5),
    lambda m: m.tensor([123456.789, 0.001]),
    lambda m: _leaf(m) * 2,
    lambda m: _leaf(m).sum(),
    lambda m: _leaf(m).sum(1),
    lambda m: _leaf(m).mean(),
    lambda m: _leaf(m).mean(0),
    lambda m: _leaf(m) @ m.ones(2, 3),
    lambda m: _leaf(m)[0] @ m.ones(2),
    lambda m: _leaf(m) @ m.ones(2),
    lambda m: m.ones(2, 2, 2, requires_grad=True) @ m.ones(2, 2),
    lambda m: _leaf(m).relu(),
    lambda m: _leaf(m).exp(),
    lambda m: _leaf(m).sigmoid(),
    lambda m: _leaf(m).tanh(),
    lambda m: _leaf(m).T,
    lambda m: _leaf(m).t(),
    lambda m: _leaf(m)[0],
    lambda m: _leaf(m)[:, 1:],
    lambda m: _leaf(m)[:, [0, 0]],
    lambda m: _leaf(m).view(2),
    lambda m: _leaf(m).reshape(2),
    lambda m: _leaf(m).max(),
    lambda m: _leaf(m).min(),
    lambda m: _leaf(m).max(dim=1).values,
    lambda m: _leaf(m).unsqueeze(0),
    lambda m: _leaf(m).squeeze(),
    lambda m: _leaf(m).squeeze(0),
    lambda m: _leaf(m).softmax(1),
    lambda m: _leaf(m).log_softmax(1),
    lambda m: _leaf(m) ** 2,
    lambda m: _leaf(m) / 3,
    lambda m: -_leaf(m),
    lambda m: _leaf(m) - 1,
    lambda m: _leaf(m).double(),
    lambda m: _leaf(m).clamp(0, 1),
    lambda m: _leaf(m).var(),
    lambda m: _leaf(m).std(),
    lambda m: _leaf(m).abs(),
    lambda m: _leaf(m).logsumexp(1),
    lambda m: m.cat([_leaf(m)] * 2),
    lambda m: m.stack([_leaf(m)] * 2),
    lambda m: _leaf(m).expand(3, 2),
    lambda m: _leaf(m).permute(1, 0),
    lambda m: _leaf(m).transpose(0, 1),
    lambda m: _leaf(m).flatten(),
    lambda m: m.where(m.tensor([True, False]), m.tensor([1.0, 2.0], requires_grad=True), 0.0),
    lambda m: m.maximum(m.tensor([1.0, 2.0], requires_grad=True), m.tensor([0.0, 3.0])),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True) ** m.tensor([1.0, 2.0]),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True).clone(),
    lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=m.float64, requires_grad=True),
]


@pytest.mark.parametrize("make", REPRS)
def test_repr_matches_torch(make):
    assert repr(make(tg)) == repr(make(torch))


def test_shape_dtype_device_repr():
    x = tg.zeros(2, 3)
    assert repr(x.shape) == repr(torch.zeros(2, 3).shape) == "torch.Size([2, 3])"
    assert repr(x.dtype) == "torch.float32" and str(x.device) == "cpu"
    assert x.size() == (2, 3) and x.size(1) == 3 and x.size(-1) == 3 and x.dim() == 2 and len(x) == 2


# ------------------------------------------------------------------------- attributes, misc

def test_conversions():
    x = tg.tensor([[1.5, 2.5]], requires_grad=True)
    assert x.detach().tolist() == [[1.5, 2.5]]
    assert x.sum().item() == 4.0 and isinstance(x.sum().item(), float)
    assert x.long().dtype is tg.int64 and x.float().dtype is tg.float32
    assert x.to(tg.float64).dtype is tg.float64 and x.to("cpu") is x
    assert x.type() == "torch.FloatTensor" and x.type(tg.float64).dtype is tg.float64
    assert x.is_leaf and x.grad is None and x.grad_fn is None
    assert np.asarray(x.detach()).shape == (1, 2)
    assert float(tg.tensor(2.5)) == 2.5 and int(tg.tensor(3)) == 3


def test_in_place_ops_allowed_only_where_torch_allows():
    w = tg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w += 1
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.zero_()
    with tg.no_grad():
        w -= 0.5
    assert w.tolist() == [0.5, 0.5, 0.5] and w.requires_grad and w.is_leaf
    plain = tg.zeros(2, 3)
    plain.scatter_(1, tg.tensor([[0], [2]]), 1.0)
    assert plain.tolist() == torch.zeros(2, 3).scatter_(1, torch.tensor([[0], [2]]), 1.0).tolist()
    plain.fill_(2).add_(tg.ones(3), alpha=2).mul_(0.5).sub_(1)
    assert plain.tolist() == [[1.0] * 3] * 2  # (2 + 1·2) · 0.5 − 1
    ints = tg.zeros(3, dtype=tg.int64)
    with pytest.raises(RuntimeError):
        ints.add_(0.5)


def test_comparisons_and_argmax():
    a_np = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], dtype=np.float32)
    for fn in (lambda m, x: x > 2, lambda m, x: x == 7, lambda m, x: x.argmax(1), lambda m, x: x.argmin(),
               lambda m, x: (x.argmax(dim=1) == m.tensor([1, 0])).float().mean(),
               lambda m, x: x.max(dim=1).indices, lambda m, x: x.min(dim=0, keepdim=True).values):
        ours, ref = fn(tg, tg.tensor(a_np)), fn(torch, torch.tensor(a_np))
        assert repr(ours) == repr(ref)


# ------------------------------------------------------------------------------ bad input

def test_bad_input_raises_like_torch():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        tg.ones(2, 3) @ tg.ones(4, 5)
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\)"):
        tg.ones(2, 3) + tg.ones(4)
    with pytest.raises(IndexError, match="tensors used as indices must be long"):
        tg.ones(3)[tg.tensor([0.0, 1.0])]
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        tg.ones(2, 3).T.view(6)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        tg.ones(2).item()
    with pytest.raises(RuntimeError, match="Use tensor.detach"):
        tg.ones(2, requires_grad=True).numpy()
    with pytest.raises(RuntimeError, match="invalid for input of size 6"):
        tg.ones(2, 3).reshape(4, 2)
    with pytest.raises(IndexError, match="Dimension out of range"):
        tg.ones(2, 3).sum(2)
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype"):
        tg.tensor([1, 2]).mean()
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with a bool tensor"):
        tg.tensor([True]) - tg.tensor([False])
    with pytest.raises(RuntimeError, match="must match the existing size"):
        tg.ones(2, 3).expand(4, 3)


@pytest.mark.parametrize("left,right", [("float64", "float32"), ("int64", "float32"), ("float32", "int32")])
def test_matmul_dtype_mismatch_message_matches_torch(left, right):
    messages = []
    for m in (tg, torch):
        with pytest.raises(RuntimeError) as info:
            m.ones(2, 2, dtype=getattr(m, left)) @ m.ones(2, 2, dtype=getattr(m, right))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


# ----------------------------------------------------------------- lecture code, both frameworks

def _manual_gradient_descent(m, X, Y, w0, b0, style):
    """The lecture's linear regression with hand-written updates, in one of its spellings."""
    X, Y = m.tensor(X), m.tensor(Y)
    w = m.tensor(w0, requires_grad=True)
    b = m.tensor(b0, requires_grad=True)
    lr, losses = 0.1, []
    for _ in range(25):
        prediction = X @ w + b
        loss = ((prediction - Y) ** 2).mean()
        loss.backward()
        if style == "data":
            w.data = w.data - w.grad * lr
            b.data = b.data - b.grad * lr
            w.grad.zero_()
            b.grad.zero_()
        else:
            with m.no_grad():
                w -= lr * w.grad
                b -= lr * b.grad
            w.grad = None
            b.grad = None
        losses.append(loss.item())
    return np.array(losses), w.detach().numpy(), repr(w), repr(loss)


@pytest.mark.parametrize("style", ["data", "no_grad"])
def test_lecture_manual_gradient_descent_matches_torch(style):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 3)).astype(np.float32)
    Y = (X @ np.array([2.0, -3.4, 1.0], dtype=np.float32) + 4.2).astype(np.float32)
    w0 = rng.normal(scale=0.01, size=3).astype(np.float32)
    ours = _manual_gradient_descent(tg, X, Y, w0, np.float32(0.0), style)
    ref = _manual_gradient_descent(torch, X, Y, w0, np.float32(0.0), style)
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5)
    np.testing.assert_allclose(ours[1], ref[1], rtol=1e-5, atol=1e-6)
    assert ours[1].dtype == np.float32
    # what a learner prints: the reprs agree to the last printed digit
    assert ours[2].split("[")[0] == ref[2].split("[")[0] and ours[3].endswith(ref[3][-25:])


@settings(max_examples=40)
@given(start=st.floats(-1e3, 1e3), end=st.floats(-1e3, 1e3), steps=st.integers(0, 300),
       dtype=st.sampled_from(["float32", "float64"]))
def test_linspace_is_pytorch_bit_for_bit(start, end, steps, dtype):
    import torch
    ours = tg.linspace(start, end, steps, dtype=getattr(tg, dtype)).numpy()
    theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
    np.testing.assert_array_equal(ours, theirs)
