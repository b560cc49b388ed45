"""``torch.special``: the error function family, expit/logit, and softmax spellings."""
from __future__ import annotations

from typing import Any

from .tensor import Tensor

__all__ = ["erf", "erfc", "erfinv", "expit", "logit", "exp2", "expm1", "log1p", "log_softmax", "softmax",
           "logsumexp", "round", "sinc", "xlogy", "gammaln", "digamma", "psi", "polygamma"]


def gammaln(input: Tensor) -> Tensor:  # noqa: A002
    """log |Γ(x)|"""
    return input.lgamma()


def digamma(input: Tensor) -> Tensor:  # noqa: A002
    """ψ(x) = d log Γ(x) / dx"""
    return input.digamma()


psi = digamma


def polygamma(n: int, input: Tensor) -> Tensor:  # noqa: A002
    return input.polygamma(n)


def xlogy(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input · log(other), and 0 where input is 0."""
    return input.xlogy(other) if isinstance(input, Tensor) else other.new_tensor(input).xlogy(other)


def erf(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    return input.erf()


def erfc(input: Tensor) -> Tensor:  # noqa: A002
    return input.erfc()


def erfinv(input: Tensor) -> Tensor:  # noqa: A002
    return input.erfinv()


def expit(input: Tensor) -> Tensor:  # noqa: A002
    """The logistic sigmoid 1 / (1 + e^-x)."""
    return input.sigmoid()


def logit(input: Tensor, eps: float | None = None) -> Tensor:  # noqa: A002
    return input.logit(eps)


def exp2(input: Tensor) -> Tensor:  # noqa: A002
    return input.exp2()


def expm1(input: Tensor) -> Tensor:  # noqa: A002
    return input.expm1()


def log1p(input: Tensor) -> Tensor:  # noqa: A002
    return input.log1p()


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


def softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:  # noqa: A002
    return input.logsumexp(dim, keepdim)


def round(input: Tensor) -> Tensor:  # noqa: A001,A002
    return input.round()


def sinc(input: Tensor) -> Tensor:  # noqa: A002
    """sin(πx) / (πx), and 1 at x = 0."""
    return input.sinc()
