"""A float64 finite-difference check of OUR gradients alone (no PyTorch involved).

For the scalar L(inputs) = Σ_i <out_i, g_i> with a fixed random upstream gradient g_i, the analytic
gradient dL/dx (what ``backward(g)`` puts into ``x.grad``) must match the central difference

    (L(x + eps·e_k) - L(x - eps·e_k)) / (2 eps)

for every element k of every input that requires grad. In float64 with eps = 1e-6 the truncation
error is ~eps² · L''' ≈ 1e-12 and the rounding error ~1e-16 · |L| / eps ≈ 1e-10, so a tolerance
of 1e-6 absolute + 1e-5 relative is loose for a right backward and tight for a wrong one.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .check import Result, _flatten, run_side, upstream_seed
from .registry import Case, Tolerance

EPS = 1e-6
GRADCHECK_TOLERANCE = Tolerance(atol=1e-6, rtol=1e-5)


def _objective(case: Case, arrays: list[np.ndarray], upstream: dict[int, np.ndarray]) -> float:
    """L = Σ <out_i, g_i> computed by our forward alone, without building a graph."""
    import tinygrad_lr
    with tinygrad_lr.no_grad():
        result = case.run(tinygrad_lr, [tinygrad_lr.tensor(a) for a in arrays])
    outputs = _flatten(getattr(result, "outputs", result))
    return float(sum(np.sum(np.asarray(outputs[i], dtype=np.float64) * g) for i, g in upstream.items()))


def gradcheck(case: Case, seed: int = 0, eps: float = EPS, tolerance: Tolerance = GRADCHECK_TOLERANCE) -> Result:
    """Compare our backward with central differences of our forward, in float64 on the CPU."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # degenerate cases warn
        return _gradcheck(case, seed, eps, tolerance)


def _gradcheck(case: Case, seed: int, eps: float, tolerance: Tolerance) -> Result:
    import tinygrad_lr

    result = Result(case.name, "numpy/finite-differences", "float64", tolerance=str(tolerance), seeds=[seed])
    arrays = case.inputs(np.random.default_rng(seed), "float64")
    flags = case.requires_grad(arrays)
    try:
        analytic = run_side(tinygrad_lr, case, arrays, flags, "cpu", grad_seed=upstream_seed(seed))
    except Exception as e:
        result.status, result.message = "failed", f"ours raised {type(e).__name__}: {e}"
        return result
    upstream = analytic["upstream"]
    if not upstream:
        result.status, result.message = "skipped", "no differentiable output"
        return result

    max_abs = max_rel = 0.0
    failures = []
    for position, (array, flag, grad) in enumerate(zip(arrays, flags, analytic["input_grads"])):
        if not (flag and array.dtype.kind == "f"):
            continue
        numeric = np.zeros_like(array)
        for k in np.ndindex(array.shape):
            original = array[k]
            array[k] = original + eps
            plus = _objective(case, arrays, upstream)
            array[k] = original - eps
            minus = _objective(case, arrays, upstream)
            array[k] = original
            numeric[k] = (plus - minus) / (2 * eps)
        got = np.zeros_like(array) if grad is None else grad  # no gradient means zero gradient
        err = np.abs(got - numeric)
        max_abs = max(max_abs, float(err.max(initial=0.0)))
        max_rel = max(max_rel, float((err / np.maximum(np.abs(numeric), 1e-300)).max(initial=0.0)))
        bad = err > tolerance.atol + tolerance.rtol * np.abs(numeric)
        if bad.any():
            worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1))), bad.shape) if bad.ndim else ()
            failures.append(f"grad of input {position}: {int(bad.sum())} of {bad.size} elements differ "
                            f"(worst at {tuple(int(i) for i in worst)}: backward {got[worst]!r}, "
                            f"finite difference {numeric[worst]!r})")
    result.max_abs_err, result.max_rel_err = max_abs, max_rel
    if failures:
        result.status, result.message = "failed", "; ".join(failures)
    return result


def gradcheck_cases(cases: list[Case]) -> list[Case]:
    """The cases the finite-difference check applies to: float64, opted in, with an input that
    requires grad."""
    return [c for c in cases if c.gradcheck and "float64" in c.dtypes
            and (c.make_inputs is not None or any(a.grad and a.kind == "float" for a in c.args))]


def check_all(cases: list[Case], seed: int = 0) -> list[Any]:
    return [gradcheck(c, seed) for c in gradcheck_cases(cases)]
