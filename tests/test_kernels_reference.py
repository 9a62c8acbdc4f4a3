"""The pure-PyTorch kernels against the fp64 recurrent reference, and the dispatcher's contract.

    pytest tests/test_kernels_reference.py          (~30 s on 2 cores)

`parallel` and `chunked` (chunk 16 and 64) are checked in fp64 on o, the final state and every
gradient (dq, dk, dv, d log-decay, d initial state) for every decay kind, T in {1, 63, 64, 200},
weak and strong decay, K != V (8/6) and the LRPE case K = 2V; `chunked` also in fp32 against the
fp64 reference (and at -30 per step in fp32/bf16); then the reference's own dg identity, the
input checks of `attend`, the fla backend's absence on CPU, and the test helpers themselves
(tolerance rule, NaN poisoning).
"""

from __future__ import annotations

import functools

import pytest
import torch
from kernel_utils import (
    KINDS,
    REGIMES,
    TOLERANCE,
    assert_all_close,
    assert_close,
    make_case,
    nan_poisoned_allocations,
    reference,
    run_case,
)

from suite.errors import SuiteError
from suite.kernels import attend, get_backend
from suite.kernels.chunked import attend_chunked

KV = {"k8v6": (8, 6), "lrpe_k2v": (8, 4)}


def _chunked(case, chunk_size):
    def fn(q, k, v, g, h0):
        return attend_chunked(q, k, v, g, scale=case.scale, initial_state=h0,
                              output_final_state=True, chunk_size=chunk_size)
    return fn


@functools.cache
def _case_and_ref(kind, T, regime, kv, dtype=torch.float64):
    K, V = KV[kv]
    case = make_case(kind, regime, B=2, T=T, H=2, K=K, V=V, dtype=dtype, h0=True, seed=T)
    return case, reference(case)


@pytest.mark.parametrize("kv", list(KV))
@pytest.mark.parametrize("regime", ["weak", "strong"])
@pytest.mark.parametrize("T", [1, 63, 64, 200])
@pytest.mark.parametrize("kind", KINDS)
def test_fp64_matches_reference(kind, T, regime, kv):
    case, ref = _case_and_ref(kind, T, regime, kv)
    assert_all_close(ref, run_case(case, "parallel"), torch.float64, "parallel")
    for C in (16, 64):
        out = run_case(case, fn=_chunked(case, C))
        assert_all_close(ref, out, torch.float64, f"chunked C={C}")


@pytest.mark.parametrize("regime", list(REGIMES))
@pytest.mark.parametrize("kind", KINDS)
def test_fp32_chunked_matches_fp64_reference(kind, regime):
    case = make_case(kind, regime, B=2, T=200, H=2, K=16, V=12, dtype=torch.float32, seed=3)
    ref = reference(case)
    for C in (16, 64):
        assert_all_close(ref, run_case(case, fn=_chunked(case, C)), torch.float32, f"chunked C={C}")
    assert_all_close(ref, run_case(case, "parallel"), torch.float32, "parallel")


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
@pytest.mark.parametrize("kind", ["static", "scalar", "vector"])
def test_decay_of_minus_30_per_step_stays_finite(kind, dtype):
    case = make_case(kind, "strong", B=1, T=130, H=2, K=8, V=8, dtype=dtype, seed=5)
    case.g = torch.full_like(case.g, -30.0)
    case.g.view(-1)[::7] = 0.0  # some steps keep the state: G spans (-30 * C, 0]
    ref = reference(case)
    for backend in ("chunked", "parallel"):
        out = run_case(case, backend)
        assert all(torch.isfinite(t).all() for t in out.values()), backend
        assert_all_close(ref, out, dtype, backend)


@pytest.mark.parametrize("kind", ["static", "scalar", "vector"])
def test_reference_dg_identity(kind):
    """dg_t = sum_{s>=t} (q_s . dq_s - k_s . dk_s) + <ht, dht> (per key channel for vector)."""
    case, ref = _case_and_ref(kind, 63, "weak", "k8v6")
    q, k = case.q.double(), case.k.double()
    per_t = q * ref["dq"] - k * ref["dk"]  # [B, T, H, K]
    state = ref["ht"] * case.dht.double()  # [B, H, K, V]
    dg = per_t.flip(1).cumsum(1).flip(1) + state.sum(-1).unsqueeze(1)  # [B, T, H, K]
    if kind != "vector":
        dg = dg.sum(-1)  # [B, T, H]
    if kind == "static":
        dg = dg.sum((0, 1))  # [H]
    torch.testing.assert_close(dg, ref["dg"], rtol=1e-10, atol=1e-10)


def _small(kind="scalar", dtype=torch.float32):
    return make_case(kind, "medium", B=1, T=20, H=2, K=4, V=4, dtype=dtype)


@pytest.mark.parametrize("bad", [0.5, float("nan")])
def test_check_true_rejects_positive_or_nan_log_decay(bad):
    c = _small()
    c.g[0, 3, 1] = bad
    with pytest.raises(SuiteError, match="log_decay"):
        attend(c.q, c.k, c.v, c.g, check=True)


@pytest.mark.parametrize("backend", ["recurrent", "parallel", "chunked"])
def test_default_path_does_not_check_values(backend):
    """check=False never inspects values (no device sync): NaN decay gives NaN, not an exception."""
    c = _small()
    c.g[0, 3, 1] = float("nan")
    o, _ = attend(c.q, c.k, c.v, c.g, backend=backend)
    assert torch.isnan(o[0, 3:, 1]).any() and torch.isfinite(o[0, :3]).all()


@pytest.mark.parametrize("shape", [(3,), (1, 19, 2), (1, 20, 2, 3), (2, 1)])
def test_wrong_log_decay_shape_raises_one_line(shape):
    c = _small()
    with pytest.raises(SuiteError) as err:
        attend(c.q, c.k, c.v, torch.zeros(shape))
    msg = str(err.value)
    assert "\n" not in msg and "[2]" in msg and "[1, 20, 2]" in msg and "[1, 20, 2, 4]" in msg


def test_mismatched_dtypes_raise():
    c = _small()
    with pytest.raises(SuiteError, match="dtype"):
        attend(c.q, c.k.double(), c.v, c.g)
    with pytest.raises(SuiteError, match="log_decay"):
        attend(c.q, c.k, c.v, c.g.bfloat16())


@pytest.mark.parametrize("backend", ["parallel", "chunked"])
@pytest.mark.parametrize("kind", ["scalar", "vector"])
def test_non_contiguous_inputs(kind, backend):
    c = make_case(kind, "medium", B=2, T=70, H=3, K=8, V=6, dtype=torch.float64)
    want = attend(c.q, c.k, c.v, c.g, scale=c.scale, initial_state=c.h0,
                  output_final_state=True, backend="recurrent")
    nc = [x.transpose(1, 2).contiguous().transpose(1, 2) for x in (c.q, c.k, c.v)]  # [B,T,H,D] views
    g = torch.stack([c.g, c.g], dim=-1)[..., 0] if kind == "vector" else c.g.mT.contiguous().mT
    h0 = c.h0.transpose(-1, -2).contiguous().transpose(-1, -2)
    assert not any(x.is_contiguous() for x in (*nc, g, h0))
    got = attend(*nc, g, scale=c.scale, initial_state=h0, output_final_state=True, backend=backend)
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_low_precision_dtypes_round_trip():
    c = _small("vector", torch.bfloat16)
    o, s = attend_chunked(c.q, c.k, c.v, c.g, initial_state=c.h0, output_final_state=True)
    assert o.dtype == torch.bfloat16 and s.dtype == torch.float32


def test_chunk_size_must_be_multiple_of_sub_chunk():
    c = _small()
    with pytest.raises(SuiteError, match="chunk_size"):
        attend_chunked(c.q, c.k, c.v, c.g, chunk_size=24, sub_chunk=16)


def test_fla_backend_unavailable_on_cpu():
    """Without fla-core (or on CPU, where its Triton ops cannot run) `fla` fails with a SuiteError."""
    c = _small()
    with pytest.raises(SuiteError, match="fla"):
        get_backend("fla")
        attend(c.q, c.k, c.v, c.g, backend="fla")


def test_a_cuda_only_backend_on_cpu_inputs_is_one_clear_error(monkeypatch):
    """Outside the interpreter `triton` registers for cuda alone (as fla always does); asked for
    with CPU tensors, attend says so in one sentence instead of launching."""
    pytest.importorskip("triton")
    import suite.kernels.triton  # noqa: F401  (registers the backend)

    monkeypatch.setattr(get_backend("triton"), "devices", ("cuda",))
    c = _small()
    with pytest.raises(SuiteError, match=r"^kernel backend 'triton' runs on cuda only; inputs are on cpu$"):
        attend(c.q, c.k, c.v, c.g, backend="triton")


@pytest.mark.parametrize("dtype", list(TOLERANCE))
def test_assert_close_rule(dtype):
    ref = torch.randn(1000, dtype=torch.float64)
    ratio, _ = TOLERANCE[dtype]
    assert_close("near", ref, ref * (1 + 0.5 * ratio), dtype)
    with pytest.raises(AssertionError, match="far"):
        assert_close("far", ref, ref * (1 + 2 * ratio), dtype)
    bad = ref.clone()
    bad[7] = float("nan")
    with pytest.raises(AssertionError, match="nan"):
        assert_close("nan", ref, bad, dtype)


def test_nan_poisoning_catches_unwritten_outputs():
    case, ref = _case_and_ref("scalar", 63, "weak", "k8v6")
    original = torch.empty

    def lazy(q, k, v, g, h0):  # a faulty kernel: never writes the last step of o
        o, ht = attend_chunked(q, k, v, g, scale=case.scale, initial_state=h0, output_final_state=True)
        buf = torch.empty_like(o)
        buf[:, :-1] = o[:, :-1]
        return buf, ht

    with nan_poisoned_allocations():
        out = run_case(case, fn=lazy)
    assert torch.empty is original
    assert torch.isnan(out["o"][:, -1]).all()
    with pytest.raises(AssertionError, match="o"):
        assert_close("o", ref["o"], out["o"], torch.float64)


def test_chunked_vector_backward_under_bf16_autocast():
    """The model trains under bf16 autocast: the chunked backend's off-diagonal score product is
    then a bf16 matmul whose gradient arrives in fp32; its backward must accept that and stay
    within bf16 error of the fp64 reference."""
    torch.manual_seed(0)
    B, T, H, D = 1, 128, 1, 16  # T = 128: several sub-chunks per chunk, so off-diagonal blocks exist
    q, k, v = (torch.randn(B, T, H, D) for _ in range(3))
    g = torch.nn.functional.logsigmoid(torch.randn(B, T, H, D))
    w = torch.randn(B, T, H, D, dtype=torch.float64)
    grads = {}
    for name, dtype in (("ref", torch.float64), ("chunked", torch.bfloat16)):
        leaves = [x.to(dtype).requires_grad_(True) for x in (q, k, v)] + [g.double().requires_grad_(True)
                                                                          if name == "ref" else g.clone().requires_grad_(True)]
        backend = "recurrent" if name == "ref" else "chunked"
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=name == "chunked"):
            o, _ = attend(*leaves, backend=backend)
        (o.double() * w).sum().backward()
        grads[name] = [x.grad.double() for x in leaves]
    for ref, got in zip(grads["ref"], grads["chunked"]):
        assert ((got - ref).norm() / ref.norm()).item() < 2e-2
