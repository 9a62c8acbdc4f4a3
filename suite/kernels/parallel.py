"""The quadratic masked form of decayed linear attention: a second, independent witness.

    O = scale * [ (Q K^T ⊙ D) V + (Q ⊙ e^G) S_0 ]      D_ts = exp(G_t - G_s) for s <= t, else 0
    S_T = e^{G_T} ⊙ S_0 + sum_s (k_s ⊙ e^{G_T - G_s}) v_s^T

G is the inclusive cumulative sum of the log-decay over the whole sequence, kept in fp64 whatever
the input dtype (a global cumsum in fp32 would lose absolute precision for long, strongly decaying
sequences); each difference G_t - G_s is formed in fp64 and only then cast to the compute dtype. The causal mask is applied by selecting -inf into the exponent *before*
exp, so masked (positive) differences never reach exp and no inf * 0 can occur. Vector decay lives
on the key channel, so its score is sum_k q_tk k_sk exp(G_tk - G_sk): computed from a
[B, H, T, T, K] difference tensor, i.e. O(T^2 K) memory. Use it for checks on small shapes only.
Backward is plain autograd.

    from suite.kernels import attend
    o, s = attend(q, k, v, log_decay, scale=K ** -0.5, backend="parallel", output_final_state=True)
"""

from __future__ import annotations

import torch

from suite.kernels import BACKENDS
from suite.kernels.recurrent import expand_log_decay


def _heads_first(x: torch.Tensor, dtype) -> torch.Tensor:
    return x.transpose(1, 2).to(dtype)  # [B, T, H, D] -> [B, H, T, D]


def _cum_log_decay(log_decay, kind, B, T, H, K, acc, device) -> torch.Tensor | None:
    """Inclusive cumulative log-decay G [B, H, T, 1] (none/static/scalar) or [B, H, T, K] (vector)."""
    if kind == "none":
        return None
    if kind == "vector":
        g = log_decay.to(acc).transpose(1, 2)  # [B, T, H, K] -> [B, H, T, K]
    else:
        g = expand_log_decay(log_decay, kind, B, T, H, 1, acc).transpose(1, 2)  # [B, H, T, 1]
    return g.to(device=device, dtype=torch.float64).cumsum(dim=2)  # fp64, see module doc


def _scores(q, k, G, causal) -> torch.Tensor:
    """Decayed causal scores A [B, H, T, T] = (Q K^T) ⊙ D (scalar) or sum_k q k e^{ΔG} (vector)."""
    if G is None:
        return (q @ k.transpose(-1, -2)).masked_fill(~causal, 0.0)  # [B, H, T, T]
    if G.shape[-1] == 1:  # scalar: ΔG [B, H, T, T]
        diff = (G - G.transpose(-1, -2)).to(q.dtype)  # G_t - G_s
        decay = torch.where(causal, diff, float("-inf")).exp()
        return (q @ k.transpose(-1, -2)) * decay
    # vector: ΔG [B, H, T(t), T(s), K], masked to -inf where s > t before exp
    diff = (G.unsqueeze(3) - G.unsqueeze(2)).to(q.dtype)
    decay = torch.where(causal.unsqueeze(-1), diff, float("-inf")).exp()
    return torch.einsum("bhtk,bhsk,bhtsk->bhts", q, k, decay)


def _final_state(k, v, G, S0) -> torch.Tensor:
    """S_T = e^{G_T} ⊙ S_0 + sum_s (k_s ⊙ e^{G_T - G_s}) v_s^T; k [B,H,T,K], v [B,H,T,V]."""
    if G is not None:
        G_last = G[:, :, -1:]  # [B, H, 1, K or 1]
        k = k * (G_last - G).to(k.dtype).exp()  # exponent <= 0
    S = k.transpose(-1, -2) @ v  # [B, H, K, V]
    if S0 is not None:
        S = S + (S0 if G is None else S0 * G_last.transpose(-1, -2).to(S.dtype).exp())  # [B,H,K|1,1]
    return S


@BACKENDS.register("parallel")
def attend_parallel(q, k, v, log_decay, *, kind, scale, initial_state, output_final_state):
    B, T, H, K = q.shape
    acc = torch.promote_types(q.dtype, torch.float32)
    qh, kh, vh = (_heads_first(x, acc) for x in (q, k, v))  # [B, H, T, D]
    G = _cum_log_decay(log_decay, kind, B, T, H, K, acc, q.device)
    causal = torch.ones(T, T, dtype=torch.bool, device=q.device).tril()  # [T(t), T(s)], s <= t
    o = _scores(qh, kh, G, causal) @ vh  # [B, H, T, V]
    S0 = initial_state.to(acc) if initial_state is not None else None
    if S0 is not None:
        qd = qh if G is None else qh * G.to(acc).exp()  # e^{G_t} <= 1
        o = o + qd @ S0  # [B, H, T, K] @ [B, H, K, V]
    o = (o * scale).transpose(1, 2).to(q.dtype)  # [B, T, H, V]
    if not output_final_state:
        return o, None
    if T == 0:
        S = S0 if S0 is not None else q.new_zeros(B, H, K, v.shape[-1], dtype=acc)
        return o, S
    return o, _final_state(kh, vh, G, S0)


attend_parallel.devices = ("cpu", "cuda")
