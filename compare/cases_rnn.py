"""Parity cases for the recurrent layers, ``Embedding`` and ``nn.utils``: every layer and cell
(outputs and final states, the gradients of the input, the initial states and every parameter),
packed variable-length batches, and a few training runs beside PyTorch from the same weights
(a bidirectional 2-layer LSTM on packed sequences, a char-RNN on "hihello", an Embedding+GRU
classifier with gradient clipping).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import tinygrad_lr

from .check import Probe
from .convert import load_into_ours, same_start
from .registry import Arg, Case, farg, register

if not hasattr(tinygrad_lr.nn, "LSTM"):
    raise ModuleNotFoundError("tinygrad_lr.nn.LSTM is not there yet", name=__name__)

T, N, I, H = 4, 3, 3, 4  # steps, batch, input size, hidden size: tiny, so finite differences stay fast
LENGTHS = [3, 4, 1]      # a packed batch: unsorted, with a length-1 sequence


# Why grad_fn names differ from PyTorch's, per family (Case.grad_fn_differs). Embedding's,
# EmbeddingBag's and nn.utils.rnn's match and stay checked.
GRAD_FN_DIFFERS = {
    ("RNN", "LSTM", "GRU"): "the final nodes carry the names PyTorch's CPU kernels give them (checked against "
                            "live torch in tests/test_rnn.py); on CUDA PyTorch runs cuDNN and fused-cell kernels "
                            "whose nodes are named otherwise, and the harness has one setting per case",
}


def case(name: str, fn: Callable[..., Any], *args: Arg, kind: str = "module", **options: Any) -> None:
    if "grad_fn_differs" in Case.__dataclass_fields__:
        for prefixes, reason in GRAD_FN_DIFFERS.items():
            if name.startswith(prefixes):
                options.setdefault("grad_fn_differs", reason)
    register(Case(name, fn=fn, args=args, kind=kind, **options))


_STARTS: dict = {}


def start(ns: Any, build: Callable[[Any], Any], like: Any) -> Any:
    """``convert.same_start`` (PyTorch's initial weights under seed 0, in ``like``'s dtype) with the
    reference weights cached per builder and dtype: finite differences call a case's function
    hundreds of times, and rebuilding the torch module each time was most of their cost."""
    import torch
    key = (build, str(like.dtype).split(".")[-1])
    if key not in _STARTS:
        _STARTS[key] = same_start(torch, build, torch.zeros(1, dtype=getattr(torch, key[1])))
    reference = _STARTS[key]
    if ns is torch:
        model = build(torch).to(dtype=getattr(torch, key[1]))
        model.load_state_dict(reference.state_dict())
        return model.to(like.device)
    return load_into_ours(build(ns).to(device=like.device, dtype=getattr(ns, key[1])), reference)


def layer(build: Callable[[Any], Any]) -> Callable[..., Probe]:
    """Run ``build(ns)`` (PyTorch's initial weights) on the inputs: outputs, final states and (through
    Probe) every parameter's gradient; the remaining inputs are the initial state(s)."""
    def run(ns: Any, x: Any, *states: Any) -> Probe:
        m = start(ns, build, x)
        if len(states) == 2:  # LSTM / LSTMCell: (h0, c0)
            return Probe(m(x, tuple(states)), params=m)
        return Probe(m(x, *states), params=m)
    return run


def packed(build: Callable[[Any], Any], batch_first: bool = False, with_state: bool = False) -> Callable[..., Probe]:
    """Pack a padded batch of LENGTHS (unsorted), run the layer, pad the output back."""
    def run(ns: Any, x: Any, *states: Any) -> Probe:
        m = start(ns, build, x)
        rnn = ns.nn.utils.rnn
        seq = rnn.pack_padded_sequence(x, LENGTHS, batch_first=batch_first, enforce_sorted=False)
        hx = (tuple(states) if len(states) == 2 else states[0]) if with_state else None
        out, hidden = m(seq, hx)
        padded, lengths = rnn.pad_packed_sequence(out, batch_first=batch_first, total_length=T + 1)
        return Probe([padded, lengths, hidden, out.data, out.batch_sizes], params=m)
    return run


SEQ, BATCH_FIRST, UNBATCHED = farg(T, N, I), farg(N, T, I), farg(T, I)
STATE, STATE_UNBATCHED = farg(1, N, H), farg(1, H)

for mode, cls in (("tanh", "RNN"), ("relu", "RNN"), ("", "LSTM"), ("", "GRU")):
    prefix = f"{cls}_{mode}" if mode else cls
    extra = {"nonlinearity": mode} if mode else {}
    # relu's kink at 0: the pre-activations of random inputs stay away from it in these tiny cases
    # only by chance, so relu runs no finite differences (PyTorch parity still covers it).
    fd = mode != "relu"

    def build(ns: Any, cls: str = cls, extra: dict = extra, **kw: Any) -> Any:
        return getattr(ns.nn, cls)(I, H, **extra, **kw)

    states = (STATE, STATE) if cls == "LSTM" else (STATE,)
    states_2x2 = (farg(4, N, H),) * (2 if cls == "LSTM" else 1)
    small_2x2 = (farg(4, 2, H),) * (2 if cls == "LSTM" else 1)
    # finite differences (each costs two forwards per input element) on the cases that cover the
    # most: initial states, two bidirectional layers, packed sequences with states
    case(prefix, layer(build), SEQ, gradcheck=False)
    case(f"{prefix}_h0", layer(build), SEQ, *states, gradcheck=fd)
    case(f"{prefix}_batch_first", layer(lambda ns, b=build: b(ns, batch_first=True)), BATCH_FIRST, gradcheck=False)
    case(f"{prefix}_no_bias", layer(lambda ns, b=build: b(ns, bias=False)), SEQ, gradcheck=False)
    case(f"{prefix}_unbatched", layer(build), UNBATCHED, *((STATE_UNBATCHED,) * len(states)), gradcheck=False)
    case(f"{prefix}_2_layers_bidirectional", layer(lambda ns, b=build: b(ns, num_layers=2, bidirectional=True)),
         farg(3, 2, I), *small_2x2, gradcheck=fd)
    case(f"{prefix}_packed", packed(build), SEQ, gradcheck=fd)
    case(f"{prefix}_packed_bidirectional_h0",
         packed(lambda ns, b=build: b(ns, num_layers=2, bidirectional=True), with_state=True), SEQ, *states_2x2,
         gradcheck=False)
    case(f"{prefix}_eval_dropout", layer(lambda ns, b=build: b(ns, num_layers=2, dropout=0.5).eval()), SEQ,
         gradcheck=False, note="dropout between layers is off in eval mode")



def seeded(build: Callable[[Any], Any], packed_input: bool = False) -> Callable[..., Probe]:
    """Training mode with dropout between layers, both frameworks seeded alike: F.dropout draws
    PyTorch's CPU random stream, so the masks are the same."""
    def run(ns: Any, x: Any) -> Probe:
        m = start(ns, build, x)
        ns.manual_seed(7)
        if packed_input:
            out, hidden = m(ns.nn.utils.rnn.pack_padded_sequence(x, LENGTHS, enforce_sorted=False))
            return Probe([out.data, hidden], params=m)
        return Probe(m(x), params=m)
    return run


CPU_ONLY = (("numpy", "torch-cpu"),)  # PyTorch's CUDA dropout draws another stream (Philox)
case("LSTM_dropout_training_bidirectional", seeded(lambda ns: ns.nn.LSTM(I, H, num_layers=3, dropout=0.5,
                                                                         bidirectional=True)),
     SEQ, pairings=CPU_ONLY, gradcheck=False)
case("GRU_dropout_training_packed", seeded(lambda ns: ns.nn.GRU(I, H, num_layers=2, dropout=0.3), packed_input=True),
     SEQ, pairings=CPU_ONLY, gradcheck=False)
case("RNN_dropout_training", seeded(lambda ns: ns.nn.RNN(I, H, num_layers=2, dropout=0.6, batch_first=True)),
     BATCH_FIRST, pairings=CPU_ONLY, gradcheck=False)

# LSTM with projections: h = W_hr (o ⊙ tanh c) has proj_size (2) columns, c keeps hidden_size
case("LSTM_proj_size_h0", layer(lambda ns: ns.nn.LSTM(I, H, proj_size=2)), SEQ, farg(1, N, 2), farg(1, N, H))
case("LSTM_proj_size_packed_bidirectional_h0",
     packed(lambda ns: ns.nn.LSTM(I, H, num_layers=2, bidirectional=True, proj_size=2), with_state=True), SEQ,
     farg(4, N, 2), farg(4, N, H), gradcheck=False)
case("LSTM_proj_size_2_layers_batch_first", layer(lambda ns: ns.nn.LSTM(I, H, num_layers=2, proj_size=3,
                                                                        batch_first=True)), BATCH_FIRST,
     gradcheck=False)

case("LSTM_packed_batch_first", packed(lambda ns: ns.nn.LSTM(I, H, batch_first=True), batch_first=True),
     BATCH_FIRST)
case("GRU_batch_first_h0", layer(lambda ns: ns.nn.GRU(I, H, batch_first=True)), BATCH_FIRST, STATE, gradcheck=False)

# ------------------------------------------------------------------------------------------- cells
for cls, chunks in (("RNNCell", 1), ("LSTMCell", 2), ("GRUCell", 1)):
    hidden = (farg(N, H),) * chunks
    case(cls, layer(lambda ns, c=cls: getattr(ns.nn, c)(I, H)), farg(N, I), *hidden)
    case(f"{cls}_no_state", layer(lambda ns, c=cls: getattr(ns.nn, c)(I, H)), farg(N, I))
    case(f"{cls}_no_bias", layer(lambda ns, c=cls: getattr(ns.nn, c)(I, H, bias=False)), farg(N, I), *hidden,
         gradcheck=False)
    case(f"{cls}_unbatched", layer(lambda ns, c=cls: getattr(ns.nn, c)(I, H)), farg(I), *((farg(H),) * chunks))
case("RNNCell_relu", layer(lambda ns: ns.nn.RNNCell(I, H, nonlinearity="relu")), farg(N, I), farg(N, H),
     gradcheck=False)


def _lstm_cell(ns: Any) -> Any:
    return ns.nn.LSTMCell(I, H)


def unrolled_lstm_cell(ns: Any, x: Any, h: Any, c: Any) -> Probe:
    """An LSTMCell applied over time by hand, as lectures write it: a graph of T steps."""
    cell = start(ns, _lstm_cell, x)
    outputs = []
    for t in range(x.shape[0]):
        h, c = cell(x[t], (h, c))
        outputs.append(h)
    return Probe([ns.stack(outputs), c], params=cell)


case("LSTMCell_unrolled", unrolled_lstm_cell, SEQ, farg(N, H), farg(N, H))

# --------------------------------------------------------------------------------------- embedding
V, D = 7, 3
TOKENS = Arg((2, 5), kind="index", high=V, grad=False)


def embedding(build: Callable[[Any], Any]) -> Callable[..., Probe]:
    def run(ns: Any, tokens: Any, like: Any) -> Probe:
        m = start(ns, build, like)
        return Probe(m(tokens), params=m)
    return run


LIKE = farg(1, grad=False)  # only carries the case's dtype to start()
case("Embedding", embedding(lambda ns: ns.nn.Embedding(V, D)), TOKENS, LIKE)
case("Embedding_padding_idx", embedding(lambda ns: ns.nn.Embedding(V, D, padding_idx=0)),
     make_inputs=lambda rng, dtype: [np.array([[0, 2, 0, 5], [1, 0, 2, 2]]), np.zeros(1, dtype)], grads=(False, False),
     note="the padding row gets a zero gradient")
case("Embedding_padding_idx_negative", embedding(lambda ns: ns.nn.Embedding(V, D, padding_idx=-1)),
     make_inputs=lambda rng, dtype: [np.array([6, 2, 6, 1]), np.zeros(1, dtype)], grads=(False, False))
case("Embedding_scale_grad_by_freq", embedding(lambda ns: ns.nn.Embedding(V, D, scale_grad_by_freq=True)),
     make_inputs=lambda rng, dtype: [np.array([[1, 1, 1, 4], [4, 2, 1, 0]]), np.zeros(1, dtype)],
     grads=(False, False))
case("Embedding_max_norm", embedding(lambda ns: ns.nn.Embedding(V, D, max_norm=1.0)), TOKENS, LIKE,
     note="looked-up rows are renormalised in place before the lookup")
case("Embedding_max_norm_1", embedding(lambda ns: ns.nn.Embedding(V, D, max_norm=0.5, norm_type=1.0)), TOKENS, LIKE)
def pretrained(ns: Any, w: Any, t: Any) -> Probe:
    emb = ns.nn.Embedding.from_pretrained(w, freeze=False)  # a Parameter over w's values
    return Probe(emb(t), params=emb)


case("Embedding_from_pretrained", pretrained, farg(V, D, grad=False), Arg((4,), kind="index", high=V, grad=False))
case("F.embedding", lambda ns, t, w: ns.nn.functional.embedding(t, w), TOKENS, farg(V, D), kind="op")
# padding_idx is a rule for the gradient (that row gets none), not the derivative: no finite differences
# (kind "module": the registry's op cases all run them)
case("F.embedding_padding_idx", lambda ns, t, w: ns.nn.functional.embedding(t, w, padding_idx=2), TOKENS, farg(V, D),
     gradcheck=False)
case("F.embedding_1d", lambda ns, t, w: ns.nn.functional.embedding(t, w), Arg((6,), kind="index", high=V, grad=False),
     farg(V, D), kind="op")

BAG_TOKENS = [1, 2, 4, 5, 4, 3, 2, 6]
BAG_OFFSETS = [0, 2, 5, 5]  # bags of 2, 3, 0 (empty) and 3 entries


def bag(build: Callable[[Any], Any], offsets: list[int] | None = BAG_OFFSETS) -> Callable[..., Probe]:
    def run(ns: Any, tokens: Any, like: Any, *per_sample_weights: Any) -> Probe:
        m = start(ns, build, like)
        extra = {"per_sample_weights": per_sample_weights[0]} if per_sample_weights else {}
        return Probe(m(tokens, None if offsets is None else ns.tensor(offsets), **extra), params=m)
    return run


def bag_inputs(*extra: Callable) -> Callable:
    return lambda rng, dtype: [np.array(BAG_TOKENS), np.zeros(1, dtype), *(f(rng, dtype) for f in extra)]


for mode in ("sum", "mean", "max"):
    case(f"EmbeddingBag_{mode}_offsets", bag(lambda ns, m=mode: ns.nn.EmbeddingBag(V, D, mode=m)),
         make_inputs=bag_inputs(), grads=(False, False), note="an empty bag gives zeros")
    case(f"EmbeddingBag_{mode}_padding_idx", bag(lambda ns, m=mode: ns.nn.EmbeddingBag(V, D, mode=m, padding_idx=4)),
         make_inputs=bag_inputs(), grads=(False, False), note="padding entries are left out of the bag")
case("EmbeddingBag_mean_2d", bag(lambda ns: ns.nn.EmbeddingBag(V, D), offsets=None), TOKENS, LIKE)
case("EmbeddingBag_max_include_last_offset",
     bag(lambda ns: ns.nn.EmbeddingBag(V, D, mode="max", include_last_offset=True), offsets=[0, 2, 5, 8]),
     make_inputs=bag_inputs(), grads=(False, False))
case("EmbeddingBag_sum_per_sample_weights", bag(lambda ns: ns.nn.EmbeddingBag(V, D, mode="sum")),
     make_inputs=bag_inputs(lambda rng, dtype: rng.uniform(-2, 2, len(BAG_TOKENS)).astype(dtype)),
     grads=(False, False, True))
case("EmbeddingBag_max_norm", bag(lambda ns: ns.nn.EmbeddingBag(V, D, max_norm=1.0)), make_inputs=bag_inputs(),
     grads=(False, False))
case("F.embedding_bag", lambda ns, t, w: ns.nn.functional.embedding_bag(t, w, ns.tensor([0, 3]), mode="mean"),
     Arg((6,), kind="index", high=V, grad=False), farg(V, D), kind="op")

# ---------------------------------------------------------------------------------------- nn.utils


def rnn_utils(ns: Any, a: Any, b: Any, c: Any) -> list:
    """pad_sequence (both sides, batch_first), pack_sequence, unpack_sequence, unpad_sequence."""
    rnn = ns.nn.utils.rnn
    seqs = [a, b, c]
    padded = rnn.pad_sequence(seqs, padding_value=-1.0)
    left = rnn.pad_sequence(seqs, batch_first=True, padding_side="left")
    packed_seq = rnn.pack_sequence(seqs, enforce_sorted=False)
    unpacked = rnn.unpack_sequence(packed_seq)
    # (PyTorch's unpad_sequence transposes its argument in place: give it a copy)
    unpadded = rnn.unpad_sequence(padded.clone(), ns.tensor([2, 4, 3]))
    return [padded, left, packed_seq.data, packed_seq.batch_sizes, packed_seq.sorted_indices, *unpacked, *unpadded]


case("nn.utils.rnn", rnn_utils, farg(2, 3), farg(4, 3), farg(3, 3), kind="op")


def clip_case(norm_type: float, max_norm: float) -> Callable[..., Probe]:
    """Backward through a small model, clip, and compare the total norm and the clipped gradients."""
    def run(ns: Any, x: Any) -> Probe:
        model = same_start(ns, lambda n: n.nn.Sequential(n.nn.Linear(I, 5), n.nn.Tanh(), n.nn.Linear(5, 2)), x)
        (model(x) ** 2).sum().backward()
        total = ns.nn.utils.clip_grad_norm_(model.parameters(), max_norm, norm_type=norm_type)
        return Probe([total] + [p.grad for p in model.parameters()])
    return run


for norm_type, max_norm in ((2.0, 0.5), (1.0, 0.5), (float("inf"), 0.1), (2.0, 1e3), (3.0, 0.2)):
    register(Case(f"clip_grad_norm_{norm_type}_{max_norm}", fn=clip_case(norm_type, max_norm), kind="training",
                  args=(farg(4, I, grad=False),), gradcheck=False))


def clip_value(ns: Any, x: Any) -> Probe:
    model = same_start(ns, lambda n: n.nn.Linear(I, 5), x)
    (model(x) ** 2).sum().backward()
    ns.nn.utils.clip_grad_value_(model.parameters(), 0.3)
    return Probe([p.grad for p in model.parameters()])


register(Case("clip_grad_value_", fn=clip_value, kind="training", args=(farg(4, I, grad=False),), gradcheck=False))


def vector_round_trip(ns: Any, x: Any) -> Probe:
    model = same_start(ns, lambda n: n.nn.Linear(I, 2), x)
    vec = ns.nn.utils.parameters_to_vector(model.parameters())
    ns.nn.utils.vector_to_parameters(vec.detach() * 2, model.parameters())
    return Probe([vec, model(x)])


register(Case("parameters_to_vector", fn=vector_round_trip, kind="training", args=(farg(4, I, grad=False),),
              gradcheck=False))

# ---------------------------------------------------------------------------------------- training


def training(build: Callable[[Any], Any], step: Callable[..., Any], optimizer: str, steps: int,
             **options: Any) -> Callable[..., Probe]:
    """``steps`` optimizer steps of ``step(ns, model, *inputs) -> loss``; outputs the loss curve and
    the final weights."""
    def run(ns: Any, *inputs: Any) -> Probe:
        like = next(t for t in inputs if t.dtype.is_floating_point)
        model = same_start(ns, build, like)
        opt = getattr(ns.optim, optimizer)(model.parameters(), **options)
        losses = []
        for _ in range(steps):
            opt.zero_grad()
            loss = step(ns, model, *inputs)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return Probe([ns.tensor(losses, dtype=like.dtype), {k: p.detach() for k, p in model.named_parameters()}])
    return run


def packed_lstm(ns: Any) -> Any:
    class Tagger(ns.nn.Module):  # bidirectional 2-layer LSTM over packed sequences, a score per step
        def __init__(self) -> None:
            super().__init__()
            self.lstm = ns.nn.LSTM(I, H, num_layers=2, bidirectional=True)
            self.head = ns.nn.Linear(2 * H, 1)

        def forward(self, x: Any) -> Any:
            rnn = ns.nn.utils.rnn
            out, (h, c) = self.lstm(rnn.pack_padded_sequence(x, LENGTHS, enforce_sorted=False))
            padded, _ = rnn.pad_packed_sequence(out)
            return self.head(padded).squeeze(-1), h
    return Tagger()


def packed_lstm_step(ns: Any, model: Any, x: Any, y: Any) -> Any:
    scores, h = model(x)
    mask = ns.tensor(np.arange(T)[:, None] < np.array(LENGTHS)[None, :], dtype=x.dtype)
    return (((scores - y) ** 2) * mask).sum() / mask.sum() + (h ** 2).mean()


register(Case("LSTM_packed_bidirectional_2_layers_Adam", kind="training", gradcheck=False,
              fn=training(packed_lstm, packed_lstm_step, "Adam", 8, lr=0.05),
              args=(farg(T, N, I, grad=False), farg(T, N, grad=False))))

# "hihello": learn to predict the next character of "hihell" -> "ihello" (a lecture classic)
CHARS = "hielo"
HIHELLO_X = [[CHARS.index(ch) for ch in "hihell"]]
HIHELLO_Y = [CHARS.index(ch) for ch in "ihello"]


def char_rnn(ns: Any) -> Any:
    class CharRNN(ns.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = ns.nn.Embedding(len(CHARS), 4)
            self.rnn = ns.nn.RNN(4, 6, batch_first=True)
            self.fc = ns.nn.Linear(6, len(CHARS))

        def forward(self, tokens: Any) -> Any:
            out, _ = self.rnn(self.embed(tokens))
            return self.fc(out.reshape(-1, 6))
    return CharRNN()


def char_step(ns: Any, model: Any, tokens: Any, target: Any, like: Any) -> Any:
    return ns.nn.functional.cross_entropy(model(tokens), target)


register(Case("RNN_char_hihello_Adam", kind="training", gradcheck=False,
              fn=training(char_rnn, char_step, "Adam", 15, lr=0.1),
              make_inputs=lambda rng, dtype: [np.array(HIHELLO_X), np.array(HIHELLO_Y), np.zeros(1, dtype)],
              grads=(False, False, False)))


def gru_classifier(ns: Any) -> Any:
    class Classifier(ns.nn.Module):  # Embedding(padding_idx) -> GRU over packed sequences -> Linear
        def __init__(self) -> None:
            super().__init__()
            self.embed = ns.nn.Embedding(V, 4, padding_idx=0)
            self.gru = ns.nn.GRU(4, H, batch_first=True)
            self.fc = ns.nn.Linear(H, 2)

        def forward(self, tokens: Any) -> Any:
            seq = ns.nn.utils.rnn.pack_padded_sequence(self.embed(tokens), LENGTHS, batch_first=True,
                                                       enforce_sorted=False)
            _, h = self.gru(seq)
            return self.fc(h[-1])
    return Classifier()


def gru_step(ns: Any, model: Any, tokens: Any, target: Any, like: Any) -> Any:
    loss = ns.nn.functional.cross_entropy(model(tokens), target)
    return loss


def gru_inputs(rng: np.random.Generator, dtype: str) -> list[np.ndarray]:
    tokens = rng.integers(1, V, size=(N, T))
    for b, n in enumerate(LENGTHS):
        tokens[b, n:] = 0  # padding
    return [tokens, rng.integers(0, 2, size=N), np.zeros(1, dtype)]


def gru_clipped(ns: Any, tokens: Any, target: Any, like: Any) -> Probe:
    """SGD with clip_grad_norm_ between backward and step, as seq2seq lectures train."""
    model = same_start(ns, gru_classifier, like)
    opt = ns.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    losses, norms = [], []
    for _ in range(8):
        opt.zero_grad()
        loss = gru_step(ns, model, tokens, target, like)
        loss.backward()
        norms.append(ns.nn.utils.clip_grad_norm_(model.parameters(), 0.5).item())
        opt.step()
        losses.append(loss.item())
    return Probe([ns.tensor(losses, dtype=like.dtype), ns.tensor(norms, dtype=like.dtype),
                  {k: p.detach() for k, p in model.named_parameters()}])


register(Case("GRU_Embedding_packed_SGD_clip_grad_norm", kind="training", gradcheck=False, fn=gru_clipped,
              make_inputs=gru_inputs, grads=(False, False, False)))
