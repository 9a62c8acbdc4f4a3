"""Per-chunk gradient pieces of the backward shared by the chunk pass (bwd.bwd_chunk_kernel) and
the state-gradient sweep that computes dq and dk itself (dhdv.py, configs with `dqdk`).

The maths is bwd.py's module doc, step 2: the inter-chunk products do S_{n-1}^T and v dS_n^T
take the decay factors `inter_factors`; the log-decay gradient of a chunk's rows is a sum of
pair terms (`gate_grad_rows`).

Run: inlined into the kernels; through `suite.kernels.attend(..., backend="triton")`.
"""

from __future__ import annotations

import triton
import triton.language as tl

from suite.kernels.triton.common import excl_cumsum, intra_pairs, tri_sums


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
    """dg of the chunk's rows ([BT] or [BT, BK] fp32) from pair terms (bwd.py's doc); scalar
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
