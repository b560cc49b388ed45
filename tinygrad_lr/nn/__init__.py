"""Neural networks: ``Module`` and ``Parameter``, layers, losses, ``functional`` and ``init``.

Read ``parameter.py`` and ``module.py`` first (how a model finds its weights), then
``containers.py``, ``layers.py``, ``functional.py`` (the math of the layers and losses),
``loss_ops.py`` (the fused loss gradients) and ``loss.py``; ``init.py`` stands alone.
"""
from . import functional, init
from .containers import ModuleDict, ModuleList, Sequential
from .layers import (Dropout, Flatten, Identity, LeakyReLU, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh,
                     Unflatten)
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter

__all__ = ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "Flatten", "Identity", "L1Loss",
           "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "Module", "ModuleDict", "ModuleList", "NLLLoss",
           "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh", "Unflatten", "functional", "init"]

from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, InstanceNorm1d,  # noqa: E402
                            InstanceNorm2d, InstanceNorm3d, LayerNorm, LocalResponseNorm, RMSNorm)
__all__ += ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d",
            "InstanceNorm3d", "LayerNorm", "LocalResponseNorm", "RMSNorm"]
from .dropout import AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout  # noqa: E402
from .padding import (CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d,  # noqa: E402
                      ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d,
                      ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .upsampling import (PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d,  # noqa: E402
                         UpsamplingNearest2d)
from . import modules  # noqa: E402,F401  (torch.nn.modules.module: global module hooks)
from .attention import MultiheadAttention  # noqa: E402
__all__ += ["MultiheadAttention"]
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,  # noqa: E402
                          TransformerEncoder, TransformerEncoderLayer)
__all__ += ["Transformer", "TransformerDecoder", "TransformerDecoderLayer", "TransformerEncoder",
            "TransformerEncoderLayer"]
__all__ += ["AlphaDropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout", "CircularPad1d",
            "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d",
            "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
            "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "PixelShuffle", "PixelUnshuffle", "Upsample", "UpsamplingBilinear2d",
            "UpsamplingNearest2d"]

from .activation import (CELU, ELU, GELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh,  # noqa: E402
                         LogSigmoid, Mish, PReLU, ReLU6, RReLU, SiLU, Softmax2d, Softmin, Softplus, Softshrink,
                         Softsign, Tanhshrink, Threshold)
__all__ += ["CELU", "ELU", "GELU", "GLU", "SELU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "LogSigmoid",
            "Mish", "PReLU", "ReLU6", "RReLU", "SiLU", "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign",
            "Tanhshrink", "Threshold"]
from .containers import ParameterDict, ParameterList  # noqa: E402
__all__ += ["ParameterDict", "ParameterList"]
from .loss import (CosineEmbeddingLoss, GaussianNLLLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss,  # noqa: E402
                   MarginRankingLoss, NLLLoss2d, MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss,
                   PoissonNLLLoss, SmoothL1Loss, SoftMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss)
__all__ += ["CosineEmbeddingLoss", "GaussianNLLLoss", "HingeEmbeddingLoss", "HuberLoss", "KLDivLoss",
            "MarginRankingLoss", "NLLLoss2d", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
            "PoissonNLLLoss", "SmoothL1Loss", "SoftMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss"]

from . import utils  # noqa: E402  (torch.nn.utils: clip_grad_norm_, rnn.pad_sequence, ...)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase  # noqa: E402,F401
from .sparse import Embedding, EmbeddingBag  # noqa: E402
__all__ += ["Embedding", "EmbeddingBag", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNCell"]
from .conv import Conv1d, Conv2d, ConvTranspose2d  # noqa: E402
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,  # noqa: E402
                      AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d, MaxUnpool2d)
__all__ += ["Conv1d", "Conv2d", "ConvTranspose2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d",
            "AdaptiveMaxPool2d", "AvgPool1d", "AvgPool2d", "MaxPool1d", "MaxPool2d", "MaxUnpool2d"]
from .distance import CosineSimilarity, PairwiseDistance  # noqa: E402
__all__ += ["CosineSimilarity", "PairwiseDistance"]
from .lazy import (LazyBatchNorm1d, LazyBatchNorm2d, LazyConv2d, LazyLinear,  # noqa: E402,F401
                   UninitializedParameter)  # (input sizes read from the first input)
__all__ += ["LazyLinear", "LazyConv2d", "LazyBatchNorm1d", "LazyBatchNorm2d"]
