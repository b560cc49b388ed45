"""Recurrent layers (``layers.py``: ``RNN``, ``LSTM``, ``GRU`` over whole, possibly packed, sequences)
and their one-step forms (``cells.py``: ``RNNCell``, ``LSTMCell``, ``GRUCell``). The time loop and
backpropagation through time live in ``tinygrad_lr/ops/rnn.py``."""
from .cells import GRUCell, LSTMCell, RNNCell, RNNCellBase
from .layers import GRU, LSTM, RNN, RNNBase

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]
