"""What course scripts (MNIST-style, RNN, attention and tools lectures) found, checked against live PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr as tg


def _outcome(fn, ns):
    try:
        out = fn(ns)
        return "value", out.detach().numpy(), out.grad_fn and out.grad_fn.name()
    except Exception as error:  # noqa: BLE001 - the type and words are what is compared
        return type(error).__name__, str(error)


def _same(ours, theirs):
    if ours[0] != "value" or theirs[0] != "value":
        return ours == theirs
    # float32 tolerance: PyTorch's flash kernel (4-D inputs) sums its softmax in blocks, ours in one pass
    return ours[2] == theirs[2] and np.allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)


def _qkv(ns, *shape, grad=True):
    rng = np.random.default_rng(0)
    return [ns.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=grad) for _ in range(3)]


SDPA = {
    "3-D, no mask": lambda ns: ns.nn.functional.scaled_dot_product_attention(*_qkv(ns, 2, 3, 4)),
    "4-D: PyTorch's flash kernel's node": lambda ns: ns.nn.functional.scaled_dot_product_attention(*_qkv(ns, 1, 2, 3, 4)),
    "4-D without grad": lambda ns: ns.nn.functional.scaled_dot_product_attention(*_qkv(ns, 1, 2, 3, 4, grad=False)),
    "4-D, other value size: math path": lambda ns: ns.nn.functional.scaled_dot_product_attention(
        *_qkv(ns, 1, 2, 3, 4)[:2], ns.ones(1, 2, 3, 5)),
    "a query with every key masked gets zeros": lambda ns: ns.nn.functional.scaled_dot_product_attention(
        *_qkv(ns, 1, 2, 3, 4), attn_mask=ns.tensor([[True, False, True], [False] * 3, [True] * 3])),
    "the same with -inf in a float mask, 4-D": lambda ns: ns.nn.functional.scaled_dot_product_attention(
        *_qkv(ns, 1, 1, 2, 4), attn_mask=ns.tensor([[0.0, 0.0], [float("-inf")] * 2])),
    "causal and a mask": lambda ns: ns.nn.functional.scaled_dot_product_attention(
        *_qkv(ns, 2, 3, 4), attn_mask=ns.ones(3, 3, dtype=ns.bool), is_causal=True),
}


@pytest.mark.parametrize("name", list(SDPA))
def test_scaled_dot_product_attention_as_torch(name):
    assert _same(_outcome(SDPA[name], tg), _outcome(SDPA[name], torch))


def test_scaled_dot_product_attention_fully_masked_query_has_zero_gradient():
    grads = []
    for ns in (tg, torch):
        q, k, v = _qkv(ns, 1, 3, 4)
        mask = ns.tensor([[True, False, True], [False] * 3, [True] * 3])
        ns.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask).pow(2).sum().backward()
        grads.append([t.grad.numpy() for t in (q, k, v)])
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert not np.isnan(grads[0][0]).any()


def test_scaled_dot_product_attention_dropout_is_refused():
    with pytest.raises(NotImplementedError, match="dropout_p"):
        tg.nn.functional.scaled_dot_product_attention(*_qkv(tg, 2, 3, 4), dropout_p=0.1)


def test_get_worker_info_and_is_pinned_as_torch_in_one_process():
    def run(ns):
        data = ns.utils.data

        class Stream(data.IterableDataset):
            def __iter__(self):
                info = data.get_worker_info()
                return iter(range(5) if info is None else range(info.id, 5, info.num_workers))

        batches = [b.tolist() for b in data.DataLoader(Stream(), batch_size=2)]
        x, _ = next(iter(data.DataLoader(data.TensorDataset(ns.ones(4), ns.zeros(4)), batch_size=2, pin_memory=True)))
        return data.get_worker_info(), batches, ns.ones(2).is_pinned(), x.is_pinned()
    with pytest.warns(UserWarning):  # PyTorch without an accelerator says pin_memory has nothing to pin
        ref = run(torch)
    assert run(tg) == ref


def _graph_names(t):
    """Every node's name reachable from t.grad_fn, sorted (what torchviz.make_dot draws)."""
    seen, stack, names = set(), [t.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(node.name())
        stack.extend(f for f, _ in node.next_functions)
    return sorted(names)


LOSSES = {
    "mse": lambda F, x, y, **kw: F.mse_loss(x.softmax(1), y, **kw),
    "bce": lambda F, x, y, **kw: F.binary_cross_entropy(x.sigmoid(), y.sigmoid(), **kw),
    "bce_weighted": lambda F, x, y, **kw: F.binary_cross_entropy(x.sigmoid(), y.sigmoid(),
                                                                 weight=(y * y + 0.5).detach(), **kw),
    "bce_with_logits": lambda F, x, y, **kw: F.binary_cross_entropy_with_logits(x, y.sigmoid(), **kw),
    "bce_with_logits_pos_weight": lambda F, x, y, **kw: F.binary_cross_entropy_with_logits(
        x, y.sigmoid(), pos_weight=(y[0] * 0 + 2).detach(), **kw),
}


@pytest.mark.parametrize("loss_name", list(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_is_one_node_with_torchs_gradients(loss_name, reduction):
    """torchviz draws PyTorch's loss as one node (MseLossBackward0, BinaryCrossEntropyBackward0, ...)."""
    results = []
    for ns in (tg, torch):
        rng = np.random.default_rng(1)
        x = ns.tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
        y = ns.tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
        loss = LOSSES[loss_name](ns.nn.functional, x, y, reduction=reduction)
        loss.sum().backward() if reduction == "none" else loss.backward()
        results.append((_graph_names(loss), loss.detach().numpy(), x.grad.numpy(), y.grad.numpy()))
    (names, *ours), (ref_names, *ref) = results
    assert names == ref_names
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_mse_loss_broadcast_target_gradient_summed_back():
    grads = []
    for ns in (tg, torch):
        x = ns.tensor([[1.0, 2.0], [3.0, 5.0]], requires_grad=True)
        y = ns.tensor([0.5, -1.0], requires_grad=True)
        with pytest.warns(UserWarning, match="broadcasting"):
            ns.nn.functional.mse_loss(x, y).backward()
        grads.append((x.grad.numpy(), y.grad.numpy()))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_normalize_graph_names_as_torch():
    def run(ns):
        x = ns.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]], requires_grad=True)
        return _graph_names(ns.nn.functional.normalize(x, dim=1).sum())
    assert run(tg) == run(torch)


def _checkpointed(ns, reentrant):
    ns.manual_seed(0)
    block = ns.nn.Sequential(ns.nn.Linear(4, 8), ns.nn.ReLU(), ns.nn.Dropout(0.3), ns.nn.Linear(8, 4))
    x = ns.randn(5, 4, requires_grad=True)
    y = ns.utils.checkpoint.checkpoint(block, x, use_reentrant=reentrant)
    (y ** 2).sum().backward()  # the recomputation must draw the same dropout mask
    return y.grad_fn.name(), [t.numpy() for t in (y.detach(), x.grad, block[0].weight.grad, block[3].bias.grad)]


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_recomputes_with_the_same_dropout_mask(reentrant):
    (name, ours), (ref_name, ref) = _checkpointed(tg, reentrant), _checkpointed(torch, reentrant)
    assert name == ref_name
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_checkpoint_without_inputs_requiring_grad_and_sequential():
    def run(ns):
        ns.manual_seed(0)
        model = ns.nn.Sequential(*[ns.nn.Linear(3, 3) for _ in range(4)])
        with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
            frozen = ns.utils.checkpoint.checkpoint(model, ns.ones(2, 3), use_reentrant=True)
        x = ns.ones(2, 3, requires_grad=True)
        out = ns.utils.checkpoint.checkpoint_sequential(model, 2, x, use_reentrant=True)
        out.sum().backward()
        return frozen.requires_grad, out.grad_fn.name(), x.grad.numpy(), model[0].weight.grad.numpy()
    ours, ref = run(tg), run(torch)
    assert ours[:2] == ref[:2]
    for a, b in zip(ours[2:], ref[2:]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
        tg.utils.checkpoint.checkpoint(lambda t: t, tg.ones(1, requires_grad=True), use_reentrant=True, foo=1)

