"""Bad inputs get PyTorch's behaviour, checked against live torch: the same error type and message, or
the same silent inf/nan (NumPy's RuntimeWarnings never reach the user)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import tinygrad_lr


def _outcome(fn, ns):
    try:
        return "value", fn(ns)
    except Exception as error:  # noqa: BLE001 - the type and words are what is compared
        return type(error).__name__, str(error)


ERRORS = {
    "bce target above 1": lambda ns: ns.nn.BCELoss()(ns.tensor([0.5, 0.2]), ns.tensor([1.5, 0.0])),
    "bce target below 0": lambda ns: ns.nn.functional.binary_cross_entropy(ns.tensor([0.5]), ns.tensor([-0.1])),
    "bce target nan": lambda ns: ns.nn.functional.binary_cross_entropy(ns.tensor([0.5]), ns.tensor([float("nan")])),
    "int // 0": lambda ns: ns.tensor([3, 4]) // 0,
    "int // tensor with 0": lambda ns: ns.tensor([3, 4]) // ns.tensor([1, 0]),
    "int % 0": lambda ns: ns.tensor([3, 4]) % 0,
    "number % int tensor with 0": lambda ns: 5 % ns.tensor([0, 1]),
    "remainder 0": lambda ns: ns.remainder(ns.tensor([3]), ns.tensor([0])),
    "fmod 0": lambda ns: ns.fmod(ns.tensor([3], dtype=ns.int32), 0),
    "floor_divide 0": lambda ns: ns.floor_divide(ns.tensor([3], dtype=ns.int16), 0),
    "sum dims repeated": lambda ns: ns.ones(2, 3).sum(dim=(0, 0)),
    "sum dims repeated negative": lambda ns: ns.ones(2, 3).sum(dim=(1, -1)),
    "mean dims repeated": lambda ns: ns.ones(2, 3, 4).mean(dim=[2, 0, -1]),
    "amax dims repeated": lambda ns: ns.ones(2, 3).amax(dim=(0, 0)),
    "0-d sum dims repeated": lambda ns: ns.tensor(1.0).sum(dim=(0, -1)),
    "load_state_dict of a list": lambda ns: ns.nn.Linear(1, 1).load_state_dict([1, 2]),
    "device cuda:-1": lambda ns: ns.device("cuda:-1"),
    "device index -1": lambda ns: ns.device("cuda", -1),
    "device cpu:-1": lambda ns: ns.device("cpu:-1"),
    "device cuda:x": lambda ns: ns.device("cuda:x"),
    "device cuda:01": lambda ns: ns.device("cuda:01"),
    "device cuda:1:2": lambda ns: ns.device("cuda:1:2"),
    "device index twice": lambda ns: ns.device("cuda:0", 1),
    "index out of bounds": lambda ns: ns.zeros(1, 2)[1],
    "index out of bounds, 2nd dim": lambda ns: ns.zeros(2, 3)[:, 3],
    "negative index out of bounds": lambda ns: ns.zeros(3)[-4],
    "tensor index out of bounds": lambda ns: ns.zeros(3)[ns.tensor([0, 5])],
    "list indices out of bounds": lambda ns: ns.zeros(2, 3)[[0, 1], [1, 3]],
    "setitem out of bounds": lambda ns: ns.zeros(3).__setitem__(5, 1.0),
    "setitem in a graph out of bounds": lambda ns: ns.zeros(2, requires_grad=True).__setitem__(4, 1.0),
    "bmm inner sizes differ": lambda ns: ns.bmm(ns.zeros(2, 3, 4), ns.zeros(2, 5, 4)),
    "bmm batch sizes differ": lambda ns: ns.zeros(2, 3, 4).bmm(ns.zeros(3, 4, 5)),
    "bmm batch of one is not broadcast": lambda ns: ns.bmm(ns.zeros(2, 3, 4), ns.zeros(1, 4, 5)),
    "bmm of a matrix": lambda ns: ns.bmm(ns.zeros(3, 4), ns.zeros(4, 5)),
    "0-d tensor indexed (old loss.data[0])": lambda ns: ns.tensor(3.0)[0],
    "0-d tensor indexed by a NumPy integer": lambda ns: ns.tensor(3.0)[np.int64(0)],
    "0-d tensor written by index": lambda ns: ns.tensor(2.0).__setitem__(0, 1.0),
    "0-d tensor indexed after an ellipsis": lambda ns: ns.tensor(1.0)[..., 0],
    "too many indices": lambda ns: ns.zeros(2, 3)[0, 0, 0],
    "too many indices with None": lambda ns: ns.zeros(2)[:, None, 0],
    "bce weight requiring grad": lambda ns: ns.nn.functional.binary_cross_entropy(
        ns.tensor([0.5]), ns.tensor([1.0]), weight=ns.ones(1, requires_grad=True)),
    "LSTM hx a tensor, not a tuple": lambda ns: ns.nn.LSTM(2, 2)(ns.zeros(3, 1, 2), ns.zeros(1, 1, 2)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_type_and_message_as_torch(name):
    ours, theirs = _outcome(ERRORS[name], tinygrad_lr), _outcome(ERRORS[name], torch)
    assert theirs[0] != "value", "the case must be an error in torch"
    assert ours == theirs


def test_valid_neighbours_still_work():
    assert tinygrad_lr.device("cuda:10").index == 10 and tinygrad_lr.device("cpu:0").index == 0
    assert tinygrad_lr.ones(2, 3).sum(dim=(0, 1)).item() == 6
    assert (tinygrad_lr.tensor([7, -7]) // tinygrad_lr.tensor([2, 2])).tolist() == [3, -4]
    loss = tinygrad_lr.nn.BCELoss()(tinygrad_lr.tensor([0.5, 0.2]), tinygrad_lr.tensor([1.0, 0.0]))
    expected = torch.nn.BCELoss()(torch.tensor([0.5, 0.2]), torch.tensor([1.0, 0.0]))
    assert abs(loss.item() - expected.item()) < 1e-7


def _backward(fn, values):
    def run(ns):
        x = ns.tensor(values, requires_grad=True)
        fn(ns, x).backward()
        return x.grad
    return run


INF_NAN = {  # PyTorch is silent on each and returns inf/nan; so must we be
    "x / 0": lambda ns: ns.tensor([0.0, 1.0, -1.0]) / 0,
    "1 / x": lambda ns: 1 / ns.tensor([0.0, -0.0]),
    "log(0), log(-1)": lambda ns: ns.tensor([0.0, -1.0]).log(),
    "log2, log10, log1p": lambda ns: ns.stack([ns.tensor([0.0]).log2(), ns.tensor([0.0]).log10(),
                                               ns.tensor([-1.0]).log1p()]),
    "sqrt(-1), rsqrt(0)": lambda ns: ns.cat([ns.tensor([-1.0]).sqrt(), ns.tensor([0.0]).rsqrt()]),
    "exp overflow": lambda ns: ns.tensor([1000.0, -1000.0]).exp(),
    "float16 overflow": lambda ns: ns.tensor([60000.0], dtype=ns.float16) * 10,
    "cast overflow to half": lambda ns: ns.tensor([1e6]).half(),
    "inf - inf, 0 * inf": lambda ns: ns.cat([ns.tensor([float("inf")]) - float("inf"),
                                             ns.tensor([0.0]) * float("inf")]),
    "float // 0, % 0": lambda ns: ns.cat([ns.tensor([3.0, -1.0, 0.0]) // 0, ns.tensor([3.0]) % 0]),
    "acos(2), atanh(1)": lambda ns: ns.cat([ns.tensor([2.0]).acos(), ns.tensor([1.0]).atanh()]),
    "mean of empty": lambda ns: ns.zeros(0, 3).mean(0),
    "softmax of -inf": lambda ns: ns.tensor([float("-inf")] * 2).softmax(0),
    "logsumexp of -inf": lambda ns: ns.tensor([float("-inf")] * 2).logsumexp(0),
    "pow -1 of 0": lambda ns: ns.tensor([0.0]) ** -1,
    "backward of log at 0": _backward(lambda ns, x: x.log().sum(), [0.0, 1.0]),
    "backward of sqrt at 0": _backward(lambda ns, x: x.sqrt().sum(), [0.0, 4.0]),
    "backward of 1/x at 0": _backward(lambda ns, x: (1 / x).sum(), [0.0, 2.0]),
    "backward of exp overflow": _backward(lambda ns, x: x.exp().sum(), [1000.0]),
}


@pytest.mark.parametrize("name", list(INF_NAN))
def test_inf_and_nan_silently_as_torch(name):
    fn = INF_NAN[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = fn(tinygrad_lr)
    assert [str(w.message) for w in caught] == []
    theirs = fn(torch)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


SPREAD_WITHOUT_DEGREES_OF_FREEDOM = {
    "var of one": lambda ns: ns.ones(1).var(),
    "std along a length-1 dim": lambda ns: ns.ones(3, 1).std(1),
    "var with correction = n": lambda ns: ns.ones(3).var(correction=3),
    "std of empty": lambda ns: ns.zeros(0).std(),
    "std of empty along a full dim": lambda ns: ns.zeros(0, 3).std(1),
    "var of 0-d": lambda ns: ns.tensor(2.0).var(),
    "var with correction < n (no warning)": lambda ns: ns.ones(3).var(correction=2),
}


@pytest.mark.parametrize("name", list(SPREAD_WITHOUT_DEGREES_OF_FREEDOM))
def test_var_std_warn_as_torch_when_no_degrees_of_freedom(name):
    results = {}
    for ns in (tinygrad_lr, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = SPREAD_WITHOUT_DEGREES_OF_FREEDOM[name](ns)
        # torch's message ends with where in its C++ sources it was raised; the sentence before is compared
        messages = [(w.category, str(w.message).split(" (Triggered internally")[0]) for w in caught]
        results[ns.__name__] = (messages, value.detach().numpy().tolist(), tuple(value.shape))
    assert str(results["tinygrad_lr"]) == str(results["torch"])


def test_users_own_numpy_keeps_warning():
    before = np.geterr()
    tinygrad_lr.tensor([0.0]).log()
    tinygrad_lr.tensor([0.0], requires_grad=True).log().sum().backward()
    with pytest.raises(RuntimeError):  # an op that raises inside its forward restores the modes too
        tinygrad_lr.tensor([1, 2]) % 0
    assert np.geterr() == before
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        np.log(np.zeros(1))


@pytest.mark.parametrize("index", ["mask2", "cols_mask", "mask2d", "ellipsis_mask"])
def test_a_boolean_mask_of_the_wrong_shape_is_refused_in_torchs_words(index: str) -> None:
    messages = []
    for m in (tinygrad_lr, torch):
        x = m.ones(3, 4, 2)
        make = {"mask2": lambda: x[m.tensor([True, False])],
                "cols_mask": lambda: x[:, m.tensor([True, False, True])],
                "mask2d": lambda: x[m.tensor([[True, False, True, False, True]] * 3)],
                "ellipsis_mask": lambda: x[..., m.tensor([True, False, True])]}[index]
        with pytest.raises(IndexError) as error:
            make()
        messages.append(str(error.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("name, shape", [("CircularPad1d", (2,)), ("CircularPad1d", (1, 1, 1, 3)),
                                         ("CircularPad2d", (1, 1, 1, 2, 3)), ("CircularPad3d", (1, 2, 3))])
def test_circular_pads_check_the_input_rank_first_as_torch(name: str, shape: tuple) -> None:
    messages = []
    for m in (tinygrad_lr, torch):
        with pytest.raises(ValueError) as error:
            getattr(m.nn, name)(1)(m.ones(*shape))
        messages.append(str(error.value))
    assert messages[0] == messages[1]


CUDA_WORK = {
    ".to('cuda')": lambda ns: ns.zeros(2).to("cuda"),
    "device='cuda'": lambda ns: ns.ones(3, device="cuda"),
    ".cuda()": lambda ns: ns.zeros(2).cuda(),
    "cuda.synchronize()": lambda ns: ns.cuda.synchronize(),
}


@pytest.mark.skipif(torch.cuda.is_available() or tinygrad_lr.cuda.is_available() or torch.backends.cuda.is_built(),
                    reason="needs a CPU-only torch build and no usable CuPy (the error of a machine without CUDA)")
@pytest.mark.parametrize("name", list(CUDA_WORK))
def test_cuda_work_without_cuda_raises_what_a_cpu_only_torch_raises(name: str) -> None:
    """Course code that asks for the GPU on a laptop: a CPU-only torch raises AssertionError."""
    import importlib.util
    if importlib.util.find_spec("cupy") is not None:
        pytest.skip("CuPy is installed: tinygrad_lr stands for a CUDA build of torch here")
    assert _outcome(CUDA_WORK[name], tinygrad_lr) == _outcome(CUDA_WORK[name], torch)
