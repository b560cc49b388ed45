"""``torch.nn.modules``: PyTorch's home of the layers, kept for code that imports from there
(``torch.nn.modules.module.register_module_forward_hook``, tools such as torchinfo)."""
from . import module  # noqa: F401
