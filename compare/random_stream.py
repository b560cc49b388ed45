"""The random-stream section of ``python -m compare``: the same draws after the same seed, bit for bit.

Each check seeds both frameworks, runs one draw (a factory, an in-place fill, a layer's init, a
loader's epoch, a state round trip) and compares the raw bytes of the results: tolerance
"bits", error 0 or a failure. The CLI adds these rows to its report (pairing ``numpy`` vs
``torch-cpu``: the stream is a CPU stream), and ``tests/test_compare_random_stream.py`` walks them.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .check import Result

PAIRING = "numpy vs torch-cpu"


def _layers(fw: Any) -> tuple:
    nn = fw.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    return tuple(p.detach() for p in model.parameters())


def _epochs(fw: Any) -> tuple:
    data = fw.utils.data
    loader = data.DataLoader(data.TensorDataset(fw.arange(50)), batch_size=8, shuffle=True)
    return tuple(fw.cat([b[0] for b in loader]) for _ in range(2))


def _state_round_trip(fw: Any) -> tuple:
    fw.randn(1)
    state = fw.get_rng_state()
    first = fw.randn(20)
    fw.set_rng_state(state)
    return state, first, fw.randn(20)


# name -> (dtype label, draw(framework) -> tensor or tuple of tensors)
CHECKS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "randn(1,1) randn(1) randn(3,2) (course notes)": ("float32", lambda fw: (fw.randn(1, 1), fw.randn(1), fw.randn(3, 2))),
    "randn(4101)": ("float32", lambda fw: fw.randn(4101)),
    "randn(4101, float64)": ("float64", lambda fw: fw.randn(4101, dtype=fw.float64)),
    "rand(1000)": ("float32", lambda fw: fw.rand(1000)),
    "normal_(0.3, 2.5) x17": ("float32", lambda fw: fw.empty(17).normal_(0.3, 2.5)),
    "uniform_(-0.7, 1.9) float64": ("float64", lambda fw: fw.empty(100, dtype=fw.float64).uniform_(-0.7, 1.9)),
    "randint(-5, 2**40)": ("int64", lambda fw: fw.randint(-5, 2 ** 40, (50,))),
    "randperm(1000)": ("int64", lambda fw: fw.randperm(1000)),
    "bernoulli_(0.3)": ("float32", lambda fw: fw.empty(100).bernoulli_(0.3)),
    "multinomial with/without replacement": ("int64", lambda fw: (fw.multinomial(fw.arange(1.0, 8.0), 4),
                                                                  fw.multinomial(fw.arange(1.0, 8.0), 30, True))),
    "exponential_() geometric_(0.2)": ("float32", lambda fw: (fw.empty(50).exponential_(), fw.empty(50).geometric_(0.2))),
    "nn.Linear 784-512-512-10 init": ("float32", _layers),
    "F.dropout(p=0.5) mask": ("float32", lambda fw: fw.nn.functional.dropout(fw.ones(300), 0.5)),
    "DataLoader(shuffle=True) 2 epochs": ("int64", _epochs),
    "get_rng_state/set_rng_state": ("uint8", _state_round_trip),
}


def _arrays(value: Any) -> list[np.ndarray]:
    values = value if isinstance(value, tuple) else (value,)
    return [np.asarray(v.detach().numpy()) for v in values]


def check_stream(name: str, seed: int = 0) -> Result:
    """One row: ``CHECKS[name]`` after ``manual_seed(seed)`` in both frameworks, compared byte for byte."""
    import torch

    import tinygrad_lr
    dtype, draw = CHECKS[name]
    torch.manual_seed(seed)
    theirs = _arrays(draw(torch)) + [torch.randn(3).numpy()]  # and the stream must be in the same place after
    tinygrad_lr.manual_seed(seed)
    ours = _arrays(draw(tinygrad_lr)) + [tinygrad_lr.randn(3).numpy()]
    result = Result(case=f"random: {name}", pairing=PAIRING, dtype=dtype, tolerance="bits", compared=len(ours),
                    seeds=[seed])
    for a, b in zip(ours, theirs):
        if a.dtype != b.dtype or a.shape != b.shape:
            result.status, result.message = "failed", f"{a.dtype}{a.shape} vs {b.dtype}{b.shape}"
            break
        if not np.array_equal(a.view(np.uint8), b.view(np.uint8)):
            different = a != b
            result.status = "failed"
            result.message = f"{int(different.sum())} of {a.size} values differ"
            if a.dtype.kind == "f":
                result.max_abs_err = float(np.max(np.abs(a.astype(np.float64) - b)))
            break
    return result


def names(pattern: str | None = None) -> list[str]:
    """The checks whose row name (``random: ...``) matches ``pattern`` (substring or glob), as for cases."""
    import fnmatch
    if not pattern:
        return list(CHECKS)
    glob = pattern if any(ch in pattern for ch in "*?[") else f"*{pattern}*"
    return [name for name in CHECKS if fnmatch.fnmatch(f"random: {name}", glob)]


def run_all(seed: int = 0, pattern: str | None = None) -> list[Result]:
    return [check_stream(name, seed) for name in names(pattern)]
