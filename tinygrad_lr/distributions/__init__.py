"""``torch.distributions``, the part later chapters use: ``Normal`` (VAEs: ``rsample``, ``log_prob``,
``kl_divergence``), ``Bernoulli`` and ``Categorical`` (policies, sampling tokens), with PyTorch's
random draws, shapes, validation and messages. Other distributions are not here yet."""
from . import constraints  # noqa: F401
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .kl import kl_divergence, register_kl
from .normal import Normal

__all__ = ["Bernoulli", "Categorical", "Distribution", "Normal", "constraints", "kl_divergence", "register_kl"]
