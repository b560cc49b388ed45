"""Parity cases for the transformer modules: encoder and decoder layers and stacks, and ``nn.Transformer``;
post- and pre-norm, ReLU and GELU, causal and padding masks, both layouts. Dropout is 0 (the draws are compared in
tests/test_course_c.py); the weights come from PyTorch's state (``convert.same_start``)."""
from __future__ import annotations

from typing import Any, Callable

from .check import Probe
from .convert import same_start
from .registry import Case, farg, register


def layer(ns: Any, **kw: Any) -> Any:
    return ns.nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, **kw)


def encoder_case(name: str, build: Callable[[Any], Any], masks: Callable[[Any], dict] = lambda ns: {},
                 shape: tuple[int, ...] = (3, 2, 4), **options: Any) -> None:
    def run(ns: Any, x: Any) -> Probe:
        m = same_start(ns, build, x)
        return Probe([m(x, **masks(ns))], params=m)
    register(Case(name, fn=run, args=(farg(*shape),), kind="module", **options))


def causal(ns: Any) -> dict:
    return {"src_mask": ns.ones(3, 3, dtype=ns.bool).triu(1)}


encoder_case("TransformerEncoderLayer", lambda ns: layer(ns))
encoder_case("TransformerEncoderLayer_norm_first_gelu_causal",
             lambda ns: layer(ns, norm_first=True, activation="gelu"), causal)
encoder_case("TransformerEncoderLayer_batch_first_padding", lambda ns: layer(ns, batch_first=True),
             lambda ns: {"src_key_padding_mask": ns.tensor([[False, False, True], [False, False, False]])},
             shape=(2, 3, 4), gradcheck=False)
encoder_case("TransformerEncoder_two_layers_norm",
             lambda ns: ns.nn.TransformerEncoder(layer(ns), 2, norm=ns.nn.LayerNorm(4), enable_nested_tensor=False),
             lambda ns: {"mask": ns.ones(3, 3, dtype=ns.bool).triu(1)}, gradcheck=False)


def decoder_case(name: str, build: Callable[[Any], Any], masks: Callable[[Any], dict] = lambda ns: {},
                 shapes: tuple[tuple[int, ...], ...] = ((3, 2, 4), (5, 2, 4)), **options: Any) -> None:
    def run(ns: Any, tgt: Any, memory: Any) -> Probe:
        m = same_start(ns, build, tgt)
        return Probe([m(tgt, memory, **masks(ns))], params=m)
    register(Case(name, fn=run, args=tuple(farg(*s) for s in shapes), kind="module", **options))


def dec_layer(ns: Any, **kw: Any) -> Any:
    return ns.nn.TransformerDecoderLayer(4, 2, dim_feedforward=6, dropout=0.0, **kw)


decoder_case("TransformerDecoderLayer", lambda ns: dec_layer(ns), lambda ns: {"tgt_mask": causal(ns)["src_mask"]})
decoder_case("TransformerDecoderLayer_norm_first_batch_first_padding",
             lambda ns: dec_layer(ns, norm_first=True, batch_first=True, activation="gelu"),
             lambda ns: {"memory_key_padding_mask": ns.tensor([[False] * 4 + [True], [False] * 5])},
             shapes=((2, 3, 4), (2, 5, 4)), gradcheck=False)
decoder_case("TransformerDecoder_two_layers_norm",
             lambda ns: ns.nn.TransformerDecoder(dec_layer(ns), 2, norm=ns.nn.LayerNorm(4)),
             lambda ns: {"tgt_mask": ns.nn.Transformer.generate_square_subsequent_mask(3)}, gradcheck=False)
decoder_case("Transformer", lambda ns: ns.nn.Transformer(4, 2, 1, 1, 6, dropout=0.0),
             lambda ns: {"tgt_mask": ns.nn.Transformer.generate_square_subsequent_mask(5)},
             shapes=((3, 2, 4), (5, 2, 4)), gradcheck=False)
