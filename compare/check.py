"""Run one case in both frameworks from the same NumPy inputs and compare everything.

For a case, a device pairing, a dtype and a seed, ``check`` compares:

* every output: shape, dtype and values (integer and bool outputs exactly);
* the gradient of every input that requires grad, after backpropagating the same *random* upstream
  gradient through both graphs (a ``.sum()`` would hide errors that a uniform gradient cancels,
  such as a transposed matmul gradient of a square matrix);
* the gradient of every parameter a case exposes through ``Probe(..., params=module)``;
* the name of every output's ``grad_fn`` (``MseLossBackward0``, ``RsubBackward1`` ...), as
  printed in ``repr``: a wrong name fails like a wrong gradient, unless the case says why it
  differs (``Case.grad_fn_differs``).

Values pass when |ours - ref| <= atol + rtol * |ref| elementwise; the tolerances and why they are
what they are live next to ``DEFAULT_TOLERANCES`` in ``registry.py``.
"""
from __future__ import annotations

import traceback
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from .devices import OUR_DEVICE, TORCH_DEVICE, device_type, pairing_name, pin_true_float32
from .registry import DTYPES, Arg, Case


@dataclass
class Probe:
    """What a case returns when more than its outputs must be compared: ``params`` is a module (its
    ``named_parameters()``) or a dict of named tensors whose ``.grad`` is compared after backward."""

    outputs: Any
    params: Any = None


@dataclass
class Result:
    case: str
    pairing: str
    dtype: str
    max_abs_err: float = 0.0
    max_rel_err: float = 0.0
    tolerance: str = ""
    status: str = "passed"  # passed | failed | skipped
    message: str = ""
    compared: int = 0  # how many arrays (outputs and gradients) were compared
    seeds: list[int] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"passed": self.passed}


class _Comparison:
    """Accumulates the error of every compared array into one verdict."""

    def __init__(self, tolerance_for: Any) -> None:
        self.tolerance_for = tolerance_for  # dtype name -> Tolerance: a float32 output of a float64
        self.max_abs = 0.0                  # case (int inputs made float32) gets float32's tolerance
        self.max_rel = 0.0
        self.count = 0
        self.failures: list[str] = []

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def values(self, what: str, ours: Any, ref: Any) -> None:
        ours, ref = np.asarray(ours), np.asarray(ref)
        self.count += 1
        if ours.shape != ref.shape:
            return self.fail(f"{what}: shape {ours.shape} != torch's {ref.shape}")
        if ours.dtype != ref.dtype:
            return self.fail(f"{what}: dtype {ours.dtype} != torch's {ref.dtype}")
        if ref.dtype.kind not in "fc":
            if not np.array_equal(ours, ref):
                self.fail(f"{what}: {int((ours != ref).sum())} of {ref.size} values differ (exact match required)")
            return None
        ours64, ref64 = ours.astype(np.float64), ref.astype(np.float64)
        both_nan = np.isnan(ours64) & np.isnan(ref64)
        with np.errstate(invalid="ignore"):
            abs_err = np.where(both_nan, 0.0, np.abs(ours64 - ref64))
            abs_err = np.where(np.isnan(abs_err), np.inf, abs_err)  # NaN on one side only
            rel_err = abs_err / np.maximum(np.abs(ref64), np.finfo(np.float64).tiny)
        same_inf = (ours64 == ref64)  # equal infinities give inf - inf = NaN above
        abs_err = np.where(same_inf, 0.0, abs_err)
        rel_err = np.where(same_inf, 0.0, rel_err)
        if abs_err.size:
            self.max_abs = max(self.max_abs, float(abs_err.max()))
            self.max_rel = max(self.max_rel, float(rel_err.max()))
        tol = self.tolerance_for(ref.dtype.name)
        bad = abs_err > tol.atol + tol.rtol * np.abs(np.nan_to_num(ref64))
        if bad.any():
            worst = np.unravel_index(int(np.argmax(np.where(bad, abs_err, -1))), bad.shape) if bad.ndim else ()
            self.fail(f"{what}: {int(bad.sum())} of {bad.size} values outside tolerance "
                      f"(worst at {tuple(int(i) for i in worst)}: ours {ours64[worst]!r}, torch {ref64[worst]!r})")
        return None


def _to_numpy(t: Any) -> np.ndarray:
    if hasattr(t, "detach"):
        return t.detach().cpu().numpy()
    return np.asarray(t)


def _flatten(outputs: Any) -> list[Any]:
    if isinstance(outputs, (tuple, list)):
        return [item for o in outputs for item in _flatten(o)]
    if isinstance(outputs, dict):
        return [item for key in sorted(outputs) for item in _flatten(outputs[key])]
    return [outputs]


def _named_params(params: Any) -> dict[str, Any]:
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        return dict(params.named_parameters())
    return dict(params)


def _grad_fn_name(output: Any) -> str | None:
    node = getattr(output, "grad_fn", None)
    return None if node is None else node.name()


def upstream_gradients(outputs: Sequence[Any], seed: int) -> list[np.ndarray]:
    """One random (standard normal) upstream gradient per differentiable output, from ``seed``."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(tuple(o.shape)).astype(_to_numpy(o).dtype) for o in outputs]


def run_side(ns: Any, case: Case, arrays: Sequence[np.ndarray], flags: Sequence[bool], device: str,
              grad_seed: int) -> dict[str, Any]:
    """Run the case in one framework: outputs, then backward of a random upstream gradient."""
    tensors = []
    for array, flag in zip(arrays, flags):
        t = ns.tensor(array, device=device)
        if flag and array.dtype.kind == "f":
            t.requires_grad_(True)
        tensors.append(t)
    result = case.run(ns, tensors)
    probe = result if isinstance(result, Probe) else Probe(result)
    outputs = _flatten(probe.outputs)
    params = _named_params(probe.params)

    positions = [i for i, o in enumerate(outputs) if getattr(o, "requires_grad", False)]
    differentiable = [outputs[i] for i in positions]
    upstream = upstream_gradients(differentiable, grad_seed)
    if differentiable:
        if len(differentiable) == 1:
            differentiable[0].backward(ns.tensor(upstream[0], device=device))
        else:  # several outputs: backward of sum_i <out_i, g_i>, whose gradient is the same
            total = sum((o * ns.tensor(g, device=device)).sum() for o, g in zip(differentiable, upstream))
            total.backward()
    return {
        "outputs": [_to_numpy(o) for o in outputs],
        "dtypes": [str(o.dtype) if hasattr(o, "dtype") else str(np.asarray(o).dtype) for o in outputs],
        "grad_fns": [_grad_fn_name(o) for o in outputs],
        "input_grads": [None if t.grad is None else _to_numpy(t.grad) for t in tensors],
        "param_grads": {name: (None if p.grad is None else _to_numpy(p.grad)) for name, p in params.items()},
        "upstream": dict(zip(positions, upstream)),
    }


def upstream_seed(seed: int) -> int:
    return seed + 10_007  # independent of the inputs' stream, same on both sides


def _run_both(case: Case, arrays: Sequence[np.ndarray], flags: Sequence[bool], pairing: tuple[str, str],
              seed: int) -> tuple[dict[str, Any], str]:
    """Both sides' results, or an error message when either side raised (a failure to report)."""
    import torch

    import tinygrad_lr
    sides = {}
    for side, ns, device in (("ours", tinygrad_lr, OUR_DEVICE[pairing[0]]), ("torch", torch, TORCH_DEVICE[pairing[1]])):
        try:
            sides[side] = run_side(ns, case, arrays, flags, device, grad_seed=upstream_seed(seed))
        except Exception as e:
            frame = traceback.extract_tb(e.__traceback__)[-1]
            return sides, f"{side} raised {type(e).__name__}: {e} ({frame.filename.split('/')[-1]}:{frame.lineno})"
    return sides, ""


def check(case: Case, pairing: tuple[str, str] = ("numpy", "torch-cpu"), dtype: str = "float64", seed: int = 0,
          shapes: Sequence[tuple[int, ...]] | None = None) -> Result:
    """Run ``case`` once on both sides of ``pairing`` and compare outputs and gradients."""
    name = pairing_name(pairing)
    dev_type = device_type(pairing)
    tol = case.tolerance(dtype, dev_type)
    result = Result(case.name, name, dtype, tolerance=str(tol), seeds=[seed])
    if dtype not in case.dtypes or tuple(pairing) not in case.pairings:
        result.status, result.message = "skipped", f"case does not run on {name} in {dtype}"
        return result
    if dev_type == "cuda":
        pin_true_float32()

    arrays = case.inputs(np.random.default_rng(seed), dtype, shapes)
    flags = case.requires_grad(arrays)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # degenerate cases (var of one element) warn on both sides
        sides, error = _run_both(case, arrays, flags, pairing, seed)
    if error:
        result.status, result.message = "failed", error
        return result
    ours, ref = sides["ours"], sides["torch"]

    cmp = _Comparison(lambda name: case.tolerance(name if name in DTYPES else dtype, dev_type))
    if len(ours["outputs"]) != len(ref["outputs"]):
        cmp.fail(f"{len(ours['outputs'])} outputs != torch's {len(ref['outputs'])}")
    for i, (o, r, od, rd) in enumerate(zip(ours["outputs"], ref["outputs"], ours["dtypes"], ref["dtypes"])):
        if od != rd:
            cmp.fail(f"output {i}: dtype {od} != torch's {rd}")
    if not case.grad_fn_differs:
        for i, (on, rn) in enumerate(zip(ours["grad_fns"], ref["grad_fns"])):
            if on != rn:
                cmp.fail(f"output {i}: grad_fn {on} != torch's {rn}")
    for i, (o, r) in enumerate(zip(ours["outputs"], ref["outputs"])):
        cmp.values(f"output {i}", o, r)
    for i, (o, r) in enumerate(zip(ours["input_grads"], ref["input_grads"])):
        if (o is None) != (r is None):
            cmp.fail(f"grad of input {i}: {'missing' if o is None else 'present'} in ours, not in torch")
        elif o is not None:
            cmp.values(f"grad of input {i}", o, r)
    if set(ours["param_grads"]) != set(ref["param_grads"]):
        cmp.fail(f"parameter names differ: {sorted(ours['param_grads'])} vs torch's {sorted(ref['param_grads'])}")
    for key in sorted(set(ours["param_grads"]) & set(ref["param_grads"])):
        o, r = ours["param_grads"][key], ref["param_grads"][key]
        if (o is None) != (r is None):
            cmp.fail(f"grad of {key}: {'missing' if o is None else 'present'} in ours, not in torch")
        elif o is not None:
            cmp.values(f"grad of {key}", o, r)

    result.max_abs_err, result.max_rel_err, result.compared = cmp.max_abs, cmp.max_rel, cmp.count
    if cmp.failures:
        result.status = "failed"
        result.message = "; ".join(cmp.failures[:3]) + (f" (+{len(cmp.failures) - 3} more)" if len(cmp.failures) > 3 else "")
    return result


def check_seeds(case: Case, pairing: tuple[str, str], dtype: str, seeds: Iterable[int]) -> Result:
    """``check`` over several seeds, merged into one row: worst errors, first failure."""
    merged: Result | None = None
    for seed in seeds:
        r = check(case, pairing, dtype, seed)
        if merged is None:
            merged = r
            continue
        merged.seeds.append(seed)
        merged.max_abs_err = max(merged.max_abs_err, r.max_abs_err)
        merged.max_rel_err = max(merged.max_rel_err, r.max_rel_err)
        merged.compared += r.compared
        if r.status == "failed" and merged.status != "failed":
            merged.status, merged.message = "failed", f"seed {seed}: {r.message}"
    assert merged is not None
    return merged


class Report(list):
    """A list of ``Result``s that prints as a table and knows whether everything passed."""

    @property
    def passed(self) -> bool:
        return all(r.status != "failed" for r in self)

    def __str__(self) -> str:
        from .cli import format_table
        return format_table(self)


def check_function(fn: Any, shapes: Sequence[Sequence[int]], devices: str | Sequence[str] = "cpu",
                   dtype: str | Sequence[str] = "float32", seed: int = 0, low: float = -2.0, high: float = 2.0,
                   name: str | None = None) -> Report:
    """Check your own function against PyTorch: forward values and every input gradient.

    ``fn(ns, *tensors)`` is written once; ``ns`` is ``tinygrad_lr`` or ``torch``. Inputs of the
    given ``shapes`` are drawn uniformly from [low, high] (float tensors that require grad).
    ``devices``: "cpu", "cuda", "all" or a list of them; CUDA pairings that the machine lacks
    come back as skipped rows. Example::

        >>> import compare
        >>> def gelu_tanh(ns, x):
        ...     return 0.5 * x * (1 + ns.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))
        >>> report = compare.check_function(gelu_tanh, [(4, 5)], dtype="float64")
        >>> report.passed
        True
        >>> print(report)  # doctest: +SKIP
        case       pairing          dtype    max abs err  max rel err  tolerance        status
        gelu_tanh  numpy/torch-cpu  float64  ...
    """
    from .devices import select_pairings
    case = Case(name or getattr(fn, "__name__", "function"), fn=fn,
                args=tuple(Arg(tuple(s), low=low, high=high) for s in shapes), gradcheck=False)
    wanted = [devices] if isinstance(devices, str) else list(devices)
    pairings: list[tuple[str, str]] = []
    skipped: dict[tuple[str, str], str] = {}
    for device in wanted:
        runnable, skip = select_pairings(device)
        pairings += [p for p in runnable if p not in pairings]
        skipped.update(skip)
    report = Report()
    for dt in ([dtype] if isinstance(dtype, str) else list(dtype)):
        for pairing in pairings:
            report.append(check(case, pairing, dt, seed))
        for pairing, reason in skipped.items():
            report.append(Result(case.name, pairing_name(pairing), dt, status="skipped", message=reason))
    return report
