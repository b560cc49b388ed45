"""``torch.special``: the error function family, expit/logit, and softmax spellings."""
from __future__ import annotations

from typing import Any

from .tensor import Tensor

__all__ = ["erf", "erfc", "erfinv", "expit", "logit", "exp2", "expm1", "log1p", "log_softmax", "softmax",
           "logsumexp", "round", "sinc", "xlogy", "gammaln", "digamma", "psi", "polygamma", "ndtr", "ndtri", "log_ndtr",
           "xlog1py", "entr", "multigammaln"]


def ndtr(input: Tensor) -> Tensor:  # noqa: A002
    """Φ(x) = (1 + erf(x / √2)) / 2, the standard normal CDF."""
    import math
    x = input._float_input()
    out = (1 + (x * (1 / math.sqrt(2.0))).erf()) * 0.5
    if out.grad_fn is not None:
        out.grad_fn.torch_name = "MulBackward1"
    return out


def ndtri(input: Tensor) -> Tensor:  # noqa: A002
    """Φ⁻¹(p), the standard normal quantile."""
    from .ops.special_extra import Ndtri
    return Ndtri.apply(input._float_input())


def log_ndtr(input: Tensor) -> Tensor:  # noqa: A002
    """log Φ(x), accurate for very negative x."""
    from .ops.special_extra import LogNdtr
    return LogNdtr.apply(input._float_input())


def xlog1py(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input · log(1 + other), and 0 where input is 0."""
    from .ops.special_extra import Xlog1py
    if not isinstance(input, Tensor):
        input = other.new_tensor(input)
    a, b = input._operands(other)
    return Xlog1py.apply(a._float_input(), b._float_input())


def entr(input: Tensor) -> Tensor:  # noqa: A002
    """−x ln x (0 at 0, −inf for x < 0): elementwise entropy."""
    from .ops.special_extra import Entr
    return Entr.apply(input._float_input())


def multigammaln(input: Tensor, p: int) -> Tensor:  # noqa: A002
    return input.mvlgamma(p)


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


def round(input: Tensor, decimals: Any = None) -> Tensor:  # noqa: A001,A002
    return input.round() if decimals is None else input.round(decimals=decimals)


def sinc(input: Tensor) -> Tensor:  # noqa: A002
    """sin(πx) / (πx), and 1 at x = 0."""
    return input.sinc()
