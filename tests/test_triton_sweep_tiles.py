"""Block sizes and warps of the two state sweeps as config keys (tuning._sweep_tiles).

    pytest tests/test_triton_sweep_tiles.py     # CPU: the Triton interpreter (conftest sets it)

The split forward's state pass (fwd.state_pass: BKS, BVS, state_warps) and the backward's
state-gradient sweep (bwd.dh_sweep: BKH, BVH, dh_warps) run on 64 x 64 blocks and 4 warps unless
a config names others. Each state block depends only on its own key and value channels, so any
blocking gives the same states: these tests pin configs with other blocks, check that the
launches get them, and that every output and gradient equals the default blocks' result and the
fp64 reference's.
"""

from __future__ import annotations

import pytest
import torch
from kernel_utils import assert_same_schedule_result, make_case, reference, run_case

from suite.kernels import available_backends

pytestmark = pytest.mark.skipif("triton" not in available_backends("cpu"),
                                reason="Triton interpreter not available")


class _Launches:
    """Stands in for a @triton.jit kernel: records each launch's grid and keywords, then runs it."""

    def __init__(self, kernel):
        self.kernel, self.seen = kernel, []

    def __getitem__(self, grid):
        def launch(*args, **kw):
            self.seen.append((tuple(grid), kw))
            return self.kernel[grid](*args, **kw)
        return launch


def _configs(family: str):
    from suite.kernels.triton import autotune_configs

    fwd = {"scalar": "fwd-scalar-split-bt64-bv64-w4-s2", "vector": "fwd-vector-split-bt16-bv128-w4-s2"}[family]
    bwd = {"scalar": "bwd-scalar-bt64-bv64-w4-s2", "vector": "bwd-vector-bt16-bv64-w4-s2"}[family]
    by_name = {c["name"]: c for c in autotune_configs(family=family)}
    return dict(by_name[fwd], BV=16), dict(by_name[bwd], BV=16)


def _run(case, fwd: dict, bwd: dict) -> dict:
    from suite.kernels.triton import pinned

    with pinned(fwd), pinned(bwd):
        return run_case(case, "triton")


@pytest.mark.parametrize("kind", ["scalar", "vector"])
def test_sweep_blocks_and_warps_reach_the_launch_and_keep_the_result(kind, monkeypatch):
    from suite.kernels.triton import bwd as tb
    from suite.kernels.triton import fwd as tf
    from suite.kernels.triton.tuning import _sweep_tiles

    case = make_case(kind, "medium", B=2, T=70, H=2, K=32, V=32, dtype=torch.float32, seed=5, h0=True)
    fwd, bwd = _configs("vector" if kind == "vector" else "scalar")
    plain = _run(case, fwd, bwd)
    fwd_t = _sweep_tiles(dict(fwd, name="test-fwd"), "st", (16, 32, 2))
    bwd_t = _sweep_tiles(dict(bwd, name="test-bwd"), "dh", (32, 8, 8))
    assert fwd_t["name"] == "test-fwd-st16x32w2" and bwd_t["name"] == "test-bwd-dh32x8w8"
    state, dh = _Launches(tf.fwd_state_kernel), _Launches(tb.bwd_dh_kernel)
    monkeypatch.setattr(tf, "fwd_state_kernel", state)
    monkeypatch.setattr(tb, "bwd_dh_kernel", dh)
    got = _run(case, fwd_t, bwd_t)

    assert state.seen and dh.seen, "both sweeps must have run"
    bh = case.q.shape[0] * case.q.shape[2]
    for grid, kw in state.seen:  # K = 32 in blocks of 16, V = 32 whole
        assert grid == (2, 1, bh) and (kw["BK"], kw["BV"], kw["num_warps"]) == (16, 32, 2)
    for grid, kw in dh.seen:  # K whole, V = 32 in blocks of 8
        assert grid == (1, 4, bh) and (kw["BK"], kw["BV"], kw["num_warps"]) == (32, 8, 8)
    assert_same_schedule_result(kind, got, plain, reference(case), rtol=1e-5, atol=1e-6)


def test_default_blocks_are_64_by_64_on_4_warps():
    """A config without sweep tiles keeps its name and the sweeps' defaults; blocks are capped at
    the head dims' next powers of two."""
    from suite.kernels.triton.tuning import _bwd, _fwd, sweep_launch

    f = _fwd("vector", 32, 64, 4, 2, split=True, anchor=True)
    b = _bwd("vector", 32, 64, 4, 2, dv=128, bkc=64, anchor=True)
    assert f["name"] == "fwd-vector-split-bt32-bv64-w4-s2-anchor" and "BKS" not in f
    assert b["name"] == "bwd-vector-bt32-bv64-w4-s2-dv128-k64-anchor" and "BKH" not in b
    tiled = _fwd("vector", 32, 64, 4, 2, split=True, anchor=True, state=(64, 128, 8))
    assert tiled["name"].endswith("-anchor-st64x128w8")
    assert (tiled["BKS"], tiled["BVS"], tiled["state_warps"]) == (64, 128, 8)
    assert sweep_launch(f, "st") == sweep_launch(b, "dh") == (64, 64, 4)
    assert sweep_launch(tiled, "st") == (64, 128, 8) and sweep_launch(tiled, "dh") == (64, 64, 4)
    assert sweep_launch(tiled, "st", K=48, V=100) == (64, 128, 8)
    assert sweep_launch(tiled, "st", K=20, V=64) == (32, 64, 8)


def test_resource_report_counts_the_sweeps_blocks():
    """The ptxas/SASS report (resources.py) compiles a sweep at its config's blocks and scales its
    per-row counts by the programs those blocks make (state blocks of 64 x 128 at D = 128: 2)."""
    from suite.kernels.triton.resources import per_row

    counts = dict.fromkeys(("LDS", "STS", "LDSM", "LDL", "STL"), 0) | {"total": 100, "LDS": 10}
    st = {"pass": "st", "BT": 32, "num_warps": 4, "BKS": 64, "BVS": 128}
    dh = {"pass": "dh", "BT": 32, "num_warps": 2, "BKH": 32, "BVH": 64}
    assert per_row(counts, st, 128) == {"instr": 100 * 128 * 2 // 32, "smem": 10 * 128 * 2 // 32, "local": 0}
    assert per_row(counts, dh, 128)["instr"] == 100 * 64 * 8 // 32
    assert per_row(counts, {"pass": "st", "BT": 32, "num_warps": 4}, 128)["instr"] == 100 * 128 * 4 // 32


def test_resource_report_names_each_sweep_once():
    """A sweep's row in the resource report names the sweep and its blocks once (`dh-...-64x128w4`,
    not `dh-...-dh64x128w4`), and no blocks on the default ones."""
    from suite.kernels.triton.resources import _sweep_row
    from suite.kernels.triton.tuning import _bwd, _fwd

    b = _bwd("vector", 32, 64, 2, 2, dv=128, bkc=32, anchor=True, dh=(32, 128, 2))
    f = _fwd("vector", 32, 128, 4, 2, split=True, anchor=True, state=(32, 128, 2))
    assert _sweep_row(b, "dh", "dh") == "dh-vector-bt32-32x128w2"
    assert _sweep_row(f, "st", "state") == "state-vector-bt32-32x128w2"
    assert _sweep_row(_bwd("scalar", 64, 64, 4, 2), "dh", "dh") == "dh-scalar-bt64"
