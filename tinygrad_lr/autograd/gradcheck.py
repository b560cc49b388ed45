"""``torch.autograd.gradcheck``: compare the engine's Jacobian with central differences.

For every differentiable input x and output y it builds two Jacobians, indexed
[element of x, element of y] as PyTorch prints them:

* analytical: row by row from ``autograd.grad`` with a one-hot upstream gradient per element of y;
* numerical:  (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps), perturbing one element of x at a time.

They must agree within ``atol + rtol·|numerical|`` (``allclose``). Use float64 inputs: in float32
the differences are swamped by rounding, which is why PyTorch warns about other dtypes.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np

from .engine import grad as _grad
from .grad_mode import no_grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when the Jacobians differ (``raise_exception=True``)."""


def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-06, atol: float = 1e-05,
              rtol: float = 0.001, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True, fast_mode: bool = False,
              masked: bool | None = None) -> bool:
    """True when ``func``'s gradients at ``inputs`` match finite differences (else raise
    ``GradcheckError``, or return False with ``raise_exception=False``).

    ``fast_mode`` runs the full check (it is stricter); the batched and forward-mode checks are
    not supported. ``nondet_tol``, ``check_undefined_grad`` and ``check_grad_dtypes`` are accepted
    and have nothing to check here (the engine is deterministic and keeps dtypes)."""
    from ..tensor import Tensor
    for name, value in (("check_batched_grad", check_batched_grad), ("check_batched_forward_grad",
                        check_batched_forward_grad), ("check_forward_ad", check_forward_ad), ("masked", masked)):
        if value:
            raise NotImplementedError(f"gradcheck: {name}=True is not supported")
    tupled = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    differentiable = [t for t in tupled if isinstance(t, Tensor) and t.requires_grad]
    if not differentiable:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the "
                         "them have requires_grad=True.")
    for i, t in enumerate(tupled):
        if isinstance(t, Tensor) and t.requires_grad and t._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or "
                          "complex. This check will likely fail if all the inputs are not of double precision "
                          "floating point or complex. ", stacklevel=2)
    if not check_backward_ad:
        return True
    outputs = _float_outputs(func(*tupled))
    analytical = _analytical(outputs, differentiable)
    numerical = _numerical(func, tupled, differentiable, len(outputs), eps)
    for j in range(len(outputs)):
        for i, x in enumerate(differentiable):
            a, n = analytical[j][i], numerical[j][i]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                index = next(k for k, t in enumerate(tupled) if t is x)
                message = (f"Jacobian mismatch for output {j} with respect to input {index},\n"
                           f"numerical:{_show(n, x)}\nanalytical:{_show(a, x)}\n")
                if raise_exception:
                    raise GradcheckError(message)
                return False
    return True


def gradgradcheck(*args: Any, **kwargs: Any) -> bool:
    raise NotImplementedError("gradgradcheck needs higher-order gradients (create_graph=True), "
                              "which are not supported")


def _float_outputs(result: Any) -> list:
    results = list(result) if isinstance(result, (tuple, list)) else [result]
    return [r for r in results if r.dtype.is_floating_point]


def _analytical(outputs: Sequence[Any], inputs: Sequence[Any]) -> list[list[np.ndarray]]:
    """jacobian[j][i][m, k] = d output_j[k] / d input_i[m], one backward per output element."""
    from ..tensor import Tensor
    jacobians = []
    for out in outputs:
        per_input = [np.zeros((x.numel(), out.numel())) for x in inputs]
        for k in range(out.numel() if out.requires_grad else 0):
            seed = np.zeros(out.numel(), dtype=out._data.dtype)
            seed[k] = 1
            upstream = Tensor._wrap(out._xp.asarray(seed.reshape(out.shape)), out.device)
            grads = _grad(out, list(inputs), upstream, retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    per_input[i][:, k] = np.asarray(g.detach().cpu()._data, dtype=np.float64).reshape(-1)
        jacobians.append(per_input)
    return jacobians


def _numerical(func: Callable, tupled: tuple, inputs: Sequence[Any], n_outputs: int,
               eps: float) -> list[list[np.ndarray]]:
    """Central differences, one input element at a time, perturbed in the input's own memory."""
    jacobians: list[list[Any]] = [[None] * len(inputs) for _ in range(n_outputs)]
    with no_grad():
        for i, x in enumerate(inputs):
            flat_positions = list(np.ndindex(*x.shape))
            columns: list[list[np.ndarray]] = [[] for _ in range(n_outputs)]
            for position in flat_positions:
                original = x._data[position].item()
                x._data[position] = original + eps
                plus = [np.asarray(o.cpu()._data, dtype=np.float64).reshape(-1) for o in _float_outputs(func(*tupled))]
                x._data[position] = original - eps
                minus = [np.asarray(o.cpu()._data, dtype=np.float64).reshape(-1) for o in _float_outputs(func(*tupled))]
                x._data[position] = original
                for j in range(n_outputs):
                    columns[j].append((plus[j] - minus[j]) / (2 * eps))
            for j in range(n_outputs):
                jacobians[j][i] = np.stack(columns[j]) if columns[j] else np.zeros((0, 0))
    return jacobians


def _show(jacobian: np.ndarray, like: Any) -> str:
    from ..tensor import Tensor
    return repr(Tensor._wrap(jacobian.astype(like._data.dtype)))
