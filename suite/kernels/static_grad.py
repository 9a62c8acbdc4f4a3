"""The gradient of a static (per-head) log-decay, from the derivative of the state.

    from suite.kernels.static_grad import attach_static_grad
    o, ht = backend(q, k, v, g.detach(), ...)             # gradients of q, k, v, h0
    o, ht = attach_static_grad(o, ht, q, k, v, g, h0, scale)  # and that of g [H]

Why: with one log-decay g per head, the gradient summed from per-row gradients,
dg = sum_t t * dL/dG_t (G_t = t g), adds terms that grow with t to T and cancel; at T = 4096
that loses the fp32 gate in torch and the bf16 gate in the Triton kernel (kernels NOTES, "Static
decay, long T"). Here dg comes from the forward-mode derivative of the state instead,
S'_t = dS_t/dg = e^g (S_{t-1} + S'_{t-1}), S'_0 = 0, so that (with o_t = scale S_t^T q_t)

    dg = scale * sum_t do_t . (S'_t^T q_t) + <dht, S'_T>,

whose terms carry positive weights (t - j) e^{g (t - j)} only: nothing large cancels.

Chunkwise (chunks of C rows; n_i = real rows up to row i of its chunk, N_c per chunk, P_c = real
rows before chunk c), with S_c, S'_c the state and its derivative entering chunk c:
  * row i: S'_i^T q_i = n_i e^{g n_i} S_c^T q_i + e^{g n_i} S'_c^T q_i
                        + sum_{j <= i} (n_i - n_j) e^{g (n_i - n_j)} (q_i . k_j) v_j
  * entering states, without a scan over chunks (a [NT+1, NT] Toeplitz weight per head):
    S_c  = e^{g P_c} h0 + sum_{m < c} e^{g (P_c - P_{m+1})} U_m
    S'_c = P_c e^{g P_c} h0 + sum_{m < c} [(P_c - P_{m+1}) e^{g (P_c - P_{m+1})} U_m
                                          + e^{g (P_c - P_{m+1})} U'_m]
    U_m = sum_j e^{g (N_m - n_j)} k_j v_j^T,  U'_m = sum_j (N_m - n_j) e^{g (N_m - n_j)} k_j v_j^T.
Every exponent is <= 0. Computed in fp32 (fp64 for fp64 inputs) with autocast off, whatever the
inputs' dtype: O(T C (K + V) + T^2 / C^2 K V) per head, a fixed number of batched matmuls.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from suite.kernels.chunked import layout_chunks


def _counts(T: int, NT: int, C: int, device, acc) -> tuple[torch.Tensor, torch.Tensor]:
    """n [NT, C] real rows up to each row of its chunk; P [NT + 1] real rows before each chunk."""
    real = (torch.arange(NT * C, device=device) < T).to(acc).view(NT, C)
    n = real.cumsum(1)
    P = F.pad(n[:, -1].cumsum(0), (1, 0))
    return n, P


def static_decay_grad(q, k, v, g, h0, do, dht, scale: float, chunk: int = 64) -> torch.Tensor:
    """dL/dg [H] for o = attend(q, k, v, g [H], scale, h0), given do [B,T,H,V] and dht [B,H,K,V]."""
    B, T, H, K = q.shape
    acc = torch.promote_types(q.dtype, torch.float32)
    C = min(chunk, max(T, 1))
    NT = -(-T // C)
    with torch.autocast(q.device.type, enabled=False):
        qc, kc, vc, doc = (layout_chunks(x, NT, C, acc) for x in (q, k, v, do))  # [B, H, NT, C, D]
        gh = g.to(acc).view(1, H, 1, 1)  # [1, H, 1, 1]
        n, P = _counts(T, NT, C, q.device, acc)  # [NT, C], [NT + 1]
        # intra-chunk pairs: (n_i - n_j) e^{g (n_i - n_j)} (q_i . k_j) (do_i . v_j), j <= i
        dn = (n.unsqueeze(-1) - n.unsqueeze(-2)).clamp_min(0)  # [NT, C, C]; 0 on and above the diagonal
        w = dn * (gh.unsqueeze(-1) * dn).exp()  # [1, H, NT, C, C]
        intra = (w * (qc @ kc.transpose(-1, -2)) * (doc @ vc.transpose(-1, -2))).sum((-1, -2, -3))
        # chunk contributions U, U' [B, H, NT, K, V]
        tail = n[:, -1:] - n  # [NT, C] N_m - n_j
        e_tail = (gh * tail).exp()  # [1, H, NT, C]
        U = (kc * e_tail.unsqueeze(-1)).transpose(-1, -2) @ vc
        U1 = (kc * (tail * e_tail).unsqueeze(-1)).transpose(-1, -2) @ vc
        # entering states S, S' [B, H, NT + 1, K, V] through Toeplitz weights [H, NT + 1, NT]
        gap = (P.view(-1, 1) - P[1:].view(1, -1))  # [NT + 1, NT] P_c - P_{m+1}
        mask = gap >= 0
        gap = gap.clamp_min(0)
        E = torch.where(mask, (g.to(acc).view(H, 1, 1) * gap).exp(), 0.0)  # [H, NT + 1, NT]
        flat = (B, H, NT, K * v.shape[-1])
        S = (E @ U.reshape(flat)).view(B, H, NT + 1, K, -1)
        S1 = ((gap * E) @ U.reshape(flat) + E @ U1.reshape(flat)).view(B, H, NT + 1, K, -1)
        if h0 is not None:
            e_h0 = (g.to(acc).view(H, 1) * P.view(1, -1)).exp()  # [H, NT + 1]
            h = h0.to(acc).unsqueeze(2)  # [B, H, 1, K, V]
            S = S + e_h0.view(1, H, -1, 1, 1) * h
            S1 = S1 + (P * e_h0).view(1, H, -1, 1, 1) * h
        # inter-chunk rows: weights n_i e^{g n_i} on S_c, e^{g n_i} on S'_c
        e_row = (gh * n).exp()  # [1, H, NT, C]
        M = (qc * (n * e_row).unsqueeze(-1)).transpose(-1, -2) @ doc  # [B, H, NT, K, V]
        M1 = (qc * e_row.unsqueeze(-1)).transpose(-1, -2) @ doc
        inter = (M * S[:, :, :NT]).sum((-1, -2, -3)) + (M1 * S1[:, :, :NT]).sum((-1, -2, -3))
        dg = scale * (intra + inter)  # [B, H]
        if dht is not None:
            dg = dg + (dht.to(acc) * S1[:, :, NT]).sum((-1, -2))
    return dg.sum(0).to(g.dtype)


class _AttachStaticGrad(torch.autograd.Function):
    """Identity on (o, ht); its backward passes do, dht through and adds dL/dg for a static g."""

    @staticmethod
    def forward(ctx, o, ht, q, k, v, g, h0, scale):
        ctx.save_for_backward(q, k, v, g, h0)
        ctx.scale = scale
        return o.view_as(o), (None if ht is None else ht.view_as(ht))

    @staticmethod
    def backward(ctx, do, dht):
        q, k, v, g, h0 = ctx.saved_tensors
        dg = None
        if ctx.needs_input_grad[5]:
            dg = static_decay_grad(q, k, v, g, h0, do, dht, ctx.scale)
        return do, dht, None, None, None, dg, None, None


def attach_static_grad(o, ht, q, k, v, g, h0, scale: float):
    """(o, ht) unchanged, with g [H]'s gradient computed by `static_decay_grad` in backward."""
    return _AttachStaticGrad.apply(o, ht, q.detach(), k.detach(), v.detach(), g,
                                   None if h0 is None else h0.detach(), scale)
