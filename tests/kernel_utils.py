"""Shared helpers of the kernel tests: the one tolerance rule, input cases, the fp64 reference.

    from kernel_utils import make_case, reference, run_case, assert_close
    case = make_case("vector", "strong", B=2, T=63, H=2, K=8, V=6, dtype=torch.float32, h0=True)
    ref = reference(case)                       # fp64 recurrent: o, ht, dq, dk, dv, dg, dh0
    out = run_case(case, backend="chunked")     # the same tensors from the backend under test
    for name in ref: assert_close(name, ref[name], out[name], case.dtype)

Metric (fla's, kernels-notes §3.4; table and metric live in `suite.kernels.testing`): a tensor passes if its max absolute error is <= the dtype's
`atol`, otherwise if it is finite and its relative RMS error ||ref - out|| / ||ref|| is below the
dtype's `ratio`. One table, no lenient mode; NaN or inf never passes. Decay regimes follow fla's
gate normaliser: log-decay = logsigmoid(randn) / n, n = 10 (weak), 1 (medium), 0.1 (strong, down
to about -30 per step). Backward is driven by loss = (o * do).sum() + (ht * dht).sum().
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

from suite.kernels import attend
from suite.kernels.testing import TOLERANCE, close  # the one table and metric

REGIMES = {"weak": 10.0, "medium": 1.0, "strong": 0.1}
KINDS = ("none", "static", "scalar", "vector")
TENSORS = ("o", "ht", "dq", "dk", "dv", "dg", "dh0")


def assert_close(name: str, ref: torch.Tensor, out: torch.Tensor, dtype: torch.dtype) -> float:
    """Assert `out` matches `ref` under `dtype`'s tolerance; returns the relative RMS error."""
    assert out.shape == ref.shape, f"{name}: shape {list(out.shape)} != reference {list(ref.shape)}"
    ok, rel, err = close(ref, out, dtype)
    ratio, atol = TOLERANCE[dtype]
    assert ok, f"{name}: rel-RMS {rel:.3g} (bound {ratio:g}), max abs {err:.3g} (atol {atol:g}), {dtype}"
    return rel


@dataclass
class Case:
    """Inputs of one check; tensors are detached (the runners make their own leaves)."""

    kind: str
    regime: str
    dtype: torch.dtype
    q: torch.Tensor
    k: torch.Tensor
    v: torch.Tensor
    g: torch.Tensor | None
    h0: torch.Tensor | None
    do: torch.Tensor
    dht: torch.Tensor
    scale: float

    @property
    def shape(self) -> dict:
        B, T, H, K = self.q.shape
        return {"B": B, "T": T, "H": H, "K": K, "V": self.v.shape[-1]}


def make_log_decay(kind, regime, B, T, H, K, gen, dtype=torch.float32) -> torch.Tensor | None:
    """logsigmoid(randn) / n in the shape of `kind` (fp32; fp64 for fp64 cases)."""
    shape = {"none": None, "static": (H,), "scalar": (B, T, H), "vector": (B, T, H, K)}[kind]
    if shape is None:
        return None
    return (F.logsigmoid(torch.randn(*shape, generator=gen, dtype=torch.float64)) / REGIMES[regime]).to(dtype)


def make_case(kind, regime, *, B=2, T=63, H=2, K=8, V=6, dtype=torch.float64, h0=True,
              device="cpu", seed=0, grid=None) -> Case:
    """A reproducible case: q, k, v randn in `dtype`; fp32 gate and state (fp64 for fp64).

    With `grid=torch.bfloat16`, q, k, v and do hold values exact in bf16, fp16 and fp32 (rounded
    to bf16, |x| < 2^-14 flushed to 0), so `as_dtype` copies share one fp64 reference."""
    gen = torch.Generator().manual_seed(seed)
    acc = torch.promote_types(dtype, torch.float32)

    def rnd(*s, dt=dtype):
        x = torch.randn(*s, generator=gen, dtype=torch.float64)
        if grid is not None and dt == dtype:
            x = x.to(grid).double()
            x = torch.where(x.abs() < 2.0 ** -14, 0.0, x)
        return x.to(device=device, dtype=dt)

    q, k, v = rnd(B, T, H, K), rnd(B, T, H, K), rnd(B, T, H, V)
    g = make_log_decay(kind, regime, B, T, H, K, gen, acc)
    return Case(kind, regime, dtype, q, k, v, None if g is None else g.to(device),
                rnd(B, H, K, V, dt=acc) if h0 else None, rnd(B, T, H, V), rnd(B, H, K, V, dt=acc),
                K ** -0.5)


def as_dtype(case: Case, dtype: torch.dtype) -> Case:
    """A copy of a `grid` case with q, k, v and do in `dtype` (same values; gate/state fp32)."""
    return replace(case, dtype=dtype, q=case.q.to(dtype), k=case.k.to(dtype), v=case.v.to(dtype),
                   do=case.do.to(dtype))


def run_case(case: Case, backend: str = "recurrent", *, fp64: bool = False, fn=None) -> dict:
    """o, ht and the gradients dq, dk, dv, dg, dh0 (those that exist) through autograd.

    `fn(q, k, v, g, h0) -> (o, ht)` overrides the backend (e.g. a chunk size); `fp64` upcasts
    every input first (the reference)."""
    if fn is None:
        def fn(q, k, v, g, h0):
            return attend(q, k, v, g, scale=case.scale, initial_state=h0,
                          output_final_state=True, backend=backend)
    names = ("q", "k", "v", "g", "h0")
    leaves = {}
    for n in names:
        t = getattr(case, n)
        if t is not None:
            t = t.detach().clone().to(torch.float64 if fp64 else t.dtype)
            leaves[n] = t.requires_grad_(True)
    o, ht = fn(*(leaves.get(n) for n in names))
    do, dht = (case.do, case.dht) if not fp64 else (case.do.double(), case.dht.double())
    ((o * do.to(o.dtype)).sum() + (ht * dht.to(ht.dtype)).sum()).backward()
    out = {"o": o.detach(), "ht": ht.detach()}
    out.update({"d" + n: t.grad for n, t in leaves.items()})
    return out


def reference(case: Case) -> dict:
    """The fp64 recurrent reference of `case` (outputs, final state and every gradient)."""
    return run_case(case, "recurrent", fp64=True)


def assert_all_close(ref: dict, out: dict, dtype: torch.dtype, label: str = "") -> None:
    """assert_close on every tensor of `ref` (a gradient missing from `out` fails)."""
    for name, want in ref.items():
        assert out.get(name) is not None, f"{label} {name}: missing"
        assert_close(f"{label} {name}".strip(), want, out[name], dtype)


def assert_same_schedule_result(label: str, got: dict, other: dict, ref: dict, rtol: float, atol: float,
                                fp64_tol: float = 1e-4) -> None:
    """Two schedules of one case (`got`, `other`: run_case outputs) agree on every tensor within
    rtol/atol, and `got` is within relative error fp64_tol of the fp64 reference `ref`."""
    assert set(got) == set(other) == set(ref)
    for name in sorted(got):
        torch.testing.assert_close(got[name], other[name], rtol=rtol, atol=atol, msg=f"{label} {name}")
        err = (got[name].double() - ref[name]).norm() / ref[name].norm().clamp_min(1e-30)
        assert err < fp64_tol, f"{label} {name}: vs fp64, rel. error {err:.2e}"


def poison_(t: torch.Tensor) -> torch.Tensor:
    """Fill a float buffer with NaN in place (so unwritten entries fail loudly)."""
    if t.is_floating_point():
        with torch.no_grad():
            t.fill_(float("nan"))
    return t


@contextlib.contextmanager
def nan_poisoned_allocations():
    """Within the block, torch.empty / empty_like / Tensor.new_empty return NaN-filled float memory.

    Kernels allocate outputs with these; any element a kernel forgets to write stays NaN and fails
    `assert_close` (fla's tests/conftest.py does the same, kernels-notes §3.5)."""
    originals = (torch.empty, torch.empty_like, torch.Tensor.new_empty)

    def wrap(f):
        def poisoned(*a, **kw):
            return poison_(f(*a, **kw))
        return poisoned

    torch.empty, torch.empty_like = wrap(originals[0]), wrap(originals[1])
    torch.Tensor.new_empty = wrap(originals[2])
    try:
        yield
    finally:
        torch.empty, torch.empty_like, torch.Tensor.new_empty = originals
