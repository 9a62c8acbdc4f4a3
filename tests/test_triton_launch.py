"""The direct launch path (suite/kernels/triton/launch.py), checked against Triton's own code.

    pytest tests/test_triton_launch.py      # CPU: the kernels run under the interpreter

The interpreter never takes the direct path, so what that path relies on is checked here against
the pieces of Triton it replaces, at every launch of a training step (forward, backward; scalar,
vector and static decay):
- the arguments it hands the compiled kernel's launcher are, in order, the bound arguments that
  Triton's binder produces for the same call;
- its launch signature tells apart what Triton's specialisation tells apart (a tensor's dtype and
  16-byte alignment, the integer classes), so a cached binary is never reused where Triton would
  have compiled another.
"""

from __future__ import annotations

import pytest
import torch
from kernel_utils import make_case, run_case

from suite.kernels import available_backends

pytestmark = pytest.mark.skipif("triton" not in available_backends("cpu"),
                                reason="Triton interpreter not available")


def _backend():
    from triton.backends.compiler import GPUTarget
    from triton.compiler import make_backend

    return make_backend(GPUTarget("cuda", 90, 32))  # Hopper, as the GPU runs


def _jit(kernel, cache={}):  # noqa: B006 - one JITFunction per kernel, kept alive (launch.py keys on ids)
    """The JITFunction of a kernel (under the interpreter, one built from the same Python function)."""
    from triton.runtime.jit import JITFunction

    if isinstance(kernel, JITFunction):
        return kernel
    return cache.setdefault(kernel.fn, JITFunction(kernel.fn))


@pytest.fixture(scope="module")
def launches():
    """(kernel, args, constexprs, warps, stages) of every launch in one training step per kind."""
    from suite.kernels.triton import bwd, dhdv, fwd, launch, static_dg

    seen = []
    real = launch.launch

    def record(kernel, grid, *args, num_warps, num_stages, maxnreg=None, **consts):
        seen.append((kernel, args, consts, num_warps, num_stages))
        return real(kernel, grid, *args, num_warps=num_warps, num_stages=num_stages, maxnreg=maxnreg, **consts)

    mp = pytest.MonkeyPatch()
    for mod in (fwd, bwd, dhdv, static_dg):
        mp.setattr(mod, "launch", record)
    try:
        for kind in ("scalar", "vector", "static"):
            run_case(make_case(kind, "medium", B=1, T=40, H=2, K=16, V=16, dtype=torch.float32, seed=3,
                               h0=True), "triton")
    finally:
        mp.undo()
    return seen


def test_every_kernel_of_a_step_is_launched_through_launch(launches):
    names = {_jit(k).__name__ for k, *_ in launches}
    assert {"bwd_chunk_kernel", "static_dg_kernel"} <= names, names
    assert names & {"fwd_kernel", "fwd_state_kernel"} and names & {"bwd_dh_kernel", "bwd_dhdv_kernel"}, names


def test_launcher_arguments_equal_tritons_bound_arguments(launches):
    """(*args, *constexpr_values) is, element for element, what JITFunction.run passes the launcher."""
    from triton.runtime.jit import create_function_from_signature

    from suite.kernels.triton.launch import check_call, constexpr_values

    be = _backend()
    for kernel, args, consts, warps, stages in launches:
        jit = _jit(kernel)
        check_call(jit, len(args), consts)
        binder = create_function_from_signature(jit.signature, jit.params, be)
        bound, _, _ = binder(*args, **consts, num_warps=warps, num_stages=stages)
        ours = (*args, *constexpr_values(jit, consts))
        theirs = tuple(bound.values())
        assert len(ours) == len(theirs), jit.__name__
        for name, a, b in zip(bound, ours, theirs):
            assert a is b or (not isinstance(a, torch.Tensor) and a == b), (jit.__name__, name)


def test_signature_separates_what_triton_specialises(launches):
    from suite.kernels.triton.launch import signature

    be = _backend()
    kernel, args, consts, warps, stages = next(x for x in launches if _jit(x[0]).__name__ == "bwd_chunk_kernel")
    jit = _jit(kernel)
    base = signature(jit, be, args, consts, warps, stages, 0)
    assert signature(jit, be, args, consts, warps, stages, 0) == base
    assert signature(jit, be, args, consts, warps + 1, stages, 0) != base
    assert signature(jit, be, args, consts, warps, stages, 1) != base
    assert signature(jit, be, args, consts, warps, stages, 0, 168) != base  # a register cap compiles anew
    t = next(i for i, a in enumerate(args) if isinstance(a, torch.Tensor))
    same = args[t].clone()  # a fresh allocation: 16-byte aligned, as the original
    shifted = args[t].reshape(-1).new_empty(args[t].numel() + 1)[1:].view_as(args[t])  # one element past
    assert same.data_ptr() % 16 == 0 and shifted.data_ptr() % 16 != 0
    assert signature(jit, be, (*args[:t], same, *args[t + 1:]), consts, warps, stages, 0) == base
    assert signature(jit, be, (*args[:t], shifted, *args[t + 1:]), consts, warps, stages, 0) != base
    with_dtype = (*args[:t], args[t].to(torch.float16), *args[t + 1:])
    assert signature(jit, be, with_dtype, consts, warps, stages, 0) != base
    i = next(i for i, a in enumerate(args) if type(a) is int)
    for other in (1, 16 * 7, 16 * 7 + 1, 2**31):
        alt = (*args[:i], other, *args[i + 1:])
        cls = lambda v: (v == 1, v % 16 == 0, -2**31 <= v < 2**31)  # noqa: E731
        assert (signature(jit, be, alt, consts, warps, stages, 0) == base) == (cls(other) == cls(args[i]))


def test_a_call_with_a_constexpr_by_position_is_refused():
    from suite.kernels.triton import fwd
    from suite.kernels.triton.launch import check_call

    jit = _jit(fwd.fwd_state_kernel)
    n_runtime = sum(not p.is_constexpr for p in jit.params)
    names = [p.name for p in jit.params if p.is_constexpr]
    with pytest.raises(TypeError, match="by position"):
        check_call(jit, n_runtime + 1, {n: 1 for n in names[1:]})
    with pytest.raises(TypeError, match="missing"):
        check_call(jit, n_runtime, {n: 1 for n in names[1:]})
    with pytest.raises(TypeError, match="unknown"):
        check_call(jit, n_runtime, {**{n: 1 for n in names}, "NOT_A_PARAM": 1})


def test_a_launch_hook_or_direct_false_sends_launches_through_triton():
    """A profiler's launch hook needs Triton's launch metadata: with one installed, or inside
    `direct(False)`, the direct path is off; both are restored afterwards."""
    import triton

    from suite.kernels.triton import launch

    assert launch._hooks_idle()
    chain = triton.knobs.runtime.launch_enter_hook
    hook = lambda metadata: None  # noqa: E731
    chain.add(hook)
    try:
        assert not launch._hooks_idle()
    finally:
        chain.remove(hook)
    assert launch._hooks_idle()
    before = launch._ENABLED[0]
    with launch.direct(False):
        assert launch._ENABLED[0] is False
    assert launch._ENABLED[0] == before


def test_host_integer_helpers_match_tritons():
    import triton

    from suite.kernels.triton.launch import cdiv, pow2

    for n in range(1, 300):
        assert pow2(n) == triton.next_power_of_2(n)
        for d in (1, 16, 32, 64, 100):
            assert cdiv(n, d) == triton.cdiv(n, d)


def test_a_register_cap_reaches_tritons_options_only_when_given():
    """launch's Triton path hands `maxnreg` to Triton's compile options when a cap is given and
    leaves the option out otherwise (Triton's default: ptxas chooses)."""
    from suite.kernels.triton.launch import launch

    calls = []

    class Kernel:  # not a JITFunction: launch takes Triton's path (`kernel[grid](...)`)
        def __getitem__(self, grid):
            return lambda *args, **kw: calls.append(kw)

    launch(Kernel(), (1,), 7, num_warps=4, num_stages=2, maxnreg=168, BT=64)
    launch(Kernel(), (1,), 7, num_warps=4, num_stages=2, BT=64)
    assert calls == [{"num_warps": 4, "num_stages": 2, "maxnreg": 168, "BT": 64},
                     {"num_warps": 4, "num_stages": 2, "BT": 64}]


def test_pinned_caps_reach_the_launches_they_name(monkeypatch):
    """A capped config's `maxnreg` reaches fwd_kernel's launch, its `dv_maxnreg` the dhdv sweep's,
    and nothing else of the step is capped."""
    from suite.kernels.triton import bwd, dhdv, fwd, launch, pinned

    caps = {}
    real = launch.launch

    def record(kernel, grid, *args, maxnreg=None, **kw):
        caps.setdefault(_jit(kernel).__name__, set()).add(maxnreg)
        return real(kernel, grid, *args, maxnreg=maxnreg, **kw)

    for mod in (fwd, bwd, dhdv):
        monkeypatch.setattr(mod, "launch", record)
    case = make_case("scalar", "medium", B=1, T=40, H=2, K=16, V=16, dtype=torch.float32, seed=3, h0=True)
    with pinned("fwd-scalar-bt64-bv64-w4-s2-r168"), pinned("bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv-dvr168"):
        run_case(case, "triton")
    assert caps == {"fwd_kernel": {168}, "bwd_dhdv_kernel": {168}, "bwd_chunk_kernel": {None}}, caps


def test_caps_on_kernels_a_config_does_not_launch_are_refused():
    from suite.kernels.triton.tuning import _bwd, _fwd

    with pytest.raises(ValueError, match="split"):
        _fwd("scalar", 64, 64, 4, 2, split=True, maxnreg=168)
    with pytest.raises(ValueError, match="dv_split"):
        _bwd("scalar", 64, 64, 4, 2, dv_maxnreg=168)


@pytest.mark.parametrize("cfg, cpp", [("bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv-dvr168", 1),
                                      ("bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv-c2", 2),
                                      ("bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv-dvr168-c4", 4)])
def test_chunks_per_program_set_the_chunk_pass_grid(monkeypatch, cfg, cpp):
    """A `cpp` config's chunk pass runs cdiv(NT, cpp) programs per (K-block, b*h), each told to take
    cpp chunks (T = 130 over 64-row chunks: NT = 3, so the last program of cpp = 2 has one chunk)."""
    from suite.kernels.triton import bwd, pinned

    seen = []
    real = bwd.launch

    def record(kernel, grid, *args, **kw):
        if _jit(kernel).__name__ == "bwd_chunk_kernel":
            seen.append((tuple(grid), kw["CPP"]))
        return real(kernel, grid, *args, **kw)

    monkeypatch.setattr(bwd, "launch", record)
    case = make_case("scalar", "medium", B=1, T=130, H=2, K=16, V=16, dtype=torch.float32, seed=3, h0=True)
    with pinned(cfg):
        run_case(case, "triton")
    assert seen == [((1, -(-3 // cpp), 2), cpp)], seen


def test_dhdv_sweep_stores_the_state_gradient_of_every_chunk(monkeypatch):
    """The dhdv sweep stores dS_n for every chunk the chunk pass reads (T = 300 over 64-row chunks:
    NT = 5, read by programs of cpp = 4): no slot of `dstates` keeps the NaN it was poisoned with."""
    from suite.kernels.triton import dhdv, pinned

    written = []
    real = dhdv.launch

    def sweep(kernel, grid, *args, **kw):
        dstates = args[6]  # bwd_dhdv_kernel(q, k, v, g, do, dht, dstates, ...): [B, H, NT, K, V]
        dstates.fill_(float("nan"))
        real(kernel, grid, *args, **kw)
        written.append(dstates.isfinite().all(-1).all(-1).all(0).all(0).nonzero().flatten().tolist())

    monkeypatch.setattr(dhdv, "launch", sweep)
    case = make_case("scalar", "medium", B=1, T=300, H=2, K=16, V=16, dtype=torch.float32, seed=3, h0=True)
    with pinned("bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv-dvr168-c4"):
        run_case(case, "triton")
    assert written == [[0, 1, 2, 3, 4]], written


@pytest.mark.parametrize("T, even", [(128, True), (130, False)])
def test_even_configs_drop_bounds_checks_only_where_every_tile_fits(monkeypatch, T, even):
    """`even` configs launch fwd_kernel, the dhdv sweep and the chunk pass with EVEN exactly where
    T is a multiple of the chunk (and D of the blocks), and the step's gradients are those of the
    same configs without `even` (equal arithmetic: only the bounds checks go)."""
    from suite.kernels.triton import bwd, dhdv, fwd, pinned
    from suite.kernels.triton.tuning import config_by_name

    flags = {}

    def spy(real):
        def record(kernel, grid, *args, **kw):
            flags[_jit(kernel).__name__] = kw.get("EVEN")
            return real(kernel, grid, *args, **kw)
        return record

    for mod in (fwd, dhdv, bwd):
        monkeypatch.setattr(mod, "launch", spy(mod.launch))
    case = make_case("scalar", "medium", B=1, T=T, H=2, K=16, V=16, dtype=torch.float32, seed=3, h0=True)
    outs = []
    for suffix in ("-even", ""):
        f = config_by_name("fwd-scalar-bt64-bv64-w4-s2" + suffix)
        b = config_by_name("bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv-dvr168-c4" + suffix)
        with pinned(f), pinned(b):
            outs.append(run_case(case, "triton"))
        if suffix:
            assert flags == {"fwd_kernel": even, "bwd_dhdv_kernel": even, "bwd_chunk_kernel": even}, flags
    for name, x in outs[0].items():
        if x is not None:
            assert torch.equal(x, outs[1][name]), name


def test_even_needs_the_dhdv_sweep_or_the_one_pass_forward():
    from suite.kernels.triton.tuning import _bwd, _fwd

    with pytest.raises(ValueError, match="needs dhdv"):
        _bwd("scalar", 64, 64, 4, 2, dv=64, bkc=64, even=True)
    with pytest.raises(ValueError, match="split forward"):
        _fwd("scalar", 64, 64, 4, 2, split=True, even=True)
