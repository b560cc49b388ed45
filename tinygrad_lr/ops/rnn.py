"""Recurrent layers as one graph node per layer and direction, with backpropagation through time.

A naive RNN builds a dozen small nodes per time step (matmuls, adds, sigmoids, slices) and pays
the per-op Python cost for each. ``RecurrentLayer`` instead runs the whole time loop inside one
``forward`` on plain arrays, saving each step's gates, and its ``backward`` runs the loop in
reverse. The input-to-hidden products of all steps are one matrix product before the loop
(gx = X W_ihᵀ + b_ih for every row at once), and so are the weight gradients after it
(grad_W_ih = dGxᵀ X, grad_W_hh = dGhᵀ H_prev): only the hidden-to-hidden product must stay inside
the loop, because h_t depends on h_{t-1}.

Sequences of different lengths come *packed* (``nn.utils.rnn.PackedSequence``): rows are grouped
by time step, step t holding ``batch_sizes[t]`` rows (the sequences still running, longest
first). Step t updates only the first ``batch_sizes[t]`` rows of the running state; the other rows
keep their state, which is then already final (forward direction) or still the initial one
(reverse direction). A padded batch is the packed case with every ``batch_sizes[t] = N``.

The step math (gate layouts as PyTorch's, pre = gx_t + gh_t with gh_t = h_{t-1} W_hhᵀ + b_hh):

* RNN:  h = tanh(pre) or relu(pre);  d pre = dh · (1 − h²) or dh · [h > 0]
* LSTM: i, f, g, o = σ, σ, tanh, σ of the four quarters of pre;  c = f ⊙ c_prev + i ⊙ g,
  h = o ⊙ tanh(c).  With dc' = dc + dh ⊙ o ⊙ (1 − tanh²c):  d o = dh ⊙ tanh c,  d i = dc' ⊙ g,
  d g = dc' ⊙ i,  d f = dc' ⊙ c_prev,  dc_prev = dc' ⊙ f;  through the nonlinearities
  d pre_i = d i · i(1 − i) (likewise f, o) and d pre_g = d g · (1 − g²).
  With projections (``proj_size``) the state is h = m W_hrᵀ with m = o ⊙ tanh(c): dm = dh W_hr
  takes dh's place above, and grad_W_hr = Σ dhᵀ m.
* GRU:  r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r ⊙ gh_n), h = (1 − z) ⊙ n + z ⊙ h_prev.
  d n = dh ⊙ (1 − z),  d z = dh ⊙ (h_prev − n),  d pre_n = d n ⊙ (1 − n²),  d r = d pre_n ⊙ gh_n;
  so dgx = [d pre_r, d pre_z, d pre_n] but dgh = [d pre_r, d pre_z, d pre_n ⊙ r] (r multiplies
  gh_n only), and h_prev also gets dh ⊙ z directly.

For every mode, dh_prev = dgh_t W_hh (+ the direct GRU term), and the loop carries it back.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Op
from ..backend import sum_leading
from .elementwise import sigmoid_of

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _sigmoid(xp: Any, a: Any) -> Any:
    """1 / (1 + e^-a) (``elementwise.sigmoid_of``), here also called outside an op's quiet
    floating-point mode: for a < -88 (float32) e^-a overflows to inf and the result is 0."""
    with np.errstate(over="ignore"):
        return sigmoid_of(xp, a)


def _step(xp: Any, mode: str, gx: Any, gh: Any, h_prev: Any, c_prev: Any) -> tuple[Any, Any, tuple]:
    """One time step: the new (h, c) and what its backward needs."""
    if mode == "RNN_TANH":
        h = xp.tanh(gx + gh)
        return h, None, (h,)
    if mode == "RNN_RELU":
        h = xp.maximum(gx + gh, 0)
        return h, None, (h,)
    H = gx.shape[1] // GATES[mode]
    if mode == "LSTM":
        pre = gx + gh
        gates = _sigmoid(xp, pre)  # one call for i, f and o (the g quarter, computed too, is not used)
        i, f, o = gates[:, :H], gates[:, H:2 * H], gates[:, 3 * H:]
        g = xp.tanh(pre[:, 2 * H:3 * H])
        c = f * c_prev + i * g
        tanh_c = xp.tanh(c)
        return o * tanh_c, c, (i, f, g, o, c_prev, tanh_c)
    # GRU
    r = _sigmoid(xp, gx[:, :H] + gh[:, :H])
    z = _sigmoid(xp, gx[:, H:2 * H] + gh[:, H:2 * H])
    gh_n = gh[:, 2 * H:]
    n = xp.tanh(gx[:, 2 * H:] + r * gh_n)
    return n + z * (h_prev - n), None, (r, z, n, gh_n, h_prev)


def _step_backward(xp: Any, mode: str, dh: Any, dc: Any, saved: tuple) -> tuple[Any, Any, Any, Any]:
    """The step's gradients: (d gx, d gh, the direct part of dh_prev or None, dc_prev)."""
    if mode == "RNN_TANH":
        (h,) = saved
        d_pre = dh * (1 - h * h)
        return d_pre, d_pre, None, None
    if mode == "RNN_RELU":
        (h,) = saved
        d_pre = dh * (h > 0)
        return d_pre, d_pre, None, None
    if mode == "LSTM":
        i, f, g, o, c_prev, tanh_c = saved
        dc = dc + dh * o * (1 - tanh_c * tanh_c)
        H = dh.shape[1]
        d_pre = xp.empty((dh.shape[0], 4 * H), dtype=dh.dtype)
        d_pre[:, :H] = dc * g * i * (1 - i)
        d_pre[:, H:2 * H] = dc * c_prev * f * (1 - f)
        d_pre[:, 2 * H:3 * H] = dc * i * (1 - g * g)
        d_pre[:, 3 * H:] = dh * tanh_c * o * (1 - o)
        return d_pre, d_pre, None, dc * f
    r, z, n, gh_n, h_prev = saved
    d_pre_n = dh * (1 - z) * (1 - n * n)
    d_pre_r = d_pre_n * gh_n * r * (1 - r)
    d_pre_z = dh * (h_prev - n) * z * (1 - z)
    dgx = xp.concatenate([d_pre_r, d_pre_z, d_pre_n], axis=1)
    dgh = xp.concatenate([d_pre_r, d_pre_z, d_pre_n * r], axis=1)
    return dgx, dgh, dh * z, None


class RecurrentLayer(Op):
    """One layer, one direction, over a whole (packed) sequence.

    Inputs: x (S, input_size) packed rows, h0 (N, P), c0 (N, H) for LSTM only, W_ih, W_hh, then
    b_ih, b_hh when ``bias`` and W_hr when ``proj`` (an LSTM with projections: the state is
    h = m W_hrᵀ with m = o ⊙ tanh(c), so P = proj_size; otherwise P = H and h = m). The one output
    array is flat: the S per-step outputs (when ``outputs``), the final h and, for LSTM, the final
    c, each raveled, one after the other; the caller cuts them apart. The backward follows the
    module docstring, step by step in reverse; with projections dm = dh W_hr first, and
    grad_W_hr = Σ over rows of dhᵀ m.
    """
    torch_name = "RecurrentLayerBackward0"

    def forward(self, x, h0, *rest, mode: str, batch_sizes: tuple[int, ...], reverse: bool = False,
                bias: bool = True, proj: bool = False, outputs: bool = True):
        xp = self.xp
        lstm = mode == "LSTM"
        c0, rest = (rest[0], rest[1:]) if lstm else (None, rest)
        w_ih, w_hh = rest[0], rest[1]
        b_ih, b_hh = (rest[2], rest[3]) if bias else (None, None)
        w_hr = rest[-1] if proj else None
        gx = xp.dot(x, w_ih.T)
        if bias:
            gx += b_ih
        h = h0.copy()
        c = c0.copy() if lstm else None
        S = x.shape[0]
        h_prev_rows = xp.empty((S, h.shape[1]), dtype=h.dtype)  # h_{t-1} of every row, for grad_W_hh
        out = xp.empty((S, h.shape[1]), dtype=h.dtype) if outputs else None
        m_rows = xp.empty((S, c.shape[1]), dtype=h.dtype) if proj else None  # m = o ⊙ tanh(c), for grad_W_hr
        offsets = [0]
        for size in batch_sizes[:-1]:
            offsets.append(offsets[-1] + size)
        steps = list(range(len(batch_sizes)))
        if reverse:
            steps.reverse()
        saved_steps = []
        for t in steps:
            lo, bs = offsets[t], batch_sizes[t]
            hp = h[:bs]
            h_prev_rows[lo:lo + bs] = hp
            gh = xp.dot(hp, w_hh.T)
            if bias:
                gh += b_hh
            # h_prev from h_prev_rows and a copy of c_prev: the state arrays are overwritten next
            h_new, c_new, saved = _step(xp, mode, gx[lo:lo + bs], gh, h_prev_rows[lo:lo + bs],
                                        None if c is None else c[:bs].copy())
            if proj:
                m_rows[lo:lo + bs] = h_new
                h_new = xp.dot(h_new, w_hr.T)
            h[:bs] = h_new
            if lstm:
                c[:bs] = c_new
            if outputs:
                out[lo:lo + bs] = h_new
            saved_steps.append(saved)
        self.save(mode, batch_sizes, offsets, steps, saved_steps, x, w_ih, w_hh, w_hr, h_prev_rows, m_rows,
                  h0.shape, None if c0 is None else c0.shape, bias, outputs)
        parts = ([out] if outputs else []) + [h] + ([c] if lstm else [])
        return xp.concatenate([part.reshape(-1) for part in parts])

    def backward(self, out_grad):
        (mode, batch_sizes, offsets, steps, saved_steps, x, w_ih, w_hh, w_hr, h_prev_rows, m_rows, h_shape, c_shape,
         bias, outputs) = self.saved
        xp = self.xp
        S, (N, P) = x.shape[0], h_shape
        start = S * P if outputs else 0
        g_out = out_grad[:start].reshape(S, P) if outputs else None
        dh = out_grad[start:start + N * P].reshape(N, P).copy()
        dc = out_grad[start + N * P:].reshape(c_shape).copy() if mode == "LSTM" else None
        dh_rows = xp.empty((S, P), dtype=x.dtype) if w_hr is not None else None  # dh of every row, for grad_W_hr
        G = w_hh.shape[0]
        dgx = xp.empty((S, G), dtype=x.dtype)
        dgh = dgx if mode != "GRU" else xp.empty((S, G), dtype=x.dtype)
        for t, saved in zip(reversed(steps), reversed(saved_steps)):
            lo, bs = offsets[t], batch_sizes[t]
            dh_t = dh[:bs] + g_out[lo:lo + bs] if outputs else dh[:bs]
            if w_hr is not None:
                dh_rows[lo:lo + bs] = dh_t
                dh_t = xp.dot(dh_t, w_hr)  # dm = dh W_hr
            dgx_t, dgh_t, direct, dc_prev = _step_backward(xp, mode, dh_t, None if dc is None else dc[:bs], saved)
            dgx[lo:lo + bs] = dgx_t
            if dgh is not dgx:
                dgh[lo:lo + bs] = dgh_t
            dh_prev = xp.dot(dgh_t, w_hh)
            dh[:bs] = dh_prev if direct is None else dh_prev + direct
            if dc is not None:
                dc[:bs] = dc_prev
        needs = self.needs_grad
        grads = [xp.dot(dgx, w_ih) if needs[0] else None, dh]
        if mode == "LSTM":
            grads.append(dc)
        k = len(grads)
        grads.append(xp.dot(dgx.T, x) if needs[k] else None)
        grads.append(xp.dot(dgh.T, h_prev_rows) if needs[k + 1] else None)
        if bias:
            grads.append(sum_leading(dgx, 1) if needs[k + 2] else None)
            grads.append(sum_leading(dgh, 1) if needs[k + 3] else None)
        if w_hr is not None:
            grads.append(xp.dot(dh_rows.T, m_rows) if needs[-1] else None)
        return tuple(grads)
