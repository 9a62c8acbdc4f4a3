"""The Triton forward's two schedules and when it keeps states (suite/kernels/triton/fwd.py).

    pytest tests/test_triton_schedule.py        # CPU: the Triton interpreter (conftest sets it)

The split schedule (state pass + chunk-parallel output) runs the same arithmetic as the one-sweep
forward, so at one chunk size both give the same output, final state and, through the backward
that reads the states they store, the same gradients; likewise the backward's two schedules (dv
fused into the chunk pass, or a pass of its own with the chunk pass split over K); an inference
forward (torch.no_grad) keeps no states; a backward asked for no gate gradient still returns the
others.
"""

from __future__ import annotations

import pytest
import torch
from kernel_utils import make_case, reference, run_case

from suite.kernels import attend, available_backends

pytestmark = pytest.mark.skipif("triton" not in available_backends("cpu"),
                                reason="Triton interpreter not available")


def _pair(kind: str) -> tuple[dict, dict]:
    """(sweep config, split config) of kind's family with one chunk size."""
    from suite.kernels.triton import autotune_configs

    fam = "vector" if kind == "vector" else "scalar"
    fwd = autotune_configs("fwd", fam)
    split = next(c for c in fwd if c["split"])
    sweep = next(c for c in fwd if not c["split"] and c["BT"] == split["BT"])
    return sweep, split


def assert_configs_agree(case, cfg_a: dict, cfg_b: dict, names, *, rtol: float, atol: float, what: str):
    """Run `case` with each config pinned: every tensor in `names` (None: all) of the second run
    agrees with the first to (rtol, atol) and with the fp64 reference to 1e-4 relative RMS."""
    from suite.kernels.triton import pinned

    with pinned(cfg_a):
        a = run_case(case, "triton")
    with pinned(cfg_b):
        b = run_case(case, "triton")
    ref = reference(case)
    assert set(a) == set(b) == set(ref)
    for name in sorted(names if names is not None else a):
        torch.testing.assert_close(b[name], a[name], rtol=rtol, atol=atol, msg=f"{what} {name}")
        err = (b[name].double() - ref[name]).norm() / ref[name].norm().clamp_min(1e-30)
        assert err < 1e-4, f"{what} {name}: vs fp64, rel. error {err:.2e}"


@pytest.mark.parametrize("kind", ["none", "static", "scalar", "vector"])
def test_split_forward_equals_sweep(kind):
    case = make_case(kind, "strong", B=2, T=130, H=2, K=16, V=16, dtype=torch.float32, seed=3)
    sweep, split = _pair(kind)
    assert_configs_agree(case, sweep, split, None, rtol=1e-5, atol=1e-6, what=f"split forward, {kind}")


def test_inference_forward_keeps_no_states(monkeypatch):
    """Inputs that require grad under torch.no_grad(): the forward must not store states."""
    from suite.kernels.triton import autograd

    seen = []
    real = autograd.run_forward

    def spy(*args, save, store_ht):
        seen.append(save)
        return real(*args, save=save, store_ht=store_ht)

    monkeypatch.setattr(autograd, "run_forward", spy)
    case = make_case("scalar", "medium", T=70, K=16, V=16, dtype=torch.float32)
    q = case.q.clone().requires_grad_(True)
    with torch.no_grad():
        attend(q, case.k, case.v, case.g, scale=case.scale, backend="triton")
    attend(q, case.k, case.v, case.g, scale=case.scale, backend="triton")
    assert seen == [False, True]


@pytest.mark.parametrize("kind", ["scalar", "vector"])
def test_backward_without_gate_gradient(kind):
    """A gate that needs no gradient (the kernel skips its pair terms): q, k, v, h0 gradients
    unchanged, none for the gate."""
    case = make_case(kind, "medium", T=70, K=16, V=16, dtype=torch.float32, seed=1)
    full = run_case(case, "triton")
    leaves = [t.clone().requires_grad_(True) for t in (case.q, case.k, case.v, case.h0)]
    o, ht = attend(leaves[0], leaves[1], leaves[2], case.g, scale=case.scale, initial_state=leaves[3],
                   output_final_state=True, backend="triton")
    ((o * case.do).sum() + (ht * case.dht).sum()).backward()
    for name, leaf in zip(("dq", "dk", "dv", "dh0"), leaves):
        torch.testing.assert_close(leaf.grad, full[name], rtol=1e-6, atol=1e-7, msg=name)


@pytest.mark.parametrize("kind", ["none", "static", "scalar", "vector"])
def test_dv_split_backward_equals_fused(kind):
    """dv in its own pass over two V-blocks, the chunk pass over two K-blocks (the second one
    partly past K = 24; for scalar decay the gate's gradient then comes in parts, its intra-chunk
    pairs from the dv pass): every gradient as with the fused backward of the same BT."""
    from suite.kernels.triton import autotune_configs

    fam = "vector" if kind == "vector" else "scalar"
    fused = next(c for c in autotune_configs("bwd", fam) if not c["dv_split"])
    split = dict(fused, name="test-dv-split", dv_split=True, BVD=8, BKC=16)
    case = make_case(kind, "strong", B=2, T=70, H=2, K=24, V=16, dtype=torch.float32, seed=5)
    grads = [n for n in reference(case) if n not in ("o", "ht")]
    # other tile shapes sum in another order: fp32 rounding apart, not more
    assert_configs_agree(case, fused, split, grads, rtol=1e-4, atol=1e-5, what=f"dv-split backward, {kind}")


@pytest.mark.parametrize("split", [False, True], ids=["sweep", "split"])
@pytest.mark.parametrize("kind", ["none", "scalar", "vector"])
def test_tma_forward_equals_pointer_forward(kind, split):
    """Reading through tensor descriptors (the sweep: q, k, v, with rows past T = 130 and channels
    past K = 24 zero-filled by the copy engine's rules; the split output pass: the states) gives
    what pointer loads give."""
    from suite.kernels.triton import autotune_configs

    fam = "vector" if kind == "vector" else "scalar"
    tma = next(c for c in autotune_configs("fwd") if c.get("tma") and c["split"] == split)
    tma = dict(tma, family=fam, name=f"test-{fam}-tma", BT=16, BV=16)
    plain = dict(tma, name=f"test-{fam}-plain", tma=False)
    case = make_case(kind, "strong", B=2, T=130, H=2, K=24, V=16, dtype=torch.float32, seed=7)
    assert_configs_agree(case, plain, tma, ["o", "ht"], rtol=0, atol=0, what=f"TMA forward, {kind}")


def test_tma_ok_refuses_what_the_copy_engine_cannot_address():
    from suite.kernels.triton.common import tma_ok

    x = torch.zeros(2, 8, 3, 16)
    assert tma_ok(x)
    assert not tma_ok(x.transpose(1, 2))  # not contiguous
    assert not tma_ok(torch.zeros(2, 8, 3, 6))  # rows of 24 bytes
    assert not tma_ok(torch.zeros(2 * 8 * 3 * 16 + 1)[1:].view(2, 8, 3, 16))  # base 4 bytes off


@pytest.mark.parametrize("kind", ["none", "static", "scalar"])
def test_rows_sweep_equals_decayed_operand_sweep(kind):
    """The sweep with the scalar decay on its products' rows (`rows`) and the one with it on q and
    k: one output and final state, up to fp32 rounding, both within 1e-4 of fp64."""
    from suite.kernels.triton import autotune_configs

    rows = next(c for c in autotune_configs("fwd", "scalar") if c.get("rows") and not c.get("tma"))
    rows = dict(rows, name="test-rows", BT=16, BV=16)
    plain = dict(rows, name="test-operands", rows=False)
    case = make_case(kind, "strong", B=2, T=130, H=2, K=24, V=16, dtype=torch.float32, seed=9)
    assert_configs_agree(case, plain, rows, ["o", "ht"], rtol=1e-5, atol=1e-6, what=f"rows sweep, {kind}")


def test_pending_configs_are_candidates_only_when_asked(monkeypatch):
    """A config not yet run on a GPU is checked when pinned, timed under SUITE_TRITON_PENDING=1,
    and otherwise never chosen."""
    from suite.kernels.triton import pinned, tuning

    base = next(c for c in tuning.autotune_configs("fwd", "scalar", 128) if not c["split"])
    pend = dict(base, name="test-pending", pending=True)
    monkeypatch.setattr(tuning, "_CONFIGS", [*tuning._CONFIGS, pend])
    monkeypatch.delenv("SUITE_TRITON_PENDING", raising=False)
    names = [c["name"] for c in tuning.candidates("fwd", "scalar", None, 128)]
    assert names and "test-pending" not in names
    monkeypatch.setenv("SUITE_TRITON_PENDING", "1")
    assert "test-pending" in {c["name"] for c in tuning.candidates("fwd", "scalar", None, 128)}
    monkeypatch.delenv("SUITE_TRITON_PENDING")
    with pinned("test-pending"):
        assert [c["name"] for c in tuning.candidates("fwd", "scalar", None, 128)] == ["test-pending"]


def test_a_pinned_chunk_size_that_only_pending_configs_have_finds_them(monkeypatch):
    """A backward pinned at a chunk size no admitted forward has (a new BT, all pending) runs with
    the pending forwards of that BT; unpinned, they stay out, and an unknown BT still fails."""
    from suite.errors import SuiteError
    from suite.kernels.triton import pinned, tuning

    fwd = next(c for c in tuning.autotune_configs("fwd", "scalar", 64) if not c["split"])
    bwd = next(c for c in tuning.autotune_configs("bwd", "scalar", 64))
    pend = [dict(fwd, name="test-fwd-bt8", BT=8, pending=True), dict(bwd, name="test-bwd-bt8", BT=8, pending=True)]
    monkeypatch.setattr(tuning, "_CONFIGS", [c for c in tuning._CONFIGS if c["BT"] != 8] + pend)
    monkeypatch.delenv("SUITE_TRITON_PENDING", raising=False)
    monkeypatch.delenv("SUITE_TRITON_CONFIG", raising=False)
    with pytest.raises(SuiteError, match="BT=8"):
        tuning.candidates("fwd", "scalar", 8, 64)
    with pinned("test-bwd-bt8"):
        assert tuning.train_bt("scalar", 64, 64) == 8
        assert [c["name"] for c in tuning.candidates("fwd", "scalar", 8, 64)] == ["test-fwd-bt8"]
        with pytest.raises(SuiteError, match="BT=4"):
            tuning.candidates("fwd", "scalar", 4, 64)


def test_fp32_admission_bounds_the_head_dim(monkeypatch):
    """Configs admitted in fp32 only up to D = 64 (the rows forwards, the fused 64-row backward)
    are candidates in bf16 at D = 128 and in fp32 at D = 64, never in fp32 at D = 128; a forward
    pinned at 64 rows in fp32 at D = 128 still finds 64-row backward configs, none of them fused."""
    from suite.kernels.triton import pinned, tuning

    monkeypatch.delenv("SUITE_TRITON_PENDING", raising=False)
    monkeypatch.delenv("SUITE_TRITON_CONFIG", raising=False)
    admitted = [c for c in tuning.autotune_configs("fwd", "scalar") if not c.get("pending")]
    bounded = {c["name"] for c in admitted if c.get("fp32_max_d") == 64}
    assert {c["name"] for c in admitted if c.get("rows")} <= bounded

    def names(pass_, d, fp32):
        return {c["name"] for c in tuning.candidates(pass_, "scalar", None, d, fp32)}

    assert bounded <= names("fwd", 128, False) and bounded <= names("fwd", 64, True)
    assert not bounded & names("fwd", 128, True)
    fused = next(c["name"] for c in tuning.autotune_configs("bwd", "scalar") if not c["dv_split"] and c["BT"] == 64)
    assert fused in names("bwd", 64, True) and fused not in names("bwd", 128, True)
    with pinned(next(n for n in sorted(bounded) if "-bt64-" in n)) as fwd:
        bt = tuning.train_bt("scalar", 128, 128, fp32=True)
        bwd = [c for c in tuning.candidates("bwd", "scalar", None, 128, True) if c["BT"] == bt]
    assert bt == fwd["BT"] and bwd and all(c["dv_split"] for c in bwd)


def test_recording_lists_the_configs_chosen():
    """`tuning.recording()` collects the name of every config `choose` returns inside it, in
    order, in every open block; nothing outside the block."""
    import torch

    from suite.kernels.triton import tuning

    a, b = tuning.autotune_configs("fwd", "scalar")[:2]
    cpu = torch.device("cpu")
    tuning.choose(("k",), [b, a], lambda c: None, cpu)
    with tuning.recording() as outer:
        tuning.choose(("k",), [a, b], lambda c: None, cpu)
        with tuning.recording() as inner:
            tuning.choose(("k",), [b], lambda c: None, cpu)
    tuning.choose(("k",), [a], lambda c: None, cpu)
    assert outer == [a["name"], b["name"]] and inner == [b["name"]]


def test_each_kind_autotunes_under_its_own_key(monkeypatch):
    """The kinds of one family compile to different kernels (KIND is a constexpr), so a pick timed
    on one must not serve another: every forward and backward key of static, scalar and none at
    one shape is distinct, and the same kind at that shape gets the same key again."""
    from suite.kernels.triton import tuning

    keys: dict[str, list[tuple]] = {}
    real = tuning.choose
    kind = None

    def spy(key, cands, launch, device):
        keys.setdefault(kind, []).append(key)
        return real(key, cands, launch, device)

    monkeypatch.setattr(tuning, "choose", spy)
    for kind in ("static", "scalar", "none", "scalar"):
        run_case(make_case(kind, "medium", T=70, K=16, V=16, dtype=torch.float32), "triton")
    fwd = {k: {key for key in v if key[0] == "fwd"} for k, v in keys.items()}
    bwd = {k: {key for key in v if key[0] == "bwd"} for k, v in keys.items()}
    assert all(len(fwd[k]) == 1 and len(bwd[k]) == 1 for k in keys), (fwd, bwd)
    assert len(set().union(*fwd.values())) == 3 and len(set().union(*bwd.values())) == 3


@pytest.mark.parametrize("family", ["scalar", "vector"])
@pytest.mark.parametrize("d", [64, 128])
@pytest.mark.parametrize("fp32", [False, True], ids=["half", "fp32"])
def test_training_chunk_size_has_candidates_in_both_passes(monkeypatch, family, d, fp32):
    """The chunk size a training step picks when nothing is pinned is one that some admitted
    (not pending) forward and backward config of that family serve at head dim d."""
    from suite.kernels.triton.tuning import candidates, train_bt

    monkeypatch.delenv("SUITE_TRITON_PENDING", raising=False)
    monkeypatch.delenv("SUITE_TRITON_CONFIG", raising=False)
    bt = train_bt(family, d, d, fp32)
    for pass_ in ("fwd", "bwd"):
        got = candidates(pass_, family, bt, d)
        assert got and all(c["BT"] == bt and not c.get("pending") for c in got), (pass_, bt)
    if fp32 and d > 64:
        assert bt == 16  # fp32 tiles of 32 rows do not fit Hopper's shared memory at D = 128


@pytest.mark.parametrize("tma", [False, True], ids=["pointers", "tma"])
@pytest.mark.parametrize("bkc", [16, 32], ids=["k-split", "k-whole"])
@pytest.mark.parametrize("kind", ["none", "static", "scalar"])
def test_dhdv_sweep_equals_two_launches(kind, bkc, tma):
    """dv computed in the state-gradient sweep (dhdv.py, two V-blocks; with the chunk pass over
    two K-blocks it also writes the gate's intra-chunk pair shares; q, k, do read through pointers
    or tensor descriptors) gives every gradient that the separate sweep and dv pass give."""
    from suite.kernels.triton import autotune_configs

    base = next(c for c in autotune_configs("bwd", "scalar") if not c["dv_split"])
    split = dict(base, name="test-dv-pass", dv_split=True, BVD=8, BKC=bkc)
    fused = dict(split, name="test-dhdv", dhdv=True, tma=tma)
    case = make_case(kind, "strong", B=2, T=70, H=2, K=24, V=16, dtype=torch.float32, seed=11)
    grads = [n for n in reference(case) if n not in ("o", "ht")]
    assert_configs_agree(case, split, fused, grads, rtol=1e-4, atol=1e-5, what=f"dhdv backward, {kind}")
