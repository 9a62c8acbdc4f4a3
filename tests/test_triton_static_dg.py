"""The Triton sweep for a static log-decay's gradient (suite/kernels/triton/static_dg.py).

    pytest tests/test_triton_static_dg.py       # CPU: the Triton interpreter (conftest sets it)

The sweep carries the state and its derivative dS/dg; its dg must equal the fp64 recurrence's
autograd at fp32 accuracy for fp32 and fp16 inputs (the interpreter mishandles bf16 products;
bf16 runs on the GPU), over partial chunks, several K- and V-blocks, with and without initial
state and final-state gradient; and the `triton` backend must use it (or the torch version when
asked), with the same result.
"""

from __future__ import annotations

import pytest
import torch
from kernel_utils import make_case, reference

from suite.errors import SuiteError
from suite.kernels import attend, available_backends

pytestmark = pytest.mark.skipif("triton" not in available_backends("cpu"),
                                reason="Triton interpreter not available")


def _case(T, regime, *, K=16, V=24, h0=True, seed=0):
    return make_case("static", regime, B=2, T=T, H=3, K=K, V=V, dtype=torch.float32, h0=h0,
                     seed=seed, grid=torch.bfloat16)


@pytest.mark.parametrize("T,chunk,block", [(1, 16, 64), (37, 16, 16), (64, 64, 64), (130, 32, 16)])
@pytest.mark.parametrize("h0,with_dht", [(True, True), (False, False), (True, False)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_sweep_matches_fp64_autograd(T, chunk, block, h0, with_dht, dtype):
    from suite.kernels.triton.static_dg import static_decay_grad_triton

    case = _case(T, "medium", h0=h0, seed=T + chunk + block)
    if not with_dht:
        case.dht.zero_()
    want = reference(case)["dg"]  # inputs on the bf16 grid: exact in fp16 as well
    q, k, v, do = (x.to(dtype) for x in (case.q, case.k, case.v, case.do))
    got = static_decay_grad_triton(q, k, v, case.g, case.h0, do, case.dht if with_dht else None,
                                   case.scale, chunk=chunk, block=block)
    assert got.shape == want.shape == (3,) and got.dtype == case.g.dtype
    err = (got.double() - want).norm() / want.norm().clamp_min(1e-12)  # T = 1 alone: dg = 0
    assert err < 1e-5, f"rel. error {err:.2e}"


@pytest.mark.parametrize("regime", ["weak", "strong"])
def test_zero_output_gradient_leaves_the_final_state_term(regime):
    """do = 0: dg is <dht, dS_T/dg> alone, including the initial state's decay e^{g T} h0."""
    from suite.kernels.triton.static_dg import static_decay_grad_triton

    case = _case(70, regime, seed=5)
    case.do.zero_()
    want = reference(case)["dg"]
    got = static_decay_grad_triton(case.q, case.k, case.v, case.g, case.h0, case.do, case.dht,
                                   case.scale, chunk=32, block=16)
    assert ((got.double() - want).norm() / want.norm()) < 1e-5


def test_backend_takes_the_sweep_or_the_torch_version(monkeypatch):
    """The triton backend's static dg comes from the sweep (spied); SUITE_TRITON_STATIC_GRAD=torch
    gives the torch version's dg, equal to fp32 accuracy; any other value is refused."""
    from suite.kernels.triton import autograd

    calls = []
    real = autograd.static_decay_grad_triton
    monkeypatch.setattr(autograd, "static_decay_grad_triton",
                        lambda *a, **kw: calls.append(1) or real(*a, **kw))
    case = _case(50, "medium", seed=9)
    grads = {}
    for choice in ("triton", "torch"):
        monkeypatch.setenv("SUITE_TRITON_STATIC_GRAD", choice)
        g = case.g.clone().requires_grad_(True)
        o, _ = attend(case.q, case.k, case.v, g, scale=case.scale, initial_state=case.h0, backend="triton")
        (o * case.do).sum().backward()
        grads[choice] = g.grad
    assert calls == [1]
    torch.testing.assert_close(grads["triton"], grads["torch"], rtol=1e-5, atol=1e-6)
    monkeypatch.setenv("SUITE_TRITON_STATIC_GRAD", "fast")
    g = case.g.clone().requires_grad_(True)
    with pytest.raises(SuiteError, match="SUITE_TRITON_STATIC_GRAD='fast': allowed values are triton, torch"):
        attend(case.q, case.k, case.v, g, scale=case.scale, backend="triton")
