"""The fused CUDA kernels (``tinygrad_lr/_kernels.py``), tested on the CPU.

The kernel bodies are compiled here with g++ by ``cuda_kernels_on_cpu.ElementwiseKernel`` (CuPy's
``ElementwiseKernel`` signature) and registered for NumPy, so the ops and optimizers take their CuPy
branch on NumPy arrays. Each test checks that branch against live PyTorch, and against the plain NumPy
path where both do the same IEEE operations in the same order (then to the bit: the stand-in is
compiled without floating-point contraction). On a GPU the same kernels run through CuPy in the
CUDA parity tests (``compare --device all``).
"""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lr
from cuda_kernels_on_cpu import CXX, stop_on_numpy, use_on_numpy
from tinygrad_lr import _kernels

torch = pytest.importorskip("torch")


@pytest.fixture
def fused():
    """The compiled kernels, registered for NumPy arrays for the test's duration (the CUDA tests
    below run the real ones and need no compiler here)."""
    if CXX is None:
        pytest.skip("no C++ compiler (g++) to build the kernels on the CPU")
    kernels = use_on_numpy()
    try:
        yield kernels
    finally:
        stop_on_numpy()


def _ran(kernels: _kernels.Kernels, prefix: str) -> int:
    """How many times the kernels whose names start with ``prefix`` ran."""
    return sum(k.calls for name, k in kernels._built.items() if name.startswith(prefix))


def _pair(array: np.ndarray):
    return (tinygrad_lr.tensor(array, requires_grad=True), torch.tensor(array, requires_grad=True))


def _values(seed: int, shape: tuple[int, ...], dtype: type, scale: float = 3.0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


# ------------------------------------------------------------------------------ activations
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu"])
def test_activation_kernels_match_the_plain_path_and_torch(fused, name: str, dtype: type) -> None:
    x = _values(0, (7, 5), dtype)
    x[0, :4] = [0.0, 50.0, -50.0, -0.0]  # the kink of relu, saturation of tanh/sigmoid, sign of zero
    g = _values(1, (7, 5), dtype)
    ours, theirs = _pair(x)
    out = getattr(ours, name)()
    out.backward(tinygrad_lr.tensor(g))
    expected = getattr(theirs, name)()
    expected.backward(torch.tensor(g))
    assert _ran(fused, f"tinygrad_{name}") >= 1
    # the outputs are within an ulp of torch's (other exp/tanh implementations); near saturation
    # 1 - y² and y(1 - y) cancel and turn that ulp into a relative 1e-4 of the gradient
    forward = dict(rtol=2e-6 if dtype == np.float32 else 1e-14, atol=0)
    backward = dict(rtol=2e-4 if dtype == np.float32 else 1e-10, atol=1e-7 if dtype == np.float32 else 1e-15)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), **forward)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), **backward)

    if name == "sigmoid":  # its forward calls exp/log1p (libm here, libdevice there); its backward is exact
        y = out.detach().numpy()
        np.testing.assert_array_equal(fused.sigmoid_backward(g, y), g * (1 - y) * y)
        return
    stop_on_numpy()  # the plain path on the same input: the backward kernels are the same arithmetic
    plain, _ = _pair(x)
    getattr(plain, name)().backward(tinygrad_lr.tensor(g))
    np.testing.assert_array_equal(ours.grad.numpy(), plain.grad.numpy())


def test_sigmoid_kernel_gives_torchs_values_at_the_extremes(fused) -> None:
    """PyTorch's 1 / (1 + e^-a): 0 where e^-a overflows (PyTorch prints 0 there), inf and NaN through."""
    x = np.array([-745.0, -100.0, 0.0, 40.0, np.inf, -np.inf, np.nan])
    out = fused.sigmoid_forward(x)
    with np.errstate(all="ignore"):
        plain = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(out, plain, rtol=1e-15, atol=0, equal_nan=True)
    assert out[0] == 0 and out[-3] == 1 and out[-2] == 0 and np.isnan(out[-1])
    expected = torch.sigmoid(torch.tensor(x)).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-15, atol=0, equal_nan=True)


# ------------------------------------------------------------------------ log_softmax, NLL
@pytest.mark.parametrize("shape, dim", [((6, 10), 1), ((6, 10), -1), ((2, 3, 7), 2), ((1, 1), 1), ((5,), 0)])
def test_log_softmax_row_kernel_matches_torch(fused, shape: tuple[int, ...], dim: int) -> None:
    x = _values(2, shape, np.float32, scale=10.0)
    g = _values(3, shape, np.float32)
    ours, theirs = _pair(x)
    out = ours.log_softmax(dim)
    out.backward(tinygrad_lr.tensor(g))
    expected = theirs.log_softmax(dim)
    expected.backward(torch.tensor(g))
    assert _ran(fused, "tinygrad_log_softmax_rows") == 2  # forward and backward
    # a sum of exponentials in another order than torch's vectorised loop: float32 rounding
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_log_softmax_other_axes_keep_the_plain_path(fused) -> None:
    x = _values(4, (4, 6), np.float32)
    ours, theirs = _pair(x)
    ours.log_softmax(0).sum().backward()
    theirs.log_softmax(0).sum().backward()
    assert _ran(fused, "tinygrad_log_softmax_rows") == 0
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_kernels_match_torch(fused, reduction: str, weighted: bool) -> None:
    scores = _values(5, (9, 4), np.float32)
    target = np.array([0, 3, 1, 1, 2, 0, 3, 2, 1])
    weight = np.array([0.5, 2.0, 1.0, 3.0], dtype=np.float32) if weighted else None
    ours, theirs = _pair(scores)
    loss = tinygrad_lr.nn.functional.cross_entropy(
        ours, tinygrad_lr.tensor(target), weight=None if weight is None else tinygrad_lr.tensor(weight),
        ignore_index=1, reduction=reduction)
    expected = torch.nn.functional.cross_entropy(
        theirs, torch.tensor(target), weight=None if weight is None else torch.tensor(weight),
        ignore_index=1, reduction=reduction)
    (loss if reduction != "none" else loss * tinygrad_lr.arange(9.0)).sum().backward()
    (expected if reduction != "none" else expected * torch.arange(9.0)).sum().backward()
    assert _ran(fused, "tinygrad_nll_backward") == 1
    assert _ran(fused, "tinygrad_nll_rows") == (0 if weighted else 1)  # the forward kernel takes no class weights
    np.testing.assert_allclose(loss.detach().numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_kernels_match_the_plain_path_to_the_bit(fused, reduction: str) -> None:
    log_probs = np.log(np.random.default_rng(6).dirichlet(np.ones(5), size=8)).astype(np.float32)
    target = np.array([4, 0, -100, 2, 1, 3, 4, -100])  # two ignored rows
    results = []
    for use_kernel in (True, False):
        if not use_kernel:
            stop_on_numpy()
        x = tinygrad_lr.tensor(log_probs, requires_grad=True)
        loss = tinygrad_lr.nn.functional.nll_loss(x, tinygrad_lr.tensor(target), reduction=reduction)
        (loss * tinygrad_lr.arange(1.0, 9.0) if reduction == "none" else loss * 3).sum().backward()
        results.append((loss.detach().numpy(), x.grad.numpy()))
    assert _ran(fused, "tinygrad_nll") == 2
    for with_kernel, plain in zip(*results):
        np.testing.assert_array_equal(with_kernel, plain)


# ------------------------------------------------------------------------------ max pooling
POOLS = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=2, stride=3),
         dict(kernel_size=3, stride=1), dict(kernel_size=2, dilation=2, stride=2), dict(kernel_size=3, ceil_mode=True)]


@pytest.mark.parametrize("settings", POOLS, ids=[str(p) for p in POOLS])
def test_max_pool_kernels_match_the_plain_path_to_the_bit_and_torch(fused, settings: dict) -> None:
    x = np.round(_values(13, (2, 3, 9, 9), np.float32), 0)  # rounded: ties inside windows
    x[0, 0, 1, 1] = x[1, 2, 4, 5] = np.nan  # a NaN entry wins its windows, as in PyTorch
    x[0, 1, :3, :3] = np.nan
    span = settings.get("dilation", 1) * (settings["kernel_size"] - 1) + 1
    overlapping = settings.get("stride", settings["kernel_size"]) < span
    results = []
    for use_kernel in (True, False):
        if not use_kernel:
            stop_on_numpy()
        ours = tinygrad_lr.tensor(x, requires_grad=True)
        out, indices = tinygrad_lr.nn.functional.max_pool2d(ours, return_indices=True, **settings)
        g = _values(14, tuple(out.shape), np.float32)
        out.backward(tinygrad_lr.tensor(g))
        results.append((out.detach().numpy(), indices.numpy(), ours.grad.numpy()))
        if use_kernel:
            assert _ran(fused, "tinygrad_max_pool") == (1 if overlapping else 2)  # overlaps: the plain backward
    for with_kernel, plain in zip(*results):
        np.testing.assert_array_equal(with_kernel, plain)
    theirs = torch.tensor(x, requires_grad=True)
    expected, expected_indices = torch.nn.functional.max_pool2d(theirs, return_indices=True, **settings)
    expected.backward(torch.tensor(g))
    np.testing.assert_array_equal(results[0][0], expected.detach().numpy())
    np.testing.assert_array_equal(results[0][1], expected_indices.numpy())
    if overlapping:  # an entry that wins several windows sums their gradients, in another order than torch
        np.testing.assert_allclose(results[0][2], theirs.grad.numpy(), rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_array_equal(results[0][2], theirs.grad.numpy())


# ------------------------------------------------------------------------------- optimizers
SGD_SETTINGS = [dict(momentum=0.0), dict(momentum=0.9), dict(momentum=0.9, dampening=0.3),
                dict(momentum=0.8, nesterov=True), dict(momentum=0.9, weight_decay=0.01),
                dict(weight_decay=0.1, maximize=True), dict(momentum=0.5, maximize=True)]
ADAM_SETTINGS = [("Adam", dict()), ("Adam", dict(amsgrad=True)), ("Adam", dict(weight_decay=0.05, maximize=True)),
                 ("Adam", dict(betas=(0.3, 0.99))), ("AdamW", dict()), ("AdamW", dict(amsgrad=True, weight_decay=0.2))]


def _run_optimizer(module, name: str, settings: dict, fused_kernels, steps: int = 4,
                   device: str = "cpu") -> list[np.ndarray]:
    """``steps`` updates of two parameters (sizes below the CPU's axpy threshold) from fixed gradients."""
    params = [module.tensor(_values(7, (30, 20), np.float32), requires_grad=True, device=device),
              module.tensor(_values(8, (20,), np.float32), requires_grad=True, device=device)]
    lr = settings.pop("lr", 0.05)
    optimizer = getattr(module.optim, name)(params, lr=lr, **settings)
    for step in range(steps):
        for i, p in enumerate(params):
            p.grad = module.tensor(_values(10 * step + i, tuple(p.shape), np.float32), device=device)
        optimizer.step()
    return [p.detach().cpu().numpy().copy() for p in params]


@pytest.mark.parametrize("settings", SGD_SETTINGS, ids=[str(s) for s in SGD_SETTINGS])
def test_sgd_kernel_matches_the_plain_update_to_the_bit_and_torch(fused, settings: dict) -> None:
    with_kernel = _run_optimizer(tinygrad_lr, "SGD", dict(settings), fused)
    assert _ran(fused, "tinygrad_sgd") == 8
    expected = _run_optimizer(torch, "SGD", dict(settings), None)
    stop_on_numpy()
    plain = _run_optimizer(tinygrad_lr, "SGD", dict(settings), None)
    for ours, reference, theirs in zip(with_kernel, plain, expected):
        np.testing.assert_array_equal(ours, reference)
        np.testing.assert_array_equal(ours, theirs)  # the fma()s where PyTorch's CPU kernels fuse


@pytest.mark.parametrize("name, settings", ADAM_SETTINGS, ids=[f"{n}-{s}" for n, s in ADAM_SETTINGS])
def test_adam_kernel_matches_the_plain_update_and_torch(fused, name: str, settings: dict) -> None:
    with_kernel = _run_optimizer(tinygrad_lr, name, dict(settings), fused)
    assert _ran(fused, "tinygrad_adam") == 8
    expected = _run_optimizer(torch, name, dict(settings), None)
    stop_on_numpy()
    plain = _run_optimizer(tinygrad_lr, name, dict(settings), None)
    for ours, reference, theirs in zip(with_kernel, plain, expected):
        # sqrt is correctly rounded in both: same operations, same order, same bits
        np.testing.assert_array_equal(ours, reference)
        # PyTorch's exp_avg_sq update fuses (addcmul) and its sqrt is MKL's, not correctly rounded
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_sgd_kernel_state_is_the_momentum_buffer_torch_keeps(fused) -> None:
    p = tinygrad_lr.tensor(_values(9, (5,), np.float32), requires_grad=True)
    q = torch.tensor(p.detach().numpy(), requires_grad=True)
    ours, theirs = tinygrad_lr.optim.SGD([p], lr=0.1, momentum=0.9), torch.optim.SGD([q], lr=0.1, momentum=0.9)
    for step in range(3):
        g = _values(step, (5,), np.float32)
        p.grad, q.grad = tinygrad_lr.tensor(g), torch.tensor(g)
        ours.step()
        theirs.step()
    np.testing.assert_allclose(ours.state[p]["momentum_buffer"].numpy(),
                               theirs.state[q]["momentum_buffer"].numpy(), rtol=1e-6)


# -------------------------------------------------------------------------- a training loop
def _train_mlp(device: str, steps: int = 10) -> None:
    """The lecture's loop in miniature (Linear, ReLU, Tanh, Sigmoid, cross-entropy, SGD with momentum
    and Adam), every fused kernel on the path, ``steps`` steps against PyTorch on the same device."""
    def model(nn):
        return nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 16),
                             nn.Sigmoid(), nn.Linear(16, 5))

    ours, theirs = model(tinygrad_lr.nn).to(device), model(torch.nn).to(device)
    with torch.no_grad():
        for a, b in zip(ours.parameters(), theirs.parameters()):
            b.copy_(torch.tensor(a.detach().cpu().numpy()))
    groups = lambda m: [{"params": list(m.parameters())[:4]}, {"params": list(m.parameters())[4:], "lr": 0.01}]
    optimizers = [(tinygrad_lr.optim.SGD(groups(ours)[:1], lr=0.1, momentum=0.9),
                   torch.optim.SGD(groups(theirs)[:1], lr=0.1, momentum=0.9)),
                  (tinygrad_lr.optim.Adam(groups(ours)[1:]), torch.optim.Adam(groups(theirs)[1:]))]
    rng = np.random.default_rng(11)
    for _ in range(steps):
        x = rng.standard_normal((8, 12)).astype(np.float32)
        y = rng.integers(0, 5, 8)
        loss = tinygrad_lr.nn.functional.cross_entropy(ours(tinygrad_lr.tensor(x, device=device)),
                                                       tinygrad_lr.tensor(y, device=device))
        expected = torch.nn.functional.cross_entropy(theirs(torch.tensor(x, device=device)),
                                                     torch.tensor(y, device=device))
        for mine, reference in optimizers:
            mine.zero_grad()
            reference.zero_grad()
        loss.backward()
        expected.backward()
        for mine, reference in optimizers:
            mine.step()
            reference.step()
        np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-5)
    for a, b in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(a.detach().cpu().numpy(), b.detach().cpu().numpy(), rtol=1e-4, atol=1e-5)


KERNEL_PREFIXES = ("tinygrad_relu", "tinygrad_tanh", "tinygrad_sigmoid", "tinygrad_log_softmax_rows",
                   "tinygrad_nll", "tinygrad_sgd", "tinygrad_adam")


def test_mlp_training_with_every_kernel_matches_torch(fused) -> None:
    _train_mlp("cpu")
    for prefix in KERNEL_PREFIXES:
        assert _ran(fused, prefix) >= 10, prefix


# ------------------------------------------------------------------- the same, through CuPy on a GPU
def _cupy_kernels() -> _kernels.Kernels | None:
    from tinygrad_lr.backend import cupy_module
    cupy = cupy_module()
    return None if cupy is None else _kernels.FUSED.get(cupy)


needs_cuda = pytest.mark.skipif(not tinygrad_lr.cuda.is_available() or not torch.cuda.is_available(),
                                reason="CUDA unavailable: CuPy, a GPU or torch CUDA missing")


@pytest.mark.cuda
@needs_cuda
def test_cuda_mlp_training_through_the_cupy_kernels_matches_torch() -> None:
    _train_mlp("cuda")
    built = _cupy_kernels()._built
    for prefix in KERNEL_PREFIXES:
        assert any(name.startswith(prefix) for name in built), prefix


@pytest.mark.cuda
@needs_cuda
@pytest.mark.parametrize("name, settings", [("SGD", s) for s in SGD_SETTINGS] + ADAM_SETTINGS,
                         ids=[f"SGD-{s}" for s in SGD_SETTINGS] + [f"{n}-{s}" for n, s in ADAM_SETTINGS])
def test_cuda_optimizer_kernels_match_torch_cuda(name: str, settings: dict) -> None:
    ours = _run_optimizer(tinygrad_lr, name, dict(settings), None, device="cuda")
    theirs = _run_optimizer(torch, name, dict(settings), None, device="cuda")
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)  # both contract a*b+c into FMAs their own way


@pytest.mark.cuda
@needs_cuda
@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "log_softmax"])
def test_cuda_activation_kernels_match_torch_cuda(name: str) -> None:
    x = _values(0, (64, 10), np.float32)
    g = _values(1, (64, 10), np.float32)
    ours = tinygrad_lr.tensor(x, device="cuda", requires_grad=True)
    theirs = torch.tensor(x, device="cuda", requires_grad=True)
    call = (lambda t: t.log_softmax(1)) if name == "log_softmax" else (lambda t: getattr(t, name)())
    call(ours).backward(tinygrad_lr.tensor(g, device="cuda"))
    call(theirs).backward(torch.tensor(g, device="cuda"))
    assert any(key.startswith(f"tinygrad_{name}") for key in _cupy_kernels()._built)
    np.testing.assert_allclose(ours.grad.cpu().numpy(), theirs.grad.cpu().numpy(), rtol=2e-4, atol=1e-6)


def test_half_precision_and_mixed_dtypes_keep_the_plain_path(fused) -> None:
    x = _values(12, (3, 4), np.float16, scale=1.0)
    ours, theirs = _pair(x)
    ours.tanh().sigmoid().sum().backward()
    theirs.tanh().sigmoid().sum().backward()
    assert _ran(fused, "tinygrad_") == 0
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=2e-3, atol=1e-3)  # float16 rounding
    assert not fused.takes(np.zeros(2, np.float32), np.zeros(2, np.float64))


@pytest.mark.cuda
@needs_cuda
@pytest.mark.parametrize("settings", POOLS, ids=[str(p) for p in POOLS])
def test_cuda_max_pool_kernels_match_torch_cuda(settings: dict) -> None:
    x = np.round(_values(13, (2, 3, 9, 9), np.float32), 0)
    x[0, 0, 1, 1] = np.nan
    ours = tinygrad_lr.tensor(x, device="cuda", requires_grad=True)
    theirs = torch.tensor(x, device="cuda", requires_grad=True)
    out, indices = tinygrad_lr.nn.functional.max_pool2d(ours, return_indices=True, **settings)
    expected, expected_indices = torch.nn.functional.max_pool2d(theirs, return_indices=True, **settings)
    g = _values(14, tuple(out.shape), np.float32)
    out.backward(tinygrad_lr.tensor(g, device="cuda"))
    expected.backward(torch.tensor(g, device="cuda"))
    assert "tinygrad_max_pool" in _cupy_kernels()._built
    np.testing.assert_array_equal(out.detach().cpu().numpy(), expected.detach().cpu().numpy())
    np.testing.assert_array_equal(indices.cpu().numpy(), expected_indices.cpu().numpy())
    np.testing.assert_allclose(ours.grad.cpu().numpy(), theirs.grad.cpu().numpy(), rtol=1e-6, atol=1e-6)
