"""An example kernel backend living outside the `suite` package: scalar decay in 16-row chunks.

A plain-torch chunkwise form for the kinds whose decay is one number per head and row (none,
static, scalar), as a kernel author's first backend might look before it becomes Triton. Per
chunk of C rows, with G the chunk-local inclusive cumsum of the log-decay (kept in fp64):

    o     = scale * [ ((q k^T) ⊙ D) v + (q ⊙ e^G) S ],   D_ij = e^{G_i - G_j} for i >= j, else 0
    S_new = e^{G_last} S + (k ⊙ e^{G_last - G})^T v

every exponent a difference <= 0 (the causal mask selects -inf before exp). Gradients are
autograd's. Check it against the fp64 reference and time it beside ours (repository root):

    PYTHONPATH=examples pytest -m kernels tests/test_conformance.py --backend my_kernel:attend
    PYTHONPATH=examples suite bench --backends my_kernel:attend chunked sdpa --kinds scalar --out mine

or install it with the entry point `[project.entry-points."decay_suite.backends"] mine =
"my_kernel:attend"` and name it `mine`. `kinds` tells the suite which decay kinds it computes
(vector decay is skipped, with that reason); `devices` could restrict it to ("cuda",).
"""

from __future__ import annotations

import torch

CHUNK = 16


def _row_log_decay(log_decay, kind: str, B: int, T: int, H: int, device) -> torch.Tensor:
    """The log-decay of every row as [B, H, T] fp64 (zeros for kind none)."""
    if kind == "none":
        return torch.zeros(B, H, T, dtype=torch.float64, device=device)
    g = log_decay.to(torch.float64)
    if kind == "static":  # [H]
        return g[None, :, None].expand(B, H, T)
    return g.transpose(1, 2)  # scalar [B, T, H] -> [B, H, T]


def _chunk(q, k, v, G, S):
    """One chunk: q, k [B, H, C, K], v [B, H, C, V], G [B, H, C] fp64, S [B, H, K, V] ->
    (o [B, H, C, V] before the scale, the state after the chunk)."""
    C = q.shape[2]
    causal = torch.ones(C, C, dtype=torch.bool, device=q.device).tril()
    diff = torch.where(causal, G[..., :, None] - G[..., None, :], float("-inf"))  # [B, H, C, C]
    scores = (q @ k.transpose(-1, -2)) * diff.exp().to(q.dtype)
    o = scores @ v + (q * G.exp()[..., None].to(q.dtype)) @ S
    last = G[..., -1:]  # [B, H, 1]
    k_to_end = k * (last - G).exp()[..., None].to(k.dtype)
    S = last.exp()[..., None].to(S.dtype) * S + k_to_end.transpose(-1, -2) @ v
    return o, S


def attend(q, k, v, log_decay, *, kind, scale, initial_state, output_final_state):
    """The backend: q, k [B, T, H, K], v [B, T, H, V] -> (o [B, T, H, V] in q's dtype, the final
    state [B, H, K, V] in fp32, fp64 for fp64 inputs, or None)."""
    B, T, H, K = q.shape
    dtype = q.dtype
    acc = torch.float64 if q.dtype == torch.float64 else torch.float32
    g = _row_log_decay(log_decay, kind, B, T, H, q.device)
    q, k, v = (x.transpose(1, 2).to(acc) for x in (q, k, v))  # [B, H, T, D]
    S = (initial_state.to(acc) if initial_state is not None
         else q.new_zeros(B, H, K, v.shape[-1]))
    outs = []
    for c0 in range(0, T, CHUNK):
        rows = slice(c0, c0 + CHUNK)
        o, S = _chunk(q[:, :, rows], k[:, :, rows], v[:, :, rows], g[..., rows].cumsum(-1), S)
        outs.append(o)
    o = (scale * torch.cat(outs, dim=2)).transpose(1, 2).to(dtype)
    return o, (S if output_final_state else None)


attend.kinds = ("none", "static", "scalar")
