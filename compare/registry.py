"""The one registry of parity cases: every op, module, loss, optimizer and training run we check.

A ``Case`` is written once against a framework namespace: ``fn(ns, *tensors)`` is called as
``fn(tinygrad_lr, ...)`` and as ``fn(torch, ...)`` on the same NumPy inputs. pytest
(``tests/test_parity_*.py``, ``tests/test_gradcheck.py``) and the CLI (``python -m compare``) both
walk ``REGISTRY``, so a case added here is checked everywhere.

Inputs are described by ``Arg``s: a shape and a value domain kept away from the op's kinks and
poles (log near 0, relu at 0, division near 0, max ties), so that a disagreement is a bug and not
a different-but-valid choice of subgradient.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

KINDS = ("op", "module", "loss", "optimizer", "training")
DTYPES = ("float32", "float64")

# Device pairings: (our backend, reference). Ours on NumPy is device "cpu", ours on CuPy is "cuda".
PAIRINGS = (("numpy", "torch-cpu"), ("cupy", "torch-cuda"), ("numpy", "torch-cuda"))


@dataclass(frozen=True)
class Tolerance:
    """Pass when |ours - ref| <= atol + rtol * |ref| elementwise (numpy.isclose's rule)."""

    atol: float
    rtol: float

    def __str__(self) -> str:
        return f"{self.atol:.0e}+{self.rtol:.0e}*|ref|"


# Default tolerances, per dtype and per place the reference runs.
# float64: both sides do the same IEEE arithmetic with at most a different summation order, so
#   disagreements are ~1e-15 relative; 1e-10/1e-8 leaves room for cancellation in reductions
#   (var, softmax backward) yet catches any wrong formula, which shows up at 1e-3 or worse.
# float32 on the CPU: one rounding is 6e-8 relative; transcendental functions differ by a few
#   ulps between NumPy and PyTorch's vectorised kernels, and sums of k terms in a different order
#   differ by ~k*eps*max|term|. 1e-5 relative with 1e-5 absolute (inputs are O(1)) covers that.
# float32 on the GPU: cuBLAS and PyTorch's CUDA reductions split sums into blocks (tree order)
#   and use fused multiply-add; with TF32 pinned off (see check.py) the error is still a few
#   times the CPU's, so relative and absolute tolerances are 1e-4.
DEFAULT_TOLERANCES: dict[tuple[str, str], Tolerance] = {
    ("float64", "cpu"): Tolerance(atol=1e-10, rtol=1e-8),
    ("float64", "cuda"): Tolerance(atol=1e-9, rtol=1e-7),
    ("float32", "cpu"): Tolerance(atol=1e-5, rtol=1e-5),
    ("float32", "cuda"): Tolerance(atol=1e-4, rtol=1e-4),
}


@dataclass(frozen=True)
class Arg:
    """One input: its shape and where its values come from.

    ``kind``: "float" (a tensor of the case's dtype), "index" (int64 in [0, high)), "mask" (bool).
    Float values are uniform on [low, high]; values closer than ``margin`` to a point in ``avoid``
    are pushed away from it; ``distinct`` makes every value different (no ties for max/min).
    ``grad``: whether this input requires grad (float inputs only).
    """

    shape: tuple[int, ...]
    low: float = -2.0
    high: float = 2.0
    avoid: tuple[float, ...] = ()
    margin: float = 0.1
    distinct: bool = False
    kind: str = "float"
    grad: bool = True

    def sample(self, rng: np.random.Generator, dtype: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        shape = self.shape if shape is None else tuple(shape)
        if self.kind == "index":
            return rng.integers(0, int(self.high), size=shape).astype(np.int64)
        if self.kind == "mask":
            return rng.random(shape) < 0.5
        values = rng.uniform(self.low, self.high, size=shape)
        if self.distinct and values.size:
            # evenly spaced values in random order: ties are impossible, gaps stay >= (high-low)/(2n)
            grid = np.linspace(self.low, self.high, values.size)
            values = rng.permutation(grid).reshape(shape)
        for point in self.avoid:
            near = np.abs(values - point) < self.margin
            side = np.where(values >= point, 1.0, -1.0)
            values = np.where(near, point + side * (self.margin + np.abs(values - point)), values)
        return values.astype(dtype)


# Domains used by many cases
REAL = {}
POSITIVE = {"low": 0.3, "high": 3.0}          # log, sqrt, pow with a tensor exponent: away from the pole at 0
NONZERO = {"avoid": (0.0,), "margin": 0.4}      # a divisor: |b| >= 0.4 keeps a/b² small
AWAY_FROM_0 = {"avoid": (0.0,), "margin": 0.1}  # relu, abs, leaky_relu: the kink at 0
DISTINCT = {"distinct": True}                   # max/min: no ties (ties split the gradient)


def farg(*shape: int, **domain: Any) -> Arg:
    """A float input of ``shape`` (shorthand used by the case files)."""
    return Arg(tuple(shape), **domain)


@dataclass(frozen=True)
class Case:
    """One parity check.

    ``fn(ns, *tensors)`` runs the case in either framework (``ns`` is ``tinygrad_lr`` or ``torch``)
    and returns a tensor or a tuple of tensors. Cases whose two sides cannot share code give
    ``ours(tinygrad_lr, *tensors)`` and ``reference(torch, *tensors)`` instead.
    ``shapes``: an optional hypothesis strategy of shape tuples (one per arg) for property tests;
    ``make_inputs(rng, dtype)`` replaces ``args`` for inputs that must be built together.
    ``tolerances``: per-dtype overrides ({"float32": Tolerance, ...}) of ``DEFAULT_TOLERANCES``.
    ``gradcheck``: whether the float64 finite-difference check applies (False for piecewise-constant
    or huge cases).
    """

    name: str
    fn: Callable[..., Any] | None = None
    args: tuple[Arg, ...] = ()
    kind: str = "op"
    ours: Callable[..., Any] | None = None
    reference: Callable[..., Any] | None = None
    shapes: Any = None
    make_inputs: Callable[[np.random.Generator, str], list[np.ndarray]] | None = None
    grads: tuple[bool, ...] | None = None
    tolerances: dict[str, Tolerance] = field(default_factory=dict)
    dtypes: tuple[str, ...] = DTYPES
    pairings: tuple[tuple[str, str], ...] = PAIRINGS
    gradcheck: bool = True
    note: str = ""
    grad_fn_differs: str = ""  # why this case's grad_fn names may differ from PyTorch's (else they must match)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"case {self.name}: kind must be one of {KINDS}, got {self.kind!r}")
        if self.fn is None and (self.ours is None or self.reference is None):
            raise ValueError(f"case {self.name}: give fn, or both ours and reference")

    def run(self, ns: Any, tensors: Sequence[Any]) -> Any:
        is_torch = getattr(ns, "__name__", "") == "torch"
        side = self.reference if is_torch else self.ours
        return (side or self.fn)(ns, *tensors)

    def inputs(self, rng: np.random.Generator, dtype: str, shapes: Sequence[tuple[int, ...]] | None = None
               ) -> list[np.ndarray]:
        """Fresh NumPy inputs for one run; ``shapes`` overrides the args' default shapes."""
        if self.make_inputs is not None:
            return self.make_inputs(rng, dtype)
        shapes = shapes or [a.shape for a in self.args]
        return [arg.sample(rng, dtype, shape) for arg, shape in zip(self.args, shapes)]

    def requires_grad(self, arrays: Sequence[np.ndarray]) -> list[bool]:
        if self.grads is not None:
            return list(self.grads)
        if self.args:
            return [a.grad and a.kind == "float" for a in self.args]
        return [arr.dtype.kind == "f" for arr in arrays]

    def tolerance(self, dtype: str, device_type: str) -> Tolerance:
        """The case's own tolerance (or the default) for ``dtype``; never tighter than the GPU
        default when either side runs on CUDA."""
        tol = self.tolerances.get(dtype, DEFAULT_TOLERANCES[(dtype, "cpu")])
        if device_type == "cuda":
            gpu = DEFAULT_TOLERANCES[(dtype, "cuda")]
            tol = Tolerance(max(tol.atol, gpu.atol), max(tol.rtol, gpu.rtol))
        return tol


REGISTRY: list[Case] = []


def register(*cases: Case) -> None:
    """Add cases to the registry (names must be unique)."""
    names = {c.name for c in REGISTRY}
    for case in cases:
        if case.name in names:
            raise ValueError(f"duplicate case name {case.name!r}")
        names.add(case.name)
        REGISTRY.append(case)


def all_cases(kind: str | None = None, pattern: str | None = None) -> list[Case]:
    """The registry (after importing every case file), optionally filtered by kind and name."""
    load_cases()
    import fnmatch
    cases = [c for c in REGISTRY if kind is None or c.kind == kind]
    if pattern:
        glob = pattern if any(ch in pattern for ch in "*?[") else f"*{pattern}*"
        cases = [c for c in cases if fnmatch.fnmatch(c.name, glob)]
    return cases


_LOADED = False


def load_cases() -> None:
    """Import every ``cases_*.py`` file of this package; each registers its cases on import, so a new
    family of cases is a new file and nothing here changes. A file whose layer does not exist yet
    raises ``ModuleNotFoundError`` naming itself and registers nothing."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    import pkgutil
    from pathlib import Path
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("cases_"))
    for name in ["cases_ops"] + [n for n in names if n != "cases_ops"]:
        try:
            __import__(f"{__package__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__package__}.{name}":
                raise


def replace(case: Case, **changes: Any) -> Case:
    return dataclasses.replace(case, **changes)
