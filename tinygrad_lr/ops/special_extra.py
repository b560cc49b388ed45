"""``torch.special`` functions with their own gradients: the normal distribution's quantile and
log-CDF (ndtri, log_ndtr), xlog1py and entr.

Φ(x) = (1 + erf(x/√2)) / 2 is the standard normal CDF and φ(x) = e^(-x²/2) / √(2π) its density.
"""
from __future__ import annotations

import math

from ..autograd import Op
from ..backend import erf_family
from .elementwise import _quiet

SQRT2, SQRT_2PI = math.sqrt(2.0), math.sqrt(2.0 * math.pi)


class Ndtri(Op):
    """out = Φ⁻¹(p) = √2 erf⁻¹(2p − 1);  d/dp = 1 / φ(out) = √(2π) e^(out²/2)"""
    torch_name = "SpecialNdtriBackward0"

    def forward(self, p):
        out = SQRT2 * erf_family(self.xp, "erfinv", 2 * p - 1)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return out_grad * (SQRT_2PI * self.xp.exp(out * out / 2))


class LogNdtr(Op):
    """out = log Φ(x), computed as log(erfc(−x/√2) / 2), which keeps its precision far into the
    left tail;  d/dx = φ(x) / Φ(x) = e^(−x²/2 − out) / √(2π)"""
    torch_name = "SpecialLogNdtrBackward0"

    def forward(self, x):
        with _quiet(self.xp):
            out = self.xp.log(erf_family(self.xp, "erfc", -x / SQRT2) / 2)
        self.save(x, out)
        return out

    def backward(self, out_grad):
        x, out = self.saved
        return out_grad * (self.xp.exp(-x * x / 2 - out) / SQRT_2PI)


class Xlog1py(Op):
    """out = x · log(1 + y) (0 where x == 0);  d/dx = log(1 + y), d/dy = x / (1 + y)"""
    torch_name = "SpecialXlog1PyBackward0"

    def forward(self, x, y):
        xp = self.xp
        with _quiet(xp):
            log1p_y = xp.log1p(y)
            out = xp.where(x == 0, 0, x * log1p_y).astype(x.dtype, copy=False)
        self.save(x, y, log1p_y)
        return xp.where(xp.isnan(y), y, out)

    def backward(self, out_grad):
        x, y, log1p_y = self.saved
        xp = self.xp
        with _quiet(xp):
            grad_x = xp.where((x == 0) & (y <= -1), 0, out_grad * log1p_y)
            return grad_x, out_grad * x / (1 + y)


class Entr(Op):
    """out = −x ln x for x > 0, 0 at 0, −inf for x < 0;  d/dx = −(ln x + 1)"""
    torch_name = "SpecialEntrBackward0"

    def forward(self, x):
        xp = self.xp
        with _quiet(xp):
            out = xp.where(x > 0, -x * xp.log(xp.where(x > 0, x, 1)), xp.where(x == 0, 0, -math.inf))
        self.save(x)
        return out.astype(x.dtype, copy=False)

    def backward(self, out_grad):
        (x,) = self.saved
        with _quiet(self.xp):
            return out_grad * -(self.xp.log(x) + 1)
