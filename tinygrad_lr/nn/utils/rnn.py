"""Variable-length sequences for the recurrent layers: padding and packing.

A batch of sequences of different lengths is either *padded* into one (T, B, *) tensor (the tail
of each short sequence filled with ``padding_value``) or *packed*: the rows of all sequences
sorted by time step, step t holding one row for each of the ``batch_sizes[t]`` sequences still
running, longest sequence first. An RNN that gets a ``PackedSequence`` computes nothing for the
padding, and its final hidden state of each sequence is the one at that sequence's own last step.

Every function here is built from indexing and ``cat``, so gradients flow back through packing
and padding to the original sequences.
"""
from __future__ import annotations

from typing import Any, Iterable, NamedTuple

import numpy as np

from ... import dtypes
from ...creation import full, tensor
from ...tensor import Tensor, _named
from ...tensor_shape import cat

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):  # noqa: N801 - PyTorch's name
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(PackedSequence_):
    """What ``pack_padded_sequence`` and ``pack_sequence`` return (a named tuple, as PyTorch's):
    ``data`` (the packed rows), ``batch_sizes`` (an int64 CPU tensor: rows per time step),
    ``sorted_indices`` (the batch order used for packing, or None when the input was already sorted)
    and ``unsorted_indices`` (its inverse)."""

    def __new__(cls, data: Any, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> "PackedSequence":
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes)), the legacy spelling
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn. "
                             "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    def cuda(self, device: Any = None) -> "PackedSequence":
        return self.to("cuda" if device is None else device)

    def cpu(self) -> "PackedSequence":
        return self.to("cpu")

    def double(self) -> "PackedSequence":
        return self.to(dtype=dtypes.float64)

    def float(self) -> "PackedSequence":
        return self.to(dtype=dtypes.float32)

    def long(self) -> "PackedSequence":
        return self.to(dtype=dtypes.int64)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes ``permutation``: out[permutation[i]] = i."""
    if permutation is None:
        return None
    order = np.asarray(permutation.cpu().numpy())
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return tensor(inverse, device=permutation.device)


def _lengths_list(lengths: Any) -> list[int]:
    if isinstance(lengths, Tensor):
        if lengths.device.type != "cpu" or lengths.ndim != 1:
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.ndim}D "
                               f"{lengths.device} Long tensor")  # (PyTorch casts lengths to int64 first)
        return [int(v) for v in lengths.long().tolist()]
    return [int(v) for v in lengths]


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,  # noqa: A002 - PyTorch's names
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded (T, B, *) batch (or (B, T, *) with ``batch_first``) of sequences with the given
    lengths. Unless ``enforce_sorted``, the batch is first sorted by decreasing length (a stable
    sort, as PyTorch's CPU sort) and the order kept in ``sorted_indices``."""
    lengths = _lengths_list(lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = sorted(range(len(lengths)), key=lambda b: -lengths[b])
        lengths = [lengths[b] for b in order]
        sorted_indices = tensor(order, dtype=dtypes.int64, device=input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if lengths and min(lengths) <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if any(a < b for a, b in zip(lengths, lengths[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep "
                           "this requirement if you do not need ONNX exportability.")
    T, B = (input.shape[1], input.shape[0]) if batch_first else (input.shape[0], input.shape[1])
    if len(lengths) != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
                           f"(batch_size={B})")
    if lengths[0] > T:  # PyTorch reads past the end of the tensor here; refuse instead
        raise RuntimeError(f"a length ({lengths[0]}) is larger than the padded sequence length ({T})")
    batch_sizes = [sum(1 for n in lengths if n > t) for t in range(lengths[0])]
    # row (t, b) of the time-major layout is row t*B + b of the flattened input (b*T + t if batch_first)
    rows = [(b * T + t if batch_first else t * B + b) for t, size in enumerate(batch_sizes) for b in range(size)]
    flat = input.reshape(T * B, *input.shape[2:])
    data = _named(flat[tensor(rows, dtype=dtypes.int64, device=input.device)], "PackPaddedSequenceBackward0")
    return PackedSequence(data, tensor(batch_sizes, dtype=dtypes.int64), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """The inverse of ``pack_padded_sequence``: (padded batch, lengths as an int64 CPU tensor), in the
    batch order the sequences had before packing."""
    data = sequence.data
    batch_sizes = [int(b) for b in sequence.batch_sizes.tolist()]
    T = len(batch_sizes)
    if total_length is not None:
        if total_length < T:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {T}")
        T = total_length
    B = batch_sizes[0]
    pad_row = sum(batch_sizes)
    index = np.full((T, B), pad_row, dtype=np.int64)  # every position starts at the padding row
    offset = 0
    for t, size in enumerate(batch_sizes):
        index[t, :size] = np.arange(offset, offset + size)
        offset += size
    lengths = tensor((index != pad_row).sum(axis=0), dtype=dtypes.int64)
    padding = full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    # named as PyTorch's node (it copies the rows into a padded tensor), then transposed as PyTorch does
    padded = _named(cat([data, padding])[tensor(index, device=data.device)], "torch::autograd::CopySlices")
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    return padded, lengths


def pad_sequence(sequences: Any, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of shapes (L_i, *) into (L_max, B, *) (or (B, L_max, *) with ``batch_first``),
    filling each one's missing steps with ``padding_value`` after it (``padding_side="right"``) or
    before it (``"left"``)."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    rest = tuple(sequences[0].shape[1:])
    for seq in sequences[1:]:
        for d, (a, b) in enumerate(zip(seq.shape[1:], rest)):
            if a != b:
                raise RuntimeError(f"The size of tensor a ({b}) must match the size of tensor b ({a}) at "
                                   f"non-singleton dimension {d + 1}")
    lengths = [seq.shape[0] for seq in sequences]
    longest, pad_row = max(lengths), sum(lengths)
    index = np.full((len(sequences), longest), pad_row, dtype=np.int64)
    offset = 0
    for b, n in enumerate(lengths):
        start = 0 if padding_side == "right" else longest - n
        index[b, start:start + n] = np.arange(offset, offset + n)
        offset += n
    first = sequences[0]
    padding = full((1, *rest), padding_value, dtype=first.dtype, device=first.device)
    stacked = cat([*sequences, padding])
    return _named(stacked[tensor(index if batch_first else index.T.copy(), device=first.device)],
                  "torch::autograd::CopySlices")  # PyTorch's name: it copies each sequence into place


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """The list of sequences inside a padded batch (the inverse of ``pad_sequence``)."""
    if not batch_first:  # (PyTorch transposes its argument in place here; we leave it as it is)
        padded_sequences = padded_sequences.transpose(0, 1)
    steps = np.arange(padded_sequences.shape[1])
    return [seq[tensor(steps < int(n), device=seq.device)] for seq, n in zip(padded_sequences, lengths)]


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences of shapes (L_i, *): ``pad_sequence`` then ``pack_padded_sequence``."""
    lengths = [seq.shape[0] for seq in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences inside a ``PackedSequence`` (the inverse of ``pack_sequence``)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
