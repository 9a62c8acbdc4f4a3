"""The gradient of a static (per-head) log-decay in one Triton sweep: the state and its
derivative carried together. The maths, and the torch version that the `chunked` backend uses,
are in `suite/kernels/static_grad.py`; this is the same sum, for the `triton` backend.

    dg = static_decay_grad_triton(q, k, v, g, h0, do, dht, scale)   # [H], g's dtype

One program per (K-block, V-block, b*h) walks the chunks in order with its block of the state S
and of its derivative S' = dS/dg, [BK, BV] fp32 each, in registers (S starts at h0, S' at 0).
Chunk c, rows i with n_i = real rows up to i in the chunk (N in all), natural log-decay g <= 0:

    acc += sum_i do_i . ((n_i e^{g n_i} q_i) S + (e^{g n_i} q_i) S')              state terms
         + sum_{j < i} (n_i - n_j) e^{g (n_i - n_j)} (q_i . k_j) (do_i . v_j)      pairs inside
    S' <- e^{g N} (S' + N S) + sum_j (N - n_j) e^{g (N - n_j)} k_j v_j^T
    S  <- e^{g N} S        + sum_j e^{g (N - n_j)} k_j v_j^T

and after the last chunk the final-state term <dht, S'>. A program stores scale * acc plus that
term for its blocks; dg is the sum over b and the blocks (q . k over one K-block and do . v over
one V-block are partial sums and the pair term is bilinear in them, so the pairs split too).
Every exponent is <= 0 and every weight positive.

Precision: q, k, v, do enter the products as loaded; the other operand (a state block, or keys
times e^{g n} weights, which no 16-bit format holds) is fp32 and enters as bf16 hi + lo parts
for bf16 inputs (about 16 mantissa bits; two bf16 products), else at `tf32x3` (fp16 and fp32
inputs: three TF32 products). Row weights are applied after the product, not to its operand.
The conformance suite holds dg to the fp64 reference (static kind, T up to 4096).

Run: through `suite.kernels.attend(..., backend="triton")` with a static log-decay that requires
grad; `SUITE_TRITON_STATIC_GRAD=torch` uses the torch version instead (for comparisons).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from suite.kernels.triton.common import load_tile, seq_offset
from suite.kernels.triton.fwd import state_block
from suite.kernels.triton.launch import cdiv, launch, pow2


@triton.jit
def _split(x, HILO: tl.constexpr):
    """An fp32 operand as (hi, lo) bf16 parts (HILO), else itself and None."""
    if HILO:
        hi = x.to(tl.bfloat16)
        return hi, (x - hi.to(tl.float32)).to(tl.bfloat16)
    else:
        return x, None


@triton.jit
def mm(a, b, A_EXACT: tl.constexpr, B_EXACT: tl.constexpr, HILO: tl.constexpr):
    """a @ b in fp32 to about 16 (HILO) or 21 mantissa bits. An operand marked exact holds inputs
    as loaded (bf16 under HILO); the other is fp32. HILO: the fp32 operand enters as bf16 hi + lo
    parts (two bf16 products). Else both are fp32 at `tf32x3` (fp16 and fp32 inputs)."""
    if HILO:
        if A_EXACT and B_EXACT:
            return tl.dot(a, b)
        elif A_EXACT:
            hi, lo = _split(b, HILO)
            return tl.dot(a, hi) + tl.dot(a, lo)
        else:
            hi, lo = _split(a, HILO)
            return tl.dot(hi, b) + tl.dot(lo, b)
    else:
        return tl.dot(a.to(tl.float32), b.to(tl.float32), input_precision="tf32x3")


@triton.jit(do_not_specialize=["scale", "T", "NT"])
def static_dg_kernel(q, k, v, do, g, h0, dht, part, scale, T, NT,
                     H: tl.constexpr, K: tl.constexpr, V: tl.constexpr,
                     BT: tl.constexpr, BK: tl.constexpr, BV: tl.constexpr,
                     HAS_H0: tl.constexpr, HAS_DHT: tl.constexpr, HILO: tl.constexpr):
    i_b, i_h, i_bh, c_k, c_v = state_block(H, BK, BV)
    r = tl.arange(0, BT)
    gl = tl.load(g + i_h).to(tl.float32) * 1.4426950408889634  # log2-decay per row
    q_b = q + seq_offset(i_b, i_h, T, H, K)    # q/k: [T, K] rows, stride H*K
    k_b = k + seq_offset(i_b, i_h, T, H, K)
    v_b = v + seq_offset(i_b, i_h, T, H, V)    # v/do: [T, V] rows, stride H*V
    do_b = do + seq_offset(i_b, i_h, T, H, V)
    s_b = i_bh.to(tl.int64) * K * V            # one [K, V] state
    S = tl.zeros([BK, BV], tl.float32)
    S1 = tl.zeros([BK, BV], tl.float32)        # dS/dg
    if HAS_H0:
        S += load_tile(h0 + s_b, K, V, V, c_k, c_v, BK, BV).to(tl.float32)
    acc = tl.zeros([BT], tl.float32)
    for c in range(NT):
        b_q = load_tile(q_b, T, K, H * K, c * BT, c_k, BT, BK)      # [BT, BK] as stored
        b_k = load_tile(k_b, T, K, H * K, c * BT, c_k, BT, BK)      # [BT, BK]
        b_v = load_tile(v_b, T, V, H * V, c * BT, c_v, BT, BV)      # [BT, BV]
        b_do = load_tile(do_b, T, V, H * V, c * BT, c_v, BT, BV)    # [BT, BV]
        n = tl.minimum(r + 1, T - c * BT).to(tl.float32)  # [BT]; rows past T keep N (zero rows)
        N = tl.max(n, axis=0)
        a = tl.exp2(gl * n)
        X = (n * a)[:, None] * mm(b_q, S, True, False, HILO) + a[:, None] * mm(b_q, S1, True, False, HILO)
        dn = tl.where(r[:, None] > r[None, :], n[:, None] - n[None, :], 0.0)  # [BT, BT]
        QK = mm(b_q, tl.trans(b_k), True, True, HILO)   # partial over this K-block
        DV = mm(b_do, tl.trans(b_v), True, True, HILO)  # partial over this V-block
        acc += tl.sum(b_do.to(tl.float32) * X, axis=1) + tl.sum(dn * tl.exp2(gl * dn) * QK * DV, axis=1)
        m = N - n
        w = tl.exp2(gl * m)
        eN = tl.exp2(gl * N)
        kf = b_k.to(tl.float32)
        S1 = eN * (S1 + N * S) + mm(tl.trans(kf * (m * w)[:, None]), b_v, False, True, HILO)
        S = eN * S + mm(tl.trans(kf * w[:, None]), b_v, False, True, HILO)
    total = scale * tl.sum(acc, axis=0)
    if HAS_DHT:
        d = load_tile(dht + s_b, K, V, V, c_k, c_v, BK, BV).to(tl.float32)
        total += tl.sum(tl.sum(d * S1, axis=1), axis=0)
    n_v = tl.num_programs(1)
    block = (i_bh.to(tl.int64) * tl.num_programs(0) + tl.program_id(0)) * n_v + tl.program_id(1)
    tl.store(part + block, total)


def static_decay_grad_triton(q, k, v, g, h0, do, dht, scale: float, chunk: int = 64,
                             block: int = 64) -> torch.Tensor:
    """dL/dg [H] for o = attend(q, k, v, g [H], scale, h0), given do [B,T,H,V] and dht [B,H,K,V]
    or None (same contract as `suite.kernels.static_grad.static_decay_grad`). Programs tile the
    state in block x block pieces: the pairs' q.k and do.v split over K- and V-blocks as sums.
    64 x 64 tiles by default: on the H200 they took 0.40 / 0.78 ms against 0.64 / 1.65 for 32 x 32
    (160M / anchor shape; NOTES.md v9), fewer programs but each pair term computed once per block."""
    B, T, H, K = q.shape
    V = v.shape[-1]
    BK = min(max(16, pow2(K)), block)
    BV = min(max(16, pow2(V)), block)
    NK, NV = cdiv(K, BK), cdiv(V, BV)
    part = torch.empty(B, H, NK, NV, dtype=torch.float32, device=q.device)
    h0 = None if h0 is None else h0.float().contiguous()
    dht = None if dht is None else dht.float().contiguous()
    do = do.to(q.dtype).contiguous()
    launch(static_dg_kernel, (NK, NV, B * H),
        q.contiguous(), k.contiguous(), v.contiguous(), do, g.float().contiguous(),
        part if h0 is None else h0, part if dht is None else dht, part, float(scale), T,
        cdiv(T, chunk), H=H, K=K, V=V, BT=chunk, BK=BK, BV=BV, HAS_H0=h0 is not None,
        HAS_DHT=dht is not None, HILO=q.dtype == torch.bfloat16, num_warps=4, num_stages=1,
    )
    return part.sum((0, 2, 3)).to(g.dtype)
