"""Pure-PyTorch chunkwise decayed linear attention: the CPU default and CPU training kernel.

    from suite.kernels.chunked import attend_chunked
    o, s = attend_chunked(q, k, v, log_decay, scale=K ** -0.5, chunk_size=64,
                          initial_state=h0, output_final_state=True)

Same maths as `recurrent.py` (S_t = diag(e^{g_t}) S_{t-1} + k_t v_t^T, o_t = scale * S_t^T q_t),
computed per chunk of C tokens (kernels-notes §2); backward by autograd, except for the two
vector-decay score blocks, whose backward is written out (fewer passes over [.., c, c, K]):

  1. pad T to a multiple of C with zero q/k/v and zero log-decay (a no-op for the state);
  2. G = chunk-local inclusive cumsum of the log-decay in fp32 (fp64 for fp64 inputs), so |G| is
     bounded by C * max|g| whatever T is;
  3. intra-chunk scores A [C, C]: (Q K^T) ⊙ exp(G_i - G_j) for scalar decay; for vector decay a
     two-level scheme (sub-chunks of c rows): diagonal c x c blocks from the pairwise difference
     tensor exp(G_ik - G_jk), off-diagonal blocks as a matmul of operands re-anchored at the first
     row of the query sub-chunk, Q e^{G - G_ref} and K e^{G_ref - G} (never the factorised
     (Q e^G)(K e^-G)^T over a whole chunk, which overflows);
  4. chunk states U_n = (K ⊙ e^{G_last - G})^T V (G_last - G_j taken as the exclusive reverse
     cumsum of g, sum_{u>j} g_u), then a sequential scan over chunks
     S_n = e^{G_last} ⊙ S_{n-1} + U_n (S_0 = initial state);
  5. O = scale * [A V + (Q ⊙ e^G) S_{n-1}], unpadded, in q's dtype.

Every exponent is a difference arranged to be <= 0 (log-decay <= 0 makes G non-increasing in a
chunk), masked positions are selected to -inf *before* exp, so nothing overflows and no inf * 0
occurs; log-decay down to -30 per step is fine (exponents underflow to 0, as the true values do).
d log-decay: no exponent is formed as G_j - G_j (the diagonal of A is the constant q_i . k_i and
the last row's state weight is an exclusive suffix sum), so the gradient of g never sums O(1)
terms that cancel; under strong decay the true d log-decay is tiny and such a cancellation would
leave an fp32 relative error of percents (the q.dq - k.dk identity has the same weakness).
A static (per-head) log-decay that needs a gradient takes it from `static_grad.py` (the state's
derivative), not from autograd through the rows.
Cost: O(T C (K + V)) for scalar decay, plus O(T (c + C/c) K) elementwise for vector decay; the
state scan is a Python loop over T / C chunks. Default chunk 64, sub-chunk 8.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from suite.errors import SuiteError
from suite.kernels import BACKENDS, check_inputs


def layout_chunks(x: torch.Tensor, NT: int, C: int, acc) -> torch.Tensor:
    """[B, T, H, D] -> padded [B, H, NT, C, D] in `acc` (zero rows at the tail)."""
    B, T, H, D = x.shape
    x = x.to(acc).transpose(1, 2)  # [B, H, T, D]
    x = F.pad(x, (0, 0, 0, NT * C - T))  # [B, H, NT*C, D]
    return x.reshape(B, H, NT, C, D)


def _chunk_log_decay(log_decay, kind, shape, NT, C, acc) -> torch.Tensor | None:
    """Padded log-decay g [B, H, NT, C, 1] (static/scalar) or [..., K] (vector); None for none."""
    B, T, H, _ = shape
    if kind == "none":
        return None
    g = log_decay.to(acc)
    if kind == "static":  # [H] -> [B, T, H, 1]
        g = g.view(1, 1, H, 1).expand(B, T, H, 1)
    elif kind == "scalar":  # [B, T, H] -> [B, T, H, 1]
        g = g.unsqueeze(-1)
    return layout_chunks(g, NT, C, acc)  # zero-padded log-decay keeps the state as is


def _masked_exp(diff: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """exp(diff) where mask, else exactly 0; the select happens before exp."""
    return torch.where(mask, diff, float("-inf")).exp()


def _pair_decay(diff: torch.Tensor, strict: torch.Tensor, eye: torch.Tensor) -> torch.Tensor:
    """exp(G_i - G_j) for j < i, the constant 1 for j = i, 0 above the diagonal.

    The diagonal carries no gradient to G: through exp(G_i - G_i) it would add +x and -x to the
    same dG_i, an O(1) cancellation that swamps a small d log-decay under strong decay."""
    return _masked_exp(diff, strict) + eye


def _scores_scalar(q, k, G) -> torch.Tensor:
    """A [B, H, NT, C, C] = (Q K^T) ⊙ exp(G_i - G_j) ⊙ [i >= j]."""
    C = q.shape[-2]
    qk = q @ k.transpose(-1, -2)  # [B, H, NT, C, C]
    causal = torch.ones(C, C, dtype=torch.bool, device=q.device).tril()
    if G is None:
        return qk.masked_fill(~causal, 0.0)
    eye = torch.eye(C, dtype=q.dtype, device=q.device)
    return qk * _pair_decay(G - G.transpose(-1, -2), causal.tril(-1), eye)  # ΔG [..., C, C]


class _DiagScores(torch.autograd.Function):
    """Diagonal sub-blocks of the vector-decay scores, A [.., c, c] from q, k, G [.., c, K]:
    A_ij = sum_k q_ik k_jk e^{G_ik - G_jk} (j < i), q_i . k_i (j = i), 0 (j > i).

    A hand-written backward saves the autograd passes over the [.., c, c, K] tensor: with
    W = dA ⊙ E, dq = sum_j W k_j, dk = sum_i W q_i (strict parts) and dG = q ⊙ dq - k ⊙ dk."""

    @staticmethod
    def forward(ctx, q, k, G, strict):
        E = _masked_exp(G.unsqueeze(-2) - G.unsqueeze(-3), strict.unsqueeze(-1))  # [.., c, c, K]
        A = ((q.unsqueeze(-2) * E) * k.unsqueeze(-3)).sum(-1)  # [.., c(i), c(j)]
        A = A + torch.diag_embed((q * k).sum(-1))  # the j = i term carries no G
        ctx.save_for_backward(q, k, E)
        return A

    @staticmethod
    def backward(ctx, dA):
        q, k, E = ctx.saved_tensors
        W = dA.unsqueeze(-1) * E  # [.., c(i), c(j), K]
        dq = (W * k.unsqueeze(-3)).sum(-2)  # [.., c(i), K]
        dk = (W * q.unsqueeze(-2)).sum(-3)  # [.., c(j), K]
        dG = q * dq - k * dk
        d_ii = dA.diagonal(dim1=-2, dim2=-1).unsqueeze(-1)  # [.., c, 1]
        return dq + d_ii * k, dk + d_ii * q, dG, None


class _OffDiagScores(torch.autograd.Function):
    """Off-diagonal sub-blocks (a > b) of the vector-decay scores, A [.., S(a), c(i), S*c (b, j)]
    = q~_a k~_ab^T, from the re-anchored q~ = q e^{G - G_ref} [.., S, c, K], k, G [.., S, c, K]
    and the anchors G_ref [.., S, 1, K]: k~_ab = k_b e^{G_ref,a - G_b} (exponent <= 0 for a > b),
    zero for a <= b. Hand-written backward (one elementwise pass per gradient)."""

    @staticmethod
    def forward(ctx, q_t, k, ref, G, lower):
        E = _masked_exp(ref.unsqueeze(-3) - G.unsqueeze(-4), lower)  # [.., S(a), S(b), c, K]
        k_t = k.unsqueeze(-4) * E
        ctx.save_for_backward(q_t, k_t, E)
        return q_t @ k_t.flatten(-3, -2).transpose(-1, -2)  # [.., S(a), c, S*c]

    @staticmethod
    def backward(ctx, dA):
        q_t, k_t, E = ctx.saved_tensors
        dA = dA.to(q_t.dtype)  # under autocast the scores were a bf16 matmul, dA arrives in fp32
        dq_t = dA @ k_t.flatten(-3, -2)  # [.., S(a), c, K]
        dk_t = (dA.transpose(-1, -2) @ q_t).view(k_t.shape)  # [.., S(a), S(b), c, K]
        P = dk_t * k_t  # gradient of the exponent
        dref = P.sum((-3, -2)).unsqueeze(-2)  # [.., S(a), 1, K]
        return dq_t, (dk_t * E).sum(-4), dref, -P.sum(-4), None


def _scores_vector(q, k, G, c: int) -> torch.Tensor:
    """A [B, H, NT, C, C], A_ij = sum_k q_ik k_jk exp(G_ik - G_jk) for j <= i, by sub-chunks of c."""
    B, H, NT, C, K = q.shape
    S = C // c
    qs, ks, Gs = (x.reshape(B, H, NT, S, c, K) for x in (q, k, G))  # [.., S, c, K]
    strict = torch.ones(c, c, dtype=torch.bool, device=q.device).tril(-1)  # [c(i), c(j)], j < i
    # diagonal blocks: pairwise differences ΔG [.., S, c(i), c(j), K], O(C c K) memory
    A_diag = _DiagScores.apply(qs, ks, Gs, strict)  # [.., S, c, c]
    if S == 1:
        return A_diag.reshape(B, H, NT, C, C)
    # off-diagonal blocks (a > b): anchor at the first row of query sub-chunk a
    ref = Gs[..., :1, :]  # [.., S(a), 1, K]
    q_t = qs * (Gs - ref).exp()  # [.., S, c, K]; G_ai <= G_a0
    lower = torch.ones(S, S, dtype=torch.bool, device=q.device).tril(-1)  # [S(a), S(b)], a > b
    A_off = _OffDiagScores.apply(q_t, ks, ref, Gs, lower.view(S, S, 1, 1))  # [.., S(a), c, S*c]
    eye = torch.eye(S, dtype=q.dtype, device=q.device).view(S, 1, S, 1)
    A = A_off.reshape(B, H, NT, S, c, S, c) + A_diag.unsqueeze(-2) * eye  # [.., a, i, b, j]
    return A.reshape(B, H, NT, C, C)


def _chunk_states(k, v, g, G, h0, shape_kv) -> torch.Tensor:
    """States entering each chunk [B, H, NT, K, V] and the final state (appended last)."""
    NT = k.shape[2]
    if G is not None:
        # G_last - G_j = sum_{u > j} g_u: an exclusive reverse cumsum (no +x - x at the last row)
        suffix = F.pad(g.flip(3).cumsum(3).flip(3)[..., 1:, :], (0, 0, 0, 1))  # [B,H,NT,C,Kg]
        k = k * suffix.exp()  # exponent <= 0
        decay = G[..., -1:, :].transpose(-1, -2).exp()  # e^{G_last} [B, H, NT, Kg, 1]
    U = k.transpose(-1, -2) @ v  # [B, H, NT, K, V]
    S = h0 if h0 is not None else k.new_zeros(shape_kv)  # [B, H, K, V]
    states = []
    for n in range(NT):  # sequential scan over chunks
        states.append(S)
        S = (S if G is None else S * decay[:, :, n]) + U[:, :, n]
    states.append(S)
    return torch.stack(states, dim=2)  # [B, H, NT+1, K, V]


def _sizes(T: int, chunk_size: int, sub_chunk: int, kind: str) -> tuple[int, int, int]:
    """(C, c, NT): chunk size (shrunk for short T), sub-chunk size, number of chunks."""
    if chunk_size < 1 or sub_chunk < 1 or chunk_size % min(sub_chunk, chunk_size):
        raise SuiteError(
            f"attend_chunked: chunk_size={chunk_size} must be a positive multiple of sub_chunk={sub_chunk}"
        )
    c = min(sub_chunk, chunk_size)
    C = min(chunk_size, c * -(-max(T, 1) // c))  # no more padding than one sub-chunk for short T
    return C, c, -(-T // C)


def attend_chunked(q, k, v, log_decay, *, kind=None, scale=1.0, initial_state=None,
                   output_final_state=False, chunk_size=64, sub_chunk=8):
    """Chunkwise attention (see module doc); `kind` is derived (and inputs checked) when None."""
    if kind is None:
        kind = check_inputs(q, k, v, log_decay, initial_state)
    if kind == "static" and log_decay.requires_grad and torch.is_grad_enabled():
        # a per-head g gets its gradient from the state's derivative (static_grad.py, which
        # imports this module), not from summed per-row gradients, which cancel at long T
        from suite.kernels.static_grad import attach_static_grad

        o, ht = attend_chunked(q, k, v, log_decay.detach(), kind=kind, scale=scale, initial_state=initial_state,
                               output_final_state=output_final_state, chunk_size=chunk_size, sub_chunk=sub_chunk)
        return attach_static_grad(o, ht, q, k, v, log_decay, initial_state, scale)
    B, T, H, K = q.shape
    V = v.shape[-1]
    acc = torch.promote_types(q.dtype, torch.float32)
    h0 = initial_state.to(acc) if initial_state is not None else None
    if T == 0:
        S = h0 if h0 is not None else q.new_zeros(B, H, K, V, dtype=acc)
        return q.new_zeros(B, 0, H, V), (S if output_final_state else None)
    C, c, NT = _sizes(T, chunk_size, sub_chunk, kind)
    # 1. layout and padding: [B, T, H, D] -> [B, H, NT, C, D]
    qc, kc, vc = (layout_chunks(x, NT, C, acc) for x in (q, k, v))
    # 2. chunk-local cumulative log-decay G: [B, H, NT, C, 1 or K]
    g = _chunk_log_decay(log_decay, kind, q.shape, NT, C, acc)
    G = None if g is None else g.cumsum(dim=3)
    # 3. intra-chunk scores A: [B, H, NT, C, C]
    if kind == "vector":
        A = _scores_vector(qc, kc, G, c)
    else:
        A = _scores_scalar(qc, kc, G)
    # 4. states entering each chunk (and the final one): [B, H, NT+1, K, V]
    states = _chunk_states(kc, vc, g, G, h0, (B, H, K, V))
    # 5. output: intra + inter, [B, H, NT, C, V] -> [B, T, H, V]
    q_in = qc if G is None else qc * G.exp()  # e^G <= 1
    o = (A @ vc + q_in @ states[:, :, :NT]) * scale
    o = o.reshape(B, H, NT * C, V)[:, :, :T].transpose(1, 2).to(q.dtype)
    return o, (states[:, :, NT] if output_final_state else None)


BACKENDS.register("chunked")(attend_chunked)
attend_chunked.devices = ("cpu", "cuda")
