"""Top-level functions of the ``torch`` namespace that are not factories: the functional spelling of
Tensor methods (``torch.sin(x)`` is ``x.sin()``, made here for every name in ``_METHODS``), and
functions of several tensors by theme: ``joining.py`` (stacks, grids, broadcasting),
``products.py`` (``einsum``, ``tensordot``, distances), ``numeric.py`` (integration, histograms,
searching, paired moments). ``tinygrad_lr/__init__.py`` star-imports this package.
"""
from __future__ import annotations

from typing import Any

from .._repr import get_printoptions, printoptions, set_printoptions
from ..dtypes import bfloat16, finfo, iinfo
from ..tensor import Tensor
from . import joining, numeric, products
from .joining import *  # noqa: F401,F403
from .numeric import *  # noqa: F401,F403
from .products import *  # noqa: F401,F403

_METHODS = (
    "sin cos tan asin acos atan atan2 arcsin arccos arctan arctan2 sinh cosh asinh acosh atanh arcsinh arccosh "
    "arctanh deg2rad rad2deg log1p expm1 log2 log10 exp2 rsqrt reciprocal trunc fix frac erf erfc erfinv logit sgn "
    "signbit hypot fmod remainder copysign lerp floor_divide clamp_min clamp_max nan_to_num isinf isposinf isneginf "
    "isreal isclose logical_and logical_or logical_xor bitwise_and bitwise_or bitwise_xor bitwise_not "
    "bitwise_left_shift bitwise_right_shift sort argsort msort topk kthvalue median nanmedian mode cumsum cumprod "
    "cummax cummin logcumsumexp prod nansum nanmean aminmax count_nonzero unique unique_consecutive bincount histc "
    "flip fliplr flipud roll rot90 movedim moveaxis swapaxes swapdims tile scatter scatter_add "
    "scatter_reduce index_add index_copy index_fill index_put masked_select take take_along_dim nonzero argwhere "
    "norm dist diagonal diag_embed diag trace tril triu outer ger inner mv addmm addmv addbmm baddbmm kron cross "
    "bmm det inverse unbind select tensor_split hsplit vsplit dsplit split_with_sizes addcmul addcdiv addr diff "
    "logaddexp logaddexp2 xlogy fmax fmin float_power vdot quantile nanquantile cov corrcoef logdet slogdet pinverse "
    "matrix_power negative positive absolute greater greater_equal less less_equal not_equal ravel lgamma digamma sinc "
    "mvlgamma renorm masked_scatter heaviside nextafter ldexp gcd lcm frexp unflatten"
).split()


def _method(name: str) -> Any:
    method = getattr(Tensor, name)

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 - PyTorch's name
        return method(input, *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``tinygrad_lr.{name}(input, ...)`` is ``input.{name}(...)``."
    return function


for _name in _METHODS:
    globals()[_name] = _method(_name)
del _name

__all__ = list(_METHODS) + joining.__all__ + numeric.__all__ + products.__all__ + [
    "set_printoptions", "get_printoptions", "printoptions", "finfo", "iinfo", "bfloat16"]
