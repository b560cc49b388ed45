"""``python -m benchmarks [--device cpu|cuda|all] [--quick] [--out DIR] [--threads N] [--only W ...]``"""
from __future__ import annotations

import argparse
import os
import sys

# --threads must act before NumPy (OpenBLAS) and torch (OpenMP) start their thread pools, that is
# before they are imported: read it first, hand it to them through the environment, and pin the
# process to that many cores (the quietest ones), so the pools are born there.
_early = argparse.ArgumentParser(add_help=False)
_early.add_argument("--threads", type=int, default=1)
_threads = _early.parse_known_args()[0].threads
if _threads:
    from .cpuload import pin

    for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_name] = str(_threads)
    os.environ["TINYGRAD_LR_BENCH_CORES"] = ",".join(map(str, pin(_threads)))

from .run import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
