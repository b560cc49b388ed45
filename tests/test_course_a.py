"""Textbook code (tensor basics, autograd, linear and softmax regression, MLPs, model construction, CNNs)
that printed something different from PyTorch: each test runs the textbook's spelling under both and
compares what comes out."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr as tg
from compare import script


def _error(fn):
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - the type and message are what is compared
        return type(error).__name__, str(error)
    return None


@pytest.mark.parametrize("make", [
    lambda ns: ns.tensor([1, 2], requires_grad=True),
    lambda ns: ns.zeros(2, dtype=ns.long, requires_grad=True),
    lambda ns: ns.arange(3, requires_grad=True),
    lambda ns: ns.full((2,), 3, requires_grad=True),
    lambda ns: ns.randint(0, 3, (2,), requires_grad=True),
    lambda ns: ns.arange(3).requires_grad_(),
])
def test_integer_requires_grad_refusal_words(make):
    """A factory and the requires_grad setter word the refusal differently in PyTorch."""
    assert _error(lambda: make(tg)) == _error(lambda: make(torch))


def test_range_as_an_index():
    """The textbook's cross_entropy: ``y_hat[range(len(y_hat)), y]``."""
    for ns in (tg, torch):
        y_hat = ns.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]], requires_grad=True)
        picked = y_hat[range(len(y_hat)), ns.tensor([0, 2])]
        (-ns.log(picked)).sum().backward()
        if ns is tg:
            ours = picked.detach().numpy(), y_hat.grad.numpy()
        else:
            np.testing.assert_allclose(ours[0], picked.detach().numpy())
            np.testing.assert_allclose(ours[1], y_hat.grad.numpy())
    assert tg.zeros(3)[range(0)].shape == (0,) == torch.zeros(3)[range(0)].shape


@pytest.mark.parametrize("call", [
    lambda ns, x: x.argmax(axis=1),
    lambda ns, x: x.sum(axis=0, keepdims=True),
    lambda ns, x: x.mean(axis=1),
    lambda ns, x: x.max(axis=1).values,
    lambda ns, x: ns.sum(x, axis=1, keepdims=True),
    lambda ns, x: ns.cat([x, x], axis=1),
    lambda ns, x: ns.stack([x, x], axis=2),
    lambda ns, x: ns.softmax(x, axis=1),
    lambda ns, x: x.std(axis=0),
    lambda ns, x: x.cumsum(axis=1),
])
def test_numpy_keyword_spellings(call):
    """PyTorch's argument parser takes axis= for dim= and keepdims= for keepdim=."""
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    ours, theirs = call(tg, tg.tensor(data)), call(torch, torch.tensor(data))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert ours.shape == theirs.shape


def test_numpy_keyword_with_dim_too_is_refused_as_torch():
    assert _error(lambda: tg.ones(2).sum(dim=0, axis=0)) == _error(lambda: torch.ones(2).sum(dim=0, axis=0))
    # written in Python in PyTorch: no alias there
    assert _error(lambda: tg.ones(2).norm(axis=0))[0] == _error(lambda: torch.ones(2).norm(axis=0))[0]


def test_class_names_follow_the_package():
    """type(x) of a tensor, dtype, device and Size print the package's name, as torch's do."""
    ours = [str(type(v)) for v in (tg.ones(1), tg.float32, tg.device("cpu"), tg.ones(1).shape)]
    theirs = [str(type(v)) for v in (torch.ones(1), torch.float32, torch.device("cpu"), torch.ones(1).shape)]
    assert [s.replace("tinygrad_lr.", "torch.") for s in ours] == theirs
    # compare script lines those up
    assert script.mask(ours[0], ()) == theirs[0]


@pytest.mark.parametrize("shapes", [
    ((3,), (2,)), ((3,), (2, 3)), ((3,), (4, 2, 5)), ((2, 3), (2,)), ((2, 3), (2, 3)), ((4, 2, 3), (2, 5)),
    ((4, 2, 3), (2,)), ((2, 3), (4, 2, 5)), ((4, 2, 3), (1, 2, 5)), ((3, 4, 2, 3), (4, 2, 5)),
    ((2, 3), (3, 5, 7)), ((4, 2, 3), (3, 2, 3, 5)), ((4, 2, 3), (3, 3, 5)),
])
def test_matmul_shape_errors_name_the_kernel_as_torch(shapes):
    """A learner's first shape bug: each matmul shape becomes dot, mv, mm or bmm, each with its message."""
    a, b = shapes
    assert _error(lambda: tg.ones(a) @ tg.ones(b)) == _error(lambda: torch.ones(a) @ torch.ones(b))


@pytest.mark.parametrize("convert", [float, int, bool])
@pytest.mark.parametrize("shape", [(3,), (0,), (1, 1)])
def test_python_conversions_of_a_tensor(convert, shape):
    """float(loss) of a batch of losses: ValueError from float/int, RuntimeError from bool, as in PyTorch."""
    ours, theirs = _error(lambda: convert(tg.ones(shape))), _error(lambda: convert(torch.ones(shape)))
    assert ours == theirs
    if ours is None:
        assert convert(tg.ones(shape)) == convert(torch.ones(shape))


@pytest.mark.parametrize("call", [
    lambda ns: ns.tensor([1, 2]) ** -1,
    lambda ns: ns.tensor([1, 2]).pow_(-1),
    lambda ns: ns.tensor([3], dtype=ns.uint8) ** -1,
    lambda ns: ns.tensor([-1, 2, 0, 1, -2]) ** ns.tensor([-1, -2, -3, -5, -3]),
    lambda ns: ns.tensor([[-1], [3]]) ** ns.tensor([-3, 2]),
    lambda ns: 2 ** ns.tensor([-1, 3]),
    lambda ns: ns.tensor([1, 2]) ** -1.0,
])
def test_integer_negative_powers(call):
    """A number exponent is refused; a tensor exponent gives PyTorch's 1, ±1 or 0."""
    ours, theirs = _error(lambda: call(tg)), _error(lambda: call(torch))
    assert ours == theirs
    if ours is None:
        assert call(tg).tolist() == call(torch).tolist() and str(call(tg).dtype) == str(call(torch).dtype)


@pytest.mark.parametrize("data", [
    [[1, 2], [3]], [[1], [2, 3]], [[1, 2], [3, 4], [5]], [[[1, 2], [3, 4]], [[1, 2], [3]]], [[1, 2], 3],
    [1, [2]], [1.0, [2.0]], [1, (2,)], [[1.5, 2], [3.5]],
])
def test_ragged_lists_are_refused_as_torch(data):
    assert _error(lambda: tg.tensor(data)) == _error(lambda: torch.tensor(data))


@pytest.mark.parametrize("call", [
    lambda ns, t: np.exp(t), lambda ns, t: np.exp(t[0]), lambda ns, t: np.sqrt(ns.arange(3)),
    lambda ns, t: np.maximum(t, 0.5), lambda ns, t: np.add(1, t), lambda ns, t: np.isnan(t),
    lambda ns, t: np.float64(2) * t, lambda ns, t: np.float32(2) + t, lambda ns, t: np.float64(1) < t,
    lambda ns, t: np.float64(1) - t, lambda ns, t: np.int64(3) * ns.arange(2), lambda ns, t: np.float64(2) ** t,
])
@pytest.mark.filterwarnings("ignore:__array_wrap__ must accept:DeprecationWarning")  # torch's own, NumPy 2
def test_numpy_functions_of_tensors(call):
    """np.exp(x) of a tensor is a tensor (as PyTorch's __array_wrap__ gives); a NumPy scalar on the
    left of an operator keeps PyTorch's result dtype."""
    data = np.array([0.0, 1.0], dtype=np.float32)
    ours, theirs = call(tg, tg.tensor(data)), call(torch, torch.tensor(data))
    assert isinstance(ours, tg.Tensor) and str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_numpy_function_of_a_tensor_that_requires_grad():
    assert _error(lambda: np.exp(tg.ones(2, requires_grad=True))) == \
        _error(lambda: np.exp(torch.ones(2, requires_grad=True)))


def _lazy_lecture(ns):
    ns.manual_seed(0)
    net = ns.nn.Sequential(ns.nn.LazyLinear(8), ns.nn.ReLU(), ns.nn.LazyLinear(1, bias=False))
    before = [repr(net[0].weight), repr(net), _error(lambda: net[0].weight.shape)[0]]
    optimizer = ns.optim.SGD(net.parameters(), lr=0.1)  # built before the shapes are known
    out = net(ns.rand(2, 20))
    out.sum().backward()
    optimizer.step()
    after = [repr(net), type(net[0]).__name__, type(net[0].weight).__name__, net[0].in_features]
    return before, after, [p.detach().numpy() for p in net.parameters()], out.detach().numpy()


def test_lazy_linear_reads_in_features_from_the_first_input():
    ours, theirs = _lazy_lecture(tg), _lazy_lecture(torch)
    assert ours[:2] == theirs[:2]
    for a, b in zip(ours[2] + [ours[3]], theirs[2] + [theirs[3]]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_uninitialized_parameter_refuses_shape_and_numel_as_torch():
    for read in (lambda w: w.shape, lambda w: w.numel()):
        assert _error(lambda: read(tg.nn.LazyLinear(3).weight)) == _error(lambda: read(torch.nn.LazyLinear(3).weight))


def _lazy_lenet(ns):
    ns.manual_seed(0)
    nn = ns.nn
    net = nn.Sequential(nn.LazyConv2d(3, kernel_size=3, padding=1), nn.LazyBatchNorm2d(), nn.Sigmoid(),
                        nn.Flatten(), nn.LazyLinear(5), nn.LazyBatchNorm1d(), nn.LazyLinear(2))
    printed = [repr(net)]
    optimizer = ns.optim.SGD(net.parameters(), lr=0.1)
    x = ns.randn(4, 2, 4, 4)
    for _ in range(2):
        loss = net(x).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    printed += [repr(net), list(net.state_dict())]
    return printed, [v.detach().numpy() for v in net.state_dict().values()]


def test_lazy_conv_and_batch_norm_in_a_lenet():
    """d2l's LeNet with Lazy layers: the same repr before and after, state-dict keys, and values after training."""
    (ours, our_values), (theirs, their_values) = _lazy_lenet(tg), _lazy_lenet(torch)
    assert ours == theirs
    for a, b in zip(our_values, their_values):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("op", [
    lambda s: s[1:], lambda s: s[::-1], lambda s: s + (5,), lambda s: (1, 1) + s, lambda s: s * 2,
    lambda s: 2 * s, lambda s: s[0], lambda s: s[-1], lambda s: s + s, lambda s: s + [1],
])
def test_size_slices_and_sums_stay_sizes(op):
    """x.shape[1:] prints torch.Size([...]); d2l's ``X.reshape((1, 1) + X.shape)``."""
    ours, theirs = _error(lambda: op(tg.Size([2, 3, 4]))), _error(lambda: op(torch.Size([2, 3, 4])))
    assert ours == theirs
    if ours is None:
        assert repr(op(tg.Size([2, 3, 4]))) == repr(op(torch.Size([2, 3, 4])))


def test_cuda_device_without_index_prints_as_torch():
    """d2l prints ``torch.device('cuda')``: no index until a tensor is placed (then cuda:0)."""
    for spec in ("cuda", "cuda:1", "cpu"):
        ours, theirs = tg.device(spec), torch.device(spec)
        assert (str(ours), repr(ours), ours.index) == (str(theirs), repr(theirs), theirs.index)
    assert (tg.device("cuda") == tg.device("cuda:0")) == (torch.device("cuda") == torch.device("cuda:0"))
    from tinygrad_lr.backend import to_device
    assert str(to_device(tg.device("cuda"))) == str(to_device("cuda")) == "cuda:0"


def test_log_softmax_without_dim_warns_under_its_own_name():
    import warnings
    messages = []
    for ns in (tg, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ns.nn.functional.log_softmax(ns.tensor([1.0, 2.0]))
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1]


@pytest.mark.parametrize("shapes", [((3, 4), (3, 1)), ((3, 4), (3, 2, 1)), ((2, 3, 4), (2, 4, 1)), ((3, 4), ()),
                                    ((4,), ())])
@pytest.mark.parametrize("loss", ["CrossEntropyLoss", "NLLLoss"])
def test_class_index_target_shape_errors(shapes, loss):
    """The learner's (N, 1) label column: PyTorch's 'multi-target not supported' wording."""
    a, b = shapes

    def call(ns):
        return getattr(ns.nn, loss)()(ns.zeros(a), ns.zeros(b, dtype=ns.long))
    assert _error(lambda: call(tg)) == _error(lambda: call(torch))


@pytest.mark.parametrize("make", [
    lambda: np.float64(1.5), lambda: [np.float64(1.5)], lambda: np.int32(3), lambda: [np.int32(3), np.int32(4)],
    lambda: np.bool_(True), lambda: np.float16(1), lambda: [np.float32(1), 2.0], lambda: [np.int32(1), 2],
    lambda: [np.int32(1), 2.5], lambda: [[np.float64(1)], [2]], lambda: [np.float32(1.0), np.float64(2.0)],
    lambda: [1.0, 2.0], lambda: [True, 2],
])
def test_numpy_scalars_keep_their_dtype(make):
    """``torch.tensor([np.mean(a) for a in ...])`` is float64 in PyTorch: NumPy scalars keep their dtype."""
    ours, theirs = tg.tensor(make()), torch.tensor(make())
    assert str(ours.dtype) == str(theirs.dtype) and ours.tolist() == theirs.tolist()
    assert str(tg.as_tensor(make()).dtype) == str(torch.as_tensor(make()).dtype)


def _warnings_of(call):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [(w.category.__name__, str(w.message)) for w in caught]


@pytest.mark.parametrize("call", [
    lambda ns: ns.tensor(ns.ones(2, requires_grad=True)),
    lambda ns: ns.as_tensor(ns.ones(2)),
    lambda ns: ns.nn.init.normal(ns.ones(2)),
    lambda ns: ns.nn.init.xavier_uniform(ns.ones(2, 3)),
    lambda ns: ns.nn.init.constant(ns.ones(2), 0.5),
])
def test_course_warnings_as_torch(call):
    """torch.tensor(a_tensor)'s copy-construct advice, the old nn.init names' FutureWarnings."""
    assert _warnings_of(lambda: call(tg)) == _warnings_of(lambda: call(torch))


def test_transpose_of_an_nd_tensor_warns_once_per_process():
    import subprocess
    import sys
    code = ("import warnings, {m} as t\nwith warnings.catch_warnings(record=True) as c:\n"
            "    warnings.simplefilter('always'); t.ones(2, 3, 4).T; t.ones(2, 3, 4).T; t.ones(2, 3).T\n"
            "print([str(w.message) for w in c])")
    outputs = [subprocess.run([sys.executable, "-c", code.format(m=m)], capture_output=True, text=True).stdout
               for m in ("tinygrad_lr", "torch")]
    assert outputs[0] == outputs[1] and "x.mT" in outputs[0]
    first_vector = code.replace("t.ones(2, 3, 4).T;", "t.tensor(1.0).T; t.ones(3).T;", 1)
    outputs = [subprocess.run([sys.executable, "-c", first_vector.format(m=m)], capture_output=True, text=True).stdout
               for m in ("tinygrad_lr", "torch")]
    assert outputs[0] == outputs[1] and outputs[0].count("x.mT") == 1
