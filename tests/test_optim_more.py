"""Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD and LBFGS against live PyTorch beyond the registry's
short runs: 120 steps on a small problem, state dicts in PyTorch's format (keys, values,
and loading one framework's state into the other mid-run), and constructor errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr

OPTIMIZERS = {
    "Adagrad": dict(lr=0.05, lr_decay=0.001, weight_decay=0.01, initial_accumulator_value=0.1),
    "Adadelta": dict(lr=0.8, rho=0.85, weight_decay=0.01),
    "Adamax": dict(lr=0.01, weight_decay=0.01),
    "NAdam": dict(lr=0.01, weight_decay=0.01, momentum_decay=0.01),
    "NAdam_decoupled": dict(lr=0.01, weight_decay=0.05, decoupled_weight_decay=True),
    "RAdam": dict(lr=0.01, weight_decay=0.01),
    "RAdam_decoupled": dict(lr=0.01, weight_decay=0.05, decoupled_weight_decay=True),
    "ASGD": dict(lr=0.02, lambd=0.001, t0=50, weight_decay=0.01),
    "Adagrad_maximize": dict(lr=0.01, maximize=True),
    "Rprop": dict(lr=0.01, etas=(0.4, 1.3), step_sizes=(1e-4, 0.5)),
    "Adafactor": dict(lr=0.02),
    "Adafactor_weight_decay_maximize": dict(lr=0.02, beta2_decay=-0.6, eps=(1e-20, 1e-2), d=1.5, weight_decay=0.01,
                                            maximize=True),
}
RNG = np.random.default_rng(0)
A, B, W0 = RNG.standard_normal((6, 4)), RNG.standard_normal(6), RNG.standard_normal((2, 4))


def problem(ns, dtype):
    """Two parameters of a least-squares problem with a quartic term (a curved, non-quadratic loss)."""
    w = ns.tensor(W0[0].astype(dtype), requires_grad=True)
    v = ns.tensor(W0[1].astype(dtype), requires_grad=True)
    a, b = ns.tensor(A.astype(dtype)), ns.tensor(B.astype(dtype))

    def loss():
        r = a @ (w * v.tanh()) - b
        return (r * r).mean() + (w ** 4).sum() * 0.01
    return [w, v], loss


def make(ns, name, params):
    return getattr(ns.optim, name.split("_")[0])(params, **OPTIMIZERS[name])


def steps(opt, loss, n):
    values = []
    for _ in range(n):
        opt.zero_grad()
        value = loss()
        value.backward()
        opt.step()
        values.append(value.item())
    return values


# Rprop in float32 is left out of the long runs: it steps by the gradient's sign alone, so once a
# gradient is within rounding of 0, a last-bit difference in it (a matmul summed in another order)
# flips a whole step. Its float32 parity is checked over the registry's 8 steps (cases_optim_more.py).
LONG_RUNS = [(name, dtype, tolerance) for name in sorted(OPTIMIZERS)
             for dtype, tolerance in (("float64", 1e-12), ("float32", 2e-5))
             if not (name == "Rprop" and dtype == "float32")]


@pytest.mark.parametrize("name,dtype,tolerance", LONG_RUNS)
def test_many_steps_match_torch(name, dtype, tolerance):
    ours, our_loss = problem(tinygrad_lr, dtype)
    theirs, their_loss = problem(torch, dtype)
    a, b = steps(make(tinygrad_lr, name, ours), our_loss, 120), steps(make(torch, name, theirs), their_loss, 120)
    # float32: 120 steps of rounding compound (PyTorch's own float32 and float64 runs differ by more)
    np.testing.assert_allclose(a, b, rtol=tolerance, atol=tolerance)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=tolerance, atol=tolerance)


def to_torch(value):
    if isinstance(value, tinygrad_lr.Tensor):
        return torch.tensor(value.numpy())
    if isinstance(value, dict):
        return {k: to_torch(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_torch(v) for v in value)
    return value


def to_ours(value):
    if isinstance(value, torch.Tensor):
        return tinygrad_lr.tensor(value.numpy())
    if isinstance(value, dict):
        return {k: to_ours(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_ours(v) for v in value)
    return value


def assert_same_state(ours, theirs):
    assert ours["param_groups"] == theirs["param_groups"]
    assert list(ours["state"]) == list(theirs["state"])
    for index, state in theirs["state"].items():
        assert list(ours["state"][index]) == list(state)
        for key, value in state.items():
            mine = ours["state"][index][key]
            if isinstance(value, torch.Tensor):
                assert str(mine.dtype) == str(value.dtype) and tuple(mine.shape) == tuple(value.shape), key
                np.testing.assert_allclose(mine.numpy(), value.numpy(), rtol=1e-12, atol=1e-12)
            else:
                assert mine == value, key


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_dict_format_and_cross_loading(name):
    ours, our_loss = problem(tinygrad_lr, "float64")
    theirs, their_loss = problem(torch, "float64")
    opt_ours, opt_theirs = make(tinygrad_lr, name, ours), make(torch, name, theirs)
    steps(opt_ours, our_loss, 5)
    steps(opt_theirs, their_loss, 5)
    assert_same_state(opt_ours.state_dict(), opt_theirs.state_dict())

    # swap the states: each framework continues from the other's optimizer state
    fresh_ours, fresh_theirs = make(tinygrad_lr, name, ours), make(torch, name, theirs)
    fresh_ours.load_state_dict(to_ours(opt_theirs.state_dict()))
    fresh_theirs.load_state_dict(to_torch(opt_ours.state_dict()))
    a, b = steps(fresh_ours, our_loss, 5), steps(fresh_theirs, their_loss, 5)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    assert_same_state(fresh_ours.state_dict(), fresh_theirs.state_dict())


def lbfgs_run(ns, dtype, calls=4, **options):
    params, loss = problem(ns, dtype)
    opt = ns.optim.LBFGS(params, **options)

    def closure():
        opt.zero_grad()
        value = loss()
        value.backward()
        return value
    return [opt.step(closure).item() for _ in range(calls)], params, opt


@pytest.mark.parametrize("options", [dict(), dict(lr=0.5, max_iter=7, history_size=3),
                                     dict(line_search_fn="strong_wolfe"),
                                     dict(line_search_fn="strong_wolfe", history_size=2, max_iter=6, max_eval=9)])
def test_lbfgs_matches_torch_with_its_stopping_rules(options):
    """float64, PyTorch's default tolerances: the same iterations, closure calls and final state."""
    a, ours, opt_ours = lbfgs_run(tinygrad_lr, "float64", **options)
    b, theirs, opt_theirs = lbfgs_run(torch, "float64", **options)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10, atol=1e-12)
    mine, reference = opt_ours.state[ours[0]], opt_theirs.state[theirs[0]]
    assert set(mine) == set(reference)
    assert (mine["func_evals"], mine["n_iter"]) == (reference["func_evals"], reference["n_iter"])
    assert len(mine["old_dirs"]) == len(reference["old_dirs"])
    np.testing.assert_allclose(mine["d"].numpy(), reference["d"].numpy(), rtol=1e-8, atol=1e-12)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is compared
        return type(e), str(e)
    return None


def _param(ns):
    return [ns.zeros(2, requires_grad=True)]


@pytest.mark.parametrize("call", [
    lambda ns: ns.optim.Adagrad(_param(ns), lr=-1),
    lambda ns: ns.optim.Adagrad(_param(ns), lr_decay=-1),
    lambda ns: ns.optim.Adagrad(_param(ns), initial_accumulator_value=-1),
    lambda ns: ns.optim.Adadelta(_param(ns), rho=1.5),
    lambda ns: ns.optim.Adadelta(_param(ns), eps=-1),
    lambda ns: ns.optim.Adamax(_param(ns), betas=(1.0, 0.9)),
    lambda ns: ns.optim.NAdam(_param(ns), momentum_decay=-1),
    lambda ns: ns.optim.RAdam(_param(ns), betas=(0.9, -0.1)),
    lambda ns: ns.optim.ASGD(_param(ns), weight_decay=-1),
    lambda ns: ns.optim.LBFGS(_param(ns), lr=-1),
    lambda ns: ns.optim.Rprop(_param(ns), etas=(0.5, 0.9)),
    lambda ns: ns.optim.Adafactor(_param(ns), beta2_decay=0.5),
    lambda ns: ns.optim.Adafactor(_param(ns), d=0.5),
    lambda ns: ns.optim.LBFGS([{"params": _param(ns)}, {"params": _param(ns)}]),
])
def test_constructor_errors_match_torch(call):
    ours, theirs = _error(lambda: call(tinygrad_lr)), _error(lambda: call(torch))
    assert theirs is not None and ours == theirs


def test_lbfgs_unknown_line_search_raises_like_torch():
    for ns in (tinygrad_lr, torch):
        params, loss = problem(ns, "float64")
        opt = ns.optim.LBFGS(params, line_search_fn="backtracking")

        def closure():
            opt.zero_grad()
            value = loss()
            value.backward()
            return value
        with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
            opt.step(closure)


def test_reprs_match_torch():
    for name in ("Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "LBFGS", "Rprop", "Adafactor"):
        assert repr(getattr(tinygrad_lr.optim, name)(_param(tinygrad_lr))) == \
            repr(getattr(torch.optim, name)(_param(torch))), name


def test_adagrad_makes_the_state_of_a_group_added_later_as_torch() -> None:
    import numpy as np
    import torch

    import tinygrad_lr
    results = []
    for m in (tinygrad_lr, torch):
        a = m.nn.Parameter(m.tensor([1.0, -2.0]))
        b = m.nn.Parameter(m.tensor([0.5, 3.0]))
        opt = m.optim.Adagrad([a], lr=0.1, initial_accumulator_value=0.3)
        opt.add_param_group({"params": [b], "lr": 0.2})
        for _ in range(2):
            opt.zero_grad()
            ((a * a).sum() + (b * b * b).sum()).backward()
            opt.step()
        results.append((a.detach().numpy(), b.detach().numpy(), list(opt.state[b]), opt.state[b]["sum"].numpy()))
    for ours, theirs in zip(*results):
        if isinstance(ours, list):
            assert ours == theirs
        else:
            np.testing.assert_allclose(ours, theirs, rtol=1e-6)
