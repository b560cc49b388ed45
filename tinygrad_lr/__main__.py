"""``python -m tinygrad_lr run SCRIPT [ARGS...]``: run a PyTorch script on tinygrad_lr.

Every ``import torch`` (and ``torch.nn``, ``torch.optim``, ``torch.utils.data``, …, and
``torchvision``) in the script gets tinygrad_lr's module instead; see ``tinygrad_lr/swap.py``.
"""
import sys

from .swap import run_script

USAGE = "usage: python -m tinygrad_lr run SCRIPT [ARGS...]"

if len(sys.argv) < 3 or sys.argv[1] != "run":
    raise SystemExit(USAGE if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help", "run")
                     else f"unknown command {sys.argv[1]!r}\n{USAGE}")
run_script(sys.argv[2], sys.argv[3:], to="tinygrad_lr")
