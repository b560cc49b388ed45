"""``nn.init``: fill a weight tensor in place with a starting distribution.

Every function writes into the tensor's array under ``no_grad`` (an init is not part of the
graph) and returns the same tensor, so ``nn.init.zeros_(layer.bias)`` works on a Parameter.

The scaled initializations keep the variance of activations roughly constant through the layers:
Xavier/Glorot uses std = gain·√(2 / (fan_in + fan_out)); Kaiming/He uses std = gain / √fan.
A uniform U(−b, b) has std b/√3, hence the bound b = √3·std.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from ..autograd import no_grad
from ..tensor import Tensor


def calculate_gain(nonlinearity: str, param: Any = None) -> float:
    """The factor by which ``nonlinearity`` shrinks the standard deviation, compensated at init."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """fan_in = inputs feeding one output unit, fan_out = outputs fed by one input unit.

    A Linear weight is (out_features, in_features); conv weights multiply both by the kernel size.
    """
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = 1
    for s in tensor.shape[2:]:
        receptive_field *= s
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Any = None) -> Tensor:
    """U(−b, b) with b = √3 · gain / √fan.

    ``nn.Linear`` uses a=√5: gain = √(2 / (1 + 5)) = √(1/3), so b = 1/√fan_in.
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Any = None) -> Tensor:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Any = None) -> Tensor:
    """N(mean, std²) restricted to [a, b], by rejection as PyTorch does it.

    When [a, b] holds more than 30% of the mass, draw normals and redraw the whole tensor, keeping
    the new values only where the old ones fell outside, until none do (bit-exact with PyTorch).
    Otherwise PyTorch proposes uniforms on [a, b] and accepts with the normal density; that branch
    compares NumPy's float32 ``log`` with the density where PyTorch uses its own vectorised ``log``:
    equal in the tests, but a last-bit difference in a log could flip one acceptance.
    """
    def norm_cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    with no_grad():
        data = tensor._data
        if norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std) > 0.3:
            low, high = data.dtype.type(a), data.dtype.type(b)  # the bounds in the tensor's dtype
            tensor.normal_(mean, std, generator=generator)
            while True:
                outside = (data < low) | (data > high)
                if not outside.any():
                    return tensor
                fresh = Tensor._wrap(tensor._xp.empty_like(data), tensor.device).normal_(mean, std, generator=generator)
                data[outside] = fresh._data[outside]
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2
        candidates = tensor._xp.empty_like(data)
        accept = Tensor._wrap(tensor._xp.empty_like(data), tensor.device)
        tensor.uniform_(a, b, generator=generator)
        log_density = lambda x: ((x - mean) / std) ** 2 * -0.5 - log_peak  # noqa: E731
        pending = tensor._xp.log(accept.uniform_(generator=generator)._data) > log_density(data)
        while pending.any():
            proposal = Tensor._wrap(candidates, tensor.device).uniform_(a, b, generator=generator)._data
            data[pending] = proposal[pending]
            retry = tensor._xp.log(accept.uniform_(generator=generator)._data) > log_density(proposal)
            pending = pending & retry
        return tensor


def eye_(tensor: Tensor) -> Tensor:
    """The identity matrix (ones on the diagonal of a 2-D tensor)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        tensor._data[...] = tensor._xp.eye(*tensor.shape, dtype=tensor._data.dtype)
    return tensor


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """A convolution kernel that passes its input through: a 1 at the centre of channel d → d."""
    dimensions = tensor.ndim
    if dimensions not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if tensor.shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = tensor.shape[0] // groups
    centre = tuple(s // 2 for s in tensor.shape[2:])
    with no_grad():
        tensor.zero_()
        for g in range(groups):
            for d in range(min(out_per_group, tensor.shape[1])):
                tensor._data[(g * out_per_group + d, d) + centre] = 1
    return tensor


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Any = None) -> Tensor:
    """A (semi-)orthogonal matrix: Q of the QR factorisation of a normal matrix, signs fixed by R.

    The normals are PyTorch's bit for bit; the QR is NumPy's LAPACK (in float64) rather than
    PyTorch's (MKL, in the tensor's dtype), so the result agrees to rounding, not to the bit.
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flattened = Tensor._wrap(tensor._xp.empty((rows, cols), dtype=tensor._data.dtype), tensor.device)
    matrix = flattened.normal_(0, 1, generator=generator)._data
    if rows < cols:
        matrix = matrix.T
    q, r = tensor._xp.linalg.qr(matrix)
    q = q * tensor._xp.sign(tensor._xp.diag(r))  # make R's diagonal positive: Q is then unique
    if rows < cols:
        q = q.T
    with no_grad():
        tensor._data[...] = (q.astype(tensor._data.dtype) * tensor._data.dtype.type(gain)).reshape(tensor.shape)
    return tensor


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Any = None) -> Tensor:
    """N(0, std²) with a fraction ``sparsity`` of every column set to zero.

    As in PyTorch, the normals use ``generator`` but the zeroed rows come from ``randperm`` on
    the global generator, one permutation per column.
    """
    from ..random.factories import randperm
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        for column in range(cols):
            zero_rows = randperm(rows)._data[:num_zeros]
            tensor._data[zero_rows, column] = 0
    return tensor


def _deprecated_alias(method: Any) -> Any:
    """PyTorch's old names without the trailing underscore (``nn.init.normal``): the same fill, with its FutureWarning."""
    new_name = method.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.", FutureWarning,
                      stacklevel=2)
        return method(*args, **kwargs)

    deprecated_init.__name__ = old_name
    return deprecated_init



def _default_layer_init(weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's default init of ``Linear`` and the convolutions (their ``reset_parameters``):
    ``kaiming_uniform_(a=√5)``, i.e. U(±√(1/fan_in)), then the bias from U(±1/√fan_in); the
    weight draws first, which decides the random stream's order."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)


uniform, normal, constant, eye, dirac = (_deprecated_alias(f) for f in (uniform_, normal_, constant_, eye_, dirac_))
xavier_uniform, xavier_normal = _deprecated_alias(xavier_uniform_), _deprecated_alias(xavier_normal_)
kaiming_uniform, kaiming_normal = _deprecated_alias(kaiming_uniform_), _deprecated_alias(kaiming_normal_)
orthogonal, sparse = _deprecated_alias(orthogonal_), _deprecated_alias(sparse_)
