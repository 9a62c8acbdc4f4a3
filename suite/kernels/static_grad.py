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
inputs' dtype: O(T C (K + V) + T^2 / C^2 K V) per head, a fixed number of batched matmuls, with
four [NT, K*V] chunk sums per (b, h) as the largest temporaries.
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


def _bmm(a, b) -> torch.Tensor:
    """a @ b over equal leading dims as one torch.bmm; with contiguous chunk tensors the batched
    operands are views (torch.matmul had copied both operands of these 5-D products)."""
    out = torch.bmm(a.reshape(-1, *a.shape[-2:]), b.reshape(-1, *b.shape[-2:]))
    return out.view(*a.shape[:-2], a.shape[-2], b.shape[-1])


def _intra(qc, kc, vc, doc, n, gh) -> torch.Tensor:
    """[B, H]: pairs inside a chunk, sum_{j <= i} (n_i - n_j) e^{g (n_i - n_j)} (q_i . k_j) (do_i . v_j)."""
    dn = (n.unsqueeze(-1) - n.unsqueeze(-2)).clamp_min(0)  # [NT, C, C]; 0 on and above the diagonal
    w = dn * (gh.unsqueeze(-1) * dn).exp()  # [1, H, NT, C, C]
    return (w * _bmm(qc, kc.transpose(-1, -2)) * _bmm(doc, vc.transpose(-1, -2))).sum((-1, -2, -3))


def _weighted_outer(a, b, n_rel, gh) -> tuple[torch.Tensor, torch.Tensor]:
    """sum over a chunk's rows of e^{g n} a b^T and of n e^{g n} a b^T, flattened: 2 x [B, H, NT, K*V]."""
    e = (gh * n_rel).exp().unsqueeze(-1)  # [1, H, NT, C, 1]
    plain = _bmm((a * e).transpose(-1, -2), b)  # [B, H, NT, K, V]
    weighted = _bmm((a * (n_rel.unsqueeze(-1) * e)).transpose(-1, -2), b)
    return plain.flatten(-2), weighted.flatten(-2)


def _toeplitz(g, P) -> tuple[torch.Tensor, torch.Tensor]:
    """E, gap * E [H, NT + 1, NT]: E[c, m] = e^{g (P_c - P_{m+1})} for m < c, else 0."""
    gap = P.view(-1, 1) - P[1:].view(1, -1)  # [NT + 1, NT]
    E = torch.where(gap >= 0, (g.view(-1, 1, 1) * gap.clamp_min(0)).exp(), 0.0)
    return E, gap.clamp_min(0) * E


def static_decay_grad(q, k, v, g, h0, do, dht, scale: float, chunk: int = 64) -> torch.Tensor:
    """dL/dg [H] for o = attend(q, k, v, g [H], scale, h0), given do [B,T,H,V] and dht [B,H,K,V].

    The entering states are never formed: <M_c, S_c> = sum_m E[c, m] <M_c, U_m> (and likewise for
    S'), so the inter-chunk part is three [NT, NT] Gram blocks of the chunk sums per (b, h)."""
    _, T, H, _ = q.shape
    acc = torch.promote_types(q.dtype, torch.float32)
    C = min(chunk, max(T, 1))
    NT = -(-T // C)
    with torch.autocast(q.device.type, enabled=False):
        # [B, H, NT, C, D], contiguous: layout_chunks keeps [B, T, H, D]'s strides, and every
        # product below would otherwise copy its operands again
        qc, kc, vc, doc = (layout_chunks(x, NT, C, acc).contiguous() for x in (q, k, v, do))
        ga = g.to(acc)
        gh = ga.view(1, H, 1, 1)
        n, P = _counts(T, NT, C, q.device, acc)  # [NT, C], [NT + 1]
        dg = _intra(qc, kc, vc, doc, n, gh)  # [B, H]
        U, U1 = _weighted_outer(kc, vc, n[:, -1:] - n, gh)  # chunk sums, weights from the chunk end
        M1, M = _weighted_outer(qc, doc, n, gh)  # row sums: M1 (e^{g n}) meets S', M (n e^{g n}) S
        E, gapE = _toeplitz(ga, P)  # [H, NT + 1, NT]
        Ut = U.transpose(-1, -2)  # the three Gram blocks that are used, [B, H, NT, NT] each
        MU, M1U, M1U1 = _bmm(M, Ut), _bmm(M1, Ut), _bmm(M1, U1.transpose(-1, -2))
        dg = dg + (E[:, :NT] * (MU + M1U1) + gapE[:, :NT] * M1U).sum((-1, -2))
        e_h = (ga.view(H, 1) * P).exp()  # [H, NT + 1] e^{g P_c}: the initial state's decay
        if h0 is not None:
            h = h0.to(acc).flatten(-2).unsqueeze(-1)  # [B, H, K*V, 1]
            dg = dg + (e_h[:, :NT] * (M @ h).squeeze(-1) + P[:NT] * e_h[:, :NT] * (M1 @ h).squeeze(-1)).sum(-1)
        dg = scale * dg
        if dht is not None:  # <dht, S'_T>, S'_T the derivative entering chunk NT (the final state)
            d = dht.to(acc).flatten(-2).unsqueeze(-1)  # [B, H, K*V, 1]
            dg = dg + (gapE[:, NT] * (U @ d).squeeze(-1) + E[:, NT] * (U1 @ d).squeeze(-1)).sum(-1)
            if h0 is not None:
                dg = dg + P[NT] * e_h[:, NT] * (dht.to(acc) * h0.to(acc)).sum((-1, -2))
    return dg.sum(0).to(g.dtype)


class _AttachStaticGrad(torch.autograd.Function):
    """Identity on (o, ht); its backward passes do, dht through and adds dL/dg for a static g."""

    @staticmethod
    def forward(ctx, o, ht, q, k, v, g, h0, scale, grad_fn):
        ctx.save_for_backward(q, k, v, g, h0)
        ctx.scale, ctx.grad_fn = scale, grad_fn
        return o.view_as(o), (None if ht is None else ht.view_as(ht))

    @staticmethod
    def backward(ctx, do, dht):
        q, k, v, g, h0 = ctx.saved_tensors
        dg = None
        if ctx.needs_input_grad[5]:
            dg = ctx.grad_fn(q, k, v, g, h0, do, dht, ctx.scale)
        return do, dht, None, None, None, dg, None, None, None


def attach_static_grad(o, ht, q, k, v, g, h0, scale: float, grad_fn=static_decay_grad):
    """(o, ht) unchanged, with g [H]'s gradient computed in backward by `grad_fn` (signature of
    `static_decay_grad`; the Triton backend passes its kernel, `triton/static_dg.py`)."""
    return _AttachStaticGrad.apply(o, ht, q.detach(), k.detach(), v.detach(), g,
                                   None if h0 is None else h0.detach(), scale, grad_fn)
