"""Parity layer: every op, module, loss, optimizer and training run of tinygrad_lr checked against
PyTorch, forward and backward, on every available device pairing.

``python -m compare`` prints the report; ``compare.check_function`` checks a function of yours.
"""
from .check import Probe, Report, Result, check, check_function, check_seeds
from .registry import REGISTRY, Arg, Case, Tolerance, all_cases, register

__all__ = ["Arg", "Case", "Probe", "REGISTRY", "Report", "Result", "Tolerance", "all_cases", "check",
           "check_function", "check_seeds", "register"]
