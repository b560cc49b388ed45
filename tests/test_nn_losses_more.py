"""The regression, distribution, margin and embedding losses beyond the parity registry: grad_fn
names, warnings and errors against live PyTorch, and module options."""
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
import torch

import tinygrad_lr

RNG = np.random.default_rng(0)
X, Y = RNG.standard_normal((3, 4)).astype(np.float32), RNG.standard_normal((3, 4)).astype(np.float32)
LABELS = np.sign(Y).astype(np.float32)
CLASSES = np.array([0, 3, 1])


def both(fn):
    """fn(ns, x, y) in both frameworks on the same inputs (x requires grad)."""
    out = []
    for ns in (tinygrad_lr, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.append(fn(ns, ns.tensor(X, requires_grad=True), ns.tensor(Y)))
    return out


CALLS = {
    "smooth_l1": lambda ns, x, y: ns.nn.functional.smooth_l1_loss(x, y),
    "smooth_l1_none": lambda ns, x, y: ns.nn.SmoothL1Loss(reduction="none")(x, y),
    "huber_sum": lambda ns, x, y: ns.nn.HuberLoss(reduction="sum")(x, y),
    "kl_mean": lambda ns, x, y: ns.nn.functional.kl_div(x, y.abs()),
    "kl_batchmean": lambda ns, x, y: ns.nn.KLDivLoss(reduction="batchmean")(x, y.abs()),
    "kl_none": lambda ns, x, y: ns.nn.KLDivLoss(reduction="none")(x, y.abs()),
    "kl_log_target_none": lambda ns, x, y: ns.nn.KLDivLoss(reduction="none", log_target=True)(x, y),
    "poisson": lambda ns, x, y: ns.nn.PoissonNLLLoss()(x, y.abs()),
    "poisson_none": lambda ns, x, y: ns.nn.PoissonNLLLoss(reduction="none")(x, y.abs()),
    "poisson_full_none": lambda ns, x, y: ns.nn.PoissonNLLLoss(full=True, reduction="none")(x, y.abs() * 3),
    "gaussian": lambda ns, x, y: ns.nn.GaussianNLLLoss()(x, y, ns.ones(3, 4)),
    "soft_margin": lambda ns, x, y: ns.nn.SoftMarginLoss()(x, y.sign()),
    "soft_margin_none": lambda ns, x, y: ns.nn.SoftMarginLoss(reduction="none")(x, y.sign()),
    "multilabel_soft_margin": lambda ns, x, y: ns.nn.MultiLabelSoftMarginLoss()(x, (y > 0).float()),
    "multilabel_soft_margin_none": lambda ns, x, y: ns.nn.MultiLabelSoftMarginLoss(reduction="none")(x, (y > 0).float()),
    "margin_ranking_none": lambda ns, x, y: ns.nn.MarginRankingLoss(reduction="none")(x, y, y.sign()),
    "hinge_none": lambda ns, x, y: ns.nn.HingeEmbeddingLoss(reduction="none")(x, y.sign()),
    "cosine_none": lambda ns, x, y: ns.nn.CosineEmbeddingLoss(reduction="none")(x, y, ns.tensor([1.0, -1.0, 1.0])),
    "triplet_none": lambda ns, x, y: ns.nn.TripletMarginLoss(reduction="none")(x, y, y * 2),
    "triplet": lambda ns, x, y: ns.nn.TripletMarginLoss()(x, y, y * 2),
    "triplet_distance_none": lambda ns, x, y: ns.nn.TripletMarginWithDistanceLoss(reduction="none")(x, y, y * 2),
    "multi_margin": lambda ns, x, y: ns.nn.MultiMarginLoss()(x, ns.tensor(CLASSES)),
    "multi_margin_none": lambda ns, x, y: ns.nn.MultiMarginLoss(reduction="none")(x, ns.tensor(CLASSES)),
    "multilabel_margin": lambda ns, x, y: ns.nn.MultiLabelMarginLoss()(x, ns.tensor([[0, 1, -1, 2]] * 3)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_grad_fn_name_shape_and_value_match_torch(name):
    ours, theirs = both(CALLS[name])
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_kl_div_mean_warns_like_torch():
    for ns in (tinygrad_lr, torch):
        with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both the batch size"):
            ns.nn.functional.kl_div(ns.tensor(X), ns.tensor(Y).abs())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tinygrad_lr.nn.functional.kl_div(tinygrad_lr.tensor(X), tinygrad_lr.tensor(Y).abs(), reduction="batchmean")


def test_broadcast_target_warns_like_torch():
    for ns in (tinygrad_lr, torch):
        with pytest.warns(UserWarning, match="Using a target size .* that is different to the input size"):
            ns.nn.functional.smooth_l1_loss(ns.tensor(X), ns.tensor(Y[0]))


def _error(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
    except Exception as e:  # noqa: BLE001 - the type is compared
        return type(e), str(e)
    return None


ERRORS = [
    lambda ns: ns.nn.functional.smooth_l1_loss(ns.tensor(X), ns.tensor(Y), beta=-1),
    lambda ns: ns.nn.functional.huber_loss(ns.tensor(X), ns.tensor(Y), delta=0),
    lambda ns: ns.nn.functional.huber_loss(ns.tensor(X), ns.tensor(Y), reduction="all"),
    lambda ns: ns.nn.functional.kl_div(ns.tensor(X), ns.tensor(Y), reduction="all"),
    lambda ns: ns.nn.functional.poisson_nll_loss(ns.tensor(X), ns.tensor(Y), reduction="all"),
    lambda ns: ns.nn.functional.gaussian_nll_loss(ns.tensor(X), ns.tensor(Y), -ns.ones(3, 4)),
    lambda ns: ns.nn.functional.gaussian_nll_loss(ns.tensor(X), ns.tensor(Y), ns.ones(3, 2)),
    lambda ns: ns.nn.functional.gaussian_nll_loss(ns.tensor(X), ns.tensor(Y), ns.ones(3, 4), reduction="all"),
    lambda ns: ns.nn.functional.soft_margin_loss(ns.tensor(X), ns.tensor(Y, requires_grad=True)),
    lambda ns: ns.nn.functional.multilabel_soft_margin_loss(ns.tensor(X), ns.tensor(Y), reduction="all"),
    lambda ns: ns.nn.functional.margin_ranking_loss(ns.tensor(X), ns.tensor(Y), ns.ones(3)),
    lambda ns: ns.nn.functional.multi_margin_loss(ns.tensor(X), ns.tensor([0, 1, 5])),
    lambda ns: ns.nn.functional.multi_margin_loss(ns.tensor(X), ns.tensor([0, 1])),
    lambda ns: ns.nn.functional.multi_margin_loss(ns.tensor(X), ns.tensor(CLASSES), p=3),
    lambda ns: ns.nn.functional.multi_margin_loss(ns.tensor(X), ns.tensor(CLASSES), weight=ns.ones(2, 2)),
    lambda ns: ns.nn.MultiMarginLoss(weight=ns.ones(2, 2)),
    lambda ns: ns.nn.functional.multilabel_margin_loss(ns.tensor(X), ns.tensor([1, -1, 0, 0])),
    lambda ns: ns.nn.functional.multilabel_margin_loss(ns.tensor(X), ns.tensor([[1, -1, 0, 7]] * 3)),
    lambda ns: ns.nn.functional.cosine_embedding_loss(ns.tensor(X), ns.tensor(Y), ns.ones(3, 1)),
    lambda ns: ns.nn.functional.cosine_embedding_loss(ns.tensor(X), ns.tensor(Y), ns.tensor(1.0)),
    lambda ns: ns.nn.functional.triplet_margin_loss(ns.tensor(X), ns.tensor(Y), ns.tensor(Y[0])),
    lambda ns: ns.nn.functional.triplet_margin_loss(ns.tensor(X), ns.tensor(Y), ns.tensor(Y), margin=0),
    lambda ns: ns.nn.TripletMarginLoss(margin=-1),
    lambda ns: ns.nn.TripletMarginWithDistanceLoss(margin=0),
    lambda ns: ns.nn.functional.triplet_margin_with_distance_loss(ns.tensor(X), ns.tensor(Y), ns.tensor(Y),
                                                                  reduction="all"),
    lambda ns: ns.nn.functional.triplet_margin_with_distance_loss(ns.tensor(X), ns.tensor(Y), ns.tensor(Y[0])),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    ours, theirs = _error(lambda: ERRORS[index](tinygrad_lr)), _error(lambda: ERRORS[index](torch))
    assert theirs is not None and ours == theirs


@pytest.mark.parametrize("name,args", [
    ("SmoothL1Loss", dict(beta=0.5)), ("HuberLoss", dict(delta=2.0)), ("KLDivLoss", dict(reduction="batchmean")),
    ("PoissonNLLLoss", dict(log_input=False, full=True)), ("GaussianNLLLoss", dict(full=True, eps=1e-3)),
    ("MarginRankingLoss", dict(margin=0.5)), ("HingeEmbeddingLoss", dict(margin=2.0)),
    ("CosineEmbeddingLoss", dict(margin=0.1)), ("SoftMarginLoss", dict()), ("MultiLabelSoftMarginLoss", dict()),
    ("MultiLabelMarginLoss", dict()), ("MultiMarginLoss", dict(p=2, margin=0.5)),
    ("TripletMarginLoss", dict(margin=0.5, p=1.0, swap=True)),
])
def test_module_options_and_repr_match_torch(name, args):
    ours, theirs = getattr(tinygrad_lr.nn, name)(**args), getattr(torch.nn, name)(**args)
    assert repr(ours) == repr(theirs)
    for key in list(args) + ["reduction"]:
        assert getattr(ours, key) == getattr(theirs, key), key


def test_custom_loss_subclassing_torch_nn_modules_loss():
    """Course code writes custom losses on ``torch.nn.modules.loss._Loss``; the import path exists here too."""
    for ns in (tinygrad_lr, torch):
        class Squared(ns.nn.modules.loss._Loss):
            def forward(self, a, b):
                return ((a - b) ** 2).mean() if self.reduction == "mean" else ((a - b) ** 2).sum()
        loss = Squared(reduction="sum")
        assert repr(loss) == "Squared()" and loss.reduction == "sum"
        assert ns.nn.modules.activation.GELU is ns.nn.GELU


def test_nll_loss_2d_is_deprecated_like_torch():
    for ns in (tinygrad_lr, torch):
        with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
            loss = ns.nn.NLLLoss2d(ignore_index=1)
        assert isinstance(loss, ns.nn.NLLLoss) and loss.ignore_index == 1


def _loss_inputs(m, name: str) -> tuple:
    x = m.tensor([[0.2, 0.7, 0.1], [0.5, 0.3, 0.2]])
    y = m.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    signs = m.tensor([[1.0, -1.0, 1.0], [1.0, 1.0, -1.0]])
    table = {"CrossEntropyLoss": (x, m.tensor([1, 0])), "NLLLoss": (x, m.tensor([1, 0])),
             "MultiMarginLoss": (x, m.tensor([1, 0])), "CosineEmbeddingLoss": (x, y, m.tensor([1.0, -1.0])),
             "MarginRankingLoss": (x[:, 0], x[:, 1], m.tensor([1.0, -1.0])), "TripletMarginLoss": (x, y, y),
             "TripletMarginWithDistanceLoss": (x, y, y), "GaussianNLLLoss": (x, y, m.ones(2, 3)),
             "HingeEmbeddingLoss": (x, signs), "SoftMarginLoss": (x, signs),
             "MultiLabelMarginLoss": (x, m.tensor([[1, -1, 0], [0, 2, -1]]))}
    return table.get(name, (x, y))


@pytest.mark.parametrize("name", sorted(n for n in dir(torch.nn) if n.endswith("Loss") and hasattr(tinygrad_lr.nn, n)
                                        and "reduction" in inspect.signature(getattr(torch.nn, n)).parameters))
def test_a_bad_reduction_is_refused_when_the_loss_is_called_as_in_torch(name: str) -> None:
    """PyTorch's loss modules store any reduction string and refuse a bad one at the call."""
    outcomes = []
    for m in (tinygrad_lr, torch):
        loss = getattr(m.nn, name)(reduction="bogus")  # no error yet
        with pytest.raises(ValueError) as error:
            loss(*_loss_inputs(m, name))
        outcomes.append(str(error.value))
    assert outcomes[0] == outcomes[1] and outcomes[0].startswith("bogus is not")
