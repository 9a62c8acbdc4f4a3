"""Shared pieces of the chunked kernels: Triton device functions (loads, gates, row factors, the
gate's pair sums, intra-chunk scores) and the host helpers of their TMA reads (`tma_ok`,
`descriptor`).

Numerics (reference/kernels-notes.md §2.3): the log-decay is read in fp32, multiplied by log2(e)
and summed chunk-locally, so every exponent fed to `exp2` is a difference arranged to be <= 0;
masked positions are selected away before use (`where`), never multiplied by 0; states are fp32.
Offsets are int64. Kinds: 0 none, 1 static [H], 2 scalar [B,T,H], 3 vector [B,T,H,K].

Vector decay, intra-chunk (never an unbounded e^{-G}): the score A_ij = sum_c q_ic k_jc
e^{G_ic - G_jc} (i >= j) is split by a binary hierarchy of the chunk's rows. At level s the rows
form blocks of 2s; the pairs (i in the block's second half, j in its first half) share the anchor
r = last row of the first half, so A_ij = (q_i e^{G_i - G_r}) . (k_j e^{G_r - G_j}) with both
exponents <= 0: one tensor-core product per level (log2(BT) levels), the diagonal i == j has
exponent 0. Exact for any gate <= 0, bounded for any gate strength.

One anchor per chunk (configs with `anchor`, bf16 and fp32 inputs): with a = Λ/2 per channel,
A_ij = (q_i 2^{G_i - a}) . (k_j 2^{a - G_j}) for every pair at once, one product instead of
log2(BT). Every exponent then lies in [Λ/2, -Λ/2], so where the chunk's decay is at most
ANCHOR_SPAN in every channel (|Λ_c| <= 64, log2) the factors stay within 2^±32 and the operands
keep their relative precision (bf16 and fp32 share an 8-bit exponent; fp16's 5 bits do not,
so fp16 always takes the hierarchy). A chunk whose decay is stronger takes the hierarchy, decided
per program from its gate (`anchor_fits`): the result is exact for every gate either way.

Row sums along a chunk (v18, NOTES.md): for the vector gate, the chunk-parallel kernels and the
state sweeps take the gate's sums G and R (`tri_cumsum`, `tri_decay`) and the gate gradient's
row sums (`tri_sums`) as products with 0/1 triangles on the tensor cores. A scan along the rows
of a [BT, BK] tile is a chain of shuffles: in the backward's chunk pass at the anchor they were
727 of 3,832 instructions per thread; after, 55 of 2,984 (`bash suite/bench/gpu_session.sh
counts`, resources.py's SASS counts). The triangles (`triangle`) are exact in any dtype, and
the fp32 operand goes in as parts of the kernel's dtype (`dot_exact`: three, fp32's 24 bits, for
the gate's sums that exponents are made of; `dot_hilo`: two for the gradient's), so no
precision is given up where it matters.

Run: imported by fwd.py / bwd.py; tests through `pytest -m kernels --backend triton`.
"""

from __future__ import annotations

import triton
import triton.language as tl

LOG2E = 1.4426950408889634
ANCHOR_SPAN = tl.constexpr(64.0)  # largest chunk decay |Λ_c| (log2) scored from one anchor


@triton.jit
def dot(a, b, IEEE: tl.constexpr):
    """a @ b with fp32 accumulation; fp32 operands use IEEE precision (no TF32) when IEEE."""
    if IEEE:
        return tl.dot(a, b, input_precision="ieee")
    else:
        return tl.dot(a, b)


@triton.jit
def seq_offset(i_b, i_h, T, H: tl.constexpr, D: tl.constexpr):
    """int64 offset of (b, t=0, h) in a [B, T, H, D] tensor; from there its rows [T, D] have
    stride H*D."""
    return (i_b.to(tl.int64) * T * H + i_h) * D


@triton.jit
def load_tile(ptr, R, C, STRIDE, r0, c0, BR: tl.constexpr, BC: tl.constexpr, EVEN: tl.constexpr = False):
    """Rows r0.. and columns c0.. of an [R, C] row-major view (row stride STRIDE) -> [BR, BC]
    in its dtype, 0 outside (block pointer: scalar int64 base, no per-element 64-bit offsets).
    EVEN: the caller's launch guarantees the tile lies inside (`even_tiles`), so no bounds are
    checked (no per-element predicates)."""
    p = tl.make_block_ptr(ptr, (R, C), (STRIDE, 1), (r0, c0), (BR, BC), (1, 0))
    if EVEN:
        return tl.load(p)
    return tl.load(p, boundary_check=(0, 1), padding_option="zero")


@triton.jit
def load_rows(src, i_b, i_h, T, H: tl.constexpr, D: tl.constexpr, r0, c0, BR: tl.constexpr,
              BC: tl.constexpr, TMA: tl.constexpr, EVEN: tl.constexpr = False):
    """Rows r0.. and channels c0.. of sequence (b, h) of a [B, T, H, D] tensor -> [BR, BC], 0
    outside: `src` a pointer (load_tile), or with TMA a tensor descriptor of block [1, BR, 1, BC]
    (the copy engine zero-fills rows past T and channels past D)."""
    if TMA:
        return src.load([i_b, r0, i_h, c0]).reshape(BR, BC)
    else:
        return load_tile(src + seq_offset(i_b, i_h, T, H, D), T, D, H * D, r0, c0, BR, BC, EVEN)


@triton.jit
def rows_scaled(x, f, KIND: tl.constexpr):
    """x [BT, C] fp32 times the row factors f [BT]; kind 0 (no decay): x as given."""
    if KIND == 0:
        return x
    return x * f[:, None]


@triton.jit
def gate_part_rows(dg, part, DGP, i_b, i_h, t, T, H: tl.constexpr):
    """Pointers [BT] to rows t of sequence (b, h) in part `part` of dg [parts, B, T, H] fp32 (DGP
    elements per part), where a block stores its share of the scalar gate's gradient (summed on
    the host). Built before the share is computed: that order kept the dv pass's registers
    (ptxas: 172 on 4 warps, 128 on 8; a helper that took the share first gave 168 and 163)."""
    return dg + part.to(tl.int64) * DGP + (i_b.to(tl.int64) * T + t.to(tl.int64)) * H + i_h


@triton.jit
def store_tile(ptr, val, R, C, STRIDE, r0, c0, BR: tl.constexpr, BC: tl.constexpr, EVEN: tl.constexpr = False):
    """load_tile's tile stored (cast to the pointer's dtype); EVEN as there."""
    p = tl.make_block_ptr(ptr, (R, C), (STRIDE, 1), (r0, c0), (BR, BC), (1, 0))
    if EVEN:
        tl.store(p, val.to(ptr.dtype.element_ty))
    else:
        tl.store(p, val.to(ptr.dtype.element_ty), boundary_check=(0, 1))


@triton.jit
def load_gate(g, i_b, i_h, r0, t, mt, T, H: tl.constexpr, K: tl.constexpr, BT: tl.constexpr,
              BK: tl.constexpr, KIND: tl.constexpr, c0, EVEN: tl.constexpr = False):
    """Log2-decay of the chunk's rows: [BT] (kinds 0-2) or [BT, BK] (vector: channels c0..c0+BK);
    0 on masked rows (EVEN: none are, load_tile)."""
    if KIND == 3:  # vector [B, T, H, K]
        gr = load_tile(g + seq_offset(i_b, i_h, T, H, K), T, K, H * K, r0, c0, BT, BK, EVEN).to(tl.float32)
    elif KIND == 2:  # scalar [B, T, H]
        offs = (i_b.to(tl.int64) * T + t.to(tl.int64)) * H + i_h
        if EVEN:
            gr = tl.load(g + offs).to(tl.float32)
        else:
            gr = tl.load(g + offs, mask=mt, other=0.0).to(tl.float32)
    elif KIND == 1:  # static [H]
        gr = tl.where(mt, tl.load(g + i_h).to(tl.float32), 0.0)
    else:  # none
        gr = tl.zeros(t.shape, tl.float32)
    return gr * 1.4426950408889634


@triton.jit
def _excl_combine(e1, t1, e2, t2):
    # a run of elements as (sum before its last element, sum of all): runs joined left to right
    return t1 + e2, t1 + t2


@triton.jit
def excl_cumsum(x, AXIS: tl.constexpr):
    """Exclusive prefix sum along AXIS, sum_{j<t} x_j, from additions of earlier elements only.

    `cumsum(x) - x` subtracts x_t from a sum it may dominate: under strong decay the last row of
    a chunk carries weight 2^0 towards the next state while the rows before it carry 2^-14 and
    less, so the difference kept only the rounding of the big term (fp32, g = -10: scalar dg of
    that row rel. error 4e-4, static dg 1.8e-3). A scan over pairs (sum before the last element,
    sum of all) never subtracts."""
    e, _ = tl.associative_scan((tl.zeros_like(x), x), AXIS, _excl_combine)
    return e


@triton.jit
def pair_prefix(M, BT: tl.constexpr):
    """[BT]: for each row t, the sum of M_ij over i >= t > j (M [BT, BT], zero on and above the
    diagonal): exclusive prefix sums along j, then the column sums over i >= t."""
    r = tl.arange(0, BT)
    X = excl_cumsum(M, 1)                              # X_it = sum_{j<t} M_ij
    return tl.sum(tl.where(r[:, None] >= r[None, :], X, 0.0), axis=0)


@triton.jit
def intra_pairs(dP, A, BT: tl.constexpr):
    """[BT]: the scalar gate's intra-chunk pair sum, pair_prefix of dP ⊙ A below the diagonal."""
    r = tl.arange(0, BT)
    return pair_prefix(tl.where(r[:, None] > r[None, :], dP * A, 0.0), BT)


@triton.jit
def scalar_mask(G, gr, BT: tl.constexpr, KIND: tl.constexpr):
    """D_ij = 2^{G_i - G_j} for i >= j, else 0: [BT, BT] (G [BT] log2 cumsum, non-increasing).

    Static decay takes the exact difference (i - j) * g: G_i - G_j as a difference of two cumsums
    carries an error of |G_i| * eps, large deep in a chunk under strong decay, and the static
    gradient (a sum over every row, with cancellation) amplified it (fp32, g = -10, T = 63,
    D = 128: static dg rel-RMS 1.8e-3). Rows past T (gr = 0) meet only zero q, k and dO.
    """
    r = tl.arange(0, BT)
    if KIND == 1:
        d = (r[:, None] - r[None, :]).to(tl.float32) * tl.min(gr, axis=0)
    else:
        d = G[:, None] - G[None, :]
    return tl.exp2(tl.where(r[:, None] >= r[None, :], d, float("-inf")))


@triton.jit
def level_factor(gr, LVL: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr):
    """Level-s factor [BT, BK]: 2^{G_i - G_r} on rows of second-half segments (the queries i of
    this level), 2^{G_r - G_j} on rows of first-half segments (its keys j); exponents <= 0.

    G_i - G_r is the inclusive cumsum of g inside i's s-row segment; G_r - G_j is the sum of g
    over j's segment after j. A row is a query or a key of a level, never both, so one exp2 per
    element serves q and k: (q f)_i . (k f)_j is exact on the level's pairs (`level_mask`), and
    every other product is masked away (bounded: f <= 1).
    """
    s: tl.constexpr = BT >> (LVL + 1)                   # segment length of this level
    g3 = tl.reshape(gr, (BT // s, s, BK))              # [BT/s, s, BK] segments of s rows
    c3 = tl.cumsum(g3, axis=1)                          # inclusive cumsum inside each segment
    e_k = tl.expand_dims(tl.sum(g3, axis=1), 1) - c3    # sum of g after the row, same segment
    seg = tl.arange(0, BT // s)[:, None, None]          # segment index: odd = second half
    return tl.exp2(tl.reshape(tl.where(seg % 2 == 1, c3, e_k), (BT, BK)))


@triton.jit
def level_mask(LVL: tl.constexpr, BT: tl.constexpr):
    """[BT, BT] pairs served by level s: same 2s-block, i in its second half, j in its first."""
    s: tl.constexpr = BT >> (LVL + 1)
    r = tl.arange(0, BT)
    i = r[:, None]
    j = r[None, :]
    return ((i // (2 * s)) == (j // (2 * s))) & ((i // s) % 2 == 1) & ((j // s) % 2 == 0)


@triton.jit
def hierarchy_scores(q, k, gr, DT: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr,
                     LEVELS: tl.constexpr, IEEE: tl.constexpr):
    """vector_scores by the binary hierarchy (module doc): exact and bounded for any gate."""
    r = tl.arange(0, BT)
    A = tl.where(r[:, None] == r[None, :], tl.sum(q.to(tl.float32) * k.to(tl.float32), 1)[:, None], 0.0)
    for lvl in tl.static_range(LEVELS):
        f = level_factor(gr, lvl, BT, BK)
        part = dot((q * f).to(DT), tl.trans((k * f).to(DT)), IEEE)
        A += tl.where(level_mask(lvl, BT), part, 0.0)
    return A


@triton.jit
def anchor_fits(L):
    """Whether the chunk's decay (L [BK] log2, the sum of its gate's rows) is at most ANCHOR_SPAN
    in every channel: then its pairs may be scored from one anchor (module doc). A scalar,
    decided per program."""
    return tl.min(L, axis=0) >= -ANCHOR_SPAN


@triton.jit
def anchor_factors(G, L):
    """(2^{G - a}, 2^{a - G}) [BT, BK] for the chunk's queries and keys, a = Λ/2 per channel
    (G [BT, BK] the gate's inclusive cumsum, L = Λ [BK] its total; fwd.chunk_decay): within
    2^±(|Λ|/2) on every row."""
    a = 0.5 * L
    return tl.exp2(G - a[None, :]), tl.exp2(a[None, :] - G)


@triton.jit
def anchored_scores(q, k, G, L, DT: tl.constexpr, BT: tl.constexpr, IEEE: tl.constexpr):
    """vector_scores from one anchor (needs anchor_fits): one [BT, BK] x [BK, BT] product."""
    r = tl.arange(0, BT)
    fq, fk = anchor_factors(G, L)
    A = dot((q * fq).to(DT), tl.trans((k * fk).to(DT)), IEEE)
    return tl.where(r[:, None] >= r[None, :], A, 0.0)  # above the diagonal: 2^{G_i - G_j} > 1, dropped


@triton.jit
def vector_scores(q, k, gr, G, L, DT: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr,
                  LEVELS: tl.constexpr, IEEE: tl.constexpr, ANCHOR: tl.constexpr = False):
    """A [BT, BT] fp32: A_ij = sum_c q_ic k_jc 2^{G_ic - G_jc} for i >= j, 0 above the diagonal
    (gr the gate [BT, BK], G and L its chunk_decay). ANCHOR: from one anchor where the chunk's
    decay allows (anchor_fits), else the hierarchy."""
    if ANCHOR:
        if anchor_fits(L):
            A = anchored_scores(q, k, G, L, DT, BT, IEEE)
        else:
            A = hierarchy_scores(q, k, gr, DT, BT, BK, LEVELS, IEEE)
    else:
        A = hierarchy_scores(q, k, gr, DT, BT, BK, LEVELS, IEEE)
    return A


@triton.jit
def dot_hilo(a, b, DT: tl.constexpr, IEEE: tl.constexpr):
    """a @ b where b (fp32) enters as hi + lo parts in DT (~16 mantissa bits for bf16)."""
    if IEEE:
        return dot(a, b, IEEE)
    else:
        hi = b.to(DT)
        return dot(a, hi, IEEE) + dot(a, (b - hi.to(tl.float32)).to(DT), IEEE)


@triton.jit
def dot_exact(a, b, DT: tl.constexpr, IEEE: tl.constexpr):
    """a @ b where a is exact in DT (0/1 entries) and b (fp32) enters as three DT parts: 24
    mantissa bits for bf16, as many as fp32's own."""
    if IEEE:
        return dot(a, b, IEEE)
    else:
        hi = b.to(DT)
        r = b - hi.to(tl.float32)
        mid = r.to(DT)
        lo = (r - mid.to(tl.float32)).to(DT)
        return dot(a, hi, IEEE) + dot(a, mid, IEEE) + dot(a, lo, IEEE)


@triton.jit
def triangle(BT: tl.constexpr, DT: tl.constexpr, UPPER: tl.constexpr, STRICT: tl.constexpr):
    """[BT, BT] 0/1 in DT, row t and column s: 1 where s > t (UPPER, STRICT), s >= t (UPPER),
    s < t (STRICT) or s <= t; exact in any dtype. The row sums' left operand (tri_cumsum,
    tri_sums)."""
    r = tl.arange(0, BT)
    if UPPER:
        if STRICT:
            m = r[None, :] > r[:, None]
        else:
            m = r[None, :] >= r[:, None]
    else:
        if STRICT:
            m = r[None, :] < r[:, None]
        else:
            m = r[None, :] <= r[:, None]
    return m.to(DT)


@triton.jit
def tri_cumsum(gr, DT: tl.constexpr, BT: tl.constexpr, IEEE: tl.constexpr, AFTER: tl.constexpr):
    """[BT, BK] fp32 row sums of a vector gate gr [BT, BK] (log2): G_t = sum_{s<=t} gr_s, or with
    AFTER R_t = sum_{s>t} gr_s; a product with a 0/1 triangle (dot_exact) rather than a scan
    along the rows: fwd.chunk_decay's values to fp32 rounding, without the scan's shuffles."""
    if AFTER:
        return dot_exact(triangle(BT, DT, True, True), gr, DT, IEEE)    # s > t
    else:
        return dot_exact(triangle(BT, DT, False, False), gr, DT, IEEE)  # s <= t


@triton.jit
def tri_decay(gr, DT: tl.constexpr, BT: tl.constexpr, IEEE: tl.constexpr):
    """(G, R) of tri_cumsum: both of chunk_decay's row sums of a vector gate."""
    return tri_cumsum(gr, DT, BT, IEEE, False), tri_cumsum(gr, DT, BT, IEEE, True)


@triton.jit
def tri_sums(X, Y, DT: tl.constexpr, BT: tl.constexpr, IEEE: tl.constexpr):
    """[BT, C] fp32: sum_{s>=t} X_s + sum_{j<t} Y_j on each row t (X, Y [BT, C] fp32), as products
    with 0/1 triangles on the tensor cores rather than two scans along the rows (whose shuffles
    were most of the vector chunk pass's instructions: module doc). The triangles are exact in
    any dtype; X and Y enter as hi + lo parts (dot_hilo). Only additions: no sum is subtracted
    from another (excl_cumsum)."""
    upper = triangle(BT, DT, True, False)   # U_ts = 1 for s >= t
    lower = triangle(BT, DT, False, True)   # L_tj = 1 for j < t
    return dot_hilo(upper, X, DT, IEEE) + dot_hilo(lower, Y, DT, IEEE)


@triton.jit
def hierarchy_grads(q, k, gr, dP, DT: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr,
                    LEVELS: tl.constexpr, IEEE: tl.constexpr):
    """vector_grads' dq, dk [BT, BK] by the hierarchy's levels."""
    dq = tl.zeros([BT, BK], tl.float32)
    dk = tl.zeros([BT, BK], tl.float32)
    for lvl in tl.static_range(LEVELS):
        f = level_factor(gr, lvl, BT, BK)
        dPs = tl.where(level_mask(lvl, BT), dP, 0.0).to(DT)
        # A_s = (q f)(k f)^T on the level's pairs: dq = (dPs (k f)) f, dk = (dPs^T (q f)) f (rows
        # of dPs are level queries, its columns level keys, so each f is the right one).
        # The decayed operands go in as hi + lo parts: their single rounding dominated dg's error
        # (interpreter, fp16, T=200, D=64: vector dg rel-RMS 1.8e-3 -> 6.2e-4).
        dq += dot_hilo(dPs, k * f, DT, IEEE) * f
        dk += dot_hilo(tl.trans(dPs), q * f, DT, IEEE) * f
    return dq, dk


@triton.jit
def anchored_grads(q, k, G, L, dP, DT: tl.constexpr, BT: tl.constexpr, IEEE: tl.constexpr):
    """vector_grads' dq, dk from one anchor (needs anchor_fits): dq = (dP' (k fk)) fq,
    dk = (dP'^T (q fq)) fk, dP' = dP below the diagonal; decayed operands as hi + lo parts."""
    r = tl.arange(0, BT)
    fq, fk = anchor_factors(G, L)
    dPs = tl.where(r[:, None] > r[None, :], dP, 0.0).to(DT)
    return dot_hilo(dPs, k * fk, DT, IEEE) * fq, dot_hilo(tl.trans(dPs), q * fq, DT, IEEE) * fk


@triton.jit
def vector_grads(q, k, gr, G, L, dP, DT: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr,
                 LEVELS: tl.constexpr, IEEE: tl.constexpr, ANCHOR: tl.constexpr = False):
    """Intra-chunk dq, dk [BT, BK] fp32 from dP = dL/dA (lower triangle incl. diagonal), without
    the diagonal pairs (i == j), and dP's diagonal [BT]: the full gradients are dq + diag * k and
    dk + diag * q. The diagonal pairs carry no decay, so the gate gradient leaves them out.
    ANCHOR: as in vector_scores."""
    r = tl.arange(0, BT)
    dP_diag = tl.sum(tl.where(r[:, None] == r[None, :], dP, 0.0), 1)  # [BT]
    if ANCHOR:
        if anchor_fits(L):
            dq, dk = anchored_grads(q, k, G, L, dP, DT, BT, IEEE)
        else:
            dq, dk = hierarchy_grads(q, k, gr, dP, DT, BT, BK, LEVELS, IEEE)
    else:
        dq, dk = hierarchy_grads(q, k, gr, dP, DT, BT, BK, LEVELS, IEEE)
    return dq, dk, dP_diag


def even_tiles(T: int, BT: int, *dims: tuple[int, int]) -> bool:
    """Whether every tile a chunked kernel reads or writes lies inside its tensor: T a multiple
    of the chunk BT and each (D, block) a multiple of its block. Then the kernel may run with
    EVEN (load_tile), its loads and stores without bounds checks; the arithmetic is the same."""
    return T % BT == 0 and all(d % b == 0 for d, b in dims)


def tma_ok(*xs) -> bool:
    """Whether the copy engine can address every tensor in xs (e.g. [B, T, H, D]): contiguous,
    16-byte aligned base and rows. A config asking for TMA runs with pointer loads otherwise (the
    same arithmetic)."""
    return all(x.is_contiguous() and x.data_ptr() % 16 == 0 and (x.shape[-1] * x.element_size()) % 16 == 0
               for x in xs)


def descriptor(x, block):
    """A host-built tensor descriptor of x with block shape `block` (one entry per dim of x); for
    a [B, T, H, D] tensor read by `load_rows`, block [1, BT, 1, BC] is one chunk's rows of a head."""
    from triton.tools.tensor_descriptor import TensorDescriptor

    return TensorDescriptor.from_tensor(x, list(block))
