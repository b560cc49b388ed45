"""The autograd engine, and PyTorch's ``torch.autograd`` API on top of it.

Read in this order:

* ``grad_mode.py``: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``;
* ``graph.py``: ``Op``, the graph node every differentiable op subclasses (forward and backward
  on plain arrays), ``AccumulateGrad`` at the leaves, and the ``Node`` API tools read;
* ``engine.py``: ``backward`` and ``grad`` — topological order, the one place a node is run
  (version check, tensor hooks, backward, broadcasting undone, accumulation, graph release);
* ``inplace.py``: version counters, views, and how an in-place op rewrites a tensor's history;
* ``function.py``: custom ``Function``s (``ctx.save_for_backward``, ``apply``) and ``Variable``;
* ``gradcheck.py``, ``anomaly_mode.py``: finite-difference checks and NaN hunting;
* ``functional.py``: ``jacobian`` and ``vjp`` of a whole function.
"""
from . import functional, graph
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .engine import backward, grad
from .function import BackwardCFunction, Function, FunctionCtx, Variable, once_differentiable
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import AccumulateGrad, Node, Op, unbroadcast

__all__ = ["Function", "FunctionCtx", "Variable", "backward", "grad", "gradcheck", "gradgradcheck",
           "GradcheckError", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled",
           "functional", "graph", "Node", "Op", "AccumulateGrad", "once_differentiable", "unbroadcast"]
