"""The autograd engine: graph shapes, accumulation, graph release, grad modes, dtype discipline."""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
import torch

import tinygrad_lr as tg


def _both(build, *arrays, gradient=None):
    """Run ``build(module, *leaves)`` in both frameworks, backward, return (ours, torch) grads."""
    results = []
    for m in (tg, torch):
        leaves = [m.tensor(a, requires_grad=True) for a in arrays]
        out = build(m, *leaves)
        out.backward(None if gradient is None else m.tensor(gradient))
        results.append([leaf.grad.numpy() for leaf in leaves])
    return results


def test_diamond_graph_reuses_a_node():
    """y feeds two branches that meet again: its gradient is the sum of both paths."""
    x = np.array([0.5, -1.5, 2.0], dtype=np.float32)
    ours, ref = _both(lambda m, x: (lambda y: (y * y.sigmoid() + y.exp()).sum())(x * 3), x)
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)


def test_same_tensor_twice_in_one_op():
    x = np.array([1.0, -2.0], dtype=np.float32)
    ours, ref = _both(lambda m, x: (x * x).sum() + (x / x).sum(), x)
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)


def test_gradients_accumulate_across_backward_calls():
    for m in (tg, torch):
        w = m.tensor([1.0, 2.0], requires_grad=True)
        (w * 3).sum().backward()
        (w * w).sum().backward()
        assert w.grad.tolist() == [5.0, 7.0]


def test_non_scalar_backward_needs_gradient():
    x = tg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    upstream = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    ours, ref = _both(lambda m, x: x.tanh() * 2, np.ones(3, np.float32), gradient=upstream)
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(tg.ones(4))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.ones(2).sum().backward()


def test_deep_chain_has_no_recursion_limit():
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_graph_is_released_after_backward():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    loss = y.sum()
    loss.backward()
    assert y.grad_fn.saved == () and y.grad_fn.released
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        loss.backward()


def test_saved_arrays_are_freed():
    x = tg.tensor(np.ones(1000, dtype=np.float32), requires_grad=True)
    out = x.exp()
    kept = weakref.ref(out.grad_fn.saved[0])
    loss = (out * 2).sum()
    del out
    loss.backward()
    gc.collect()
    assert kept() is None


def test_retain_graph_allows_a_second_backward():
    for m in (tg, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        loss = (x.exp() * x).sum()
        loss.backward(retain_graph=True)
        loss.backward()
        expected = 2 * (np.exp([1.0, 2.0]) * np.array([2.0, 3.0]))
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_grad_modes():
    x = tg.ones(2, requires_grad=True)
    with tg.no_grad():
        assert not (x * 2).requires_grad
        with tg.enable_grad():
            assert (x * 2).requires_grad
    with tg.inference_mode():
        assert not (x * 2).requires_grad
    with tg.inference_mode(False):
        assert (x * 2).requires_grad
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tg.is_grad_enabled()
    tg.set_grad_enabled(False)
    assert not tg.is_grad_enabled()
    tg.set_grad_enabled(True)

    @tg.no_grad()
    def evaluate(t):
        return t * 2

    @tg.inference_mode()
    def infer(t):
        return t * 2

    assert not evaluate(x).requires_grad and not infer(x).requires_grad and tg.is_grad_enabled()


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        tg.tensor([1, 2]).requires_grad_()


def test_data_is_a_detached_view_and_assignable():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 10.0  # shares storage, as in PyTorch
    assert w[0].item() == 10.0
    w.data = tg.tensor([3.0, 4.0])
    assert w.tolist() == [3.0, 4.0] and w.requires_grad and w.is_leaf


def test_grad_can_be_set_to_none_and_zeroed():
    w = tg.tensor([1.0], requires_grad=True)
    (w * 2).sum().backward()
    w.grad.zero_()
    assert w.grad.tolist() == [0.0]
    w.grad = None
    (w * 3).sum().backward()
    assert w.grad.tolist() == [3.0]


def test_leaf_grad_does_not_alias_other_gradients():
    """Add passes one upstream array to both inputs; zeroing one .grad must not touch the other."""
    a = tg.ones(2, requires_grad=True)
    b = tg.ones(2, requires_grad=True)
    (a + b).backward(tg.tensor([1.0, 2.0]))
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_outputs_and_gradients_keep_their_dtype(dtype):
    """No silent float64: Python and NumPy scalars, means, divisions all keep the input dtype."""
    x = tg.tensor(np.linspace(0.5, 2.0, 6).reshape(2, 3), dtype=getattr(tg, dtype), requires_grad=True)
    steps = [
        x * np.float64(2.0), x / 3, 1 / x, x ** 2, x ** 0.5, 2 ** x, x.mean(), x.var(), x.std(1), x.max(),
        x.softmax(1), x.log_softmax(0), x.logsumexp(1), x.sigmoid(), x.tanh(), x.relu(), x.clamp(0.7, 1.5),
        x.sqrt(), x.log(), x.exp(), x.abs(), x @ x.T, x[[0, 0]], tg.cat([x, x]), tg.where(x > 1, x, 0.0),
        x.max(1).values, tg.maximum(x, x * 0.9),
    ]
    for out in steps:
        assert out.dtype is x.dtype, out
        x.grad = None
        out.sum().backward()
        assert x.grad.dtype is x.dtype, out


def test_float32_leaf_gets_float32_grad_through_float64_branch():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.double() * tg.tensor([1.0, 2.0], dtype=tg.float64)).sum()
    assert y.dtype is tg.float64
    y.backward()
    assert x.grad.dtype is tg.float32 and x.grad.tolist() == [1.0, 2.0]


def test_broadcast_gradients_are_summed_back():
    a = np.random.default_rng(0).normal(size=(4, 1, 3)).astype(np.float32)
    b = np.random.default_rng(1).normal(size=(5, 1)).astype(np.float32)
    ours, ref = _both(lambda m, a, b: (a * b + b - a / (b * b + 1)).sum(), a, b)
    for o, r in zip(ours, ref):
        assert o.shape == r.shape
        np.testing.assert_allclose(o, r, rtol=1e-5, atol=1e-6)


def test_hooks_see_and_can_replace_the_gradient():
    seen = []
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: seen.append(g.tolist()) or g * 2)
    (w * 3).sum().backward()
    assert seen == [[3.0, 3.0]] and w.grad.tolist() == [6.0, 6.0]


def test_grad_fn_graph_is_inspectable():
    x = tg.tensor([1.0], requires_grad=True)
    y = (x * 2).exp()
    assert y.grad_fn.name() == "ExpBackward0"
    assert y.grad_fn.next_functions[0][0].name() == "MulBackward0"


def test_deepcopy_and_pickle_copy_leaves():
    import copy
    import pickle

    w = tg.tensor([1.0, 2.0], requires_grad=True)
    (w * 2).sum().backward()
    clone = copy.deepcopy(w)
    clone.grad.zero_()
    clone.data[0] = 5.0
    assert w.tolist() == [1.0, 2.0] and w.grad.tolist() == [2.0, 2.0] and clone.requires_grad
    restored = pickle.loads(pickle.dumps(w))
    assert restored.tolist() == [1.0, 2.0] and restored.requires_grad and restored.dtype is tg.float32
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(w * 2)


# ------------------------------------------------------------------------------------- CUDA

needs_cuda = pytest.mark.skipif(not tg.cuda.is_available(), reason="CUDA unavailable: CuPy not installed or no GPU")


def test_cuda_is_reported_unavailable_cleanly_without_a_gpu():
    assert isinstance(tg.cuda.is_available(), bool)
    assert (tg.cuda.device_count() >= 1) == tg.cuda.is_available()
    if not tg.cuda.is_available():  # a CPU-only torch's AssertionError, or a CUDA build's RuntimeError (CuPy, no GPU)
        with pytest.raises((AssertionError, RuntimeError), match="CUDA"):
            tg.ones(2, device="cuda")


@pytest.mark.cuda
@needs_cuda
def test_cuda_tensors_follow_torch_device_rules():
    x = tg.ones(2, 3, device="cuda", requires_grad=True)
    assert str(x.device) == "cuda:0" and x.is_cuda and repr(x.device) == repr(torch.device("cuda:0"))
    assert repr(x * 2) == "tensor([[2., 2., 2.],\n        [2., 2., 2.]], device='cuda:0', grad_fn=<MulBackward0>)"
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"):
        x + tg.ones(2, 3)
    with pytest.raises(TypeError, match=r"Use Tensor.cpu\(\) to copy the tensor to host memory first"):
        x.detach().numpy()
    # a 0-d CPU tensor joins GPU tensors like a number, and its gradient comes back to the CPU
    scale = tg.tensor(3.0, requires_grad=True)
    (x * scale).sum().backward()
    assert scale.grad.device == tg.device("cpu") and scale.grad.item() == 6.0
    assert x.grad.device == x.device and x.grad.tolist() == [[3.0] * 3] * 2
    # copies between devices are differentiable
    y = tg.tensor([1.0, 2.0], requires_grad=True)
    (y.cuda() * y.to("cuda")).sum().backward()
    assert y.grad.device == tg.device("cpu") and y.grad.tolist() == [2.0, 4.0]


@pytest.mark.cuda
@needs_cuda
def test_manual_seed_gives_the_same_numbers_on_cpu_and_gpu():
    tg.manual_seed(7)
    on_cpu = tg.randn(4, 5)
    tg.manual_seed(7)
    on_gpu = tg.randn(4, 5, device="cuda")
    assert on_gpu.device == tg.device("cuda:0") and np.array_equal(on_cpu.numpy(), on_gpu.cpu().numpy())


def test_grad_assignment_is_checked_like_torch():
    for m in (tg, torch):
        w = m.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="attempting to assign a gradient of size"):
            w.grad = m.ones(3)
        with pytest.raises(RuntimeError, match="attempting to assign a gradient with dtype"):
            w.grad = m.ones(2, dtype=m.float64)
        with pytest.raises(TypeError, match="assigned grad expected to be a Tensor or None"):
            w.grad = 5
        w.grad = m.zeros(2)
        assert w.grad.tolist() == [0.0, 0.0]
