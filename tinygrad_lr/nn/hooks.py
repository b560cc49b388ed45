"""Module hooks: what ``Module.__call__`` does when any hook is registered.

Forward hooks are plain calls around ``forward``: pre-hooks may replace the arguments, forward
hooks may replace the output. Backward hooks need the gradients *at the module's border*, which no
op of the module sees, so (as PyTorch does) the call puts an identity node on each side:

    args ──[BackwardHookFunction]── forward(...) ──[BackwardHookFunction]── output

The output-side node receives ∂L/∂output first (the engine's topological order guarantees it
runs before anything inside the module): it runs the backward *pre*-hooks (which may replace
grad_output) and remembers grad_output. The input-side node then receives ∂L/∂input and runs the
full backward hooks with (grad_input, grad_output); they may replace grad_input. Identity's
gradient is the gradient itself, so without hooks nothing changes.

Our nodes have one output, so several tensors on one side go through one node as one flat
array (concatenated), and the module sees views of it: then a single backward call holds the
gradients of all of them together, as the hooks need.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

from ..autograd import Op, is_grad_enabled
from ..tensor import Tensor


class BackwardHookFunction(Op):
    """out = the inputs (flattened and joined when there are several);  d/dx = 1, and backward
    hands the gradient pieces to ``on_grads``, which calls the hooks and may replace them."""
    torch_name = "BackwardHookFunctionBackward"
    # Its output aliases its input, and changing it in place would bypass the hooks: PyTorch refuses
    inplace_error = ("Output 0 of BackwardHookFunction is a view and is being modified inplace. This view was "
                     "created inside a custom Function (or because an input was returned as-is) and the autograd "
                     "logic to handle view+inplace would override the custom backward associated with the custom "
                     "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by "
                     "cloning the output of the custom Function.")

    def forward(self, *arrays, on_grads: Callable):
        self.save(on_grads, [a.shape for a in arrays])
        if len(arrays) == 1:
            return arrays[0]
        return self.xp.concatenate([a.reshape(-1) for a in arrays])

    def backward(self, out_grad):
        on_grads, shapes = self.saved
        pieces, start = [], 0
        for shape in shapes:
            size = 1
            for n in shape:
                size *= n
            pieces.append(out_grad if len(shapes) == 1 else out_grad[start:start + size].reshape(shape))
            start += size
        return tuple(on_grads(pieces))


class BackwardHookState:
    """One call's link between the output-side and the input-side node."""

    def __init__(self, module: Any, full_hooks: Sequence[Callable], pre_hooks: Sequence[Callable]) -> None:
        self.module, self.full_hooks, self.pre_hooks = module, list(full_hooks), list(pre_hooks)
        self.grad_outputs: tuple | None = None
        self.n_inputs = 0
        self.input_positions: list[int] | None = None  # None: no input requires grad
        self.input_zeros: list[tuple[int, Tensor]] = []  # tensor inputs that need no grad: theirs is 0
        self.n_outputs = 0
        self.output_positions: list[int] = []

    def _wrap_side(self, values: Sequence[Any], on_grads: Callable) -> tuple[list[Any], list[int] | None]:
        """Route the tensors among ``values`` that require grad through one hook node. The others
        stay as they are (PyTorch marks them non-differentiable: they get no history here)."""
        routed = [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
        if not (routed and is_grad_enabled()):
            return list(values), None
        tensors = [values[i] for i in routed]
        if len({t.dtype for t in tensors}) > 1:
            raise NotImplementedError("Module backward hooks: tensors of different dtypes that require grad on one "
                                      "side of a module are not supported")
        joined = BackwardHookFunction.apply(*tensors, on_grads=on_grads)
        out, start = list(values), 0
        for i, t in zip(routed, tensors):
            if len(tensors) == 1:
                out[i] = joined
            else:
                out[i] = joined[start:start + t.numel()].view(t.shape)
            start += t.numel()
        return out, routed

    def setup_input(self, args: tuple) -> tuple:
        new_args, self.input_positions = self._wrap_side(args, self._on_input_grads)
        self.n_inputs = len(args)
        routed = self.input_positions or []
        self.input_zeros = [(i, a) for i, a in enumerate(args) if isinstance(a, Tensor) and i not in routed]
        return tuple(new_args)

    def setup_output(self, result: Any) -> Any:
        single = not isinstance(result, tuple)
        values = (result,) if single else result
        new_values, positions = self._wrap_side(values, self._on_output_grads)
        self.n_outputs, self.output_positions = len(values), positions or []
        return new_values[0] if single else tuple(new_values)

    def _on_output_grads(self, arrays: list[Any]) -> list[Any]:
        grads = _as_tensors(self.output_positions, arrays, self.n_outputs)
        for hook in self.pre_hooks:
            replaced = hook(self.module, grads)
            if replaced is None:
                continue
            replaced = replaced if isinstance(replaced, tuple) else (replaced,)
            if len(replaced) != len(grads):
                raise RuntimeError("Backward pre hook returned an invalid number of grad_output, "
                                   f"got {len(replaced)}, but expected {len(grads)}")
            grads = replaced
        self.grad_outputs = grads
        if self.input_positions is None:  # nothing upstream will call the full hooks: call them here
            if self.full_hooks:
                warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                              "outputs since no inputs require gradients. See "
                              "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                              "#torch.nn.Module.register_full_backward_hook for more details.", stacklevel=2)
            for hook in self.full_hooks:
                result = hook(self.module, (None,) * self.n_inputs, grads)
                if result is not None and not (isinstance(result, tuple) and all(r is None for r in result)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
            self.grad_outputs = None
        return [_array_or_none(grads[i]) for i in self.output_positions]

    def _on_input_grads(self, arrays: list[Any]) -> list[Any]:
        packed = list(_as_tensors(self.input_positions, arrays, self.n_inputs))
        for i, tensor in self.input_zeros:  # as PyTorch: a zero gradient, not None, for these
            packed[i] = Tensor._wrap(tensor._xp.zeros(tensor.shape, dtype=tensor._data.dtype), tensor.device)
        grads = tuple(packed)
        if self.grad_outputs is None:  # the gradient reached the inputs without passing the output
            return list(arrays)
        for hook in self.full_hooks:
            replaced = hook(self.module, grads, self.grad_outputs)
            if replaced is None:
                continue
            replaced = replaced if isinstance(replaced, tuple) else (replaced,)
            if len(replaced) != len(grads):
                raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                   f"got {len(replaced)}, but expected {len(grads)}")
            grads = replaced
        self.grad_outputs = None
        return [_array_or_none(grads[i]) for i in self.input_positions]


def _as_tensors(positions: Sequence[int], arrays: Sequence[Any], size: int) -> tuple:
    from ..backend import device_of_array
    packed: list[Any] = [None] * size
    for i, array in zip(positions, arrays):
        if array is not None:
            packed[i] = Tensor._wrap(array, device_of_array(array))
    return tuple(packed)


def _array_or_none(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, Tensor):
        raise TypeError(f"a module backward hook must return Tensors or None, got {type(value).__name__}")
    return value._data


def call_with_hooks(module: Any, global_hooks: dict, args: tuple, kwargs: dict) -> Any:
    """``module(*args, **kwargs)`` with its own and the global hooks, in PyTorch's order: global
    then own forward pre-hooks, the input-side backward node, forward, global then own forward
    hooks, the output-side backward node. If anything raises, the forward hooks registered with
    ``always_call=True`` that have not run yet still run (with output None), then the error goes on."""
    called: set[int] = set()
    try:
        return _call(module, global_hooks, args, kwargs, called)
    except Exception:
        always = {**global_hooks["forward_always"], **module._forward_hooks_always_called}
        for hook_id, hook in (*global_hooks["forward"].items(), *module._forward_hooks.items()):
            if hook_id in always and hook_id not in called:
                try:
                    hook(module, args, None)
                except Exception as error:
                    where = "global module" if hook_id in global_hooks["forward_always"] else "module"
                    warnings.warn(f"{where} forward hook with ``always_call=True`` raised an exception that was "
                                  f"silenced as another error was raised in forward: {error}", stacklevel=3)
        raise


def _call(module: Any, global_hooks: dict, args: tuple, kwargs: dict, called: set[int]) -> Any:
    pre_with_kwargs = module._forward_pre_hooks_with_kwargs
    for hook_id, hook in (*global_hooks["forward_pre"].items(), *module._forward_pre_hooks.items()):
        if hook_id in pre_with_kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {result}.")
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)

    full_hooks = [*global_hooks["backward"].values(), *module._backward_hooks.values()]
    pre_hooks = [*global_hooks["backward_pre"].values(), *module._backward_pre_hooks.values()]
    state = None
    if full_hooks or pre_hooks:
        state = BackwardHookState(module, full_hooks, pre_hooks)
        args = state.setup_input(args)

    output = module.forward(*args, **kwargs)

    with_kwargs = module._forward_hooks_with_kwargs
    for hook_id, hook in (*global_hooks["forward"].items(), *module._forward_hooks.items()):
        called.add(hook_id)
        if hook_id in with_kwargs or hook_id in global_hooks["forward_with_kwargs"]:
            result = hook(module, args, kwargs, output)
        else:
            result = hook(module, args, output)
        if result is not None:
            output = result

    if state is not None:
        if not isinstance(output, (Tensor, tuple)):
            warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of Tensors "
                          f"but received {type(output)}", stacklevel=4)
        else:
            output = state.setup_output(output)
    return output
