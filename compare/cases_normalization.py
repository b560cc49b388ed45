"""Parity cases for normalization: batch, instance, layer and group norm (modules and functionals),
``F.normalize``, and batch norm's running statistics after several training steps.

Affine parameters and running statistics start random (not PyTorch's ones and zeros) so that a
wrong γ, β or running-stat formula cannot hide behind an identity; the modules are built from
PyTorch's state with ``convert.same_start`` (buffers included). Finite differences run on one
case per layer and option that changes the backward; variants that only change the statistics'
history or the layout (several steps, running stats, batch_first) share a checked backward and opt
out to keep the suite fast.
"""
from __future__ import annotations

from typing import Any, Callable

import tinygrad_lr

from .check import Probe
from .convert import same_start
from .registry import Arg, Case, farg, register
from .strategies import SIDE, st

if not hasattr(tinygrad_lr.nn, "BatchNorm2d"):
    raise ModuleNotFoundError("tinygrad_lr.nn.BatchNorm2d is not there yet", name=__name__)


def case(name: str, fn: Callable[..., Any], *args: Arg, kind: str = "module", **options: Any) -> None:
    register(Case(name, fn=fn, args=args, kind=kind, **options))


def randomized(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``build(ns)`` with random affine parameters and running statistics."""
    def make(ns: Any) -> Any:
        m = build(ns)
        with ns.no_grad():
            for name, t in list(m.named_parameters()) + list(m.named_buffers()):
                if name.endswith("running_var"):
                    ns.nn.init.uniform_(t, 0.5, 2.0)
                elif t.dtype.is_floating_point:
                    ns.nn.init.uniform_(t, -1.0 if "bias" in name or "mean" in name else 0.5, 1.5)
        return m
    return make


def norm(build: Callable[[Any], Any], train: bool = True, steps: int = 1) -> Callable[..., Probe]:
    """Run the layer ``steps`` times (in train or eval mode); outputs: the last output and every
    buffer (running statistics, the int64 counter) afterwards; gradients of input and parameters."""
    def run(ns: Any, x: Any) -> Probe:
        m = same_start(ns, randomized(build), x).train(train)
        for step in range(steps - 1):
            m(x.detach() * (1.5 + step) + step)  # different batches move the running statistics
        out = m(x)
        buffers = {name: b.clone() for name, b in m.named_buffers()}
        return Probe([out, buffers], params=m)
    return run


BN = lambda **kw: (lambda ns: ns.nn.BatchNorm1d(3, **kw))  # noqa: E731
BN2 = lambda **kw: (lambda ns: ns.nn.BatchNorm2d(3, **kw))  # noqa: E731

case("BatchNorm1d", norm(BN()), farg(5, 3))
case("BatchNorm1d_3d_input", norm(BN()), farg(4, 3, 5), gradcheck=False)
case("BatchNorm1d_eval", norm(BN(), train=False), farg(5, 3))
case("BatchNorm1d_no_affine", norm(BN(affine=False)), farg(5, 3))
case("BatchNorm1d_no_running_stats_eval", norm(BN(track_running_stats=False), train=False), farg(5, 3),
     note="eval without buffers normalises with the batch's statistics")
case("BatchNorm2d", norm(BN2()), farg(4, 3, 3, 2))
case("BatchNorm2d_eval", norm(BN2(), train=False), farg(4, 3, 3, 2))
case("BatchNorm2d_3_steps", norm(BN2(momentum=0.3), steps=3), farg(4, 3, 3, 2),
     note="running_mean, unbiased running_var and num_batches_tracked after 3 steps", gradcheck=False)
case("BatchNorm2d_cumulative_average", norm(BN2(momentum=None), steps=3), farg(4, 3, 2, 2),
     note="momentum=None: running stats are the average over the batches seen", gradcheck=False)
case("BatchNorm2d_no_bias_eps", norm(BN2(bias=False, eps=1e-3)), farg(4, 3, 2, 2))
# float64 only: in float32, x − μ itself rounds μ ≈ 1000 to ulp/2 = 3e-5, 0.3% of σ = 0.01, so both
# frameworks are 0.2-0.3% from the exact answer and from each other (tests/test_normalization.py
# checks ours is no further from it than PyTorch's). Finite differences of x + 1000 lose their
# digits the same way, so gradcheck is off.
case("BatchNorm2d_large_mean", lambda ns, x: norm(BN2())(ns, x * 0.01 + 1000), farg(4, 3, 3, 3),
     gradcheck=False, dtypes=("float64",), note="|mean| >> std: the two-pass variance keeps its digits")
case("BatchNorm3d", norm(lambda ns: ns.nn.BatchNorm3d(2)), farg(3, 2, 2, 2, 2))
case("InstanceNorm1d", norm(lambda ns: ns.nn.InstanceNorm1d(3)), farg(2, 3, 5))
case("InstanceNorm1d_unbatched_affine", norm(lambda ns: ns.nn.InstanceNorm1d(3, affine=True)), farg(3, 5))
case("InstanceNorm2d", norm(lambda ns: ns.nn.InstanceNorm2d(3, affine=True)), farg(2, 3, 3, 3))
case("InstanceNorm2d_running_stats", norm(lambda ns: ns.nn.InstanceNorm2d(3, track_running_stats=True), steps=2),
     farg(2, 3, 3, 3), gradcheck=False)
case("InstanceNorm2d_running_stats_eval",
     norm(lambda ns: ns.nn.InstanceNorm2d(3, affine=True, track_running_stats=True), train=False), farg(2, 3, 3, 3),
     gradcheck=False)
case("InstanceNorm3d", norm(lambda ns: ns.nn.InstanceNorm3d(2)), farg(2, 2, 2, 2, 3))
case("LayerNorm", norm(lambda ns: ns.nn.LayerNorm(4)), farg(3, 4))
case("LayerNorm_2d_shape", norm(lambda ns: ns.nn.LayerNorm([3, 4])), farg(2, 3, 4))
case("LayerNorm_no_affine", norm(lambda ns: ns.nn.LayerNorm(4, elementwise_affine=False)), farg(2, 3, 4))
case("LayerNorm_no_bias", norm(lambda ns: ns.nn.LayerNorm(4, bias=False, eps=1e-3)), farg(2, 3, 4))
case("RMSNorm", norm(lambda ns: ns.nn.RMSNorm(4)), farg(3, 4))
case("RMSNorm_2d_shape_eps_no_affine", norm(lambda ns: ns.nn.RMSNorm([2, 3], eps=1e-3, elementwise_affine=False)),
     farg(2, 2, 3))
case("GroupNorm", norm(lambda ns: ns.nn.GroupNorm(2, 4)), farg(3, 4, 3, 2))
case("GroupNorm_one_group_3d", norm(lambda ns: ns.nn.GroupNorm(1, 4)), farg(2, 4, 5))
case("GroupNorm_per_channel_no_affine", norm(lambda ns: ns.nn.GroupNorm(4, 4, affine=False)), farg(2, 4, 3))

case("LocalResponseNorm", norm(lambda ns: ns.nn.LocalResponseNorm(3, alpha=0.5, beta=0.75, k=1.5)), farg(2, 5, 3))
case("LocalResponseNorm_4d_even_size", norm(lambda ns: ns.nn.LocalResponseNorm(2, alpha=1.0, k=2.0)), farg(2, 4, 2, 3))

F = lambda ns: ns.nn.functional  # noqa: E731


def sizes(*sides: Any) -> Any:
    """A hypothesis strategy of one shape: ints stay, strategies draw (``SPATIAL`` draws 0-2 sides)."""
    parts = [st.just((s,)) if isinstance(s, int) else s if s is SPATIAL else s.map(lambda n: (n,)) for s in sides]
    return st.tuples(*parts).map(lambda groups: tuple(n for group in groups for n in group))


SPATIAL = st.lists(SIDE, min_size=0, max_size=2).map(tuple)
# Shapes keep at least 3 values per statistic: with 2, x̂ is ±1 exactly and dx is pure rounding
# (σ⁻¹ · (g − ḡ − x̂ · mean(g x̂)) cancels to ~0), on which no two float32 implementations agree.
case("F.batch_norm_train", lambda ns, x, w, b: F(ns).batch_norm(x, None, None, w, b, training=True), farg(4, 3, 2),
     farg(3), farg(3), kind="op",
     shapes=st.tuples(sizes(st.integers(3, 5), 3, SPATIAL), st.just((3,)), st.just((3,))))
case("F.batch_norm_eval", lambda ns, x, m, v, w, b: F(ns).batch_norm(x, m, v, w, b), farg(4, 3),
     farg(3, grad=False), farg(3, low=0.5, high=2.0, grad=False), farg(3), farg(3), kind="op")
case("F.layer_norm", lambda ns, x, w, b: F(ns).layer_norm(x, (3, 2), w, b), farg(4, 3, 2), farg(3, 2), farg(3, 2),
     kind="op",
     shapes=st.tuples(sizes(SPATIAL, 3, 2), st.just((3, 2)), st.just((3, 2))))
case("F.rms_norm", lambda ns, x, w: F(ns).rms_norm(x, (3,), w), farg(2, 4, 3), farg(3), kind="op",
     shapes=st.tuples(sizes(SPATIAL, 3), st.just((3,))))
case("F.group_norm", lambda ns, x, w: F(ns).group_norm(x, 3, w), farg(2, 6, 2), farg(6), kind="op",
     shapes=st.tuples(sizes(SIDE, 6, st.integers(2, 4)), st.just((6,))))
case("F.instance_norm", lambda ns, x: F(ns).instance_norm(x), farg(2, 3, 4), kind="op",
     shapes=st.tuples(sizes(SIDE, 3, st.integers(3, 5))))
case("F.normalize", lambda ns, x: F(ns).normalize(x), farg(3, 4), kind="op",
     shapes=st.tuples(sizes(SIDE, SIDE, SPATIAL)))
case("F.normalize_p1_dim0", lambda ns, x: F(ns).normalize(x, p=1.0, dim=0), farg(3, 4, avoid=(0.0,)), kind="op")
case("F.normalize_p3", lambda ns, x: F(ns).normalize(x, p=3, dim=-1), farg(2, 3, 4, avoid=(0.0,)), kind="op")

# ------------------------------------------------------------------------- multi-head attention
MHA = lambda **kw: (lambda ns: ns.nn.MultiheadAttention(4, 2, **kw))  # noqa: E731


def attention(build: Callable[[Any], Any], masks: Callable[[Any], dict] = lambda ns: {}, **call: Any
              ) -> Callable[..., Probe]:
    def run(ns: Any, q: Any, k: Any, v: Any) -> Probe:
        m = same_start(ns, build, q)
        out, weights = m(q, k, v, **masks(ns), **call)
        return Probe([out] if weights is None else [out, weights], params=m)
    return run


def causal(ns: Any) -> dict:
    return {"attn_mask": ns.ones(3, 3, dtype=ns.bool).triu(1)}


def padded(ns: Any) -> dict:
    return {"key_padding_mask": ns.tensor([[False, False, True, False, True], [False, True, False, False, False]])}


QKV = (farg(3, 2, 4), farg(5, 2, 4), farg(5, 2, 4))
case("MultiheadAttention", attention(MHA()), *QKV)
case("MultiheadAttention_self_causal_per_head",
     lambda ns, x: attention(MHA(), causal, average_attn_weights=False)(ns, x, x, x), farg(3, 2, 4))
case("MultiheadAttention_key_padding_no_weights", attention(MHA(bias=False), padded, need_weights=False), *QKV,
     gradcheck=False)
case("MultiheadAttention_batch_first_kdim_vdim", attention(MHA(batch_first=True, kdim=3, vdim=5)),
     farg(2, 3, 4), farg(2, 5, 3), farg(2, 5, 5), gradcheck=False)
case("MultiheadAttention_unbatched_float_mask",
     lambda ns, q, k, m: attention(MHA(), lambda n: {"attn_mask": m})(ns, q, k, k), farg(3, 4), farg(5, 4),
     farg(3, 5, grad=False))
