"""Parity cases for every core op of the Tensor (``tinygrad_lr/tensor.py`` and ``ops/``).

Each case is one line of code shared by both frameworks. Default shapes are small (they are also
what the float64 finite-difference check perturbs, element by element) and several of them
broadcast on purpose; ``shapes=`` gives hypothesis a wider family for the property tests.
"""
from __future__ import annotations

from typing import Any, Callable

from . import strategies as S
from .registry import AWAY_FROM_0, DISTINCT, NONZERO, POSITIVE, Arg, Case, farg, register


def op(name: str, fn: Callable[..., Any], *args: Arg, **options: Any) -> None:
    register(Case(name, fn=fn, args=args, **options))


def index(*shape: int, high: int) -> Arg:
    return Arg(tuple(shape), kind="index", high=high, grad=False)


def mask(*shape: int) -> Arg:
    return Arg(tuple(shape), kind="mask", grad=False)


BINARY = S.broadcastable_pair()
UNARY = S.single()

# ------------------------------------------------------------------------------- arithmetic
op("add", lambda ns, a, b: a + b, farg(3, 1, 4), farg(2, 4), shapes=BINARY)
op("sub", lambda ns, a, b: a - b, farg(2, 3), farg(3), shapes=BINARY)
op("mul", lambda ns, a, b: a * b, farg(4, 1), farg(1, 3), shapes=BINARY)
op("div", lambda ns, a, b: a / b, farg(2, 3), farg(2, 1, 3, **NONZERO), shapes=BINARY)
op("add_same_shape", lambda ns, a, b: a + b, farg(2, 3), farg(2, 3), shapes=S.same_shape_pair())
op("add_scalar", lambda ns, a: a + 2.5, farg(2, 3), shapes=UNARY)
op("rsub_scalar", lambda ns, a: 2.5 - a, farg(2, 3), shapes=UNARY)
op("mul_scalar", lambda ns, a: a * -1.5, farg(2, 3), shapes=UNARY)
op("div_scalar", lambda ns, a: a / 3.0, farg(2, 3), shapes=UNARY)
op("rdiv_scalar", lambda ns, a: 3.0 / a, farg(2, 3, **NONZERO), shapes=UNARY)
op("neg", lambda ns, a: -a, farg(2, 3), shapes=UNARY)
# step functions: their gradient is 0 (PyTorch's too); inputs kept away from the jumps
op("round", lambda ns, a: ns.round(a * 3),
   farg(2, 3, low=-1.0, high=1.0, avoid=(-5 / 6, -0.5, -1 / 6, 1 / 6, 0.5, 5 / 6), margin=0.02))
op("floor_ceil_sign", lambda ns, a: a.floor() + a.ceil() * 2 + a.sign() * a,
   farg(2, 3, avoid=(-1.0, 0.0, 1.0), margin=0.02))
# remainder jumps where a / b is a whole number; random inputs land there with probability ~0
op("remainder", lambda ns, a, b: a % b, farg(2, 3), farg(3, **POSITIVE), shapes=BINARY)
op("remainder_scalar", lambda ns, a: a % 1.5, farg(2, 3), shapes=UNARY)
op("add_alpha", lambda ns, a, b: a.add(b, alpha=0.5), farg(2, 3), farg(3), shapes=BINARY)
op("reuse", lambda ns, a: a * a + a, farg(2, 3), shapes=UNARY, note="one tensor on several paths")

# Powers. A scalar exponent needs a positive base unless it is an integer.
op("pow_2", lambda ns, a: a ** 2, farg(2, 3), shapes=UNARY)
op("pow_3", lambda ns, a: a ** 3, farg(2, 3), shapes=UNARY)
op("pow_0", lambda ns, a: a ** 0, farg(2, 3), shapes=UNARY)
op("pow_half", lambda ns, a: a ** 0.5, farg(2, 3, **POSITIVE), shapes=UNARY)
op("pow_neg_1_5", lambda ns, a: a ** -1.5, farg(2, 3, **POSITIVE), shapes=UNARY)
op("pow_tensor", lambda ns, a, b: a ** b, farg(2, 3, **POSITIVE), farg(3), shapes=BINARY)
op("rpow_scalar", lambda ns, a: 2.0 ** a, farg(2, 3), shapes=UNARY)
op("square", lambda ns, a: ns.square(a), farg(2, 3), shapes=UNARY)

# ----------------------------------------------------------------------------------- matmul
op("matmul_1d_1d", lambda ns, a, b: a @ b, farg(4), farg(4))
op("matmul_2d_1d", lambda ns, a, b: a @ b, farg(3, 4), farg(4))
op("matmul_1d_2d", lambda ns, a, b: a @ b, farg(4), farg(4, 3))
op("matmul_2d_2d", lambda ns, a, b: a @ b, farg(3, 4), farg(4, 2))
op("matmul_square", lambda ns, a, b: a @ b, farg(3, 3), farg(3, 3), note="a transposed gradient would pass .sum()")
op("matmul_batched", lambda ns, a, b: a @ b, farg(2, 3, 4), farg(2, 4, 2))
op("matmul_batched_broadcast", lambda ns, a, b: a @ b, farg(2, 1, 3, 4), farg(3, 4, 2))
op("matmul_batched_2d", lambda ns, a, b: a @ b, farg(2, 3, 4), farg(4, 2))
op("matmul_1d_batched", lambda ns, a, b: a @ b, farg(4), farg(2, 4, 3))
op("matmul_batched_1d", lambda ns, a, b: a @ b, farg(2, 3, 4), farg(4))
op("matmul_any", lambda ns, a, b: ns.matmul(a, b), farg(3, 4), farg(4, 2), shapes=S.matmul_shapes())
op("mm", lambda ns, a, b: ns.mm(a, b), farg(3, 4), farg(4, 2))
op("dot", lambda ns, a, b: ns.dot(a, b), farg(5), farg(5))
op("bmm", lambda ns, a, b: ns.bmm(a, b), farg(2, 3, 4), farg(2, 4, 2))
op("linear_composed", lambda ns, x, w, b: x @ w.T + b, farg(4, 3), farg(5, 3), farg(5),
   note="nn.Linear's formula spelled with core ops")

# --------------------------------------------------------------------------- unary functions
op("exp", lambda ns, a: a.exp(), farg(2, 3), shapes=UNARY)
op("log", lambda ns, a: a.log(), farg(2, 3, **POSITIVE), shapes=UNARY)
op("sqrt", lambda ns, a: a.sqrt(), farg(2, 3, **POSITIVE), shapes=UNARY)
op("abs", lambda ns, a: a.abs(), farg(2, 3, **AWAY_FROM_0), shapes=UNARY)
op("sigmoid", lambda ns, a: a.sigmoid(), farg(2, 3, low=-6, high=6), shapes=UNARY)
op("tanh", lambda ns, a: a.tanh(), farg(2, 3), shapes=UNARY)
op("relu", lambda ns, a: a.relu(), farg(2, 3, **AWAY_FROM_0), shapes=UNARY)
op("exp_functional", lambda ns, a: ns.exp(a), farg(2, 3))
op("sigmoid_functional", lambda ns, a: ns.sigmoid(a), farg(2, 3))
CLAMP = {"avoid": (-0.5, 0.5), "margin": 0.1}
op("clamp", lambda ns, a: a.clamp(-0.5, 0.5), farg(3, 4, **CLAMP), shapes=UNARY)
op("clamp_min", lambda ns, a: a.clamp(min=-0.5), farg(3, 4, **CLAMP), shapes=UNARY)
op("clamp_max", lambda ns, a: ns.clamp(a, max=0.5), farg(3, 4, **CLAMP), shapes=UNARY)
op("maximum", lambda ns, a, b: ns.maximum(a, b), farg(3, 4), farg(4), shapes=BINARY)
op("minimum", lambda ns, a, b: ns.minimum(a, b), farg(3, 1), farg(3, 4), shapes=BINARY)
op("max_binary", lambda ns, a, b: ns.max(a, b), farg(3, 4), farg(3, 4))

# ------------------------------------------------------------------------------- reductions
op("sum", lambda ns, a: a.sum(), farg(2, 3), shapes=UNARY)
op("sum_dim0", lambda ns, a: a.sum(0), farg(2, 3), shapes=S.single(1))
op("sum_dim_neg_keepdim", lambda ns, a: a.sum(dim=-1, keepdim=True), farg(2, 3), shapes=S.single(1))
op("sum_dims_tuple", lambda ns, a: a.sum(dim=(0, -1)), farg(2, 3, 4), shapes=S.single(2))
op("mean", lambda ns, a: a.mean(), farg(2, 3), shapes=UNARY)
op("mean_dim1", lambda ns, a: a.mean(1), farg(2, 3, 2), shapes=S.single(2))
op("mean_dims_keepdim", lambda ns, a: a.mean((0, 1), keepdim=True), farg(2, 3, 2), shapes=S.single(2))
op("max", lambda ns, a: a.max(), farg(3, 4, **DISTINCT), shapes=UNARY)
op("min", lambda ns, a: a.min(), farg(3, 4, **DISTINCT), shapes=UNARY)
op("max_dim", lambda ns, a: a.max(dim=1), farg(3, 4, **DISTINCT), shapes=S.single(2),
   note="values and indices; indices compared exactly")
op("max_dim_keepdim", lambda ns, a: a.max(0, keepdim=True).values, farg(3, 4, **DISTINCT), shapes=S.single(1))
op("min_dim", lambda ns, a: a.min(dim=-1), farg(3, 4, **DISTINCT), shapes=S.single(1))

# Ties on purpose (integers): PyTorch splits the gradient evenly among tied maxima (amax, max()) and
# in half between tied maximum/minimum inputs. Not differentiable there, so no finite differences.
def ties(*shapes: tuple[int, ...]) -> Callable:
    return lambda rng, dtype: [rng.integers(0, 3, size=s).astype(dtype) for s in shapes]


op("max_ties", lambda ns, a: a.max(), make_inputs=ties((3, 4)), gradcheck=False)
op("amax_ties", lambda ns, a: a.amax(dim=1), make_inputs=ties((3, 4)), gradcheck=False)
op("maximum_ties", lambda ns, a, b: ns.maximum(a, b), make_inputs=ties((3, 4), (4,)), gradcheck=False)
op("minimum_ties", lambda ns, a, b: ns.minimum(a, b), make_inputs=ties((3, 4), (3, 4)), gradcheck=False)
op("amax", lambda ns, a: a.amax(dim=(0, 1)), farg(2, 3, 4, **DISTINCT), shapes=S.single(2))
op("amax_keepdim", lambda ns, a: ns.amax(a, -1, keepdim=True), farg(2, 3, **DISTINCT), shapes=S.single(1))
op("amin", lambda ns, a: a.amin(dim=0), farg(3, 4, **DISTINCT), shapes=S.single(1))
op("argmax", lambda ns, a: a.argmax(dim=1), farg(3, 4, **DISTINCT), shapes=S.single(2), gradcheck=False)
VAR_SHAPES = S.sides_at_least(2)
op("var", lambda ns, a: a.var(), farg(3, 4), shapes=VAR_SHAPES)
op("var_dim_biased", lambda ns, a: a.var(dim=1, unbiased=False), farg(3, 4), shapes=S.sides_at_least(2, 2))
op("var_correction_keepdim", lambda ns, a: a.var(dim=0, correction=0, keepdim=True), farg(3, 4), shapes=VAR_SHAPES)
op("var_dims_tuple", lambda ns, a: a.var(dim=(0, 2)), farg(2, 3, 4), shapes=S.sides_at_least(2, 3))
op("std", lambda ns, a: a.std(), farg(3, 4), shapes=VAR_SHAPES)
op("std_dim_unbiased_false", lambda ns, a: a.std(1, unbiased=False), farg(3, 4), shapes=S.sides_at_least(2, 2))
op("std_correction_keepdim", lambda ns, a: a.std(dim=-1, correction=2, keepdim=True), farg(3, 4))
op("logsumexp", lambda ns, a: a.logsumexp(dim=1), farg(3, 4, low=-5, high=5), shapes=S.single(2))
op("logsumexp_dims_keepdim", lambda ns, a: ns.logsumexp(a, dim=(0, 1), keepdim=True), farg(3, 4), shapes=S.single(2))
op("logsumexp_large", lambda ns, a: a.logsumexp(dim=-1), farg(3, 4, low=80, high=100),
   note="values whose exp overflows float32: the max-shift must be there")
op("softmax", lambda ns, a: a.softmax(dim=-1), farg(3, 4), shapes=S.single(1))
op("softmax_dim0", lambda ns, a: ns.softmax(a, 0), farg(3, 4), shapes=S.single(1))
op("log_softmax", lambda ns, a: a.log_softmax(dim=-1), farg(3, 4), shapes=S.single(1))
op("log_softmax_dim1", lambda ns, a: ns.log_softmax(a, dim=1), farg(2, 3, 4), shapes=S.single(2))

# ------------------------------------------------------------------------------ shape moves
op("reshape", lambda ns, a: a.reshape(4, -1), farg(2, 3, 2))
op("reshape_flat", lambda ns, a: a.reshape(-1), farg(2, 3), shapes=UNARY)
op("view", lambda ns, a: a.view(3, 4), farg(2, 6))
op("flatten", lambda ns, a: a.flatten(), farg(2, 3, 2), shapes=UNARY)
op("flatten_start1", lambda ns, a: ns.flatten(a, 1), farg(2, 3, 2), shapes=S.single(2))
op("unsqueeze", lambda ns, a: a.unsqueeze(0), farg(2, 3), shapes=UNARY)
op("unsqueeze_neg", lambda ns, a: a.unsqueeze(-1), farg(2, 3), shapes=UNARY)
op("squeeze", lambda ns, a: a.squeeze(), farg(1, 3, 1, 2), shapes=UNARY)
op("squeeze_dim", lambda ns, a: a.squeeze(2), farg(2, 3, 1))
op("transpose", lambda ns, a: a.transpose(0, 1), farg(2, 3), shapes=S.single(2))
op("transpose_neg", lambda ns, a: a.transpose(-1, -3), farg(2, 3, 4))
op("permute", lambda ns, a: a.permute(2, 0, 1), farg(2, 3, 4))
op("T", lambda ns, a: a.T, farg(2, 3))
op("t", lambda ns, a: a.t(), farg(2, 3))
op("mT", lambda ns, a: a.mT, farg(2, 3, 4))
op("expand", lambda ns, a: a.expand(2, 3, 4), farg(3, 1))
op("expand_neg1", lambda ns, a: a.expand(-1, 4), farg(3, 1))
op("expand_as_then_mul", lambda ns, a, b: a.expand_as(b) * b, farg(1, 3), farg(2, 3))
op("contiguous_after_transpose", lambda ns, a: a.transpose(0, 1).contiguous().view(-1), farg(2, 3))
op("repeat", lambda ns, a: a.repeat(2, 1, 3), farg(2, 3))
op("chunk", lambda ns, a: ns.chunk(a, 3, dim=1), farg(2, 7))
op("split", lambda ns, a: a.split([1, 3], dim=0), farg(4, 2))
op("narrow", lambda ns, a: a.narrow(1, 1, 2), farg(3, 4))
op("clone", lambda ns, a: a.clone() * 2, farg(2, 3))

# -------------------------------------------------------------------------------- indexing
op("index_int", lambda ns, a: a[1], farg(3, 4))
op("index_int_pair", lambda ns, a: a[-1, 2], farg(3, 4))
op("index_slice", lambda ns, a: a[1:3], farg(4, 3))
op("index_slice_steps", lambda ns, a: a[::2, 1::2], farg(5, 6))
op("index_ellipsis_none", lambda ns, a: a[None, ..., 0], farg(2, 3, 4))
op("index_list_repeated", lambda ns, a: a[[0, 2, 0, 0]], farg(3, 4), note="repeated rows accumulate")
op("index_list_columns", lambda ns, a: a[:, [1, 1, 0]], farg(3, 4))
op("index_tensor", lambda ns, a, i: a[i], farg(4, 3), index(6, high=4))
op("index_tensor_pairs", lambda ns, a, i, j: a[i, j], farg(3, 4), index(5, high=3), index(5, high=4))
op("index_mask", lambda ns, a, m: a[m], farg(3, 4), mask(3, 4))
op("index_mask_rows", lambda ns, a, m: a[m], farg(5, 2), mask(5))
op("index_select", lambda ns, a, i: ns.index_select(a, 1, i), farg(3, 4), index(5, high=4))
op("gather_dim1", lambda ns, a, i: a.gather(1, i), farg(3, 4), index(3, 5, high=4))
op("gather_dim0", lambda ns, a, i: ns.gather(a, 0, i), farg(3, 4), index(2, 4, high=3))
op("masked_fill", lambda ns, a, m: a.masked_fill(m, 0.0), farg(3, 4), mask(3, 4))

# ---------------------------------------------------------------------------- joining, where
op("cat_dim0", lambda ns, a, b, c: ns.cat([a, b, c]), farg(2, 3), farg(1, 3), farg(3, 3))
op("cat_dim1", lambda ns, a, b: ns.cat((a, b), dim=1), farg(2, 3), farg(2, 2))
op("cat_neg_dim", lambda ns, a, b: ns.cat([a, b], dim=-1), farg(2, 2, 3), farg(2, 2, 1))
op("stack_dim0", lambda ns, a, b: ns.stack([a, b]), farg(2, 3), farg(2, 3))
op("stack_dim_last", lambda ns, a, b, c: ns.stack([a, b, c], dim=-1), farg(2, 3), farg(2, 3), farg(2, 3))
op("where", lambda ns, m, a, b: ns.where(m, a, b), mask(3, 4), farg(3, 4), farg(4))
op("where_broadcast", lambda ns, m, a, b: ns.where(m, a, b), mask(3, 1), farg(1, 4), farg(3, 4))
op("where_scalar", lambda ns, m, a: ns.where(m, a, 0.5), mask(3, 4), farg(3, 4))
op("where_from_compare", lambda ns, a: ns.where(a > 0, a, a * 0.1), farg(3, 4, **AWAY_FROM_0),
   note="leaky relu spelled with where")

# --------------------------------------------------------------------------------- composites
op("mse_by_hand", lambda ns, a, b: ((a - b) ** 2).mean(), farg(4, 3), farg(4, 3))
op("softmax_by_hand", lambda ns, a: a.exp() / a.exp().sum(dim=-1, keepdim=True), farg(3, 4))
op("chain_deep", lambda ns, a: ((a.tanh() * 2).sigmoid() @ a.T).logsumexp(dim=0), farg(3, 4))

op("mlp_by_hand", lambda ns, x, w1, b1, w2: ((x @ w1 + b1).relu() @ w2).log_softmax(dim=-1),
   farg(4, 6), farg(6, 8), farg(8), farg(8, 3))

# ------------------------------------------------------------------------------- edge cases
# Empty and 0-d tensors, PyTorch's type promotion, values at the edge of overflow, and the NaN
# results PyTorch gives for degenerate input (which we must give too, not raise).
def integers(*shape: int, high: int = 5) -> Arg:
    return Arg(tuple(shape), kind="index", high=high, grad=False)


op("empty_add", lambda ns, a, b: a + b, farg(0, 3), farg(3))
op("empty_sum", lambda ns, a: a.sum(0), farg(0, 3))
op("empty_mean_is_nan", lambda ns, a: a.mean(0), farg(0, 3))
op("empty_matmul", lambda ns, a, b: a @ b, farg(2, 0), farg(0, 3))
op("empty_softmax", lambda ns, a: a.softmax(-1), farg(0, 3))
op("zero_dim_max", lambda ns, a: a.reshape(()).max(0), farg(1))
op("zero_dim_softmax", lambda ns, a: a.reshape(()).softmax(0), farg(1))
op("zero_dim_expand", lambda ns, a: a.reshape(()).expand(3, 2), farg(1))
op("stack_zero_dim", lambda ns, a, b: ns.stack([a.sum(), b.sum()]), farg(3), farg(3))
op("var_one_element_is_nan", lambda ns, a: a.var(dim=0), farg(1, 3), gradcheck=False)
op("std_constant_grad_is_0", lambda ns, a: (a * 0 + 1).std(dim=1), farg(3, 4), gradcheck=False,
   note="PyTorch masks 0/0 to 0 in std's backward")
op("logsumexp_with_neg_inf",
   lambda ns, a: (a + ns.tensor([0.0, -float("inf"), 0.0], dtype=a.dtype, device=a.device)).logsumexp(-1),
   farg(2, 3), gradcheck=False)
# |a| in [10, 40]: far in the tails, where a naive 1 / (1 + e^-a) overflows for a < -88 in float32.
# The inputs themselves are large (not a * 100): out * (1 - out) from a rounded out near 1 is off by
# one ulp of 1, and a chain factor of 100 would magnify that past any tolerance on both sides alike.
SATURATED = {"low": -30.0, "high": 30.0, "avoid": (0.0,), "margin": 10.0}
op("sigmoid_saturated", lambda ns, a: a.sigmoid(), farg(2, 3, **SATURATED))
op("sigmoid_very_negative", lambda ns, a: (a - 100).sigmoid(), farg(2, 3), note="e^-a overflows float32")
op("tanh_saturated", lambda ns, a: a.tanh(), farg(2, 3, **SATURATED))
op("softmax_huge_logits", lambda ns, a: (a * 1000).softmax(-1), farg(2, 3, **DISTINCT))
op("log_softmax_huge_logits", lambda ns, a: (a * 1000).log_softmax(-1), farg(2, 3, **DISTINCT))
op("promote_int_tensor_plus_float", lambda ns, a, i: a + i, farg(2, 3), integers(3))
op("promote_int_times_python_float", lambda ns, i: i * 2.5, integers(3))
op("promote_int_true_division", lambda ns, i: i / 2, integers(3))
# the 0-d tensor stays on the CPU: PyTorch lets a 0-d CPU tensor join GPU tensors like a number
op("promote_float_plus_double_0d", lambda ns, a: a + ns.tensor(1.5, dtype=ns.float64), farg(2, 3))
op("promote_cat_mixed", lambda ns, a, b: ns.cat([a, b.double()]), farg(3), farg(2))
op("promote_div_by_int_tensor", lambda ns, a, i: a / (i + 1), farg(3), integers(3))
op("int_exp_is_float32", lambda ns, i: i.exp(), integers(3))
op("int_sum_is_int64", lambda ns, i: i.sum(), integers(3))
op("bool_sum_is_int64", lambda ns, a: (a > 0).sum(dim=0), farg(3, 4, grad=False))
op("int_clamp_float_bounds", lambda ns, i: i.clamp(0.5, 2.5), integers(3))
# PyTorch has no integer matmul on CUDA ("addmm_cuda" not implemented for 'Long'): CPU only.
op("int_matmul", lambda ns, i, j: i @ j, integers(2, 3), integers(3, 2), pairings=(("numpy", "torch-cpu"),))
op("sum_dtype_arg", lambda ns, a: a.sum(dtype=ns.float64), farg(3, 4))
op("index_negative_list", lambda ns, a: a[[-1, 0, -1]], farg(3, 2))
op("index_tensor_2d", lambda ns, a, i: a[i], farg(4, 3), index(2, 3, high=4))
op("index_slice_then_tensor", lambda ns, a, i: a[1:, i], farg(3, 4), index(5, high=4))
op("index_separated_lists", lambda ns, a: a[[0, 1], :, [1, 2]], farg(3, 4, 5))
op("index_by_comparison", lambda ns, a: a[a > 0], farg(3, 4, **AWAY_FROM_0))
op("gather_3d", lambda ns, a, i: a.gather(2, i), farg(2, 3, 4), index(2, 3, 2, high=4))
op("gather_smaller_index", lambda ns, a, i: a.gather(1, i), farg(3, 4), index(2, 2, high=4))
op("pow_zero_base_tensor_exponent", lambda ns, a, b: (a * 0) ** b, farg(2, 3), farg(2, 3, low=0.5, high=2.0),
   gradcheck=False, note="d/db of 0**b is 0, not NaN")
