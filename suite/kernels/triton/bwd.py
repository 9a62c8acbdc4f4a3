"""Backward kernels: a reverse state-gradient sweep, then one chunk-parallel pass.

The forward saved S_{n-1}, the state entering each chunk n (`states` [B, H, NT, K, V]).

1. `bwd_dh_kernel`, one program per (K-block, V-block, b*h), walks the chunks last to first with
   the state-gradient block dS [BK, BV] in fp32 registers and stores dS_n (the gradient of the
   state leaving chunk n; dS_{NT-1} = d final state) into `dstates`; dS_{n-1} = 2^Λ ⊙ dS_n +
   scale * (q ⊙ 2^G)^T do. After chunk 0 it is d(initial_state). Small tiles, many programs.
2. `bwd_chunk_kernel`, one program per (K-block, chunk, b*h), every chunk at once (or per
   `cpp` consecutive chunks, a loop Triton pipelines), given q, k, v, do, the gate, S_{n-1} and
   dS_n of its chunk (V walked in blocks of BV):
       dv = scale * A^T do + (k ⊙ 2^{Λ-G}) dS_n
       dq = scale * (do S_{n-1}^T) ⊙ 2^G + intra(dP),  dk = (v dS_n^T) ⊙ 2^{Λ-G} + intra(dP)
       dP = scale * do v^T (causal), A = decayed intra scores (recomputed)
   and the log-decay gradient of its rows from pair terms (no cross-chunk carry):
       dg_t = sum over pairs (i >= t > j) of dL/dA_ij * A_ij, split by where i and j lie:
         both in the chunk       scalar: sum_{i>=t} sum_{j<t} dP_ij A_ij (a 2-D prefix sum);
                                 vector: the chunk-local identity sum_{s>=t} (q dq - k dk)
                                 without the diagonal pairs
         j before the chunk      sum_{i>=t} q_i ⊙ dq_i^inter   (reverse cumsum)
         i after the chunk       sum_{j<t}  k_j ⊙ dk_j^inter   (exclusive cumsum)
         across the whole chunk  sum_V 2^Λ ⊙ S_{n-1} ⊙ dS_n    (same for every row)
   For the vector gate the two row sums are products with triangles (common.tri_sums).
   The initial state counts as a key before the sequence, the final-state gradient as a query
   after it. Unlike the global identity dg_t = sum_{s>=t}(q_s.dq_s - k_s.dk_s), no term cancels
   across chunks, so the error does not grow with T (bf16 GPU, global identity: scalar 1.3e-2,
   vector 2.1e-2 at T = 300) and a static decay's gradient, the sum over every row, stays exact
   enough to come from the kernel.
3. Optional (`dv_split` configs): dv in its own launch, `bwd_dv_kernel`, one program per
   (V-block, chunk, b*h). The chunk pass then holds neither the scores' transpose nor the
   decayed keys nor a dv accumulator (fewer live registers: at D = 128 the fused pass spills,
   resources.py), and for vector decay it needs no scores at all: dq, dk and dg are per key
   channel given dP, so its programs may also split K (`BKC`). dP = do v^T is then recomputed
   in each K-block. The scalar kinds may split K too: their dg_t, a sum over K, then comes in
   parts (`PAIRS` off): each K-block's pairs reaching the previous and next states and its share
   of the cross term, and from each dv program its V-block's share of the intra-chunk pair sum
   (the dv pass has the scores; dP ⊙ A is linear in dP's V-blocks). The parts land in a
   [parts, B, T, H] buffer that launch_bwd sums in a fixed order (deterministic, no atomics).
   Same arithmetic as the fused pass, summed in another order.

Run: through `suite.kernels.attend(..., backend="triton")` and autograd.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from suite.kernels.triton.common import (
    dot,
    even_tiles,
    excl_cumsum,
    gate_part_rows,
    intra_pairs,
    load_gate,
    load_tile,
    scalar_mask,
    seq_offset,
    store_tile,
    tri_sums,
    vector_grads,
)
from suite.kernels.triton.dhdv import launch_dhdv
from suite.kernels.triton.fwd import (
    anchored,
    carry_state,
    decayed_qk,
    intra_scores,
    load_chunk,
    state_block,
)
from suite.kernels.triton.launch import cdiv, launch, pow2
from suite.kernels.triton.tuning import sweep_launch


@triton.jit(do_not_specialize=["scale", "T", "NT"])
def bwd_dh_kernel(q, g, do, dht, dstates, dh0, scale, T, NT,
                  H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
                  BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
                  HAS_DHT: tl.constexpr, HAS_H0: tl.constexpr, IEEE: tl.constexpr):
    i_b, i_h, i_bh, c_k, c_v = state_block(H, BK, BV)
    DT: tl.constexpr = q.dtype.element_ty
    rt = tl.arange(0, BT)
    q_b = q + seq_offset(i_b, i_h, T, H, K)    # [T, K] rows, stride H*K
    do_b = do + seq_offset(i_b, i_h, T, H, V)  # [T, V] rows, stride H*V
    s_b = i_bh.to(tl.int64) * K * V
    dS = tl.zeros([BK, BV], tl.float32)
    if HAS_DHT:
        dS += load_tile(dht + s_b, K, V, V, c_k, c_v, BK, BV)
    for i in range(NT):
        n = NT - 1 - i
        store_tile(dstates + (i_bh.to(tl.int64) * NT + n) * K * V, dS, K, V, V, c_k, c_v, BK, BV)
        t = n * BT + rt
        mt = t < T
        b_q = load_tile(q_b, T, K, H * K, n * BT, c_k, BT, BK)      # [BT, BK]
        b_do = load_tile(do_b, T, V, H * V, n * BT, c_v, BT, BV)    # [BT, BV]
        gr = load_gate(g, i_b, i_h, n * BT, t, mt, T, H, K, BT, BK, KIND, c_k)
        dS = carry_state(dS, b_q, b_do, gr, scale, False, KIND, DT, IEEE)
    if HAS_H0:
        store_tile(dh0 + s_b, dS, K, V, V, c_k, c_v, BK, BV)


@triton.jit
def inter_factors(G, R, KIND: tl.constexpr):
    """(2^G, 2^{Λ-G} = 2^R) broadcastable against [BT, BK]."""
    if KIND == 3:
        return tl.exp2(G), tl.exp2(R)
    else:
        return tl.exp2(G)[:, None], tl.exp2(R)[:, None]


@triton.jit
def gate_grad_rows(q, k, dq_x, dk_x, dq_in, dk_in, dP, Ab, cross, DT: tl.constexpr, BT: tl.constexpr,
                   KIND: tl.constexpr, PAIRS: tl.constexpr, IEEE: tl.constexpr):
    """dg of the chunk's rows ([BT] or [BT, BK] fp32) from pair terms (module doc); scalar
    kinds without PAIRS: all but the intra-chunk pairs (the dv pass adds those)."""
    qf = q.to(tl.float32)
    kf = k.to(tl.float32)
    q_in = qf * dq_x   # pairs (i = row, j before the chunk)
    k_in = kf * dk_x   # pairs (j = row, i after the chunk)
    if KIND == 3:  # both row sums as products with 0/1 triangles (tri_sums)
        return tri_sums(qf * dq_in - kf * dk_in + q_in, k_in, DT, BT, IEEE) + cross[None, :]
    else:
        q_row = tl.sum(q_in, axis=1)
        k_row = tl.sum(k_in, axis=1)
        rows = tl.cumsum(q_row, axis=0, reverse=True) + excl_cumsum(k_row, 0) + cross
        if PAIRS:
            rows += intra_pairs(dP, Ab.to(tl.float32), BT)
        return rows


@triton.jit(do_not_specialize=["scale", "T", "NT", "DGP"])
def bwd_chunk_kernel(q, k, v, g, states, dstates, do, dq, dk, dv, dg, scale, T, NT, DGP,
                     H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
                     BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
                     LEVELS: tl.constexpr, HAS_DG: tl.constexpr, HAS_DV: tl.constexpr,
                     PAIRS: tl.constexpr, IEEE: tl.constexpr, ANCHOR: tl.constexpr = False,
                     CPP: tl.constexpr = 1, EVEN: tl.constexpr = False):
    """dq, dk (K-block i_k of BK channels), the gate's row gradient and, with HAS_DV (then
    BK = K), dv of CPP consecutive chunks (program_id(1) * CPP onwards); module doc, step 2.
    Scalar kinds over several K-blocks (PAIRS off) write their share of dg as part i_k, DGP
    elements after part i_k - 1. With CPP > 1 the chunks are a loop that Triton software-pipelines
    (the kernel's num_stages): the next chunk's tiles load while this one computes. EVEN: no
    bounds checks (every tile lies inside, common.even_tiles)."""
    i_k = tl.program_id(0)
    i_c = tl.program_id(1)
    i_bh = tl.program_id(2)
    if CPP == 1:  # no loop: a one-trip loop would still be pipelined (its loads staged in shared memory)
        chunk_grads(q, k, v, g, states, dstates, do, dq, dk, dv, dg, scale, T, NT, DGP, i_k, i_c,
                    i_bh, H, K, V, BT, BK, BV, KIND, LEVELS, HAS_DG, HAS_DV, PAIRS, IEEE, ANCHOR, EVEN)
    else:
        n0 = i_c * CPP
        for n in tl.range(n0, tl.minimum(n0 + CPP, NT)):
            chunk_grads(q, k, v, g, states, dstates, do, dq, dk, dv, dg, scale, T, NT, DGP, i_k, n,
                        i_bh, H, K, V, BT, BK, BV, KIND, LEVELS, HAS_DG, HAS_DV, PAIRS, IEEE, ANCHOR, EVEN)


@triton.jit
def chunk_grads(q, k, v, g, states, dstates, do, dq, dk, dv, dg, scale, T, NT, DGP, i_k, n, i_bh,
                H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
                BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
                LEVELS: tl.constexpr, HAS_DG: tl.constexpr, HAS_DV: tl.constexpr,
                PAIRS: tl.constexpr, IEEE: tl.constexpr, ANCHOR: tl.constexpr, EVEN: tl.constexpr = False):
    """bwd_chunk_kernel's work for chunk n of sequence-head i_bh, K-block i_k."""
    i_b = i_bh // H
    i_h = i_bh % H
    DT: tl.constexpr = q.dtype.element_ty
    rt = tl.arange(0, BT)
    t = n * BT + rt
    mt = t < T
    if HAS_DV:  # one K-block: a constant offset (fewer live registers than program_id * BK)
        c_k = 0
    else:
        c_k = i_k * BK
    off_k = seq_offset(i_b, i_h, T, H, K)  # dq/dk/dg at (b, t=0, h): [T, K] rows
    off_v = seq_offset(i_b, i_h, T, H, V)  # v/do/dv: [T, V] rows
    st = (i_bh.to(tl.int64) * NT + n) * K * V     # this chunk's [K, V] state and its gradient
    b_q, b_k, gr, G, L, R = load_chunk(q, k, g, i_b, i_h, n, T, H, K, BT, BK, KIND, c_k, IEEE, EVEN)  # [BT, BK]
    if HAS_DV or PAIRS:  # the scores: for dv, and for a scalar gate's pairs
        A = intra_scores(b_q, b_k, gr, G, L, DT, BT, BK, KIND, LEVELS, IEEE, ANCHOR)  # [BT, BT] fp32
        if KIND == 1:  # static: dg sums every row's pair terms; keep them in fp32
            Ab = A
        else:  # bf16 is enough for the pair terms of one row's dg
            Ab = A.to(DT)
    else:
        Ab = tl.zeros([BT, BT], DT)
    if HAS_DV:
        _, kd = decayed_qk(b_q, b_k, G, R, KIND)
        At = tl.trans((A * scale).to(DT))
        kdt = kd.to(DT)
    dP = tl.zeros([BT, BT], tl.float32)
    dq_x = tl.zeros([BT, BK], tl.float32)  # do S^T   (inter, before its factors)
    dk_x = tl.zeros([BT, BK], tl.float32)  # v dS^T
    if KIND == 3:
        cross = tl.zeros([BK], tl.float32)
    else:
        cross = tl.sum(tl.zeros([BK], tl.float32), axis=0)
    for c in tl.static_range(0, V, BV):
        b_v = load_tile(v + off_v, T, V, H * V, n * BT, c, BT, BV, EVEN)    # [BT, BV]
        b_do = load_tile(do + off_v, T, V, H * V, n * BT, c, BT, BV, EVEN)  # [BT, BV]
        S = load_tile(states + st, K, V, V, c_k, c, BK, BV, EVEN)          # [BK, BV] S_{n-1}
        dS = load_tile(dstates + st, K, V, V, c_k, c, BK, BV, EVEN)      # [BK, BV] dS_n
        dP += dot(b_do.to(DT), tl.trans(b_v.to(DT)), IEEE)
        dq_x += dot(b_do.to(DT), tl.trans(S.to(DT)), IEEE)
        dk_x += dot(b_v.to(DT), tl.trans(dS.to(DT)), IEEE)
        if HAS_DG and KIND == 3:
            cross += tl.sum(S.to(tl.float32) * dS.to(tl.float32), axis=1)
        elif HAS_DG and KIND != 0:
            cross += tl.sum(tl.sum(S.to(tl.float32) * dS.to(tl.float32), axis=1), axis=0)
        if HAS_DV:
            b_dv = dot(At, b_do.to(DT), IEEE) + dot(kdt, dS.to(DT), IEEE)
            store_tile(dv + off_v, b_dv, T, V, H * V, n * BT, c, BT, BV, EVEN)
    dP = tl.where(rt[:, None] >= rt[None, :], dP * scale, 0.0)
    if KIND == 0:
        dPD = dP.to(DT)
        b_dq = dot(dPD, b_k.to(DT), IEEE) + dq_x * scale
        b_dk = dot(tl.trans(dPD), b_q.to(DT), IEEE) + dk_x
    elif KIND == 3:
        dq_in, dk_in, diag = vector_grads(b_q, b_k, gr, G, L, dP, DT, BT, BK, LEVELS, IEEE, ANCHOR)
        fq, fk = inter_factors(G, R, KIND)
        dq_x = dq_x * (fq * scale)
        dk_x = dk_x * fk
        if HAS_DG:
            b_dg = gate_grad_rows(b_q, b_k, dq_x, dk_x, dq_in, dk_in, dP, Ab, cross * tl.exp2(L), DT, BT,
                                  KIND, False, IEEE)
            store_tile(dg + off_k, b_dg, T, K, H * K, n * BT, c_k, BT, BK, EVEN)
        b_dq = dq_in + diag[:, None] * b_k.to(tl.float32) + dq_x
        b_dk = dk_in + diag[:, None] * b_q.to(tl.float32) + dk_x
    else:
        dPD = (dP * scalar_mask(G, gr, BT, KIND)).to(DT)
        fq, fk = inter_factors(G, R, KIND)
        dq_x = dq_x * (fq * scale)
        dk_x = dk_x * fk
        if HAS_DG:
            b_dg = gate_grad_rows(b_q, b_k, dq_x, dk_x, dq_x, dk_x, dP, Ab, cross * tl.exp2(L), DT, BT,
                                  KIND, PAIRS, IEEE)
            if EVEN:
                tl.store(gate_part_rows(dg, i_k, DGP, i_b, i_h, t, T, H), b_dg)
            else:
                tl.store(gate_part_rows(dg, i_k, DGP, i_b, i_h, t, T, H), b_dg, mask=mt)
        b_dq = dot(dPD, b_k.to(DT), IEEE) + dq_x
        b_dk = dot(tl.trans(dPD), b_q.to(DT), IEEE) + dk_x
    store_tile(dq + off_k, b_dq, T, K, H * K, n * BT, c_k, BT, BK, EVEN)
    store_tile(dk + off_k, b_dk, T, K, H * K, n * BT, c_k, BT, BK, EVEN)


@triton.jit(do_not_specialize=["scale", "T", "NT", "DGP"])
def bwd_dv_kernel(q, k, v, g, dstates, do, dv, dg, scale, T, NT, DGP,
                  H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
                  BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
                  LEVELS: tl.constexpr, PAIRS: tl.constexpr, IEEE: tl.constexpr,
                  ANCHOR: tl.constexpr = False):
    """dv [BT, BV] of chunk n, V-block i_v: scale * A^T do + (k ⊙ 2^{Λ-G}) dS_n (module doc, 3);
    with PAIRS (scalar kinds, chunk pass split over K) also this V-block's share of the gate's
    intra-chunk pair sum, as dg part i_v (DGP elements per part)."""
    i_v = tl.program_id(0)
    c_v = i_v * BV
    n = tl.program_id(1)
    i_bh = tl.program_id(2)
    i_b = i_bh // H
    i_h = i_bh % H
    DT: tl.constexpr = q.dtype.element_ty
    off_v = seq_offset(i_b, i_h, T, H, V)  # do/dv: [T, V] rows
    b_q, b_k, gr, G, L, R = load_chunk(q, k, g, i_b, i_h, n, T, H, K, BT, BK, KIND, 0, IEEE)  # [BT, BK]
    b_do = load_tile(do + off_v, T, V, H * V, n * BT, c_v, BT, BV)   # [BT, BV]
    dS = load_tile(dstates + (i_bh.to(tl.int64) * NT + n) * K * V, K, V, V, 0, c_v, BK, BV)
    A = intra_scores(b_q, b_k, gr, G, L, DT, BT, BK, KIND, LEVELS, IEEE, ANCHOR)  # [BT, BT] fp32
    _, kd = decayed_qk(b_q, b_k, G, R, KIND)
    b_dv = dot(tl.trans((A * scale).to(DT)), b_do.to(DT), IEEE) + dot(kd.to(DT), dS.to(DT), IEEE)
    store_tile(dv + off_v, b_dv, T, V, H * V, n * BT, c_v, BT, BV)
    if PAIRS:  # dP of this V-block: [BT, BT], its pairs weighted by the scores
        b_v = load_tile(v + off_v, T, V, H * V, n * BT, c_v, BT, BV)  # [BT, BV]
        dP = dot(b_do.to(DT), tl.trans(b_v.to(DT)), IEEE) * scale
        t = n * BT + tl.arange(0, BT)
        tl.store(gate_part_rows(dg, i_v, DGP, i_b, i_h, t, T, H), intra_pairs(dP, A, BT), mask=t < T)


def launch_bwd(saved, do, dht, scale, kind_id, *, cfg, out):
    """Launch the backward kernels with config `cfg` (dict BT, BV, num_warps, num_stages; with
    `dv_split`: also BVD, the dv pass's V-block, and BKC, the chunk pass's K-block; with `dhdv`
    (scalar kinds) the state-gradient sweep computes dv as well, dhdv.py, on BVD-wide blocks;
    `cpp`: the chunks each program of the chunk pass takes, 1 unless given).

    saved: dict q, k, v, g, states [B,H,NT,K,V] (NT for cfg's BT!), ieee.
    out: dict dq, dk [B,T,H,K]; dv [B,T,H,V]; dg (gate-shaped rows, fp32; [B,T,H] for static)
    or None (the kernel then skips the gate's pair terms); dh0 [B,H,K,V] fp32 or None; dstates (like states).
    """
    q, k, v = saved["q"], saved["k"], saved["v"]
    B, T, H, K = q.shape
    V = v.shape[-1]
    BT = cfg["BT"]
    NT = cdiv(T, BT)
    BK, BVF = pow2(K), pow2(V)
    ieee = saved["ieee"]
    stages = 1 if ieee else cfg["num_stages"]
    dummy = out["dq"]
    g = saved["g"] if saved["g"] is not None else dummy
    split = bool(cfg.get("dv_split"))
    dhdv = split and bool(cfg.get("dhdv")) and kind_id != 3  # dhdv.py: steps 1 and 3 in one sweep
    bkc = min(BK, cfg.get("BKC", BK)) if split else BK
    bvd = min(BVF, cfg.get("BVD", 64))
    has_dg = out["dg"] is not None
    # scalar kinds over several K-blocks: dg in parts, the intra-chunk pairs from the dv pass
    parted = has_dg and kind_id != 3 and bkc < BK
    nkb = cdiv(K, bkc)
    n_parts = nkb + cdiv(V, bvd)
    dg = q.new_empty((n_parts,) + out["dg"].shape, dtype=torch.float32) if parted else out["dg"]
    cpp = cfg.get("cpp", 1)  # chunks per program of the chunk pass
    even = bool(cfg.get("even"))  # no bounds checks where every tile lies inside (common.even_tiles)
    if dhdv:
        launch_dhdv(q, k, v, saved["g"], do, dht, scale, kind_id, BT=BT, BV=bvd, even=even,
                    num_warps=cfg.get("dv_warps", 4), num_stages=stages, maxnreg=cfg.get("dv_maxnreg"), ieee=ieee,
                    tma=bool(cfg.get("tma")), dstates=out["dstates"], dh0=out["dh0"], dv=out["dv"],
                    dg_parts=dg[nkb:] if parted else None)
    else:
        dh_sweep(q, saved["g"], do, dht, scale, kind_id, cfg=cfg, dstates=out["dstates"], dh0=out["dh0"])
    launch(bwd_chunk_kernel, (nkb, cdiv(NT, cpp), B * H),
        q, k, v, g, saved["states"], out["dstates"], do, out["dq"], out["dk"], out["dv"],
        dg if has_dg else dummy, scale, T, NT, B * T * H,
        H=H, K=K, V=V, BT=BT, BK=bkc, BV=min(cfg["BV"], BVF), KIND=kind_id,
        LEVELS=BT.bit_length() - 1, HAS_DG=has_dg, HAS_DV=not split,
        PAIRS=has_dg and kind_id != 3 and not parted, IEEE=ieee, ANCHOR=anchored(cfg, q), CPP=cpp,
        EVEN=even and even_tiles(T, BT, (K, bkc), (V, min(cfg["BV"], BVF))),
        num_warps=cfg["num_warps"], num_stages=stages, maxnreg=cfg.get("maxnreg"),
    )
    if split and not dhdv:
        launch(bwd_dv_kernel, (cdiv(V, bvd), NT, B * H),
            q, k, v, g, out["dstates"], do, out["dv"], dg[nkb:] if parted else dummy, scale, T, NT,
            B * T * H, H=H, K=K, V=V, BT=BT, BK=BK, BV=bvd, KIND=kind_id,
            LEVELS=BT.bit_length() - 1, PAIRS=parted, IEEE=ieee, ANCHOR=anchored(cfg, q),
            num_warps=cfg.get("dv_warps", 4), num_stages=stages, maxnreg=cfg.get("dv_maxnreg"),
        )
    if parted:
        torch.sum(dg, 0, out=out["dg"])


def dh_sweep(q, g, do, dht, scale, kind_id, *, cfg, dstates, dh0):
    """bwd_dh_kernel on the blocks and warps tuning.sweep_launch(cfg, "dh") gives: fills
    `dstates` [B, H, NT, K, V] (NT for cfg's BT) and `dh0` [B, H, K, V] fp32 when given. g: the gate or None (kind none); dht [B, H, K, V] fp32 or None."""
    B, T, H, K = q.shape
    V = do.shape[-1]
    ieee = q.dtype == torch.float32
    bk, bv, warps = sweep_launch(cfg, "dh", K, V)
    launch(bwd_dh_kernel, (cdiv(K, bk), cdiv(V, bv), B * H),
        q, g if g is not None else dstates, do, dht if dht is not None else dstates, dstates,
        dh0 if dh0 is not None else dstates, scale, T, dstates.shape[2],
        H=H, K=K, V=V, BT=cfg["BT"], BK=bk, BV=bv, KIND=kind_id, HAS_DHT=dht is not None,
        HAS_H0=dh0 is not None, IEEE=ieee, num_warps=warps, num_stages=1 if ieee else 2,
    )
