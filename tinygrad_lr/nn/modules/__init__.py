"""``torch.nn.modules``: PyTorch's home of the layers, kept for code that imports from there
(``torch.nn.modules.module.register_module_forward_hook``, tools such as torchinfo)."""
from . import module  # noqa: F401
from . import activation, loss  # noqa: F401,E402  (torch.nn.modules.loss._Loss for custom losses)
from . import rnn, sparse  # noqa: F401,E402  (torch.nn.modules.rnn.RNNBase, .sparse.Embedding)
from . import batchnorm, dropout, instancenorm, normalization, padding, pixelshuffle, upsampling  # noqa: F401,E402
from . import transformer  # noqa: F401,E402  (torch.nn.modules.transformer)
