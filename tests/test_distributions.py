"""torch.distributions' Normal, Bernoulli and Categorical against live PyTorch: the same draws under
the same seed, log-probabilities, entropies, KL divergences, their gradients, and the validation errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr

RNG = np.random.default_rng(0)
LOC, LOGSCALE = RNG.standard_normal((3, 2)), RNG.standard_normal((3, 2)) * 0.5
LOGITS = RNG.standard_normal((4, 5))
PROBS = RNG.random(3)


def build(ns, kind, dtype):
    t = lambda a: ns.tensor(a.astype(dtype), requires_grad=True)  # noqa: E731
    params = {"normal": (t(LOC), t(LOGSCALE)), "categorical": (t(LOGITS),), "categorical_probs": (t(np.exp(LOGITS)),),
              "bernoulli": (t(PROBS),), "bernoulli_logits": (t(LOGITS),)}[kind]
    D = ns.distributions
    dist = {"normal": lambda: D.Normal(params[0], params[1].exp()),
            "categorical": lambda: D.Categorical(logits=params[0]),
            "categorical_probs": lambda: D.Categorical(probs=params[0]),
            "bernoulli": lambda: D.Bernoulli(probs=params[0]),
            "bernoulli_logits": lambda: D.Bernoulli(logits=params[0])}[kind]()
    return dist, params


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["normal", "categorical", "categorical_probs", "bernoulli", "bernoulli_logits"])
def test_draws_log_prob_entropy_kl_and_gradients(kind, dtype) -> None:
    runs = []
    for ns in (tinygrad_lr, torch):
        ns.manual_seed(0)
        dist, params = build(ns, kind, dtype)
        ns.manual_seed(1)
        samples = [dist.sample(), dist.sample((2,))]
        if dist.has_rsample:
            samples.append(dist.rsample((2,)))
        other, _ = build(ns, kind, dtype)
        total = (dist.log_prob(samples[1].detach()).sum() + dist.entropy().sum()
                 + ns.distributions.kl_divergence(dist, other).sum())
        if dist.has_rsample:
            total = total + samples[2].sum()
        total.backward()
        runs.append(([s.detach().numpy() for s in samples], total.item(), [p.grad.numpy() for p in params],
                     repr(dist), tuple(dist.batch_shape), tuple(dist.event_shape),
                     [str(s.dtype) for s in samples]))
    (s0, t0, g0, *rest0), (s1, t1, g1, *rest1) = runs
    for a, b in zip(s0, s1):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(t0, t1, rtol=1e-5)
    for a, b in zip(g0, g1):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert [r.replace("tinygrad_lr", "torch") for r in map(str, rest0)] == list(map(str, rest1))


@pytest.mark.parametrize("case", range(7))
def test_validation_errors(case) -> None:
    messages = []
    for ns in (tinygrad_lr, torch):
        D = ns.distributions
        calls = [lambda: D.Normal(ns.tensor([0.0]), ns.tensor([-1.0])),
                 lambda: D.Categorical(probs=ns.tensor([0.5, -0.5])),
                 lambda: D.Bernoulli(probs=ns.tensor([0.1, 0.2])).log_prob(ns.tensor([0.5, 0.0])),
                 lambda: D.Categorical(),
                 lambda: D.Categorical(probs=ns.tensor([0.2, 0.8])).log_prob(ns.tensor(3)),
                 lambda: D.Normal(ns.zeros(2), ns.ones(2)).log_prob(ns.zeros(3)),
                 lambda: D.Normal(0.0, 1.0).log_prob(0.5)]
        with pytest.raises(ValueError) as info:
            calls[case]()
        messages.append(str(info.value))
    assert messages[0] == messages[1]
