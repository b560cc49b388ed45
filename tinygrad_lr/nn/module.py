"""``nn.Module``: the base class of every layer and model.

A Module keeps three ordered dictionaries, filled by plain attribute assignment in ``__init__``:

* ``_parameters``: ``self.weight = Parameter(...)`` (learnable, returned by ``parameters()``),
* ``_buffers``: ``self.register_buffer("running_mean", t)`` (state that is saved but not learned),
* ``_modules``: ``self.fc = Linear(...)`` (child modules, walked recursively).

Everything else (``parameters()``, ``state_dict()``, ``to()``, ``train()``, the printed tree) is a
walk over those dictionaries, with the dotted names PyTorch uses (``linear_relu_stack.0.weight``).
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Callable, Iterator, NamedTuple

import numpy as np

from .. import dtypes
from ..autograd import no_grad
from ..backend import array_module, move, to_device
from ..shapes import Size
from ..tensor import Tensor
from ..utils.hooks import RemovableHandle
from .hooks import call_with_hooks
from .parameter import Parameter

_HOOK_TABLES = ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks", "_backward_pre_hooks")
# hooks on every module (nn.modules.module.register_module_forward_hook and friends)
_GLOBAL_HOOKS: dict[str, dict] = {"forward_pre": OrderedDict(), "forward": OrderedDict(), "backward": OrderedDict(),
                                  "backward_pre": OrderedDict(), "forward_with_kwargs": OrderedDict(),
                                  "forward_always": OrderedDict()}


def _global_hooks_on() -> bool:
    hooks = _GLOBAL_HOOKS
    return bool(hooks["forward_pre"] or hooks["forward"] or hooks["backward"] or hooks["backward_pre"])


_hooks_seen = False  # becomes True with the first hook registered anywhere, and stays True


def _add_hook(table: OrderedDict, hook_id: int, hook: Callable, prepend: bool = False) -> None:
    global _hooks_seen
    _hooks_seen = True
    table[hook_id] = hook
    if prepend:
        table.move_to_end(hook_id, last=False)


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """``hook(module, args)`` before the forward of every module."""
    handle = RemovableHandle(_GLOBAL_HOOKS["forward_pre"])
    _add_hook(_GLOBAL_HOOKS["forward_pre"], handle.id, hook)
    return handle


def register_module_forward_hook(hook: Callable, *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """``hook(module, args, output)`` after the forward of every module."""
    handle = RemovableHandle(_GLOBAL_HOOKS["forward"],
                             extra_dict=[_GLOBAL_HOOKS["forward_with_kwargs"], _GLOBAL_HOOKS["forward_always"]])
    _add_hook(_GLOBAL_HOOKS["forward"], handle.id, hook)
    if with_kwargs:
        _GLOBAL_HOOKS["forward_with_kwargs"][handle.id] = True
    if always_call:
        _GLOBAL_HOOKS["forward_always"][handle.id] = True
    return handle


def register_module_full_backward_pre_hook(hook: Callable) -> RemovableHandle:
    handle = RemovableHandle(_GLOBAL_HOOKS["backward_pre"])
    _add_hook(_GLOBAL_HOOKS["backward_pre"], handle.id, hook)
    return handle


def register_module_full_backward_hook(hook: Callable) -> RemovableHandle:
    handle = RemovableHandle(_GLOBAL_HOOKS["backward"])
    _add_hook(_GLOBAL_HOOKS["backward"], handle.id, hook)
    return handle


class _IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` returns: the keys it could not match."""

    missing_keys: list
    unexpected_keys: list

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"

    __str__ = __repr__


def _addindent(text: str, spaces: int) -> str:
    """Indent every line but the first (how PyTorch nests a child's repr inside its parent's)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _torch_type_name(value: Any) -> str:
    """``torch.FloatTensor`` for a float32 tensor, else the Python type name (for error messages)."""
    if isinstance(value, Tensor):
        return value.type()
    return type(value).__name__


class Module:
    """Base class for layers and models: subclasses set attributes in ``__init__`` and define ``forward``."""

    training: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments")
        # object.__setattr__: our own __setattr__ needs these dictionaries to exist already
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        for table in _HOOK_TABLES:
            object.__setattr__(self, table, OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks_with_kwargs", OrderedDict())
        object.__setattr__(self, "_forward_hooks_with_kwargs", OrderedDict())
        object.__setattr__(self, "_forward_hooks_always_called", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not _hooks_seen:  # the common case, one check: no hook was ever registered
            return self.forward(*args, **kwargs)
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks
                or self._backward_pre_hooks or _global_hooks_on()):
            return self.forward(*args, **kwargs)
        return call_with_hooks(self, _GLOBAL_HOOKS, args, kwargs)

    # ------------------------------------------------------------------------------------ hooks
    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args)`` before every forward (``hook(module, args, kwargs)`` with
        ``with_kwargs``); a returned value replaces the arguments."""
        handle = RemovableHandle(self._forward_pre_hooks, extra_dict=self._forward_pre_hooks_with_kwargs)
        _add_hook(self._forward_pre_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """``hook(module, args, output)`` after every forward (``hook(module, args, kwargs, output)``
        with ``with_kwargs``); a returned value replaces the output. ``always_call``: it also runs
        (with output None) when forward raises."""
        handle = RemovableHandle(self._forward_hooks,
                                 extra_dict=[self._forward_hooks_with_kwargs, self._forward_hooks_always_called])
        _add_hook(self._forward_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        return handle

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_output)`` when the gradient reaches the module's output; a returned
        tuple replaces grad_output."""
        handle = RemovableHandle(self._backward_pre_hooks)
        _add_hook(self._backward_pre_hooks, handle.id, hook, prepend)
        return handle

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` once the gradients of the module's inputs are
        known; a returned tuple replaces grad_input (see ``nn/hooks.py``)."""
        handle = RemovableHandle(self._backward_hooks)
        _add_hook(self._backward_hooks, handle.id, hook, prepend)
        return handle

    def register_backward_hook(self, hook: Callable) -> RemovableHandle:
        raise NotImplementedError("register_backward_hook (deprecated in PyTorch) is not supported: use "
                                  "register_full_backward_hook")

    # ------------------------------------------------------------------------------ registration
    def _check_ready(self) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameters/modules before Module.__init__() call")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        self._check_ready()
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {type(name).__name__}")
        if "." in name or name == "":
            raise KeyError('parameter name can\'t contain "."' if name else 'parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_torch_type_name(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        self._check_ready()
        if "." in name or name == "":
            raise KeyError('buffer name can\'t contain "."' if name else 'buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_torch_type_name(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        self._check_ready()
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if "." in name or name == "":
            raise KeyError(f'module name can\'t contain ".", got: {name}' if name
                           else 'module name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        """Route Parameters, Modules and buffer tensors into their dictionaries, like PyTorch."""
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._check_ready()
            self._forget(name, keep=self._parameters)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_torch_type_name(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            self._check_ready()
            self._forget(name, keep=self._modules)
            self._modules[name] = value
        elif name in self.__dict__.get("_modules", {}):
            if value is not None:
                raise TypeError(f"cannot assign '{_torch_type_name(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            self._modules[name] = None
        elif name in self.__dict__.get("_buffers", {}):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_torch_type_name(value)}' as buffer '{name}' "
                                "(torch.Tensor or None expected)")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict | None = None) -> None:
        """Drop ``name`` from every place it may live, before it is registered somewhere else; the
        table it goes into (``keep``) keeps the entry, so a replaced child or parameter keeps its place
        in the order (``model.conv1 = nn.Conv2d(...)``, ``seq[1] = nn.Identity()``), as in PyTorch."""
        self.__dict__.pop(name, None)
        for table in (self._parameters, self._buffers, self._modules):
            if table is not keep:
                table.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Called only when normal lookup fails: look in the three dictionaries.
        state = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in state and name in state[table]:
                return state[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        return sorted(set(object.__dir__(self)) | set(self._parameters) | set(self._buffers) | set(self._modules))

    # ---------------------------------------------------------------------------------- walking
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """This module and every descendant, depth first, each once (a shared module is listed once)."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator["Module"]:
        for _, module in self.named_children():
            yield module

    def _named_members(self, table: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def get_submodule(self, target: str) -> "Module":
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules:
                raise AttributeError(f"{module._get_name()} has no attribute `{part}`")
            module = module._modules[part]
        return module

    # ------------------------------------------------------------------------------------ modes
    def train(self, mode: bool = True) -> "Module":
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                param.grad._data.fill(0)

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call ``fn`` on every child (recursively), then on this module: ``model.apply(init_weights)``."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------------------ state dicts
    def state_dict(self, *, destination: OrderedDict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict:
        """Every parameter and persistent buffer by dotted name, detached (sharing the arrays)."""
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> _IncompatibleKeys:
        """Copy values into the existing parameter and buffer arrays (optimizers keep working).

        Everything is checked first (keys, types, shapes); on any error nothing is copied and a
        RuntimeError lists all problems in PyTorch's words. ``assign`` is accepted and ignored:
        values are always copied.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)  # the live tensors to copy into
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors: list[str] = []
        if strict and unexpected:
            errors.append("Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
        if strict and missing:
            errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
        copies: list[tuple[Tensor, Any]] = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            source = _as_array(state_dict[key])
            if source is None:
                errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                              f"object from checkpoint but received {type(state_dict[key])}")
            elif tuple(source.shape) != tuple(target.shape):
                errors.append(f"size mismatch for {key}: copying a param with shape {Size(source.shape)} from "
                              f"checkpoint, the shape in current model is {target.shape}.")
            else:
                copies.append((target, source))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)))
        with no_grad():
            for target, source in copies:
                target._data[...] = move(source, target.device).astype(target._data.dtype, copy=False)
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------------ devices and dtypes
    def _move(self, device: Any = None, dtype: Any = None) -> "Module":
        """Move and/or cast every parameter (and its grad) and buffer IN PLACE.

        The Parameter objects stay the same, only their arrays change, so an optimizer built
        before ``model.to("cuda")`` still updates the model's weights. Like PyTorch, a dtype
        applies only to floating-point tensors.
        """
        target_device = to_device(device) if device is not None else None
        if target_device is not None:
            array_module(target_device)  # a clear error when CUDA is not available
        target_dtype = dtypes.to_dtype(dtype) if dtype is not None else None
        for tensor in list(self.parameters()) + list(self.buffers()):
            for t in (tensor, tensor.grad):
                if t is not None:
                    _move_in_place(t, target_device, target_dtype)
        return self

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(tensor)``; returns self."""
        device, dtype = kwargs.get("device"), kwargs.get("dtype")
        for arg in args:
            if isinstance(arg, Tensor):
                device, dtype = arg.device, arg.dtype
            elif isinstance(arg, (dtypes.dtype, np.dtype, type)):
                dtype = arg
            elif arg is not None:
                device = arg
        if dtype is not None and not dtypes.to_dtype(dtype).is_floating_point:
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got desired "
                            f"dtype={dtype}")
        return self._move(device, dtype)

    def cuda(self, device: Any = None) -> "Module":
        return self._move(to_device("cuda" if device is None else device))

    def cpu(self) -> "Module":
        return self._move("cpu")

    def float(self) -> "Module":
        return self._move(dtype=dtypes.float32)

    def double(self) -> "Module":
        return self._move(dtype=dtypes.float64)

    def half(self) -> "Module":
        return self._move(dtype=dtypes.float16)

    # ------------------------------------------------------------------------------------ print
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside the parentheses, e.g. ``in_features=784, out_features=512, bias=True``."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + _addindent(repr(module), 2) for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"


def _as_array(value: Any) -> Any:
    """The array inside a checkpoint value: a tinygrad_lr Tensor, a NumPy array, or anything
    array-like with a shape (a torch tensor, say); None for values that are not arrays."""
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "shape") and hasattr(value, "detach"):  # a real torch.Tensor
        return value.detach().cpu().numpy()
    return None


def _move_in_place(t: Tensor, device: Any, dtype: Any) -> None:
    array = t._data
    if dtype is not None and t.dtype.is_floating_point and t.dtype is not dtype:
        array = array.astype(dtype.np)
    if device is not None and device != t.device:
        array = move(array, device)
        t.device, t._xp = device, array_module(device)
    t._data = array
