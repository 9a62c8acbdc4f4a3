"""Row sums of a chunk as products with 0/1 triangles (suite/kernels/triton/common.py, v18).

    pytest tests/test_triton_tri.py             # CPU: the Triton interpreter (conftest sets it)

The vector gate's chunk sums G and R (`tri_cumsum`, `tri_decay`) and the gate gradient's two row
sums (`tri_sums`) are tensor-core products with triangles of ones instead of scans. The
triangles are exact in any dtype; the fp32 operand goes in as parts of the kernel's dtype (three
for the gate's sums: fp32's 24 bits; two for the gradient's). These tests run each helper as a
one-program kernel and hold it to fp64 sums at the precision its parts promise: one part alone
(a plain cast) misses the bounds by orders of magnitude, so a lost part fails them.
"""

from __future__ import annotations

import pytest
import torch

from suite.kernels import available_backends

pytestmark = pytest.mark.skipif("triton" not in available_backends("cpu"),
                                reason="Triton interpreter not available")

if "triton" in available_backends("cpu"):
    import triton
    import triton.language as tl

    from suite.kernels.triton.common import tri_decay, tri_sums, triangle

    @triton.jit
    def _tri_probe(x, y, g_out, r_out, s_out, BT: tl.constexpr, BK: tl.constexpr,
                   DT: tl.constexpr, IEEE: tl.constexpr):
        r = tl.arange(0, BT)[:, None] * BK + tl.arange(0, BK)[None, :]   # [BT, BK] offsets
        xs = tl.load(x + r)
        G, R = tri_decay(xs, DT, BT, IEEE)
        tl.store(g_out + r, G)
        tl.store(r_out + r, R)
        tl.store(s_out + r, tri_sums(xs, tl.load(y + r), DT, BT, IEEE))

    @triton.jit
    def _one_part_probe(x, g_out, BT: tl.constexpr, BK: tl.constexpr, DT: tl.constexpr):
        r = tl.arange(0, BT)[:, None] * BK + tl.arange(0, BK)[None, :]   # [BT, BK] offsets
        tri = triangle(BT, DT, False, False)                               # tri_cumsum's, s <= t
        tl.store(g_out + r, tl.dot(tri, tl.load(x + r).to(DT), out_dtype=tl.float32))


_DT = {torch.float32: "fp32", torch.float16: "fp16"}


def _probe(x: torch.Tensor, y: torch.Tensor, dtype: torch.dtype):
    """(G, R, tri_sums(x, y)) [BT, BK] fp32 of one [BT, BK] fp32 tile, parts in `dtype`."""
    outs = [torch.empty_like(x) for _ in range(3)]
    dt = getattr(tl, {"fp32": "float32", "fp16": "float16"}[_DT[dtype]])
    _tri_probe[(1,)](x, y, *outs, BT=x.shape[0], BK=x.shape[1], DT=dt, IEEE=dtype == torch.float32)
    return outs


def _sums(x: torch.Tensor, y: torch.Tensor):
    """fp64 (G, R, reverse inclusive sums of x + exclusive prefix sums of y) along the rows."""
    xd, yd = x.double(), y.double()
    G = xd.cumsum(0)
    rev = xd.flip(0).cumsum(0).flip(0)
    return G, rev - xd, rev + (yd.cumsum(0) - yd)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize("bt", [16, 32])
def test_triangle_sums_match_fp64(dtype, bt):
    """A log2 gate spanning five decades (rows of -1e-3 to -20) and a signed gradient tile: G and
    R to fp32 rounding of their magnitude (three parts), the gradient's sums to 2^-17 of the
    magnitude (two parts; bf16's on the GPU, fp16's here hold more)."""
    gen = torch.Generator().manual_seed(bt)
    x = -(10 ** (torch.rand(bt, 16, generator=gen) * 4.3 - 3))   # [-20, -1e-3], log-uniform
    y = torch.randn(bt, 16, generator=gen) * 3.0
    G, R, S = _probe(x, y, dtype)
    G64, R64, S64 = _sums(x, y)
    scale = x.double().abs().sum(0)                                   # [BK] what a row sum can reach
    assert ((G.double() - G64).abs() / scale).max() < 2e-6
    assert ((R.double() - R64).abs() / scale).max() < 2e-6
    s_scale = x.double().abs().sum(0) + y.double().abs().sum(0)
    assert ((S.double() - S64).abs() / s_scale).max() < 2 ** -17


def test_one_part_is_not_enough():
    """The bound above is tight enough to tell: the same triangle product with the gate as one
    fp16 part (a plain cast, what a split that lost its lower parts computes), run through the
    interpreter like the helpers, misses it by orders of magnitude."""
    gen = torch.Generator().manual_seed(5)
    x = -(10 ** (torch.rand(32, 16, generator=gen) * 4.3 - 3))
    out = torch.empty_like(x)
    _one_part_probe[(1,)](x, out, BT=32, BK=16, DT=tl.float16)
    err = ((out.double() - x.double().cumsum(0)).abs() / x.double().abs().sum(0)).max()
    assert err > 20 * 2e-6
