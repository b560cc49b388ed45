"""Trigonometric and hyperbolic functions and their inverses, and ``atan2``/``hypot``.

Each backward is the textbook derivative times ``out_grad``. Constants are Python numbers, so a
float32 input stays float32 (NumPy treats Python numbers as "weak").
"""
from __future__ import annotations

from ..autograd import Op


class Sin(Op):
    """out = sin a;  d/da = cos a"""
    torch_name = "SinBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.sin(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * self.xp.cos(a)


class Cos(Op):
    """out = cos a;  d/da = -sin a"""
    torch_name = "CosBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.cos(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return -out_grad * self.xp.sin(a)


class Tan(Op):
    """out = tan a;  d/da = 1 + tan² a = 1 + out²"""
    torch_name = "TanBackward0"

    def forward(self, a):
        out = self.xp.tan(a)
        self.save(out)
        return out

    def backward(self, out_grad):
        (out,) = self.saved
        return out_grad * (1 + out * out)


class Asin(Op):
    """out = arcsin a;  d/da = 1 / √(1 - a²)"""
    torch_name = "AsinBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.arcsin(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / self.xp.sqrt(1 - a * a)


class Acos(Op):
    """out = arccos a;  d/da = -1 / √(1 - a²)"""
    torch_name = "AcosBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.arccos(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return -out_grad / self.xp.sqrt(1 - a * a)


class Atan(Op):
    """out = arctan a;  d/da = 1 / (1 + a²)"""
    torch_name = "AtanBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.arctan(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / (1 + a * a)


class Sinh(Op):
    """out = sinh a;  d/da = cosh a"""
    torch_name = "SinhBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.sinh(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * self.xp.cosh(a)


class Cosh(Op):
    """out = cosh a;  d/da = sinh a"""
    torch_name = "CoshBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.cosh(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad * self.xp.sinh(a)


class Asinh(Op):
    """out = arsinh a;  d/da = 1 / √(a² + 1)"""
    torch_name = "AsinhBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.arcsinh(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / self.xp.sqrt(a * a + 1)


class Acosh(Op):
    """out = arcosh a (a >= 1);  d/da = 1 / √(a² - 1)"""
    torch_name = "AcoshBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.arccosh(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / self.xp.sqrt((a - 1) * (a + 1))


class Atanh(Op):
    """out = artanh a (|a| < 1);  d/da = 1 / (1 - a²)"""
    torch_name = "AtanhBackward0"

    def forward(self, a):
        self.save(a)
        return self.xp.arctanh(a)

    def backward(self, out_grad):
        (a,) = self.saved
        return out_grad / (1 - a * a)


class Atan2(Op):
    """out = atan2(a, b), the angle of the point (b, a);
    d/da = b / (a² + b²),  d/db = -a / (a² + b²)

    As in PyTorch, 1 / (a² + b²) is taken as 0 where it is infinite (at the origin, or where a² + b²
    underflows): the gradient there is 0, not NaN."""
    torch_name = "Atan2Backward0"

    def forward(self, a, b):
        self.save(a, b)
        return self.xp.arctan2(a, b)

    def backward(self, out_grad):
        a, b = self.saved
        recip = 1 / (a * a + b * b)
        recip = self.xp.where(self.xp.isinf(recip), 0, recip).astype(recip.dtype, copy=False)
        return out_grad * b * recip, out_grad * -a * recip


class Hypot(Op):
    """out = √(a² + b²) (computed without overflow by NumPy);  d/da = a / out,  d/db = b / out"""
    torch_name = "HypotBackward0"

    def forward(self, a, b):
        out = self.xp.hypot(a, b)
        self.save(a, b, out)
        return out

    def backward(self, out_grad):
        a, b, out = self.saved
        scale = out_grad / out
        return scale * a, scale * b


class Deg2Rad(Op):
    """out = a · π/180;  d/da = π/180"""
    torch_name = "Deg2RadBackward0"

    def forward(self, a):
        return self.xp.deg2rad(a)

    def backward(self, out_grad):
        return out_grad * 0.017453292519943295


class Rad2Deg(Op):
    """out = a · 180/π;  d/da = 180/π"""
    torch_name = "Rad2DegBackward0"

    def forward(self, a):
        return self.xp.rad2deg(a)

    def backward(self, out_grad):
        return out_grad * 57.29577951308232
