"""The static log-decay gradient from the state's derivative (suite/kernels/static_grad.py).

    pytest tests/test_static_grad.py

`static_decay_grad` against the fp64 recurrence's autograd (exact to fp64 rounding, partial
chunks, with and without initial state and final-state gradient); the chunked backend at
T = 4096 (where the old per-row sum missed the fp32 gate: 2.0e-4 for this case); bf16 autocast;
and the plain path when g needs no gradient.
"""

from __future__ import annotations

import pytest
import torch
from kernel_utils import close, make_case, reference, run_case

from suite.kernels import attend
from suite.kernels.static_grad import static_decay_grad


def _case(T, regime, *, D=8, h0=True, dtype=torch.float64, seed=0):
    return make_case("static", regime, B=2, T=T, H=3, K=D, V=D + 2, dtype=dtype, h0=h0, seed=seed,
                     grid=torch.bfloat16 if dtype != torch.float64 else None)


@pytest.mark.parametrize("T,chunk", [(1, 64), (5, 64), (64, 64), (130, 64), (130, 16), (37, 8)])
@pytest.mark.parametrize("h0", [True, False])
@pytest.mark.parametrize("with_dht", [True, False])
def test_matches_fp64_autograd(T, chunk, h0, with_dht):
    case = _case(T, "medium", h0=h0, seed=T + chunk)
    if not with_dht:
        case.dht.zero_()
    want = reference(case)["dg"]
    got = static_decay_grad(case.q, case.k, case.v, case.g, case.h0, case.do,
                            case.dht if with_dht else None, case.scale, chunk=chunk)
    assert got.shape == want.shape == (3,)
    torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("regime", ["weak", "strong"])
def test_zero_output_gradient_leaves_the_final_state_term(regime):
    """do = 0: dg is <dht, dS_T/dg> alone, including the initial state's decay e^{g T} h0."""
    case = _case(70, regime, seed=5)
    case.do.zero_()
    want = reference(case)["dg"]
    got = static_decay_grad(case.q, case.k, case.v, case.g, case.h0, case.do, case.dht, case.scale, chunk=16)
    torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)


def test_chunked_backend_long_T_meets_the_fp32_gate():
    """T = 4096, strong decay, fp32: the per-row sum gave dg at 2.0e-4 (gate 1e-4)."""
    case = make_case("static", "strong", B=2, T=4096, H=2, K=16, V=16, dtype=torch.float32, h0=True,
                     seed=4096 * 7 + 16, grid=torch.bfloat16)
    ref, out = reference(case), run_case(case, "chunked")
    for name in ("o", "ht", "dq", "dk", "dv", "dg", "dh0"):
        ok, err, _ = close(ref[name], out[name], torch.float32)
        assert ok, f"{name}: rel-RMS {err:.2e} above the fp32 gate"


def test_bf16_autocast_gives_an_fp32_gradient_close_to_fp32():
    case = _case(100, "weak", dtype=torch.float32, seed=3)
    g32 = case.g.clone().requires_grad_(True)
    o, _ = attend(case.q, case.k, case.v, g32, scale=case.scale, backend="chunked")
    (o * case.do).sum().backward()
    g16 = case.g.clone().requires_grad_(True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        o16, _ = attend(case.q, case.k, case.v, g16, scale=case.scale, backend="chunked")
    (o16.float() * case.do).sum().backward()
    assert g16.grad.dtype == torch.float32 and torch.isfinite(g16.grad).all()
    # the derivative runs in fp32 from the inputs: bf16 enters through do (cast by o16) only
    torch.testing.assert_close(g16.grad, g32.grad, rtol=2e-2, atol=1e-3)


def test_no_gradient_for_g_takes_the_plain_path():
    """A fixed g (TNL) runs the backend alone: same output, q still gets its gradient."""
    case = _case(50, "medium", dtype=torch.float32, seed=9)
    q = case.q.clone().requires_grad_(True)
    g = case.g.clone().requires_grad_(True)
    o_fixed, _ = attend(q, case.k, case.v, case.g, scale=case.scale, backend="chunked")
    o_learn, _ = attend(q, case.k, case.v, g, scale=case.scale, backend="chunked")
    assert torch.equal(o_fixed, o_learn)
    (o_fixed * case.do).sum().backward()
    dq_fixed = q.grad.clone()
    q.grad = None
    (o_learn * case.do).sum().backward()
    assert torch.equal(q.grad, dq_fixed) and g.grad is not None
