"""``torch.nn.modules.activation``: the activation modules (defined in ``nn/activation.py``)."""
from ..activation import *  # noqa: F401,F403
from ..activation import (CELU, ELU, GELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh,  # noqa: F401
                          LeakyReLU, LogSigmoid, LogSoftmax, Mish, PReLU, ReLU, ReLU6, RReLU, Sigmoid, SiLU, Softmax,
                          Softmax2d, Softmin, Softplus, Softshrink, Softsign, Tanh, Tanhshrink, Threshold)
from ..attention import MultiheadAttention  # noqa: F401,E402  (PyTorch keeps it here)
