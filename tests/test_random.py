"""The random stream against live PyTorch, bit for bit: seeds, sizes, dtypes, paths, cache, state.

Every test runs the same draws after the same seed in both frameworks and compares the raw bits
(``array_equal`` of the values, dtypes equal). Seeds cover 0, a common one, one above 32 bits (only
its low 32 bits seed the twister) and a negative one; sizes cover both normal paths (< 16 and
≥ 16), a ragged last block (17, 4101) and empty tensors.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import tinygrad_lr as tg

SEEDS = [0, 42, 2 ** 40 + 3, -7]
SIZES = [0, 1, 15, 16, 17, 1000, 4101]
FLOATS = ["float32", "float64"]


def _numpy(t) -> np.ndarray:
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.numpy()


def same(ours, theirs) -> None:
    """Identical values, bit for bit, and the same dtype and shape."""
    a, b = _numpy(ours), _numpy(theirs)
    assert a.dtype == b.dtype and a.shape == b.shape
    a, b = a.reshape(-1), b.reshape(-1)  # (0-d arrays have no byte view)
    assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), f"first differences: {a[a != b][:5]} vs {b[a != b][:5]}"


def both(seed: int, draw) -> None:
    """``draw(framework)`` after ``manual_seed(seed)`` in each; the results (a tuple) must match."""
    torch.manual_seed(seed)
    theirs = draw(torch)
    tg.manual_seed(seed)
    ours = draw(tg)
    for a, b in zip(ours if isinstance(ours, tuple) else (ours,), theirs if isinstance(theirs, tuple) else (theirs,)):
        same(a, b)


def test_course_notes_first_draws_print_as_in_pytorch():
    for fw in (torch, tg):
        fw.manual_seed(0)
    assert repr(tg.randn(1, 1)) == repr(torch.randn(1, 1)) == "tensor([[1.5410]])"
    assert repr(tg.randn(1)) == repr(torch.randn(1)) == "tensor([-0.2934])"
    assert repr(tg.randn(3, 2)) == repr(torch.randn(3, 2))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_rand_and_randn(seed, size, dtype):
    both(seed, lambda fw: (fw.randn(size, dtype=getattr(fw, dtype)), fw.rand(size, dtype=getattr(fw, dtype)),
                           fw.randn(size, dtype=getattr(fw, dtype))))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("size", [1, 15, 17, 1000])
def test_normal_and_uniform_with_parameters_use_the_fused_multiply_add(size, dtype):
    def draw(fw):
        dt = getattr(fw, dtype)
        return (fw.empty(size, dtype=dt).normal_(0.3, 2.5), fw.empty(size, dtype=dt).uniform_(-0.7, 1.9),
                fw.empty(size, dtype=dt).uniform_(0.1, 0.1000001), fw.empty(size, dtype=dt).normal_(-3.0, 0.01))
    both(5, draw)


def test_uniform_never_returns_its_upper_bound():
    both(3, lambda fw: fw.empty(5000).uniform_(1.0, 1.0000001))


@pytest.mark.parametrize("seed", SEEDS)
def test_scalar_normal_cache_across_interleaved_calls(seed):
    def draw(fw):
        out = [fw.randn(1), fw.randn(3, dtype=fw.float64), fw.randn(17), fw.randn(1), fw.rand(2),
               fw.randn(5).normal_(1.0, 3.0), fw.randn(2, 2), fw.empty(7).log_normal_(0.5, 0.25), fw.randn(1)]
        return tuple(out)
    both(seed, draw)


def test_size_given_every_way():
    both(0, lambda fw: (fw.rand(2, 3), fw.rand((2, 3)), fw.rand(size=(2, 3)), fw.randn([4]), fw.randn(size=[17]),
                        fw.randn(()), fw.rand(0, 3)))


def test_non_contiguous_outputs_fill_in_memory_order_and_take_the_scalar_normal_path():
    def draw(fw):
        a = fw.zeros(20, 30)
        a.t().normal_()  # transposed: not contiguous, so the scalar path, filled in memory order
        b = fw.zeros(6, 40)
        b[:, ::2].normal_()  # strided: the scalar path although it has 120 values
        c = fw.zeros(6, 40, dtype=fw.float64)
        c[:, 1::2].uniform_(-1, 1)
        d = fw.zeros(8, 9, dtype=fw.int64)
        d.t()[::2].random_(0, 100)
        e = fw.zeros(5, 5)
        e.t().bernoulli_(0.5)
        return a, b, c, d, e
    both(11, draw)


@pytest.mark.parametrize("seed", SEEDS)
def test_integers(seed):
    def draw(fw):
        return (fw.randint(10, (1000,)), fw.randint(-5, 5, (17,)), fw.randint(0, 2 ** 40, (33,)),
                fw.randint(3, 2 ** 28 + 3, (9,)), fw.randint(0, 7, (4, 5), dtype=fw.int32),
                fw.randint(0, 7, (4,), dtype=fw.float32), fw.randint_like(fw.zeros(3, 4), 10),
                fw.randint_like(fw.zeros(6, dtype=fw.int64), -3, 3))
    both(seed, draw)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "uint8", "bool", "float32", "float64"])
def test_random_without_bounds_covers_the_dtype(dtype):
    both(0, lambda fw: (fw.empty(100, dtype=getattr(fw, dtype)).random_(),
                        fw.empty(100, dtype=getattr(fw, dtype)).random_(2),
                        fw.empty(10, dtype=getattr(fw, dtype)).random_(0, 2)))


@pytest.mark.parametrize("n", [0, 1, 2, 15, 16, 17, 1000, 4101])
def test_randperm(n):
    both(42, lambda fw: (fw.randperm(n), fw.randperm(n, dtype=fw.float32), fw.randperm(n)))


def test_bernoulli_exponential_geometric_cauchy():
    def draw(fw):
        probs32 = fw.linspace(0, 1, 50)
        return (fw.empty(1000).bernoulli_(0.3), fw.empty(17, dtype=fw.float64).bernoulli_(0.9),
                fw.bernoulli(probs32), fw.bernoulli(probs32.double()), fw.empty(20).bernoulli_(probs32[:20]),
                fw.zeros(3, 50).bernoulli(0.25), fw.empty(300).exponential_(), fw.empty(30, dtype=fw.float64).exponential_(2.5),
                fw.empty(300).geometric_(0.2), fw.empty(30, dtype=fw.int64).geometric_(0.7),
                fw.empty(200, dtype=fw.float64).cauchy_(1.0, 2.0), fw.empty(20).log_normal_())
    both(8, draw)


@pytest.mark.parametrize("dtype", FLOATS)
def test_multinomial(dtype):
    def draw(fw):
        w = fw.tensor([0.1, 2.0, 0.0, 3.5, 1.0, 0.25, 7.0], dtype=getattr(fw, dtype))
        rows = fw.tensor([[1.0, 2.0, 3.0, 4.0], [4.0, 0.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5]],
                         dtype=getattr(fw, dtype))
        return (fw.multinomial(w, 1), fw.multinomial(w, 4), w.multinomial(50, replacement=True),
                fw.multinomial(rows, 3), fw.multinomial(rows, 40, True), fw.multinomial(rows, 1, True))
    both(13, draw)


def test_normal_overloads():
    def draw(fw):
        mean, std = fw.arange(17.0), fw.linspace(0.5, 3, 17)
        return (fw.normal(mean, std), fw.normal(mean, 2.0), fw.normal(1.5, std), fw.normal(0.5, 2.0, (5, 4)),
                fw.normal(fw.zeros(3, 1), fw.ones(1, 4)), fw.normal(2.0, 0.5, size=(20,), dtype=fw.float64),
                fw.randn_like(mean), fw.rand_like(std, dtype=fw.float64))
    both(21, draw)


# ------------------------------------------------------------------------------ state and generators

def test_state_bytes_equal_pytorch_after_the_same_draws():
    for fw in (torch, tg):
        fw.manual_seed(2 ** 40 + 3)
    same(tg.get_rng_state(), torch.get_rng_state())  # fresh: left = 1, next = 0
    for fw in (torch, tg):
        fw.randn(1)  # leaves a cached normal
        fw.randperm(700)  # past one twist of 624 words
    same(tg.get_rng_state(), torch.get_rng_state())


def test_state_saved_by_one_framework_restores_in_the_other():
    torch.manual_seed(9)
    torch.randn(3)  # the cache is full: the state carries it
    tg.set_rng_state(tg.tensor(torch.get_rng_state().numpy()))
    same(tg.randn(5), torch.randn(5))
    tg.manual_seed(123)
    tg.randn(1)
    tg.rand(1000)
    torch.set_rng_state(torch.from_numpy(tg.get_rng_state().numpy()))
    same(tg.randn(1), torch.randn(1))
    same(tg.randn(40), torch.randn(40))
    assert tg.initial_seed() == torch.initial_seed() == 123


def test_state_round_trip_replays_the_stream():
    tg.manual_seed(1)
    tg.randn(1)
    saved = tg.get_rng_state()
    first = tg.randn(20).numpy(), tg.randn(1).numpy()
    tg.set_rng_state(saved)
    assert np.array_equal(tg.randn(20).numpy(), first[0]) and np.array_equal(tg.randn(1).numpy(), first[1])


def test_generators_are_independent_streams():
    def draw(fw):
        g = fw.Generator().manual_seed(77)
        a = fw.randn(20, generator=g)
        b = fw.randn(3)  # the global stream
        c = fw.rand(5, generator=g), fw.randperm(10, generator=g), fw.randint(0, 9, (4,), generator=g)
        g.set_state(fw.Generator().manual_seed(5).get_state())
        return (a, b) + c + (fw.randn(2, generator=g), fw.empty(4).normal_(generator=g),
                             fw.empty(3).uniform_(generator=g), fw.bernoulli(fw.full((6,), 0.5), generator=g))
    both(0, draw)


def test_seeds_and_initial_seed():
    for s in (0, 2 ** 64 - 1, -1, -2 ** 63, 2 ** 40 + 3):
        assert tg.manual_seed(s).initial_seed() == torch.manual_seed(s).initial_seed()
    assert tg.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert repr(tg.Generator().device) == repr(torch.Generator().device)
    seed = tg.seed()
    assert tg.initial_seed() == seed and 0 <= seed < 2 ** 64
    with pytest.raises(ValueError, match="Overflow"):
        tg.manual_seed(2 ** 64)


def test_fork_rng_restores_the_global_stream():
    tg.manual_seed(4)
    with tg.random.fork_rng():
        tg.randn(50)
    after = tg.randn(3).numpy()
    tg.manual_seed(4)
    assert np.array_equal(after, tg.randn(3).numpy())


def test_bad_arguments_raise_pytorchs_errors():
    cases = [
        lambda fw: fw.empty(3).normal_(0, -1), lambda fw: fw.empty(3).uniform_(2, 1),
        lambda fw: fw.empty(3).bernoulli_(1.5), lambda fw: fw.randint(5, 5, (3,)),
        lambda fw: fw.rand(3, dtype=fw.int64), lambda fw: fw.randn(3, dtype=fw.int64),
        lambda fw: fw.multinomial(fw.ones(3), 4), lambda fw: fw.multinomial(fw.tensor([-1.0, 1.0]), 1),
        lambda fw: fw.multinomial(fw.tensor([0.0, 0.0]), 2, True), lambda fw: fw.empty(3).geometric_(0),
        lambda fw: fw.empty(3, dtype=fw.int64).exponential_(), lambda fw: fw.randperm(-1),
        lambda fw: fw.set_rng_state(fw.zeros(10, dtype=fw.uint8)), lambda fw: fw.set_rng_state(fw.zeros(5056)),
        lambda fw: fw.normal(fw.zeros(3), -fw.ones(3)),
        lambda fw: fw.empty(3, dtype=fw.uint8).random_(0, 300), lambda fw: fw.empty(3, dtype=fw.uint8).random_(-1, 3),
        lambda fw: fw.empty(3, dtype=fw.int32).random_(0, 2 ** 40), lambda fw: fw.empty(3, dtype=fw.bool).random_(0, 3),
        lambda fw: fw.randint(0, 2 ** 40, (2,), dtype=fw.int16),
    ]
    for case in cases:
        with pytest.raises(Exception) as theirs:
            case(torch)
        with pytest.raises(type(theirs.value)) as ours:
            case(tg)
        assert str(ours.value) == str(theirs.value)


def test_in_place_draws_refuse_a_leaf_that_requires_grad():
    w = tg.zeros(3, requires_grad=True)
    for fill in (w.uniform_, w.normal_, w.bernoulli_, w.exponential_):
        with pytest.raises(RuntimeError, match="leaf Variable"):
            fill()
    with tg.no_grad():
        w.normal_()


# ------------------------------------------------------------------------------ the last-bit helpers

def test_the_float32_kernels_never_need_the_midpoint_check():
    """A strided sample of all 2**24 possible uniforms (the full enumeration, stride 1, also gives 0)."""
    from tinygrad_lr.random.float32_math import double_rounding_cases
    assert double_rounding_cases(stride=61) == 0


def test_emulated_fmas_are_correctly_rounded():
    from fractions import Fraction

    from tinygrad_lr.random.float32_math import fma32, fma32_in_kernels
    from tinygrad_lr.random.float64_math import fma64
    # a double-rounding trap: a·b + c = 1 + 3·2**-24 − 2**-64 rounds to float64 as the float32
    # midpoint 1 + 3·2**-24, whose tie goes up; the exact value is below it, so the answer is 1 + 2**-23
    a, b, c = np.float32(2 ** -24 * (1 + 2 ** -20)), np.float32(1 - 2 ** -20), np.float32(1 + 2 ** -23)
    assert fma32(np.array([a]), b, c)[0] == c != fma32_in_kernels(np.array([a]), b, c)[0]
    rng = np.random.default_rng(0)
    x = rng.standard_normal(400)
    for b, c in [(0.3, 1.7), (1 / 3, -2.5), (3.0, -1e-17)]:
        exact = np.array([float(Fraction(v) * Fraction(b) + Fraction(c)) for v in x.tolist()])
        assert np.array_equal(fma64(x, b, c), exact)
        assert not np.array_equal(x * b + c, exact)  # the plain expression rounds twice


def test_float16_draws():
    both(3, lambda fw: (fw.randn(37, dtype=fw.float16), fw.randn(5, dtype=fw.float16), fw.rand(20, dtype=fw.float16),
                        fw.empty(20, dtype=fw.float16).uniform_(-2, 3), fw.empty(20, dtype=fw.float16).random_()))


@pytest.mark.cuda
@pytest.mark.skipif(not tg.cuda.is_available(), reason="CUDA unavailable: CuPy not installed or no GPU")
def test_cuda_draws_use_cupys_generator():
    tg.manual_seed(0)
    x = tg.randn(1000, device="cuda")
    assert x.device.type == "cuda" and abs(float(x.mean().item())) < 0.2
    before = tg.get_rng_state().numpy()
    tg.empty(50, device="cuda").uniform_(-1, 1)
    assert np.array_equal(before, tg.get_rng_state().numpy())  # the CPU stream is not consumed
    a = tg.rand(5, device="cuda", generator=tg.Generator(device="cuda").manual_seed(1))
    b = tg.rand(5, device="cuda", generator=tg.Generator(device="cuda").manual_seed(1))
    assert np.array_equal(a.cpu().numpy(), b.cpu().numpy())
    tg.manual_seed(5)
    w = tg.randn(4)
    tg.manual_seed(5)
    assert np.array_equal(tg.randn(4).cuda().cpu().numpy(), w.numpy())  # CPU-made, moved: the same values
