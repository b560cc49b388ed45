"""``torch.nn.modules.rnn``: the recurrent modules (defined in ``nn/rnn/``)."""
from ..rnn import *  # noqa: F401,F403
from ..rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase  # noqa: F401
from ..utils.rnn import PackedSequence  # noqa: F401  (PyTorch's module imports it too)
