"""``torch.backends``: the switches scripts set for cuDNN, CUDA matmuls, MPS and oneDNN.

tinygrad_lr calls none of those libraries (its kernels are NumPy's and CuPy's), so each flag is kept
and read back as PyTorch reports it, and each ``is_available()`` answers for tinygrad_lr: cuDNN, MPS and
oneDNN are never used.
"""
from . import cuda, cudnn, mkldnn, mps  # noqa: F401

__all__ = ["cuda", "cudnn", "mkldnn", "mps"]
