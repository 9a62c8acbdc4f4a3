"""Forward kernels: chunked decayed linear attention, one sweep or split in two.

Two schedules of the same arithmetic; a launch config chooses (`split` in tuning.py), the
autotuner times both, and the conformance suite checks each config against fp64.

Sweep (`fwd_kernel`): one program per (V-block, b*h) walks the chunks of its sequence in order,
holding the state S [K, BV] in fp32 registers (kernels-notes §8.5, "forward, state kept in
SRAM"): q, k, v and the gate are read once, o is written once, but every chunk waits for the
one before it (NT serial steps per program, few programs).

Split (`fwd_state_kernel`, then `fwd_output_kernel`): the sweep keeps only the state update
(small [BK, BV] tiles, many programs, no scores and no output), storing the state entering every
chunk; then one program per (chunk, V-block, b*h), every chunk at once, computes the scores and
the output from that stored state. The states make a round trip through memory (NT x K x V per
b*h, q's dtype) in exchange for a serial chain that holds only step 4 below. (An output pass that
walks several chunks from each stored state, so that the state pass can take longer steps, was
2-3.5x slower: NOTES.md v10.)

For training either schedule writes the state entering each chunk (`states` [B, H, NT, K, V]),
which the backward reads.

Per chunk n (rows t = n*BT .. n*BT+BT-1, masked beyond T; G = chunk-local inclusive cumsum of the
log2-decay, Λ = its last row):
    1. load q, k [BT, K], v [BT, BV], gate; G, Λ                       (fp32)
    2. intra scores A [BT, BT] (scalar: QK^T ⊙ 2^{G_i-G_j}; vector: common.vector_scores)
    3. o = scale * ((q ⊙ 2^G) S + A v)                                 (written in q's dtype)
    4. S = 2^Λ ⊙ S + (k ⊙ 2^{Λ-G})^T v
(the split schedule: steps 1 and 4 in fwd_state_kernel, steps 1 to 3 in fwd_output_kernel).

Run: through `suite.kernels.attend(..., backend="triton")`.
"""

from __future__ import annotations

import triton
import triton.language as tl

from suite.kernels.triton.common import (
    anchor_fits,
    descriptor,
    dot,
    even_tiles,
    hierarchy_scores,
    load_gate,
    load_rows,
    load_tile,
    rows_scaled,
    scalar_mask,
    seq_offset,
    store_tile,
    tma_ok,
    tri_cumsum,
    tri_decay,
    vector_scores,
)
from suite.kernels.triton.launch import cdiv, launch, pow2
from suite.kernels.triton.tuning import sweep_launch


@triton.jit
def chunk_decay(gr, KIND: tl.constexpr):
    """(G, Λ, R): inclusive chunk-local cumsum [BT] or [BT, BK], its total [] or [BK], and
    R = Λ - G as a reverse exclusive cumsum (no cancellation between two large sums), log2. By
    scans; the vector gate's in load_chunk and carry_state come from common.tri_cumsum."""
    G = tl.cumsum(gr, axis=0)
    R = tl.cumsum(gr, axis=0, reverse=True) - gr
    return G, tl.sum(gr, axis=0), R


@triton.jit
def decayed_qk(q, k, G, R, KIND: tl.constexpr):
    """q ⊙ 2^G and k ⊙ 2^{Λ-G} = k ⊙ 2^R (both exponents <= 0), [BT, BK] fp32."""
    if KIND == 3:
        return q * tl.exp2(G), k * tl.exp2(R)
    elif KIND == 0:
        return q, k
    else:
        return q * tl.exp2(G)[:, None], k * tl.exp2(R)[:, None]


@triton.jit
def intra_scores(q, k, gr, G, L, DT: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr,
                 KIND: tl.constexpr, LEVELS: tl.constexpr, IEEE: tl.constexpr,
                 ANCHOR: tl.constexpr = False):
    """Decayed causal scores A [BT, BT] fp32 (0 above the diagonal), from the gate gr and its
    chunk_decay G, L; ANCHOR: vector_scores'."""
    if KIND == 3:
        return vector_scores(q, k, gr, G, L, DT, BT, BK, LEVELS, IEEE, ANCHOR)
    else:
        A = dot(q.to(DT), tl.trans(k.to(DT)), IEEE)
        return A * scalar_mask(G, gr, BT, KIND)


@triton.jit
def load_chunk(q, k, g, i_b, i_h, n, T, H: tl.constexpr, K: tl.constexpr, BT: tl.constexpr,
               BK: tl.constexpr, KIND: tl.constexpr, c_k, IEEE: tl.constexpr, EVEN: tl.constexpr = False):
    """Chunk n of sequence (b, h), key channels c_k..c_k+BK: q and k [BT, BK] as stored, the gate
    gr ([BT] or [BT, BK], log2, 0 on rows past T) and its decays G, Λ, R (chunk_decay; for the
    vector gate the same sums from common.tri_decay). The
    opening of every chunk-parallel kernel (fwd_output_kernel, bwd_chunk_kernel, bwd_dv_kernel)."""
    t = n * BT + tl.arange(0, BT)
    off = seq_offset(i_b, i_h, T, H, K)  # q/k at (b, t=0, h): [T, K] rows, stride H*K
    b_q = load_tile(q + off, T, K, H * K, n * BT, c_k, BT, BK, EVEN)
    b_k = load_tile(k + off, T, K, H * K, n * BT, c_k, BT, BK, EVEN)
    gr = load_gate(g, i_b, i_h, n * BT, t, t < T, T, H, K, BT, BK, KIND, c_k, EVEN)
    if KIND == 3:  # the vector gate's sums on the tensor cores (v18: half the pass's shuffles)
        G, R = tri_decay(gr, q.dtype.element_ty, BT, IEEE)
        L = tl.sum(gr, axis=0)
    else:
        G, L, R = chunk_decay(gr, KIND)
    return b_q, b_k, gr, G, L, R


@triton.jit
def rows_output(q, S, G, KIND: tl.constexpr, DT: tl.constexpr, IEEE: tl.constexpr):
    """(q ⊙ 2^G) S [BT, BV] fp32 for the scalar kinds (0-2), whose decay scales whole rows: applied
    to the product in fp32, so q enters the dot as loaded (no register round trip, one rounding
    less)."""
    return rows_scaled(dot(q.to(DT), S.to(DT), IEEE), tl.exp2(G), KIND)


@triton.jit
def rows_state_input(k, v, R, KIND: tl.constexpr, DT: tl.constexpr, IEEE: tl.constexpr):
    """(k ⊙ 2^R)^T v [BK, BV] fp32 for the scalar kinds, R = Λ - G: the decay on the rows of v
    [BT, BV] rather than of k [BT, BK], so k^T enters the dot as loaded."""
    return dot(tl.trans(k.to(DT)), rows_scaled(v.to(tl.float32), tl.exp2(R), KIND).to(DT), IEEE)


@triton.jit
def state_block(H: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr):
    """Program ids of a state sweep, grid (K-blocks, V-blocks, B*H): (i_b, i_h, i_bh, c_k, c_v),
    the block's first key and value channels c_k, c_v. Used by fwd_state_kernel,
    bwd.bwd_dh_kernel and static_dg.static_dg_kernel."""
    i_bh = tl.program_id(2)
    return i_bh // H, i_bh % H, i_bh, tl.program_id(0) * BK, tl.program_id(1) * BV


@triton.jit
def decay_state(S, L, KIND: tl.constexpr):
    """2^Λ ⊙ S over the K rows of S [BK, BV]."""
    if KIND == 3:
        return S * tl.exp2(L)[:, None]
    elif KIND == 0:
        return S
    else:
        return S * tl.exp2(L)


@triton.jit
def carry_state(S, x, y, gr, w, TO_END: tl.constexpr, KIND: tl.constexpr, DT: tl.constexpr,
                IEEE: tl.constexpr):
    """A state block S [BK, BV] carried over one chunk: 2^Λ ⊙ S + w (x ⊙ 2^E)^T y, the rows x
    decayed to the chunk's end (TO_END, E = Λ - G: the forward's keys) or from its start
    (E = G: the backward's queries, whose sweep runs last chunk first). gr: the chunk's gate."""
    if KIND == 3:  # the one row sum it needs, on the tensor cores (v18)
        L = tl.sum(gr, axis=0)
        xd = x * tl.exp2(tri_cumsum(gr, DT, gr.shape[0], IEEE, TO_END))
    else:
        G, L, R = chunk_decay(gr, KIND)
        if TO_END:
            _, xd = decayed_qk(x, x, G, R, KIND)
        else:
            xd, _ = decayed_qk(x, x, G, R, KIND)
    return decay_state(S, L, KIND) + dot(tl.trans(xd.to(DT)), y.to(DT), IEEE) * w


@triton.jit
def vector_step(q, k, v, gr, S, DT: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr,
                LEVELS: tl.constexpr, IEEE: tl.constexpr):
    """One chunk of the sweep for the vector kind with one anchor (v32): (o [BT, BV] fp32 before
    the scale, the next S [BK, BV] fp32). The gate's sums come from triangles on the tensor cores
    (common.tri_decay, as in the chunk-parallel kernels since v18), and the anchored scores from
    the decayed operands the output and the state need anyway:
        A_ij = sum_c (q 2^G)_ic (k 2^R)_jc 2^{-Λ_c}   (i >= j; R = Λ - G, so the product is
                                                        q_ic k_jc 2^{G_ic - G_jc})
    two [BT, BK] exp2 a chunk instead of four (common.anchored_scores takes its own factors).
    Where the chunk's decay fits the anchor (common.anchor_fits: Λ_c >= -64), q 2^G and
    k 2^{-G} = (k 2^R) 2^{-Λ} lie within 2^±64 of q and k: inside bf16's and fp32's exponent range,
    so each keeps its relative precision; pairs above the diagonal (factors up to 2^64) are
    selected away. Elsewhere the hierarchy scores the chunk (common.hierarchy_scores)."""
    G, R = tri_decay(gr, DT, BT, IEEE)            # [BT, BK] each
    L = tl.sum(gr, axis=0)                        # [BK]
    qd = q * tl.exp2(G)                           # [BT, BK], exponents <= 0
    kd = k * tl.exp2(R)                           # [BT, BK], exponents <= 0
    if anchor_fits(L):
        r = tl.arange(0, BT)
        A = dot(qd.to(DT), tl.trans((kd * tl.exp2(-L)[None, :]).to(DT)), IEEE)  # [BT, BT]
        A = tl.where(r[:, None] >= r[None, :], A, 0.0)
    else:
        A = hierarchy_scores(q, k, gr, DT, BT, BK, LEVELS, IEEE)
    o = dot(qd.to(DT), S.to(DT), IEEE) + dot(A.to(DT), v.to(DT), IEEE)             # [BT, BV]
    S = S * tl.exp2(L)[:, None] + dot(tl.trans(kd.to(DT)), v.to(DT), IEEE)        # [BK, BV]
    return o, S


@triton.jit(do_not_specialize=["scale", "T", "NT"])
def fwd_kernel(q, k, v, g, h0, o, ht, states, scale, T, NT,
               H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
               BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
               LEVELS: tl.constexpr, HAS_H0: tl.constexpr, STORE_HT: tl.constexpr,
               SAVE: tl.constexpr, IEEE: tl.constexpr, ROWS: tl.constexpr = False,
               TMA: tl.constexpr = False, ANCHOR: tl.constexpr = False, EVEN: tl.constexpr = False):
    """The sweep; ROWS: see rows_output; ANCHOR: the vector kind's chunks go through vector_step
    (one anchor where the chunk's decay allows, v32). With TMA, q, k and v are
    tensor descriptors over [B, T, H, D] (blocks [1, BT, 1, BK] and [1, BT, 1, BV]; `launch_fwd`):
    the copy engine fetches each chunk into shared memory, so the loop's pipelining (num_stages)
    prefetches the next chunk without holding it in registers. EVEN: no bounds checks (every
    tile lies inside, common.even_tiles)."""
    i_v = tl.program_id(0)
    i_bh = tl.program_id(1)
    i_b = i_bh // H
    i_h = i_bh % H
    DT: tl.constexpr = o.dtype.element_ty  # q's dtype (q may be a descriptor)
    rt = tl.arange(0, BT)
    c_v = i_v * BV
    o_b = o + seq_offset(i_b, i_h, T, H, V)  # v/o at (b, t=0, h): [T, V] rows stride H*V
    s_b = i_bh.to(tl.int64) * K * V  # one [K, V] state
    S = tl.zeros([BK, BV], tl.float32)
    if HAS_H0:
        S += load_tile(h0 + s_b, K, V, V, 0, c_v, BK, BV).to(tl.float32)
    for n in range(NT):
        # 1. chunk rows and decays
        t = n * BT + rt
        mt = t < T
        b_q = load_rows(q, i_b, i_h, T, H, K, n * BT, 0, BT, BK, TMA, EVEN)  # [BT, BK]
        b_k = load_rows(k, i_b, i_h, T, H, K, n * BT, 0, BT, BK, TMA, EVEN)  # [BT, BK]
        b_v = load_rows(v, i_b, i_h, T, H, V, n * BT, c_v, BT, BV, TMA, EVEN)  # [BT, BV]
        gr = load_gate(g, i_b, i_h, n * BT, t, mt, T, H, K, BT, BK, KIND, 0, EVEN)
        if not (KIND == 3 and ANCHOR):  # (vector_step takes the anchored vector gate's sums)
            G, L, R = chunk_decay(gr, KIND)
        if SAVE:  # state entering chunk n, for the backward sweep
            st_b = (i_bh.to(tl.int64) * NT + n) * K * V
            store_tile(states + st_b, S, K, V, V, 0, c_v, BK, BV, EVEN)
        # 2. intra-chunk scores, 3. output, 4. state update
        if KIND == 3 and ANCHOR:  # the vector gate from one anchor where it fits (v32)
            b_o, S = vector_step(b_q, b_k, b_v, gr, S, DT, BT, BK, LEVELS, IEEE)
            store_tile(o_b, b_o * scale, T, V, H * V, n * BT, c_v, BT, BV, EVEN)
        elif ROWS and KIND != 3:
            A = intra_scores(b_q, b_k, gr, G, L, DT, BT, BK, KIND, LEVELS, IEEE, ANCHOR)
            b_o = rows_output(b_q, S, G, KIND, DT, IEEE) + dot(A.to(DT), b_v.to(DT), IEEE)
            store_tile(o_b, b_o * scale, T, V, H * V, n * BT, c_v, BT, BV, EVEN)
            S = decay_state(S, L, KIND) + rows_state_input(b_k, b_v, R, KIND, DT, IEEE)
        else:
            A = intra_scores(b_q, b_k, gr, G, L, DT, BT, BK, KIND, LEVELS, IEEE, ANCHOR)
            qd, kd = decayed_qk(b_q, b_k, G, R, KIND)
            b_o = dot(qd.to(DT), S.to(DT), IEEE) + dot(A.to(DT), b_v.to(DT), IEEE)
            store_tile(o_b, b_o * scale, T, V, H * V, n * BT, c_v, BT, BV, EVEN)
            S = decay_state(S, L, KIND) + dot(tl.trans(kd.to(DT)), b_v.to(DT), IEEE)
    if STORE_HT:
        store_tile(ht + s_b, S, K, V, V, 0, c_v, BK, BV)


@triton.jit(do_not_specialize=["T", "NT"])
def fwd_state_kernel(k, v, g, h0, ht, states, T, NT,
                     H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
                     BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
                     HAS_H0: tl.constexpr, STORE_HT: tl.constexpr, IEEE: tl.constexpr):
    """Split schedule, pass 1: one program per (K-block, V-block, b*h) stores S_{n-1} for every
    chunk n (and the final state); steps 1 and 4 of the module doc on a [BK, BV] block."""
    i_b, i_h, i_bh, c_k, c_v = state_block(H, BK, BV)
    DT: tl.constexpr = k.dtype.element_ty
    rt = tl.arange(0, BT)
    k_b = k + seq_offset(i_b, i_h, T, H, K)  # [T, K] rows, stride H*K
    v_b = v + seq_offset(i_b, i_h, T, H, V)  # [T, V] rows, stride H*V
    s_b = i_bh.to(tl.int64) * K * V
    S = tl.zeros([BK, BV], tl.float32)
    if HAS_H0:
        S += load_tile(h0 + s_b, K, V, V, c_k, c_v, BK, BV).to(tl.float32)
    for n in range(NT):
        store_tile(states + (i_bh.to(tl.int64) * NT + n) * K * V, S, K, V, V, c_k, c_v, BK, BV)
        t = n * BT + rt
        b_k = load_tile(k_b, T, K, H * K, n * BT, c_k, BT, BK)  # [BT, BK]
        b_v = load_tile(v_b, T, V, H * V, n * BT, c_v, BT, BV)  # [BT, BV]
        gr = load_gate(g, i_b, i_h, n * BT, t, t < T, T, H, K, BT, BK, KIND, c_k)
        S = carry_state(S, b_k, b_v, gr, 1.0, True, KIND, DT, IEEE)
    if STORE_HT:
        store_tile(ht + s_b, S, K, V, V, c_k, c_v, BK, BV)


@triton.jit(do_not_specialize=["scale", "T", "NT"])
def fwd_output_kernel(q, k, v, g, states, o, scale, T, NT,
                      H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
                      BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr, KIND: tl.constexpr,
                      LEVELS: tl.constexpr, IEEE: tl.constexpr, TMA: tl.constexpr = False,
                      ANCHOR: tl.constexpr = False):
    """Split schedule, pass 2: one program per (chunk, V-block, b*h); steps 1 to 3 of the module
    doc with S_{n-1} [BK, BV] read from `states` ([B, H, NT, K, V]; with TMA a tensor descriptor
    of its [B*H*NT, K, V] view, block [1, BK, BV]: the state, a dot operand only, goes from
    memory to shared memory without a register round trip). ANCHOR: common.vector_scores'."""
    n = tl.program_id(0)
    c_v = tl.program_id(1) * BV
    i_bh = tl.program_id(2)
    i_b = i_bh // H
    i_h = i_bh % H
    DT: tl.constexpr = q.dtype.element_ty
    off_v = seq_offset(i_b, i_h, T, H, V)  # v/o: [T, V] rows
    # the state's load first: after the chunk's, ptxas gave 7-10 more registers, +136 B spilled (bt32)
    if TMA:
        S = states.load([i_bh * NT + n, 0, c_v]).reshape(BK, BV)
    else:
        S = load_tile(states + (i_bh.to(tl.int64) * NT + n) * K * V, K, V, V, 0, c_v, BK, BV)
    b_q, b_k, gr, G, L, R = load_chunk(q, k, g, i_b, i_h, n, T, H, K, BT, BK, KIND, 0, IEEE)  # [BT, BK]
    b_v = load_tile(v + off_v, T, V, H * V, n * BT, c_v, BT, BV)  # [BT, BV]
    A = intra_scores(b_q, b_k, gr, G, L, DT, BT, BK, KIND, LEVELS, IEEE, ANCHOR)  # [BT, BT]
    qd, _ = decayed_qk(b_q, b_k, G, R, KIND)
    b_o = dot(qd.to(DT), S.to(DT), IEEE) + dot(A.to(DT), b_v.to(DT), IEEE)
    store_tile(o + off_v, b_o * scale, T, V, H * V, n * BT, c_v, BT, BV)


def launch_fwd(q, k, v, g, h0, scale, kind_id, *, save, store_ht, cfg, out):
    """Launch the forward with config `cfg` (dict BT, BV, num_warps, num_stages, split) into
    `out`: fwd_kernel, or the split schedule's two kernels when cfg["split"].

    q, k [B,T,H,K]; v [B,T,H,V]; g gate or None; h0 [B,H,K,V] fp32 or None.
    out: dict with o [B,T,H,V], ht [B,H,K,V] fp32 or None, states [B,H,NT,K,V] or None.
    """
    if cfg.get("split"):
        _launch_split(q, k, v, g, h0, scale, kind_id, save=save, store_ht=store_ht, cfg=cfg, out=out)
        return
    B, T, H, K = q.shape
    V = v.shape[-1]
    BT, BV = cfg["BT"], min(cfg["BV"], pow2(V))
    NT = cdiv(T, BT)
    BK = pow2(K)
    dummy = out["o"]
    grid = (cdiv(V, BV), B * H)
    ieee = q.dtype == _fp32()
    tma = bool(cfg.get("tma")) and tma_ok(q, k, v)
    # q, k, v as descriptors of one chunk's rows (fwd_kernel doc)
    src = [descriptor(x, (1, BT, 1, b)) for x, b in ((q, BK), (k, BK), (v, BV))] if tma else [q, k, v]
    launch(fwd_kernel, grid,
        *src, g if g is not None else dummy, h0 if h0 is not None else dummy,
        out["o"], out["ht"] if store_ht else dummy, out["states"] if save else dummy,
        scale, T, NT, H=H, K=K, V=V, BT=BT, BK=BK, BV=BV, KIND=kind_id,
        LEVELS=BT.bit_length() - 1, HAS_H0=h0 is not None, STORE_HT=store_ht, SAVE=save,
        IEEE=ieee, ROWS=bool(cfg.get("rows")), TMA=tma, ANCHOR=anchored(cfg, q),
        EVEN=bool(cfg.get("even")) and even_tiles(T, BT, (K, BK), (V, BV)), num_warps=cfg["num_warps"],
        num_stages=1 if ieee else cfg["num_stages"],  # fp32 tiles: less shared memory
        maxnreg=cfg.get("maxnreg"),
    )


def _launch_split(q, k, v, g, h0, scale, kind_id, *, save, store_ht, cfg, out):
    """The split schedule (module doc): `state_pass`, then `output_pass`. Without `save` the
    states are a temporary in q's dtype."""
    B, T, H, K = q.shape
    states = out["states"] if save else q.new_empty(B, H, cdiv(T, cfg["BT"]), K, v.shape[-1])
    state_pass(k, v, g, h0, kind_id, cfg=cfg, states=states, ht=out["ht"] if store_ht else None)
    output_pass(q, k, v, g, scale, kind_id, cfg=cfg, states=states, o=out["o"])


def state_pass(k, v, g, h0, kind_id, *, cfg, states, ht):
    """fwd_state_kernel on the blocks and warps tuning.sweep_launch(cfg, "st") gives: fills `states`
    [B, H, NT, K, V] (NT for cfg's BT) and `ht` [B, H, K, V] fp32 when given."""
    B, T, H, K = k.shape
    V = v.shape[-1]
    ieee = k.dtype == _fp32()
    bks, bvs, warps = sweep_launch(cfg, "st", K, V)
    launch(fwd_state_kernel, (cdiv(K, bks), cdiv(V, bvs), B * H),
        k, v, g if g is not None else states, h0 if h0 is not None else states,
        ht if ht is not None else states, states, T, states.shape[2], H=H, K=K, V=V, BT=cfg["BT"],
        BK=bks, BV=bvs, KIND=kind_id, HAS_H0=h0 is not None, STORE_HT=ht is not None, IEEE=ieee,
        num_warps=warps, num_stages=1 if ieee else 2,
    )


def output_pass(q, k, v, g, scale, kind_id, *, cfg, states, o):
    """fwd_output_kernel: o [B, T, H, V] from q, k, v, the gate and `states`, every chunk at once."""
    B, T, H, K = q.shape
    V = v.shape[-1]
    BT, BV = cfg["BT"], min(cfg["BV"], pow2(V))
    ieee = q.dtype == _fp32()
    BK = pow2(K)
    tma = bool(cfg.get("tma")) and tma_ok(states)
    src = descriptor(states.view(-1, K, V), (1, BK, BV)) if tma else states  # fwd_output_kernel doc
    launch(fwd_output_kernel, (states.shape[2], cdiv(V, BV), B * H),
        q, k, v, g if g is not None else o, src, o, scale, T, states.shape[2],
        H=H, K=K, V=V, BT=BT, BK=BK, BV=BV, KIND=kind_id, LEVELS=BT.bit_length() - 1, IEEE=ieee,
        TMA=tma, ANCHOR=anchored(cfg, q), num_warps=cfg["num_warps"],
        num_stages=1 if ieee else cfg["num_stages"],
    )


def anchored(cfg, q) -> bool:
    """Whether cfg's vector scores may take one anchor per chunk (common.vector_scores): asked for
    by the config, and q's dtype has bf16/fp32's exponent range (fp16: the hierarchy only)."""
    import torch

    return bool(cfg.get("anchor")) and q.dtype != torch.float16


def _fp32():
    import torch

    return torch.float32
