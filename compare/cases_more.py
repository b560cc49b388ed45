"""Parity cases for ``tensor_more.py`` (and its ops in ``ops/binary_math.py``): splitting into
pieces, fused arithmetic, logaddexp/xlogy/fmax, quantiles and covariance, and the matrix
functions pinv, matrix_power, cholesky, multi_dot, tensordot, logdet.
"""
from __future__ import annotations

from typing import Any, Callable

from .registry import DISTINCT, NONZERO, POSITIVE, Arg, Case, farg, register


def op(name: str, fn: Callable[..., Any], *args: Arg, **options: Any) -> None:
    register(Case(name, fn=fn, args=args, **options))


def spd(ns: Any, a: Any) -> Any:
    """A symmetric positive definite matrix from any square a (well conditioned)."""
    return a @ a.mT + 2 * ns.eye(a.shape[-1], dtype=a.dtype, device=a.device)


op("unbind", lambda ns, a: a.unbind(1), farg(2, 3))
op("unbind_functional", lambda ns, a: ns.unbind(a), farg(3, 2))
op("select", lambda ns, a: a.select(1, -1), farg(2, 3, 2))
op("ravel", lambda ns, a: a.T.ravel(), farg(2, 3))
op("tensor_split_sections", lambda ns, a: a.tensor_split(3, dim=1), farg(2, 7))
op("tensor_split_indices", lambda ns, a: ns.tensor_split(a, [1, 4]), farg(5, 2))
op("hsplit_vsplit_dsplit", lambda ns, a: ns.hsplit(a, 2) + a.vsplit([1]) + ns.dsplit(a, 2), farg(2, 4, 2))
op("split_with_sizes", lambda ns, a: a.split_with_sizes([1, 2], dim=1), farg(2, 3))
op("where_method", lambda ns, a, b: a.where(a > 0, b), farg(3, 4, avoid=(0.0,)), farg(4))
op("addcmul", lambda ns, a, b, c: a.addcmul(b, c, value=0.5), farg(2, 3), farg(2, 3), farg(3))
op("addcdiv", lambda ns, a, b, c: ns.addcdiv(a, b, c, value=-2.0), farg(2, 3), farg(2, 3), farg(2, 3, **NONZERO))
op("addr", lambda ns, a, u, v: ns.addr(a, u, v, beta=0.5, alpha=2.0), farg(3, 4), farg(3), farg(4))
op("diff", lambda ns, a: a.diff(), farg(3, 4))
op("diff_n2_dim0_prepend", lambda ns, a, p: ns.diff(a, n=2, dim=0, prepend=p), farg(3, 4), farg(1, 4))
op("logaddexp", lambda ns, a, b: ns.logaddexp(a, b), farg(2, 3, low=-30, high=30), farg(3))
op("logaddexp2", lambda ns, a, b: a.logaddexp2(b), farg(2, 3), farg(2, 3))
op("xlogy", lambda ns, a, b: ns.xlogy(a, b), farg(2, 3), farg(2, 3, **POSITIVE))
op("special_xlogy_zero", lambda ns, a, b: ns.special.xlogy(a * (a > 0), b), farg(2, 3, avoid=(0.0,)), farg(2, 3, **POSITIVE),
   note="0 · log b is 0 where a is 0")
op("fmax_fmin", lambda ns, a, b: ns.fmax(a, b) + a.fmin(b) * 2, farg(3, 4, **DISTINCT), farg(4, low=-1.9, high=1.9))
op("fmax_nan", lambda ns, a, b: ns.fmax(a.masked_fill(a > 1.0, float("nan")), b), farg(3, 4), farg(3, 4))
op("float_power", lambda ns, a, b: a.float_power(2) + ns.float_power(a.abs() + 0.5, b), farg(2, 3), farg(2, 3))
op("vdot", lambda ns, a, b: ns.vdot(a, b), farg(4), farg(4))
op("quantile", lambda ns, a: a.quantile(0.3), farg(3, 4, **DISTINCT))
op("quantile_dim_tensor_q", lambda ns, a: a.quantile(ns.tensor([0.2, 0.75], dtype=a.dtype, device=a.device), dim=1),
   farg(3, 5, **DISTINCT))
op("quantile_keepdim_interpolations", lambda ns, a: [ns.quantile(a, 0.4, dim=0, keepdim=True, interpolation=i)
                                                      for i in ("linear", "lower", "higher", "midpoint", "nearest")],
   farg(5, 3, **DISTINCT))
op("quantile_all_keepdim", lambda ns, a: a.quantile(0.6, keepdim=True), farg(3, 4, **DISTINCT))
op("nanquantile", lambda ns, a: a.masked_fill(a > 1.2, float("nan")).nanquantile(0.5, dim=1), farg(3, 6, **DISTINCT))
op("quantile_with_nan", lambda ns, a: a.masked_fill(a > 1.5, float("nan")).quantile(0.5, dim=1), farg(3, 6, **DISTINCT))
op("cov", lambda ns, a: a.cov(), farg(3, 5))
op("cov_1d_correction0", lambda ns, a: ns.cov(a, correction=0), farg(5))
op("cov_weights", lambda ns, a, w: a.cov(fweights=ns.tensor([1, 2, 1, 3], device=a.device), aweights=w),
   farg(2, 4), farg(4, low=0.5, high=2.0))
op("corrcoef", lambda ns, a: ns.corrcoef(a), farg(3, 5))
op("logdet", lambda ns, a: spd(ns, a).logdet(), farg(3, 3))
op("slogdet_method", lambda ns, a: tuple(ns.slogdet(spd(ns, a))), farg(3, 3))
op("pinv", lambda ns, a: ns.linalg.pinv(a), farg(3, 4, low=-1.0, high=1.0))
op("pinverse_tall", lambda ns, a: a.pinverse(), farg(4, 2))
op("matrix_power", lambda ns, a: a.matrix_power(3), farg(3, 3, low=-1.0, high=1.0))
op("matrix_power_neg_zero", lambda ns, a: ns.linalg.matrix_power(spd(ns, a), -2) + ns.matrix_power(a, 0), farg(3, 3))
op("cholesky", lambda ns, a: ns.linalg.cholesky(spd(ns, a)), farg(3, 3), note="a symmetric input: its gradient is symmetric")
op("cholesky_upper_batched", lambda ns, a: ns.linalg.cholesky(spd(ns, a), upper=True), farg(2, 3, 3))
op("multi_dot", lambda ns, a, b, c: ns.linalg.multi_dot([a, b, c]), farg(2, 3), farg(3, 4), farg(4, 2))
op("multi_dot_vectors", lambda ns, a, b, c: ns.linalg.multi_dot([a, b, c]), farg(3), farg(3, 4), farg(4))
op("tensordot", lambda ns, a, b: ns.tensordot(a, b), farg(2, 3, 4), farg(3, 4, 2))
op("tensordot_dims_lists", lambda ns, a, b: ns.tensordot(a, b, dims=([0, 2], [2, 0])), farg(2, 3, 4), farg(4, 5, 2))
op("lgamma", lambda ns, a: a.lgamma(), farg(2, 3, low=0.2, high=6.0))
op("lgamma_negative", lambda ns, a: ns.lgamma(a), farg(2, 3, low=-2.8, high=-0.2, avoid=(-2.0, -1.0), margin=0.15),
   note="between the poles: log |Γ|")
op("digamma", lambda ns, a: a.digamma(), farg(2, 3, low=0.3, high=8.0),
   note="its gradient is trigamma; PyTorch's is good to ~5e-10 relative in float64, inside the tolerance")
op("special_gammaln_psi", lambda ns, a: ns.special.gammaln(a) + ns.special.psi(a) + ns.special.digamma(a),
   farg(2, 3, low=0.5, high=3.0))
op("block_diag", lambda ns, a, b, c: ns.block_diag(a, b, c), farg(2, 2), farg(3), farg(1, 3))
op("sinc", lambda ns, a: a.sinc() + ns.special.sinc(a * 2), farg(2, 3, **NONZERO))
op("sinc_at_zero", lambda ns, a: ns.sinc(a * 0), farg(2, 3), note="1 at 0, gradient 0")
op("mvlgamma", lambda ns, a: a.mvlgamma(3), farg(2, 3, low=1.2, high=4.0))
op("renorm", lambda ns, a: a.renorm(2, 0, 1.5), farg(3, 4, avoid=(0.0,), margin=0.2),
   note="rows above and below the max norm (random rows have norm ~2 ± 1)")
op("masked_scatter", lambda ns, a, m, s: a.masked_scatter(m, s), farg(3, 4), Arg((3, 4), kind="mask", grad=False), farg(14))
# non-negative integer exponents: PyTorch's backward computes 2^other in integers, so a negative one
# gives it a gradient of 0 (ours is the true 2^other)
op("ldexp", lambda ns, a: ns.ldexp(a, ns.tensor([1, 3, 0], device=a.device)), farg(2, 3))
op("trapezoid", lambda ns, a: ns.trapezoid(a) + ns.trapz(a, dx=0.5), farg(3, 4))
op("trapezoid_x", lambda ns, y, x: ns.trapezoid(y, x, dim=0), farg(4, 3), farg(4, 3))
op("cumulative_trapezoid", lambda ns, y, x: ns.cumulative_trapezoid(y, x), farg(2, 4), farg(4))
op("diagflat", lambda ns, a: ns.diagflat(a, -1), farg(2, 2))
op("vander", lambda ns, a: (ns.vander(a), ns.vander(a, 4, increasing=True)), farg(3, grad=False),
   note="forward only: PyTorch's own backward of vander fails (an in-place cumprod it checks itself)")
op("rsub", lambda ns, a, b: ns.rsub(a, 2.0, alpha=3) + ns.rsub(a, b), farg(2, 3), farg(3))

# ----------------------------------------------------------- torch.special and torch.linalg extras
op("special_ndtr", lambda ns, a: ns.special.ndtr(a), farg(2, 3))
op("special_ndtri", lambda ns, a: ns.special.ndtri(a), farg(2, 3, low=0.05, high=0.95))
op("special_log_ndtr", lambda ns, a: ns.special.log_ndtr(a * 5), farg(2, 3), note="down to log Φ(-10)")
op("special_xlog1py", lambda ns, a, b: ns.special.xlog1py(a, b), farg(2, 3), farg(2, 3, low=-0.7, high=2.0))
op("special_entr", lambda ns, a: ns.special.entr(a), farg(2, 3, low=0.1, high=2.0))
op("special_multigammaln", lambda ns, a: ns.special.multigammaln(a, 2), farg(2, 3, low=1.0, high=3.0))
op("linalg_solve_triangular", lambda ns, a, b: ns.linalg.solve_triangular(conditioned_upper(ns, a), b, upper=True),
   farg(3, 3, low=-1.0, high=1.0), farg(3, 2))
op("linalg_solve_triangular_right_unit", lambda ns, a, b: ns.linalg.solve_triangular(a, b, upper=False, left=False,
                                                                                   unitriangular=True),
   farg(3, 3, low=-1.0, high=1.0), farg(2, 3))
op("linalg_lstsq", lambda ns, a, b: ns.linalg.lstsq(a, b).solution, farg(4, 3), farg(4, 2))
op("linalg_lstsq_square", lambda ns, a, b: ns.linalg.lstsq(a + 3 * ns.eye(3, dtype=a.dtype, device=a.device), b).solution,
   farg(3, 3, low=-1.0, high=1.0), farg(3, 2))
op("linalg_cond", lambda ns, a: ns.linalg.cond(a), farg(3, 3))
op("linalg_vecdot", lambda ns, a, b: ns.linalg.vecdot(a, b, dim=0), farg(3, 4), farg(3, 1))
op("linalg_vander", lambda ns, a: ns.linalg.vander(a, N=4), farg(2, 3))
op("linalg_inv_ex", lambda ns, a: tuple(ns.linalg.inv_ex(a + 3 * ns.eye(3, dtype=a.dtype, device=a.device))),
   farg(3, 3, low=-1.0, high=1.0))
op("linalg_cholesky_ex", lambda ns, a: tuple(ns.linalg.cholesky_ex(spd(ns, a))), farg(3, 3))


def conditioned_upper(ns: Any, a: Any) -> Any:
    return a + 3 * ns.eye(a.shape[-1], dtype=a.dtype, device=a.device)
