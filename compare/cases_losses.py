"""Parity cases for the regression, distribution, margin and embedding losses (modules and their
``nn.functional`` twins), every reduction. Inputs whose loss has a hinge are drawn (or re-drawn)
so that every hinge argument stays ≥ 0.05 away from its kink; labels (±1, class indices, 0/1)
never get a gradient unless PyTorch gives them one.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import tinygrad_lr

from .registry import POSITIVE, Arg, Case, farg, register

if not hasattr(tinygrad_lr.nn, "HuberLoss"):
    raise ModuleNotFoundError("tinygrad_lr's extra losses are not there yet", name=__name__)

REDUCTIONS = ("mean", "sum", "none")
N, C = 5, 4


def loss(name: str, fn: Callable[..., Any], *args: Arg, **options: Any) -> None:
    register(Case(name, fn=fn, args=args, kind="loss", **options))


def labels(*shape: int) -> Arg:
    """±1 labels: a float input far from 0, of which only the sign is used."""
    return Arg(shape, avoid=(0.0,), margin=0.5, grad=False)


def sign(t: Any) -> Any:
    return (t > 0).float() * 2 - 1 if t.dtype.is_floating_point else t


def away(draw: Callable[[np.random.Generator], list[np.ndarray]], hinge: Callable[..., np.ndarray],
         gap: float = 0.05) -> Callable[[np.random.Generator, str], list[np.ndarray]]:
    """Inputs from ``draw``, drawn again until every hinge argument is at least ``gap`` from 0."""
    def make(rng: np.random.Generator, dtype: str) -> list[np.ndarray]:
        for _ in range(1000):
            arrays = draw(rng)
            if np.all(np.abs(hinge(*arrays)) >= gap):
                return [a.astype(dtype) if a.dtype.kind == "f" else a for a in arrays]
        raise RuntimeError("no inputs away from the kink")
    return make


# ---------------------------------------------------------------------- SmoothL1 and Huber
X, Y = farg(N, C), farg(N, C)
for r in REDUCTIONS:
    loss(f"SmoothL1Loss_{r}", lambda ns, x, y, r=r: ns.nn.SmoothL1Loss(reduction=r)(x, y), X, Y)
    loss(f"HuberLoss_{r}", lambda ns, x, y, r=r: ns.nn.HuberLoss(reduction=r, delta=0.7)(x, y), X, Y)
loss("SmoothL1Loss_beta", lambda ns, x, y: ns.nn.SmoothL1Loss(beta=0.3)(x, y), X, Y)
loss("SmoothL1Loss_broadcast_target", lambda ns, x, y: ns.nn.functional.smooth_l1_loss(x, y, reduction="sum"),
     X, farg(C), note="PyTorch warns and broadcasts; the target's gradient sums back")
loss("SmoothL1Loss_beta_0_is_l1", lambda ns, x, y: ns.nn.SmoothL1Loss(beta=0.0)(x, y),
     make_inputs=away(lambda rng: [rng.uniform(-2, 2, (N, C)), rng.uniform(-2, 2, (N, C))], lambda x, y: x - y, 0.1))
loss("HuberLoss_default_delta", lambda ns, x, y: ns.nn.HuberLoss()(x * 2, y), X, Y)
loss("HuberLoss_weight", lambda ns, x, y, w: ns.nn.functional.huber_loss(x, y, weight=w, delta=1.5), X, Y,
     farg(N, C, **POSITIVE, grad=False))

# --------------------------------------------------------------------------------- KL div
LOGP = farg(N, C)


def kl(reduction: str, log_target: bool = False) -> Callable[..., Any]:
    def run(ns: Any, x: Any, t: Any) -> Any:
        target = t.log_softmax(1) if log_target else t.softmax(1)
        return ns.nn.KLDivLoss(reduction=reduction, log_target=log_target)(x.log_softmax(1), target)
    return run


for r in REDUCTIONS + ("batchmean",):
    loss(f"KLDivLoss_{r}", kl(r), LOGP, farg(N, C))
    loss(f"KLDivLoss_log_target_{r}", kl(r, True), LOGP, farg(N, C))
loss("KLDivLoss_zero_target", lambda ns, x, t: ns.nn.functional.kl_div(x, t * (t > 0).float(), reduction="sum"),
     farg(N, C), farg(N, C, avoid=(0.0,), margin=0.1, grad=False), note="0 · log 0 = 0 where the target is 0")

# --------------------------------------------------------------------- Poisson and Gaussian
RATE = farg(N, C, low=0.2, high=4.0)
for r in REDUCTIONS:
    loss(f"PoissonNLLLoss_{r}", lambda ns, x, y, r=r: ns.nn.PoissonNLLLoss(reduction=r)(x, y), farg(N, C), RATE)
    loss(f"GaussianNLLLoss_{r}", lambda ns, x, y, v, r=r: ns.nn.GaussianNLLLoss(reduction=r)(x, y, v),
         farg(N, C), farg(N, C), farg(N, C, **POSITIVE))
loss("PoissonNLLLoss_rate_input", lambda ns, x, y: ns.nn.PoissonNLLLoss(log_input=False)(x, y), RATE, RATE)
loss("PoissonNLLLoss_full", lambda ns, x, y: ns.nn.PoissonNLLLoss(full=True, reduction="none")(x, y), farg(N, C),
     farg(N, C, low=0.2, high=4.0, avoid=(1.0,), margin=0.1), note="Stirling's term only where the target is > 1")
loss("GaussianNLLLoss_full_homoscedastic", lambda ns, x, y, v: ns.nn.GaussianNLLLoss(full=True)(x, y, v),
     farg(N, C), farg(N, C), farg(N, **POSITIVE), note="one variance per sample (a shape one dim short)")
loss("GaussianNLLLoss_size_1_dim", lambda ns, x, y, v: ns.nn.GaussianNLLLoss(reduction="sum")(x, y, v),
     farg(N, C), farg(N, C), farg(N, 1, **POSITIVE))
loss("GaussianNLLLoss_float_var", lambda ns, x, y: ns.nn.functional.gaussian_nll_loss(x, y, 0.5), farg(N, C),
     farg(N, C))
loss("GaussianNLLLoss_clamped_var", lambda ns, x, y, v: ns.nn.GaussianNLLLoss(eps=0.5)(x, y, v), farg(N, C),
     farg(N, C), farg(N, C, low=0.01, high=1.0), gradcheck=False,
     note="var below eps is clamped with the gradient passed straight through (PyTorch clamps under no_grad), "
          "which no finite difference reproduces")

# ------------------------------------------------------------------------ margin losses


def ranking_inputs(margin: float) -> Callable:
    return away(lambda rng: [rng.uniform(-2, 2, N), rng.uniform(-2, 2, N), rng.choice([-1.0, 1.0], N)],
                lambda a, b, y: -y * (a - b) + margin)


for r in REDUCTIONS:
    loss(f"MarginRankingLoss_{r}", lambda ns, a, b, y, r=r: ns.nn.MarginRankingLoss(0.3, reduction=r)(a, b, y),
         make_inputs=ranking_inputs(0.3), grads=(True, True, False))
    loss(f"HingeEmbeddingLoss_{r}", lambda ns, x, y, r=r: ns.nn.HingeEmbeddingLoss(reduction=r)(x, y),
         make_inputs=away(lambda rng: [rng.uniform(-1, 3, (N, C)), rng.choice([-1.0, 1.0], (N, C))],
                          lambda x, y: np.where(y < 0, 1 - x, 1.0)), grads=(True, False))
    loss(f"SoftMarginLoss_{r}", lambda ns, x, y, r=r: ns.nn.SoftMarginLoss(reduction=r)(x, sign(y)), farg(N, C),
         labels(N, C))
    loss(f"MultiLabelSoftMarginLoss_{r}", lambda ns, x, y, r=r: ns.nn.MultiLabelSoftMarginLoss(reduction=r)(x, y),
         farg(N, C), farg(N, C, low=0.0, high=1.0))
loss("MarginRankingLoss_no_margin", lambda ns, a, b, y: ns.nn.functional.margin_ranking_loss(a, b, y),
     make_inputs=ranking_inputs(0.0), grads=(True, True, False))
loss("MultiLabelSoftMarginLoss_weight",
     lambda ns, x, y, w: ns.nn.MultiLabelSoftMarginLoss(weight=w)(x, (y > 0.5).to(x.dtype)), farg(N, C),
     farg(N, C, low=0.0, high=1.0, grad=False), farg(C, **POSITIVE, grad=False))


def cosine_inputs(margin: float, dims: tuple[int, ...] = (N, 3)) -> Callable:
    def draw(rng: np.random.Generator) -> list[np.ndarray]:
        return [rng.uniform(-2, 2, dims), rng.uniform(-2, 2, dims), rng.choice([-1.0, 1.0], dims[:-1])]

    def hinge(a: np.ndarray, b: np.ndarray, y: np.ndarray) -> np.ndarray:
        cos = (a * b).sum(-1) / np.sqrt((a * a).sum(-1) * (b * b).sum(-1))
        return np.where(y < 0, cos - margin, 1.0)
    return away(draw, hinge)


for r in REDUCTIONS:
    loss(f"CosineEmbeddingLoss_{r}", lambda ns, a, b, y, r=r: ns.nn.CosineEmbeddingLoss(0.2, reduction=r)(a, b, y),
         make_inputs=cosine_inputs(0.2), grads=(True, True, False))
loss("CosineEmbeddingLoss_one_pair", lambda ns, a, b, y: ns.nn.functional.cosine_embedding_loss(a, b, y),
     make_inputs=cosine_inputs(0.0, (4,)), grads=(True, True, False), note="1-D inputs, a 0-d target")


def triplet_inputs(margin: float, p: float, swap: bool = False) -> Callable:
    def dist(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return (np.abs(u - v + 1e-6) ** p).sum(-1) ** (1 / p)

    def hinge(a: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
        d_neg = np.minimum(dist(a, neg), dist(pos, neg)) if swap else dist(a, neg)
        tie = np.abs(dist(a, neg) - dist(pos, neg)) if swap else np.ones(len(a))  # min's tie
        return np.minimum(np.abs(margin + dist(a, pos) - d_neg), tie)
    return away(lambda rng: [rng.uniform(-1, 1, (N, 3)) for _ in range(3)], hinge)


for r in REDUCTIONS:
    loss(f"TripletMarginLoss_{r}", lambda ns, a, p, n, r=r: ns.nn.TripletMarginLoss(0.5, reduction=r)(a, p, n),
         make_inputs=triplet_inputs(0.5, 2))
loss("TripletMarginLoss_p1_swap", lambda ns, a, p, n: ns.nn.TripletMarginLoss(0.5, p=1, swap=True)(a, p, n),
     make_inputs=triplet_inputs(0.5, 1, swap=True))
loss("TripletMarginLoss_p3", lambda ns, a, p, n: ns.nn.functional.triplet_margin_loss(a, p, n, margin=0.4, p=3),
     make_inputs=triplet_inputs(0.4, 3))

loss("TripletMarginWithDistanceLoss", lambda ns, a, p, n: ns.nn.TripletMarginWithDistanceLoss(margin=0.5)(a, p, n),
     make_inputs=triplet_inputs(0.5, 2))
loss("TripletMarginWithDistanceLoss_l1_swap_none",
     lambda ns, a, p, n: ns.nn.TripletMarginWithDistanceLoss(distance_function=lambda u, v: (u - v).abs().sum(-1),
                                                             margin=0.5, swap=True, reduction="none")(a, p, n),
     make_inputs=triplet_inputs(0.5, 1, swap=True), note="a distance written by the user")


def grid_scores(rng: np.random.Generator, rows: int = N, classes: int = C) -> np.ndarray:
    """Scores whose pairwise differences are multiples of 0.37, so no hinge 1 − (x_j − x_c), and no
    margin − x_y + x_c for the margins used here, lands within 0.05 of 0."""
    return np.stack([rng.permutation(classes) * 0.37 - 0.5 for _ in range(rows)])


def multi_margin_inputs(rng: np.random.Generator, dtype: str) -> list[np.ndarray]:
    return [grid_scores(rng).astype(dtype), rng.integers(0, C, N).astype(np.int64)]


for r in REDUCTIONS:
    loss(f"MultiMarginLoss_{r}", lambda ns, x, t, r=r: ns.nn.MultiMarginLoss(reduction=r)(x, t),
         make_inputs=multi_margin_inputs, grads=(True, False))
loss("MultiMarginLoss_p2_margin", lambda ns, x, t: ns.nn.MultiMarginLoss(p=2, margin=0.5)(x, t),
     make_inputs=multi_margin_inputs, grads=(True, False))
loss("MultiMarginLoss_weight", lambda ns, x, t: ns.nn.MultiMarginLoss(weight=ns.tensor([0.5, 1.0, 2.0, 1.5],
                                                                                   dtype=x.dtype))(x, t),
     make_inputs=multi_margin_inputs, grads=(True, False))
loss("MultiMarginLoss_one_sample", lambda ns, x, t: ns.nn.functional.multi_margin_loss(x[0], t[0], reduction="none"),
     make_inputs=multi_margin_inputs, grads=(True, False))


def multilabel_inputs(rng: np.random.Generator, dtype: str) -> list[np.ndarray]:
    """Each row lists 1 to C−1 classes (a class may repeat), then −1, then junk that is ignored."""
    target = np.full((N, C), -1, dtype=np.int64)
    for i in range(N):
        k = rng.integers(1, C)
        target[i, :k] = rng.choice(C, k, replace=bool(i == 0))
        if k + 1 < C:
            target[i, k + 1:] = rng.integers(0, C, C - k - 1)
    return [grid_scores(rng).astype(dtype), target]


for r in REDUCTIONS:
    loss(f"MultiLabelMarginLoss_{r}", lambda ns, x, t, r=r: ns.nn.MultiLabelMarginLoss(reduction=r)(x, t),
         make_inputs=multilabel_inputs, grads=(True, False))
loss("MultiLabelMarginLoss_one_sample", lambda ns, x, t: ns.nn.functional.multilabel_margin_loss(x[1], t[1]),
     make_inputs=multilabel_inputs, grads=(True, False))


def _nll_2d(ns: Any, x: Any, t: Any) -> Any:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the deprecated name warns on both sides
        return ns.nn.NLLLoss2d()(x.log_softmax(1), t)


loss("NLLLoss2d", _nll_2d, farg(2, C, 3, 2), Arg((2, 3, 2), kind="index", high=C, grad=False))
