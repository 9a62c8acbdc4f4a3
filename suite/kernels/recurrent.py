"""The ground truth: decayed linear attention as a loop over time, and the one-step decode.

Run in fp64 in tests, this is the independent reference every other backend is checked against
(outputs, final state and all gradients, through autograd). It is O(T) Python steps: use it for
checks and decoding, never for training.

    S_t = diag(exp(g_t)) S_{t-1} + k_t v_t^T          S: [B, H, K, V]
    o_t = scale * S_t^T q_t                           o_t: [B, H, V]
"""

from __future__ import annotations

import torch

from suite.kernels import BACKENDS


def expand_log_decay(log_decay, kind: str, B: int, T: int, H: int, K: int, dtype) -> torch.Tensor:
    """Any kind of log-decay as a [B, T, H, K] tensor in `dtype` (zeros for kind 'none')."""
    if kind == "none":
        return torch.zeros(B, T, H, K, dtype=dtype, device=_device(log_decay))
    g = log_decay.to(dtype)
    if kind == "static":  # [H] -> [B, T, H, K]
        return g.view(1, 1, H, 1).expand(B, T, H, K)
    if kind == "scalar":  # [B, T, H] -> [B, T, H, K]
        return g.unsqueeze(-1).expand(B, T, H, K)
    return g  # vector: already [B, T, H, K]


def _device(t):
    return t.device if t is not None else None


def step(q_t, k_t, v_t, log_decay_t, state, *, scale: float = 1.0):
    """One decode step.

    q_t, k_t [B, H, K]; v_t [B, H, V]; log_decay_t None, [H], [B, H] or [B, H, K];
    state [B, H, K, V] (fp32 or fp64). Returns (o_t [B, H, V] in q's dtype, new state).
    """
    acc = torch.promote_types(state.dtype, torch.float32)
    S = state.to(acc)
    if log_decay_t is not None:
        g = log_decay_t.to(acc)
        if g.dim() == 1:  # static [H]
            g = g.view(1, -1, 1)
        if g.dim() == 2:  # scalar [B, H] (or the static view) -> [B, H, 1]
            g = g.unsqueeze(-1) if g.shape[-1] != 1 else g
        S = S * g.exp().unsqueeze(-1)  # [B, H, K, 1] broadcast over V
    S = S + k_t.to(acc).unsqueeze(-1) * v_t.to(acc).unsqueeze(-2)  # outer product [B, H, K, V]
    o = torch.einsum("bhk,bhkv->bhv", q_t.to(acc), S) * scale
    return o.to(q_t.dtype), S


@BACKENDS.register("recurrent")
def attend_recurrent(q, k, v, log_decay, *, kind, scale, initial_state, output_final_state):
    B, T, H, K = q.shape
    V = v.shape[-1]
    acc = torch.promote_types(q.dtype, torch.float32)
    g = expand_log_decay(log_decay, kind, B, T, H, K, acc)
    if log_decay is None:
        g = g.to(q.device)
    S = (
        initial_state.to(acc)
        if initial_state is not None
        else torch.zeros(B, H, K, V, dtype=acc, device=q.device)
    )
    outs = []
    for t in range(T):
        o_t, S = step(q[:, t], k[:, t], v[:, t], g[:, t], S, scale=scale)
        outs.append(o_t)
    o = torch.stack(outs, dim=1) if outs else q.new_zeros(B, 0, H, V)
    return o, (S if output_final_state else None)


attend_recurrent.devices = ("cpu", "cuda")
