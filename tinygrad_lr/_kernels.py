"""Fused CUDA kernels for CuPy: one kernel where a chain of array operations would launch several.

On a GPU, a small op costs its launch (~5-10 µs with CuPy's Python dispatch) more than its
arithmetic, and every intermediate array is a trip through GPU memory. ``tanh``'s backward
``g * (1 - y * y)`` is three CuPy kernels and two temporary arrays; written as one
``cupy.ElementwiseKernel`` it is one launch that reads ``g`` and ``y`` once. The same holds, more so,
for an optimizer's update: SGD with momentum is five array operations per parameter, Adam about
twelve. Measured on an H100 in wave 1, CuPy's MLP step was launch-bound: 2-2.5x PyTorch CUDA at
small batches.

How ops use this: ``FUSED.get(xp)`` is the kernel set of an array module, or None. Only CuPy is
registered (``backend.cupy_module`` does it when CuPy finds a GPU), so on the CPU every op keeps its
plain NumPy lines and the lookup is the only cost (~30 ns)::

    fused = FUSED.get(self.xp)
    if fused is not None and fused.takes(out_grad, out):   # CuPy, float32/64: one kernel
        return fused.tanh_backward(out_grad, out)
    return out_grad * (1 - out * out)    # the plain path, the formula in the docstring

Each kernel body is the plain path's arithmetic in the same order, in C++ (``T`` is the array's
dtype; literals are cast to ``T`` so float32 stays float32). They are compiled with contraction off
(``--fmad=false``: the CUDA compiler would otherwise fuse any ``a * b + c``), so every operation
rounds as its NumPy twin does, and a fused multiply-add happens exactly where the body writes
``fma(...)``: where PyTorch's CPU kernels fuse too (``add(alpha=)``, ``lerp``; see ``optim/_axpy``).
The tests compile these same bodies with the machine's C++ compiler
(``tests/cuda_kernels_on_cpu.py`` mimics ``ElementwiseKernel``), register them for NumPy and run the
ops, optimizers and a training loop against PyTorch: the code path is tested on a machine without a
GPU.

Scalars are passed as NumPy scalars of the array's dtype (``as_scalar``): ``T lr`` then binds to
that dtype and no float64 sneaks in.
"""
from __future__ import annotations

import functools
from types import ModuleType
from typing import Any, Callable

# Array module -> its kernels. Filled for CuPy by backend.cupy_module (and by the CPU tests).
FUSED: dict[ModuleType, "Kernels"] = {}

# Rows of at most this many classes take the one-thread-per-row log_softmax kernel; longer rows
# would loop serially in one thread and keep the plain path (CuPy's reductions).
ROW_KERNEL_MAX = 1024


def no_contraction(elementwise: Callable[..., Any]) -> Callable[..., Any]:
    """``cupy.ElementwiseKernel`` compiled with ``--fmad=false`` (see the module's docstring)."""
    return functools.partial(elementwise, options=("--fmad=false",))


def as_scalar(array: Any, value: float) -> Any:
    """``value`` as a NumPy scalar of ``array``'s dtype (what binds a kernel's ``T`` argument)."""
    return array.dtype.type(value)


class Kernels:
    """The fused kernels of array module ``xp``, built on first use by ``elementwise``
    (``cupy.ElementwiseKernel``, or the tests' CPU stand-in with the same signature:
    ``(in_params, out_params, operation, name)``)."""

    def __init__(self, xp: ModuleType, elementwise: Callable[..., Any]) -> None:
        self.xp = xp
        self._elementwise = elementwise
        self._built: dict[str, Any] = {}

    def takes(self, *arrays: Any) -> bool:
        """Whether the kernels take these arrays: float32 or float64, one dtype (the bodies' ``T``).
        Half precision and mixed dtypes keep the plain path."""
        dtype = arrays[0].dtype
        return dtype.kind == "f" and dtype.itemsize >= 4 and all(a.dtype == dtype for a in arrays)

    def kernel(self, name: str, inputs: str, outputs: str, body: str) -> Any:
        """The kernel ``name`` (built once): ``inputs``/``outputs`` are CuPy parameter lists,
        ``body`` the C++ run for each element ``i``."""
        built = self._built.get(name)
        if built is None:
            built = self._built[name] = self._elementwise(inputs, outputs, body, name)
        return built

    # ------------------------------------------------------------------------ activations
    def tanh_backward(self, g: Any, y: Any) -> Any:
        """d tanh = g · (1 − y²), from the output y."""
        return self.kernel("tinygrad_tanh_backward", "T g, T y", "T dx", "dx = g * ((T)1 - y * y)")(g, y)

    def sigmoid_forward(self, a: Any) -> Any:
        """σ(a) = 1 / (1 + e^−a), PyTorch's formula (``ops.elementwise.sigmoid_of``)."""
        return self.kernel("tinygrad_sigmoid_forward", "T a", "T y", "y = (T)1 / ((T)1 + exp(-a))")(a)

    def sigmoid_backward(self, g: Any, y: Any) -> Any:
        """d σ = (g · (1 − y)) · y, from the output y."""
        return self.kernel("tinygrad_sigmoid_backward", "T g, T y", "T dx", "dx = g * ((T)1 - y) * y")(g, y)

    def relu_backward(self, g: Any, y: Any) -> Any:
        """d relu = 0 where y ≤ 0, else g: PyTorch's choice (+0, never −0; a NaN output passes g)."""
        return self.kernel("tinygrad_relu_backward", "T g, T y", "T dx", "dx = y <= (T)0 ? (T)0 : g")(g, y)

    def fma(self, a: Any, b: Any, c: Any) -> Any:
        """a · b + c rounded once (``_fma.fma``): CUDA's ``fma``."""
        return self.kernel("tinygrad_fma", "T a, T b, T c", "T out", "out = fma(a, b, c)")(a, b, c)

    # -------------------------------------------------------------------- log_softmax, NLL
    # These index ``raw`` arrays by hand (one thread per row). They are passed flattened (a free view
    # of a C-contiguous array): CuPy indexes a raw n-d array by a flat index through its shape,
    # a division per axis, where a 1-d one is a plain offset.
    def log_softmax_rows(self, a: Any) -> Any:
        """log_softmax over the last axis of a C-contiguous array: one thread per row computes the
        row's max m, s = Σ e^(a−m), and writes (a − m) − log s (the plain path's order)."""
        classes = a.shape[-1]
        out = self.xp.empty_like(a)
        self.kernel("tinygrad_log_softmax_rows", "raw T a, int64 C", "raw T out", """
            const long long start = (long long)i * C;
            T m = a[start];
            for (long long j = 1; j < C; ++j) { T v = a[start + j]; m = (v > m || v != v) ? v : m; }
            T s = (T)0;
            for (long long j = 0; j < C; ++j) s += exp(a[start + j] - m);
            T log_s = log(s);
            for (long long j = 0; j < C; ++j) out[start + j] = (a[start + j] - m) - log_s;
            """)(a.reshape(-1), classes, out.reshape(-1), size=a.size // classes if classes else 0)
        return out

    def log_softmax_rows_backward(self, g: Any, y: Any) -> Any:
        """grad = g − e^y · Σ_j g_j per row (y the log-probabilities), one thread per row."""
        classes = y.shape[-1]
        out = self.xp.empty_like(y)
        self.kernel("tinygrad_log_softmax_rows_backward", "raw T g, raw T y, int64 C", "raw T dx", """
            const long long start = (long long)i * C;
            T s = (T)0;
            for (long long j = 0; j < C; ++j) s += g[start + j];
            for (long long j = 0; j < C; ++j) dx[start + j] = g[start + j] - exp(y[start + j]) * s;
            """)(g.reshape(-1), y.reshape(-1), classes, out.reshape(-1), size=y.size // classes if classes else 0)
        return out

    def nll_rows(self, logp: Any, target: Any, ignore_index: int) -> tuple[Any, Any, Any]:
        """The NLL of class indices over (N, C) log-probabilities without class weights, per row:
        kept = target ≠ ignore_index, the weight w = kept, a safe index (0 where ignored) and
        loss = −(w · logp[i, index]), in one pass (the plain path: about ten small kernels)."""
        return self.kernel("tinygrad_nll_rows", "raw T logp, int64 t, int64 C, int64 ignore", "T loss, T w, int64 safe",
                           """
            const bool kept = t != ignore;
            safe = kept ? t : 0;
            w = (T)kept;
            loss = -(w * logp[(long long)i * C + safe])""")(logp.reshape(-1), target, logp.shape[1], ignore_index)

    def nll_backward(self, target_weight: Any, target: Any, grad: Any, shape: tuple[int, int]) -> Any:
        """The (N, C) gradient of the NLL of class indices: −w_i · g_i at (i, target_i), 0
        elsewhere, in one pass (the plain path fills zeros, then scatters). ``target_weight``,
        ``target``: (N,); ``grad``: 0-d or (N,)."""
        out = self.xp.empty(shape, dtype=target_weight.dtype)
        column = (-1, 1)
        self.kernel("tinygrad_nll_backward", "T w, int64 t, T g, int64 C", "T dx",
                    "dx = (long long)(i % C) == t ? -(w * g) : (T)0")(
            target_weight.reshape(column), target.reshape(column), grad.reshape(column) if grad.ndim else grad,
            shape[1], out)
        return out

    # ----------------------------------------------------------------------- max pooling
    # One thread per output of an (N, C, OH, OW) pool over the (N, C, H, W) canvas (the input padded
    # with its lowest value): the window's entry (a, b) sits at start + a·DH·W + b·DW.
    _POOL_INPUTS = "int64 H, int64 W, int64 OH, int64 OW, int64 KH, int64 KW, int64 SH, int64 SW, int64 DH, int64 DW"
    _POOL_START = """
            const long long plane = (long long)i / (OH * OW), row = ((long long)i / OW) % OH, col = (long long)i % OW;
            const long long start = plane * H * W + row * SH * W + col * SW;"""

    def max_pool(self, canvas: Any, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int],
                 out_size: tuple[int, int], offsets_dtype: Any) -> tuple[Any, Any]:
        """(maxima, offsets) as ``ops.pooling.max_pool_forward`` makes them: a later entry wins only
        if strictly greater (the first maximum keeps its place on ties), and a NaN entry always wins
        (the last one), as in PyTorch. The plain path is ~4 kernels per window entry and a wait for
        the device (its NaN check)."""
        n, c, height, width = canvas.shape
        best = self.xp.empty((n, c) + tuple(out_size), dtype=canvas.dtype)
        offsets = self.xp.empty(best.shape, dtype=offsets_dtype)
        self.kernel("tinygrad_max_pool", "raw T x, " + self._POOL_INPUTS, "T best, O offset", self._POOL_START + """
            T m = x[start];
            long long at = 0;
            for (long long a = 0; a < KH; ++a)
                for (long long b = 0; b < KW; ++b) {
                    const T v = x[start + a * DH * W + b * DW];
                    if (v > m || v != v) { m = v; at = a * KW + b; }
                }
            best = m;
            offset = (O)at""")(canvas.reshape(-1), height, width, *out_size, *kernel, *stride, *dilation, best, offsets)
        return best, offsets

    def max_pool_backward(self, out_grad: Any, offsets: Any, kernel: tuple[int, int], stride: tuple[int, int],
                          dilation: tuple[int, int], canvas_shape: tuple[int, ...], zeroed: bool) -> Any:
        """The gradient on the canvas of a pool whose windows do not overlap: each output writes
        g · [offset = k] into its window's entry k (the plain path: two kernels per entry).
        ``zeroed``: start from zeros (windows that do not cover the whole canvas)."""
        grad = (self.xp.zeros if zeroed else self.xp.empty)(canvas_shape, dtype=out_grad.dtype)
        self.kernel("tinygrad_max_pool_backward", "T g, O offset, " + self._POOL_INPUTS, "raw T grad",
                    self._POOL_START + """
            for (long long a = 0; a < KH; ++a)
                for (long long b = 0; b < KW; ++b)
                    grad[start + a * DH * W + b * DW] = g * (T)(offset == a * KW + b)""")(
            out_grad, offsets, canvas_shape[2], canvas_shape[3], *offsets.shape[2:], *kernel, *stride, *dilation,
            grad.reshape(-1))
        return grad

    # ------------------------------------------------------------------------- optimizers
    def sgd_step(self, param: Any, grad: Any, buf: Any | None, *, lr: float, momentum: float, dampening: float,
                 weight_decay: float, nesterov: bool, maximize: bool, first: bool) -> None:
        """One SGD step on one parameter in one kernel (``SGD``'s docstring has the formula):
        ``param`` (and the momentum ``buf``, when given) are updated in place."""
        body = [_decayed_gradient(weight_decay, maximize)]
        inputs, outputs = "T g, T lr, T wd", "T p"
        scalars = [lr, weight_decay]
        if buf is not None:
            if first:  # the first buffer is the gradient itself, undampened
                body.append("buf = d;")
            elif dampening == 0:  # buf.mul_(momentum).add_(d): the product rounded, then the sum
                body.append("buf = buf * momentum + d;")
            else:  # buf.mul_(momentum).add_(d, alpha=1 - dampening)
                body.append("buf = fma(d, damped, buf * momentum);")
            body.append("T step = fma(buf, momentum, d);" if nesterov else "T step = buf;")
            inputs += ", T momentum, T damped"
            outputs += ", T buf"
            scalars += [momentum, 1 - dampening]
        else:
            body.append("T step = d;")
        body.append("p = fma(step, -lr, p);")  # param.add_(step, alpha=-lr)
        key = f"tinygrad_sgd_{int(buf is not None)}{int(first)}{int(dampening == 0)}{int(nesterov)}" \
              f"{int(weight_decay != 0)}{int(maximize)}"
        kernel = self.kernel(key, inputs, outputs, "\n".join(body))
        kernel(grad, *[as_scalar(param, v) for v in scalars], param, *(() if buf is None else (buf,)))

    def adam_step(self, param: Any, grad: Any, exp_avg: Any, exp_avg_sq: Any, max_exp_avg_sq: Any | None, *,
                  lr: float, beta1: float, beta2: float, eps: float, weight_decay: float, decoupled: bool,
                  maximize: bool, step: int) -> None:
        """One Adam/AdamW step on one parameter in one kernel (``Adam``'s docstring has the formula):
        ``param`` and the moment buffers are updated in place."""
        weight = 1 - beta1
        body = ["p = p * decay;" if decoupled and weight_decay != 0 else "",
                _decayed_gradient(0.0 if decoupled else weight_decay, maximize),
                # lerp(m, d, w) in PyTorch's form for the weight's size (see optimizer.lerp_)
                "m = fma(w, d - m, m);" if abs(weight) < 0.5 else "m = fma(w_minus_1, d - m, d);",
                "v = v * beta2 + d * one_minus_beta2 * d;"]
        inputs = ("T g, T wd, T decay, T w, T w_minus_1, T beta2, T one_minus_beta2, T step_size, "
                  "T bias_correction2_sqrt, T eps")
        outputs = "T p, T m, T v"
        if max_exp_avg_sq is not None:
            body.append("vmax = (vmax > v || vmax != vmax) ? vmax : v;")  # np.maximum: NaN wins
            outputs += ", T vmax"
        body.append(f"p = p + m * -step_size / (sqrt({'vmax' if max_exp_avg_sq is not None else 'v'})"
                    " / bias_correction2_sqrt + eps);")
        key = f"tinygrad_adam_{int(max_exp_avg_sq is not None)}{int(abs(weight) < 0.5)}{int(decoupled)}" \
              f"{int(weight_decay != 0)}{int(maximize)}"
        kernel = self.kernel(key, inputs, outputs, "\n".join(line for line in body if line))
        w = as_scalar(param, weight)
        scalars = [as_scalar(param, v) for v in (
            weight_decay, 1 - lr * weight_decay, w, w - param.dtype.type(1), beta2, 1 - beta2, lr / (1 - beta1 ** step),
            (1 - beta2 ** step) ** 0.5, eps)]
        kernel(grad, *scalars, param, exp_avg, exp_avg_sq, *(() if max_exp_avg_sq is None else (max_exp_avg_sq,)))


def _decayed_gradient(weight_decay: float, maximize: bool) -> str:
    """The C++ line for ``optimizer.decayed_gradient``: d = (−)g, then ``d.add(p, alpha=weight_decay)``
    as one fused multiply-add."""
    if weight_decay != 0:
        return "T d = fma(p, wd, -g);" if maximize else "T d = fma(p, wd, g);"
    return "T d = -g;" if maximize else "T d = g;"
