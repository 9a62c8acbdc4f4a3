"""Vector scores from one anchor per chunk (suite/kernels/triton/common.py, configs with `anchor`).

    pytest tests/test_triton_anchor.py          # CPU: the Triton interpreter (conftest sets it)

Where a chunk's decay is at most ANCHOR_SPAN (log2) in every channel, the intra-chunk scores and
their gradients come from one product with the anchor a = Λ/2; elsewhere from the hierarchy. The
choice is made per program from the gate, so one launch mixes both: these tests build gates whose
chunks fall on both sides, check the threshold itself, and check that every output and gradient
equals the hierarchy's (fp32 rounding apart) and the fp64 reference's.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch
from kernel_utils import assert_same_schedule_result, make_case, reference, run_case

from suite.kernels import available_backends

pytestmark = pytest.mark.skipif("triton" not in available_backends("cpu"),
                                reason="Triton interpreter not available")


if "triton" in available_backends("cpu"):
    import triton
    import triton.language as tl

    from suite.kernels.triton.common import anchor_fits

    @triton.jit
    def _fits_probe(g, out, BT: tl.constexpr, BK: tl.constexpr):
        r = tl.arange(0, BT)[:, None] * BK + tl.arange(0, BK)[None, :]
        tl.store(out, anchor_fits(tl.sum(tl.load(g + r), axis=0)).to(tl.int32))


def _fits(gate_log2: torch.Tensor) -> bool:
    """anchor_fits of one [BT, BK] gate (log2), run as a one-program Triton kernel."""
    out = torch.zeros(1, dtype=torch.int32)
    _fits_probe[(1,)](gate_log2.contiguous(), out, BT=gate_log2.shape[0], BK=gate_log2.shape[1])
    return bool(out.item())


def test_anchor_fits_at_its_threshold():
    """One channel whose 16 rows sum to just inside / just past -ANCHOR_SPAN decides alone."""
    from suite.kernels.triton.common import ANCHOR_SPAN

    span = float(ANCHOR_SPAN.value if hasattr(ANCHOR_SPAN, "value") else ANCHOR_SPAN)
    g = torch.full((16, 8), -0.01)
    g[:, 5] = -(span - 0.5) / 16
    assert _fits(g)
    g[:, 5] = -(span + 0.5) / 16
    assert not _fits(g)
    g[:, 5] = 0.0
    g[3, 2] = -(span + 1.0)  # the whole excess in one row
    assert not _fits(g)


def _mixed_case(T: int, bt: int, seed: int):
    """A vector case (fp32, K = V = 32) whose gate is medium in even chunks of bt rows and strong
    in odd ones: the anchor serves the first, the hierarchy the second."""
    case = make_case("vector", "medium", B=2, T=T, H=2, K=32, V=32, dtype=torch.float32, seed=seed,
                     h0=True)
    strong = make_case("vector", "strong", B=2, T=T, H=2, K=32, V=32, dtype=torch.float32,
                       seed=seed + 1).g
    odd = ((torch.arange(T) // bt) % 2 == 1)[None, :, None, None]
    return dataclasses.replace(case, g=torch.where(odd, strong, case.g))


def _chunk_fits(g: torch.Tensor, bt: int) -> torch.Tensor:
    """[B, NT, H]: whether each chunk's decay (natural-log gate [B, T, H, K]) is within the span."""
    from suite.kernels.triton.common import ANCHOR_SPAN

    span = float(ANCHOR_SPAN.value if hasattr(ANCHOR_SPAN, "value") else ANCHOR_SPAN)
    B, T, H, K = g.shape
    pad = torch.nn.functional.pad(g, (0, 0, 0, 0, 0, -T % bt))
    sums = pad.view(B, -1, bt, H, K).sum(2) / math.log(2)  # log2
    return sums.min(-1).values >= -span


def _run(case, fwd: dict, bwd: dict) -> dict:
    from suite.kernels.triton import pinned

    with pinned(fwd), pinned(bwd):
        return run_case(case, "triton")


@pytest.mark.parametrize("which", ["split-bt16-dv", "split-bt32-fused", "split-bt16-kblocks",
                                   "split-bt32-kblocks", "sweep-bt32-kblocks"])
def test_anchored_equals_hierarchy(which):
    """The anchor configs (forward and backward pinned together) against the same configs
    without the anchor, on a gate whose chunks take each path: every tensor to fp32 rounding, and
    both within 1e-4 of fp64. `sweep-`: the forward as one sweep (fwd.vector_step, v32), whose
    configs without the anchor take the sweep's other path (scans, the hierarchy on every chunk)."""
    from suite.kernels.triton import autotune_configs

    anchored = {c["name"]: c for c in autotune_configs(family="vector") if c.get("anchor")}
    fwd = {"split-bt16-dv": "fwd-vector-split-bt16-bv128-w4-s2-anchor",
           "split-bt32-fused": "fwd-vector-split-bt32-bv64-w4-s2-anchor",
           "split-bt16-kblocks": "fwd-vector-split-bt16-bv128-w4-s2-anchor",
           "split-bt32-kblocks": "fwd-vector-split-bt32-bv128-w8-s2-anchor",
           "sweep-bt32-kblocks": "fwd-vector-bt32-bv128-w8-s2-anchor-even"}[which]
    bwd = {"split-bt16-dv": "bwd-vector-bt16-bv64-w4-s2-dv128-anchor",
           "split-bt32-fused": "bwd-vector-bt32-bv64-w8-s2-anchor",
           "split-bt16-kblocks": "bwd-vector-bt16-bv64-w4-s2-dv128-k64-anchor",
           "split-bt32-kblocks": "bwd-vector-bt32-bv64-w4-s2-dv128-k64-anchor",
           "sweep-bt32-kblocks": "bwd-vector-bt32-bv64-w4-s2-dv128-k64-anchor"}[which]
    fwd, bwd = dict(anchored[fwd], BV=16), dict(anchored[bwd], BV=16)
    if which.endswith("kblocks"):
        bwd.update(BKC=16)  # two K-blocks at K = 32, each deciding for itself
    case = _mixed_case(T=100, bt=fwd["BT"], seed=21)
    fits = _chunk_fits(case.g, fwd["BT"])
    assert fits.any() and not fits.all(), "the case must send chunks down both paths"
    got = _run(case, fwd, bwd)
    plain = _run(case, dict(fwd, name="test-fwd-plain", anchor=False),
                 dict(bwd, name="test-bwd-plain", anchor=False))
    assert_same_schedule_result(which, got, plain, reference(case), rtol=1e-4, atol=1e-5)


def test_fp16_keeps_the_hierarchy():
    """fp16's exponent range cannot hold the anchor's factors: its launches never take it."""
    from suite.kernels.triton.fwd import anchored

    cfg = {"anchor": True}
    assert anchored(cfg, torch.zeros(1, dtype=torch.bfloat16))
    assert anchored(cfg, torch.zeros(1, dtype=torch.float32))
    assert not anchored(cfg, torch.zeros(1, dtype=torch.float16))
    assert not anchored({}, torch.zeros(1, dtype=torch.float32))


_FUSED_IR = """
from suite.kernels.triton import tuning
from suite.kernels.triton.resources import compile_config
cfg = next(c for c in tuning._CONFIGS if c["name"] == "bwd-vector-bt32-bv64-w8-s2-anchor")
print(compile_config(cfg, 3, 64, 64, "bf16").asm["ttir"])
"""


def test_fused_chunk_pass_repeats_only_the_factors():
    """The fused backward chunk pass scores the chunk (for dv) and later takes dq, dk, both behind
    the anchor check: the compiler shares the check, so one min-reduction remains and only the
    factors' exp2 repeat (NOTES v13). The gate's sums G and R are products with triangles
    (common.tri_decay, v18), so no scan along the rows of the gate is left. Compiled for sm_90 in
    a process of its own (this one runs the interpreter)."""
    import os
    import re
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    ir = subprocess.run([sys.executable, "-c", _FUSED_IR], env=env, capture_output=True, text=True,
                        check=True).stdout  # the vector kind's TTIR, before any layout
    assert ir.count("scf.if") == 2                           # the scores' branch and the grads'
    assert ir.count("arith.minnumf") == 1                    # anchor_fits once
    scans = re.findall(r'"tt\.scan"\((%\w+)\)', ir)
    # only the hierarchy's level factors scan (5 levels at BT = 32, for the scores and the grads):
    # G and R are tri_decay's products and dg's row sums tri_sums'
    assert len(scans) == 10 and all(s.startswith("%g3") for s in scans)
