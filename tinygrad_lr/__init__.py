"""tinygrad_lr: a small autograd framework on NumPy (CuPy on CUDA) with PyTorch's API.

``import tinygrad_lr as torch`` and lecture code written for PyTorch runs and prints the same
numbers. Read in this order: ``dtypes`` and ``backend`` (what an array is and where it lives),
``autograd`` (graph nodes and the backward engine), ``ops/`` (each op's forward and backward),
``tensor`` (the user-facing Tensor, with its method groups in ``tensor_shape``, ``tensor_reduce``,
``tensor_indexing`` and ``tensor_inplace``), then ``nn``, ``optim`` and ``utils.data`` on top.
"""
from __future__ import annotations

from typing import Any

from . import cuda, dtypes
from . import autograd  # noqa: F401 - torch.autograd (Function, grad, gradcheck, ...)
from .autograd import (enable_grad, inference_mode, is_anomaly_check_nan_enabled, is_anomaly_enabled,  # noqa: F401
                       is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled)
from .backend import device
from .creation import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, HalfTensor, ShortTensor,  # noqa: F401
                       FloatTensor, IntTensor, LongTensor, arange, as_tensor,
                       empty, empty_like, eye, from_numpy, full, full_like, linspace, normal, ones,
                       ones_like, rand, rand_like, randint, randn, randn_like, randperm, tensor, zeros,
                       zeros_like)
from .dtypes import (bool_ as bool, double, dtype, float16, float32, float64, get_default_dtype, half,  # noqa: A004
                     int8, int16, int32, int64, long, set_default_dtype, short, uint8)
from .dtypes import float as float  # noqa: A004 - torch.float
from .dtypes import int as int  # noqa: A004 - torch.int
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .random.factories import bernoulli, multinomial, randint_like
from . import random  # noqa: F401 - tinygrad_lr.random.fork_rng, as torch.random
from .shapes import Size
from .tensor import Tensor, where
from .tensor_shape import cat, stack
from .functions import *  # noqa: F401,F403 - torch.sin, torch.einsum, torch.set_printoptions, ...
from . import linalg, special  # noqa: E402
from . import distributions  # noqa: E402,F401 - torch.distributions (Normal, Bernoulli, Categorical)

__version__ = "0.1.0"

# torch.pi, torch.e, torch.inf, torch.nan: plain Python floats, as in PyTorch (math's constants)
from math import e, inf, nan, pi  # noqa: E402,F401

concat = concatenate = cat


def _method(name: str) -> Any:
    """``tinygrad_lr.exp(x)`` is ``x.exp()``: the functional spelling of a Tensor method."""
    method = getattr(Tensor, name)

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 - PyTorch's name
        return method(input, *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``tinygrad_lr.{name}(input, ...)`` is ``input.{name}(...)``."
    return function


for _name in ("exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "square", "round", "floor", "ceil", "sign", "sum", "mean", "max", "min",
              "amax", "amin", "argmax", "argmin", "var", "std", "logsumexp", "softmax", "log_softmax",
              "matmul", "mm", "dot", "transpose", "permute", "reshape", "flatten", "squeeze", "unsqueeze",
              "clamp", "clip", "maximum", "minimum", "pow", "add", "sub", "mul", "div", "neg", "gather",
              "t", "eq", "ne", "gt", "ge", "lt", "le", "isnan", "isfinite", "chunk", "split", "clone",
              "detach", "numel", "allclose", "equal", "index_select", "masked_fill", "narrow", "multiply",
              "subtract", "divide", "true_divide", "logical_not", "all", "any"):
    globals()[_name] = _method(_name)
del _name


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(t: Tensor) -> bool:
    return t.dtype.is_floating_point


from . import nn, optim, utils  # noqa: E402  (the layers above the Tensor)
from . import jit  # noqa: E402  (torch.jit.ScriptModule for tools; no TorchScript)
from .serialization import load, save  # noqa: E402
from . import backends, hub  # noqa: E402  (torch.backends.cudnn flags; torch.hub's offline checkpoint cache)
from .process import (are_deterministic_algorithms_enabled, compile, get_float32_matmul_precision,  # noqa: E402,A004
                      get_num_interop_threads, get_num_threads, is_deterministic_algorithms_warn_only_enabled,
                      set_float32_matmul_precision, set_num_interop_threads, set_num_threads,
                      use_deterministic_algorithms)

from . import numpy_names as _numpy_names  # noqa: E402  (axis= / keepdims= as PyTorch's parser takes them)
_numpy_names.install(Tensor, globals())
# PyTorch names these classes by the package (``<class 'torch.Tensor'>``, ``torch.dtype``), not by their file.
for _cls in (Tensor, dtype, device, Size):
    _cls.__module__ = "tinygrad_lr"
del _cls
