"""Backward kernel: one reverse sweep per (b, h) with the state gradient kept on chip.

The forward saved the state entering each chunk (`states` [B, H, NT, K, V]); this kernel walks
the chunks from last to first holding dS [K, V] (gradient of the state leaving the chunk) in fp32
registers, so no state gradient ever goes to HBM (kernels-notes §8.5). Per chunk n:
    1. load q, k [BT, K], v, do [BT, V], gate, S_{n-1}; G, Λ           (fp32)
    2. A (decayed intra scores, recomputed), dP = scale * do v^T ⊙ causal
    3. dv = scale * A^T do + (k ⊙ 2^{Λ-G}) dS
    4. dq = scale * (do S_{n-1}^T) ⊙ 2^G + intra(dP);  dk = (v dS^T) ⊙ 2^{Λ-G} + intra(dP)
    5. dg (log-decay, per row): dΓ = q ⊙ dq - k ⊙ dk (summed over K unless vector), reverse
       cumsum inside the chunk plus the carried suffix sum of later chunks (kernels-notes §2.4);
       the carry starts at Σ S_T ⊙ dS_T (final-state term).
    6. dS <- 2^Λ ⊙ dS + scale * (q ⊙ 2^G)^T do;  after chunk 0, dS is d(initial_state).

Run: through `suite.kernels.attend(..., backend="triton")` and autograd.
"""

from __future__ import annotations

import triton
import triton.language as tl

from suite.kernels.triton.common import (
    dot,
    load_gate,
    load_tile,
    scalar_mask,
    store_tile,
    vector_grads,
)
from suite.kernels.triton.fwd import chunk_decay, decay_state, decayed_qk, intra_scores


@triton.jit
def intra_dqk(q, k, gr, G, dP, DT: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr,
              KIND: tl.constexpr, LEVELS: tl.constexpr, IEEE: tl.constexpr):
    """Intra-chunk dq, dk [BT, BK] fp32 given dP [BT, BT] (gradient of the decayed scores)."""
    if KIND == 3:
        return vector_grads(q, k, gr, dP, DT, BT, BK, LEVELS, IEEE)
    else:
        dPD = (dP * scalar_mask(G, BT)).to(DT)
        return dot(dPD, k.to(DT), IEEE), dot(tl.trans(dPD), q.to(DT), IEEE)


@triton.jit
def dot_split(a, b, DT: tl.constexpr, IEEE: tl.constexpr):
    """a @ b for an fp32 b carried as two low-precision parts (hi + lo, ~16 mantissa bits).

    Used for v dS^T: with a final-state gradient, k_T . (v_T dS_T^T) cancels against
    sum(S_T * dS_T) in dg, so a single bf16 rounding of dS would swamp the small true dg.
    """
    if IEEE:
        return dot(a, b, IEEE)
    else:
        hi = b.to(DT)
        lo = (b - hi.to(tl.float32)).to(DT)
        return dot(a, hi, IEEE) + dot(a, lo, IEEE)


@triton.jit
def inter_factors(G, R, KIND: tl.constexpr):
    """(2^G, 2^{Λ-G} = 2^R) broadcastable against [BT, BK]."""
    if KIND == 3:
        return tl.exp2(G), tl.exp2(R)
    else:
        return tl.exp2(G)[:, None], tl.exp2(R)[:, None]


@triton.jit
def gate_grad(dgam, carry, KIND: tl.constexpr):
    """(dg rows, new carry): reverse cumsum of dΓ [BT] or [BT, BK] plus the later chunks' sum."""
    dg = tl.cumsum(dgam, axis=0, reverse=True)
    if KIND == 3:
        return dg + carry[None, :], carry + tl.sum(dgam, axis=0)
    else:
        return dg + carry, carry + tl.sum(dgam, axis=0)


@triton.jit(do_not_specialize=["scale", "T", "NT"])
def bwd_kernel(q, k, v, g, states, ht, dht, do, dq, dk, dv, dg, dh0, scale, T, NT,
               H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
               BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
               LEVELS: tl.constexpr, HAS_DHT: tl.constexpr, HAS_H0: tl.constexpr,
               IEEE: tl.constexpr):
    i_bh = tl.program_id(0)
    i_b = i_bh // H
    i_h = i_bh % H
    DT = q.dtype.element_ty
    rt = tl.arange(0, BT)
    off_k = (i_b.to(tl.int64) * T * H + i_h) * K  # q/k/dq/dk/g at (b, t=0, h): [T, K] rows stride H*K
    off_v = (i_b.to(tl.int64) * T * H + i_h) * V  # v/do/dv at (b, t=0, h): [T, V] rows stride H*V
    s_b = i_bh.to(tl.int64) * K * V  # one [K, V] state
    dS = tl.zeros([BK, BV], tl.float32)
    if KIND == 3:
        carry = tl.zeros([BK], tl.float32)
    else:
        carry = tl.sum(tl.zeros([BK], tl.float32), axis=0)
    if HAS_DHT:  # final-state term of dΓ_T (S_T ⊙ dS_T), in log2 units -> see note in launch_bwd
        dS += load_tile(dht + s_b, K, V, V, 0, 0, BK, BV)
        sT = load_tile(ht + s_b, K, V, V, 0, 0, BK, BV)
        if KIND == 3:
            carry += tl.sum(sT * dS, axis=1)
        else:
            carry += tl.sum(tl.sum(sT * dS, axis=1), axis=0)
    for i in range(NT):
        n = NT - 1 - i
        # 1. chunk rows, decays and the state entering the chunk
        t = n * BT + rt
        mt = t < T
        b_q = load_tile(q + off_k, T, K, H * K, n * BT, 0, BT, BK)    # [BT, BK]
        b_k = load_tile(k + off_k, T, K, H * K, n * BT, 0, BT, BK)    # [BT, BK]
        b_v = load_tile(v + off_v, T, V, H * V, n * BT, 0, BT, BV)    # [BT, BV]
        b_do = load_tile(do + off_v, T, V, H * V, n * BT, 0, BT, BV)  # [BT, BV]
        gr = load_gate(g, i_b, i_h, n * BT, t, mt, T, H, K, BT, BK, KIND)
        G, L, R = chunk_decay(gr, KIND)
        S = load_tile(states + (i_bh.to(tl.int64) * NT + n) * K * V, K, V, V, 0, 0, BK, BV)  # [BK, BV]
        # 2. scores and their gradient
        A = intra_scores(b_q, b_k, gr, G, DT, BT, BK, KIND, LEVELS, IEEE)
        causal = rt[:, None] >= rt[None, :]
        dP = tl.where(causal, dot(b_do.to(DT), tl.trans(b_v.to(DT)), IEEE) * scale, 0.0)
        # 3. dv
        qd, kd = decayed_qk(b_q, b_k, G, R, KIND)
        b_dv = dot(tl.trans((A * scale).to(DT)), b_do.to(DT), IEEE) + dot(kd.to(DT), dS.to(DT), IEEE)
        store_tile(dv + off_v, b_dv, T, V, H * V, n * BT, 0, BT, BV)
        # 4. dq, dk
        b_dq, b_dk = intra_dqk(b_q, b_k, gr, G, dP, DT, BT, BK, KIND, LEVELS, IEEE)
        if KIND == 0:
            b_dq += dot(b_do.to(DT), tl.trans(S.to(DT)), IEEE) * scale
            b_dk += dot_split(b_v.to(DT), tl.trans(dS), DT, IEEE)
        else:
            fq, fk = inter_factors(G, R, KIND)
            b_dq += dot(b_do.to(DT), tl.trans(S.to(DT)), IEEE) * (fq * scale)
            b_dk += dot_split(b_v.to(DT), tl.trans(dS), DT, IEEE) * fk
        store_tile(dq + off_k, b_dq, T, K, H * K, n * BT, 0, BT, BK)
        store_tile(dk + off_k, b_dk, T, K, H * K, n * BT, 0, BT, BK)
        # 5. dg
        if KIND != 0:
            dgam = b_q.to(tl.float32) * b_dq - b_k.to(tl.float32) * b_dk
            if KIND == 3:
                b_dg, carry = gate_grad(dgam, carry, KIND)
                store_tile(dg + off_k, b_dg, T, K, H * K, n * BT, 0, BT, BK)
            else:
                b_dg, carry = gate_grad(tl.sum(dgam, axis=1), carry, KIND)
                offs = (i_b.to(tl.int64) * T + t.to(tl.int64)) * H + i_h
                tl.store(dg + offs, b_dg, mask=mt)
        # 6. state gradient entering the chunk
        dS = decay_state(dS, L, KIND) + dot(tl.trans(qd.to(DT)), b_do.to(DT), IEEE) * scale
    if HAS_H0:
        store_tile(dh0 + s_b, dS, K, V, V, 0, 0, BK, BV)


def launch_bwd(saved, do, dht, scale, kind_id, *, cfg, out):
    """Launch bwd_kernel with config `cfg` (dict BT, num_warps, num_stages) into `out`.

    saved: dict q, k, v, g, states [B,H,NT,K,V] (NT for cfg's BT!), ht, has_h0.
    out: dict dq, dk [B,T,H,K] fp32; dv [B,T,H,V] fp32; dg (gate-shaped rows, fp32); dh0.
    """
    q, k, v = saved["q"], saved["k"], saved["v"]
    B, T, H, K = q.shape
    V = v.shape[-1]
    BT = cfg["BT"]
    NT = triton.cdiv(T, BT)
    dummy = out["dq"]
    bwd_kernel[(B * H,)](
        q, k, v, saved["g"] if saved["g"] is not None else dummy, saved["states"],
        saved["ht"] if dht is not None else dummy, dht if dht is not None else dummy, do,
        out["dq"], out["dk"], out["dv"], out["dg"] if out["dg"] is not None else dummy,
        out["dh0"] if out["dh0"] is not None else dummy, scale, T, NT,
        H=H, K=K, V=V, BT=BT, BK=triton.next_power_of_2(K), BV=triton.next_power_of_2(V),
        KIND=kind_id, LEVELS=BT.bit_length() - 1, HAS_DHT=dht is not None,
        HAS_H0=out["dh0"] is not None, IEEE=saved["ieee"],
        num_warps=cfg["num_warps"], num_stages=1 if saved["ieee"] else cfg["num_stages"],
    )
