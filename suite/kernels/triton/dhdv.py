"""The scalar kinds' state-gradient sweep with dv fused in (configs with `dhdv`; bwd.py, steps 1+3).

One program per (V-block, b*h) walks the chunks last to first with the state gradient's block
dS [K, BV] in fp32 registers (all of K: dv sums over it). Chunk n, scalar decay (kinds 0-2; G the
chunk-local inclusive cumsum of the log2-decay, Λ its last row, R = Λ - G):

    store dS_n                                   (the chunk pass reads it: bwd.bwd_chunk_kernel)
    A  = (q k^T) ⊙ 2^{G_i - G_j} ⊙ [i >= j]      [BT, BT], recomputed from q, k of the chunk
    dv = scale * A^T do + (k dS_n) ⊙ 2^R         [BT, BV], the decay on the product's rows
    dS_{n-1} = 2^Λ dS_n + scale * q^T (do ⊙ 2^G)  the decay on do's rows, q as loaded
    with PAIRS: dP = scale * do v^T and this V-block's share of the gate's intra-chunk pairs,
    pair_prefix(dP ⊙ A), as dg part i_v (as bwd.bwd_dv_kernel writes it)

and after chunk 0, d(initial_state). It replaces two launches (bwd_dh_kernel on 64 x 64 blocks,
then bwd_dv_kernel over every chunk), whose bytes at the anchor are ≈0.8 and ≈0.9 GB: here q
and k are read once per V-block program, do once, and dS_n is written, never read back (≈1.1 GB).
The price is a serial chain whose steps hold the scores (like the forward's sweep).

Run: through `suite.kernels.attend(..., backend="triton")`, with a backward config that has
`dhdv` (tuning.py); checked against the two-launch backward in tests/test_triton_schedule.py.
"""

from __future__ import annotations

import triton
import triton.language as tl

from suite.kernels.triton.common import (
    descriptor,
    dot,
    even_tiles,
    gate_part_rows,
    intra_pairs,
    load_gate,
    load_rows,
    load_tile,
    rows_scaled,
    seq_offset,
    store_tile,
    tma_ok,
)
from suite.kernels.triton.fwd import chunk_decay, decay_state, intra_scores
from suite.kernels.triton.launch import cdiv, launch, pow2


@triton.jit(do_not_specialize=["scale", "T", "NT", "DGP"])
def bwd_dhdv_kernel(q, k, v, g, do, dht, dstates, dh0, dv, dg, scale, T, NT, DGP,
                    H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
                    BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
                    HAS_DHT: tl.constexpr, HAS_H0: tl.constexpr, PAIRS: tl.constexpr,
                    IEEE: tl.constexpr, TMA: tl.constexpr = False, EVEN: tl.constexpr = False):
    """Module doc; with TMA, q, k and do are tensor descriptors of one chunk's rows (as in
    fwd.fwd_kernel), so the loop's pipelining prefetches them into shared memory. EVEN: no bounds
    checks (every tile lies inside, common.even_tiles)."""
    i_v = tl.program_id(0)
    i_bh = tl.program_id(1)
    i_b = i_bh // H
    i_h = i_bh % H
    c_v = i_v * BV
    DT: tl.constexpr = dv.dtype.element_ty  # q's dtype (q may be a descriptor)
    rt = tl.arange(0, BT)
    off_v = seq_offset(i_b, i_h, T, H, V)  # v/do/dv at (b, t=0, h): [T, V] rows, stride H*V
    s_b = i_bh.to(tl.int64) * K * V
    dS = tl.zeros([BK, BV], tl.float32)
    if HAS_DHT:
        dS += load_tile(dht + s_b, K, V, V, 0, c_v, BK, BV)
    for i in range(NT):
        n = NT - 1 - i
        store_tile(dstates + (i_bh.to(tl.int64) * NT + n) * K * V, dS, K, V, V, 0, c_v, BK, BV, EVEN)
        t = n * BT + rt
        b_q = load_rows(q, i_b, i_h, T, H, K, n * BT, 0, BT, BK, TMA, EVEN)  # [BT, BK]
        b_k = load_rows(k, i_b, i_h, T, H, K, n * BT, 0, BT, BK, TMA, EVEN)  # [BT, BK]
        b_do = load_rows(do, i_b, i_h, T, H, V, n * BT, c_v, BT, BV, TMA, EVEN)  # [BT, BV]
        gr = load_gate(g, i_b, i_h, n * BT, t, t < T, T, H, K, BT, BK, KIND, 0, EVEN)
        G, L, R = chunk_decay(gr, KIND)
        A = intra_scores(b_q, b_k, gr, G, L, DT, BT, BK, KIND, 1, IEEE)  # [BT, BT] fp32
        b_dv = (dot(tl.trans((A * scale).to(DT)), b_do.to(DT), IEEE)
                + rows_scaled(dot(b_k.to(DT), dS.to(DT), IEEE), tl.exp2(R), KIND))
        store_tile(dv + off_v, b_dv, T, V, H * V, n * BT, c_v, BT, BV, EVEN)
        if PAIRS:  # this V-block's dP: [BT, BT], its pairs weighted by the scores
            b_v = load_tile(v + off_v, T, V, H * V, n * BT, c_v, BT, BV)  # [BT, BV]
            dP = dot(b_do.to(DT), tl.trans(b_v.to(DT)), IEEE) * scale
            tl.store(gate_part_rows(dg, i_v, DGP, i_b, i_h, t, T, H), intra_pairs(dP, A, BT), mask=t < T)
        dod = rows_scaled(b_do.to(tl.float32), tl.exp2(G), KIND).to(DT)
        dS = decay_state(dS, L, KIND) + dot(tl.trans(b_q.to(DT)), dod, IEEE) * scale
    if HAS_H0:
        store_tile(dh0 + s_b, dS, K, V, V, 0, c_v, BK, BV)


def launch_dhdv(q, k, v, g, do, dht, scale, kind_id, *, BT, BV, num_warps, num_stages, ieee, tma,
                dstates, dh0, dv, dg_parts, maxnreg=None, even=False):
    """bwd_dhdv_kernel over (V-blocks, B*H): fills dstates, dv, dh0 (when given) and, when
    `dg_parts` ([n_v_blocks, B, T, H] fp32) is given, the V-blocks' intra-chunk pair shares.
    tma: read q, k, do through tensor descriptors where the copy engine can (common.tma_ok);
    maxnreg: the registers per thread are capped at (launch.launch); even: without bounds checks
    where every tile lies inside (common.even_tiles)."""
    B, T, H, K = q.shape
    V = v.shape[-1]
    BV = min(BV, pow2(V))
    BK = pow2(K)
    dummy = dv
    tma = tma and tma_ok(q, k, do)
    src = [descriptor(x, (1, BT, 1, b)) for x, b in ((q, BK), (k, BK), (do, BV))] if tma else [q, k, do]
    launch(bwd_dhdv_kernel, (cdiv(V, BV), B * H),
        src[0], src[1], v, g if g is not None else dummy, src[2], dht if dht is not None else dummy, dstates,
        dh0 if dh0 is not None else dummy, dv, dg_parts if dg_parts is not None else dummy, scale,
        T, dstates.shape[2], B * T * H, H=H, K=K, V=V, BT=BT, BK=BK, BV=BV,
        KIND=kind_id, HAS_DHT=dht is not None, HAS_H0=dh0 is not None, PAIRS=dg_parts is not None,
        IEEE=ieee, TMA=tma, EVEN=even and even_tiles(T, BT, (K, BK), (V, BV)),
        num_warps=num_warps, num_stages=num_stages, maxnreg=maxnreg,
    )
