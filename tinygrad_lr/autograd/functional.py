"""``torch.autograd.functional``: Jacobians and vector-Jacobian products of a whole function.

Both run the function once on detached copies of the inputs that require grad, then ask
``autograd.grad`` for the rows they need: ``vjp`` one backward pass with ``v`` as the upstream
gradient (vᵀ J), ``jacobian`` one pass per output element j with the one-hot upstream e_j, which gives
row j of J = ∂out/∂in; the rows are stacked into shape ``out.shape + in.shape``. An input an output does
not depend on gets a zero block (an error with ``strict=True``), as in PyTorch. Higher-order products
(``create_graph=True``, ``hessian``, ``jvp``, which PyTorch computes by double backward) are not
supported: they raise NotImplementedError.
"""
from __future__ import annotations

from typing import Any, Callable

from .engine import grad
from .grad_mode import enable_grad, set_grad_enabled, is_grad_enabled


def _as_tuple(value: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    """(was it a tuple, the tensors as a tuple), with PyTorch's TypeError for anything else."""
    from ..tensor import Tensor
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"{where} has type {type(item)}.")
    return is_tuple, items


def _check_outputs(outputs: tuple, strict: bool) -> None:
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The outputs "
                                   "must be computed in a differentiable manner from the input when running in strict mode.")


def _refuse_create_graph(create_graph: bool, fn_name: str) -> None:
    if create_graph:
        raise NotImplementedError(f"torch.autograd.functional.{fn_name}(create_graph=True) needs higher-order "
                                  "gradients, which are not supported")


def _grads(outputs: tuple, inputs: tuple, upstream: tuple) -> tuple:
    """autograd.grad over the outputs that require grad (None for every input when none does)."""
    pairs = [(o, g) for o, g in zip(outputs, upstream) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True, allow_unused=True)


def _run(func: Callable, inputs: Any, fn_name: str, strict: bool) -> tuple:
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
        inputs = tuple(x.detach().requires_grad_(True) for x in inputs)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
        _check_outputs(outputs, strict)
    return is_inputs_tuple, inputs, is_outputs_tuple, outputs


def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """``(func(*inputs), vᵀ J)``: the outputs (detached) and one backward pass with ``v`` upstream."""
    _refuse_create_graph(create_graph, "vjp")
    is_inputs_tuple, inputs, is_outputs_tuple, outputs = _run(func, inputs, "vjp", strict)
    if v is not None:
        _, v = _as_tuple(v, "v", "vjp")
        v = tuple(t.detach() for t in v)
        if len(v) != len(outputs):
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(outputs)} but got {len(v)}."
                               if is_outputs_tuple else "The given v should contain a single Tensor.")
        for i, (vi, out) in enumerate(zip(v, outputs)):
            if vi.size() != out.size():
                prefix = f"Entry {i} in " if is_outputs_tuple else ""
                raise RuntimeError(f"{prefix}v has invalid size: should be {out.size()} but got {vi.size()}.")
    elif len(outputs) != 1 or outputs[0].nelement() != 1:
        raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                           "with a single element.")
    else:
        v = (None,)
    with set_grad_enabled(is_grad_enabled()):
        result = []
        for i, (g, x) in enumerate(zip(_grads(outputs, inputs, v), inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"The output of the user-provided function is independent of input {i}. "
                                       "This is not allowed in strict mode.")
                g = x.detach().new_zeros(x.shape)
            result.append(g)
    outputs = tuple(o.detach() for o in outputs)
    return (outputs if is_outputs_tuple else outputs[0]), (tuple(result) if is_inputs_tuple else result[0])


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """J[i][j] = ∂outputs[i]/∂inputs[j] of shape ``outputs[i].shape + inputs[j].shape``, one
    backward pass per output element (``vectorize`` only batches those passes in PyTorch: same values)."""
    from ..tensor_shape import stack
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        raise NotImplementedError('torch.autograd.functional.jacobian(strategy="forward-mode") is not supported '
                                  '(forward-mode AD); "reverse-mode" gives the same values')
    if vectorize and strict:
        raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                           "supported together. Please either set `strict=False` or `vectorize=False`.")
    _refuse_create_graph(create_graph, "jacobian")
    is_inputs_tuple, inputs, is_outputs_tuple, outputs = _run(func, inputs, "jacobian", strict)
    jac = []
    for i, out in enumerate(outputs):
        rows: list[list] = [[] for _ in inputs]
        for j in range(out.nelement()):
            with enable_grad():  # the element picked from out must stay in the graph, as in PyTorch
                grads = _grads((out.reshape(-1)[j],), inputs, (None,))
            for k, (g, x) in enumerate(zip(grads, inputs)):
                if g is None:
                    if strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is independent of input {k}. "
                                           "This is not allowed in strict mode.")
                    g = x.detach().new_zeros(x.shape)
                rows[k].append(g)
        jac.append(tuple(stack(r, dim=0).view(out.size() + x.size()) if r else
                         x.detach().new_zeros(out.size() + x.size()) for r, x in zip(rows, inputs)))
    if not is_outputs_tuple:
        return jac[0] if is_inputs_tuple else jac[0][0]
    return tuple(row if is_inputs_tuple else row[0] for row in jac)


def _higher_order(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"torch.autograd.functional.{name} needs higher-order gradients (PyTorch computes it "
                                  "by a double backward), which are not supported")
    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"``{name}``: refused with NotImplementedError (it needs a double backward)."
    return refuse


hessian, hvp, vhp, jvp = (_higher_order(n) for n in ("hessian", "hvp", "vhp", "jvp"))
