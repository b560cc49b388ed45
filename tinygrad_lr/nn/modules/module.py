"""``torch.nn.modules.module``: ``Module`` and the global module hooks (defined in ``nn/module.py``)."""
from ..module import (Module, register_module_forward_hook, register_module_forward_pre_hook,  # noqa: F401
                      register_module_full_backward_hook, register_module_full_backward_pre_hook)
