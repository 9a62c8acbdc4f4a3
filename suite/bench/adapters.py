"""Benchmark adapters: inputs, one callable per backend, and the correctness gate.

Backends: any kernel backend of `suite.kernels` (ours: `triton`; `chunked` on CPU; a plugin, by
name or `module:function`, `suite.kernel_plugins`, at the decay kinds it declares),
`fla` (fla-core's `chunk_simple_gla` for none/static/scalar, `chunk_gla` for vector, called
directly so that the benchmark measures fla itself), and `sdpa` (causal softmax attention through
`torch.nn.functional.scaled_dot_product_attention`, context only; it ignores the decay).

Inputs follow fla's benchmark registry (kernels-notes §5.1): q, k, v `randn` in the bench dtype,
scalar gate `logsigmoid(randn)` [B,T,H], vector gate `logsigmoid(randn).clamp_min(-5)`
[B,T,H,K], fp32; scale K^-1/2.

fla-core 0.6.0 raises in `chunk_simple_gla`'s backward on Hopper with Triton < 3.7.1 (guard for
its issue #640, kernels-notes §1.8); `fla_fn` bypasses the guard and the gate below decides,
against the fp64 recurrence, whether the result may be timed.
"""

from __future__ import annotations

import contextlib
import os

import torch
import torch.nn.functional as F

from suite.errors import SuiteError

# What make_inputs draws, stated in every kernels.md: a vector-decay time of ours depends on the
# gate (configs with `anchor` score a chunk in one product where its decay allows), fla's does not.
INPUTS = ("q, k, v `randn` in the bench dtype; log-decay (fp32): static `-rand` [H], scalar "
          "`logsigmoid(randn)` [B,T,H], vector `logsigmoid(randn).clamp_min(-5)` [B,T,H,K]; "
          "seed 0 (the check's slice: seed 1)")

# Relative-RMS gates of the benchmark (outputs and every gradient), by input dtype.
GATE = {"bfloat16": 2e-2, "float16": 1e-2, "float32": 1e-3}


def make_inputs(shape: dict, kind: str, dtype: torch.dtype, device, grad: bool, seed: int = 0):
    """(q, k, v, g) for `shape` (dict B, T, H, K, V); g None for kind none; leaves need grad if `grad`."""
    gen = torch.Generator(device="cpu").manual_seed(seed)
    B, T, H, K, V = (shape[x] for x in "BTHKV")

    def rnd(*s):
        return torch.randn(*s, generator=gen).to(device=device, dtype=dtype)

    q, k, v = rnd(B, T, H, K), rnd(B, T, H, K), rnd(B, T, H, V)
    g = None
    if kind == "static":
        g = -torch.rand(H, generator=gen).to(device)
    elif kind == "scalar":
        g = F.logsigmoid(torch.randn(B, T, H, generator=gen)).to(device)
    elif kind == "vector":
        g = F.logsigmoid(torch.randn(B, T, H, K, generator=gen)).clamp_min(-5).to(device)
    for t in (q, k, v, g):
        if t is not None and grad:
            t.requires_grad_(True)
    return q, k, v, g


def fla_available() -> bool:
    try:
        import fla.ops  # noqa: F401
    except Exception:  # noqa: BLE001 - any import failure means "not installed/usable"
        return False
    return torch.cuda.is_available()


def fla_fn(q, k, v, g, kind: str, scale: float):
    """fla-core's chunk kernel for `kind` (guard for #640 bypassed; see module docstring)."""
    from fla.ops.common import chunk_o
    from fla.ops.gla import chunk_gla
    from fla.ops.simple_gla import chunk_simple_gla

    chunk_o.TRITON_ABOVE_3_7_1 = True
    if kind == "vector":
        return chunk_gla(q, k, v, g=g, scale=scale)[0]
    if kind == "static":
        return chunk_simple_gla(q, k, v, g_gamma=g, scale=scale)[0]
    return chunk_simple_gla(q, k, v, g=g, scale=scale)[0]


def sdpa_fn(q, k, v):
    """Causal softmax attention; [B,T,H,D] in and out."""
    o = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                                       is_causal=True)
    return o.transpose(1, 2)


def backend_fn(backend: str, kind: str, scale: float):
    """A callable (q, k, v, g) -> o for `backend`."""
    if backend == "fla":
        return lambda q, k, v, g: fla_fn(q, k, v, g, kind, scale)
    if backend == "sdpa":
        return lambda q, k, v, g: sdpa_fn(q, k, v)
    from suite.kernel_plugins import resolve
    from suite.kernels import attend

    resolve(backend)  # a plugin registered under its name; SuiteError when unavailable
    return lambda q, k, v, g: attend(q, k, v, g, scale=scale, backend=backend)[0]


@contextlib.contextmanager
def configs_used(backend: str):
    """The names of the launch configs chosen inside the block, in order (ours: `triton`; an
    empty list for any other backend), for the row's provenance."""
    if backend != "triton":
        yield []
        return
    from suite.kernels.triton import tuning

    with tuning.recording() as used:
        yield used


def tuning_env() -> dict[str, str]:
    """The SUITE_TRITON_* settings of this process (pinning, pending configs, autotune off)."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("SUITE_TRITON_")}


def available(backend: str, device: torch.device) -> bool:
    if backend == "sdpa":
        return True  # torch's causal SDPA runs on CPU and CUDA alike
    if backend == "fla":
        return device.type == "cuda" and fla_available()
    from suite.kernel_plugins import runs_on

    return runs_on(backend, device)


def computes(backend: str, kind: str) -> bool:
    """Whether `backend` computes decay `kind` (fla and ours: every kind; sdpa: none, it is
    softmax attention; a plugin: the kinds it declares)."""
    if backend in ("fla", "sdpa"):
        return True
    from suite.kernel_plugins import backend_kinds

    return kind in backend_kinds(backend)


def _rel(a, b) -> float:
    a, b = a.double(), b.double()
    if not torch.isfinite(a).all():
        return float("inf")
    return ((a - b).norm() / b.norm().clamp_min(1e-30)).item()


def _reference(backend, q, k, v, g, kind, scale):
    """fp64 reference outputs on the upcast slice: recurrence, or exact attention for sdpa."""
    if backend == "sdpa":
        return sdpa_fn(q, k, v)  # fp64 math path
    from suite.kernels import attend

    return attend(q, k, v, g, scale=scale, backend="recurrent")[0]


def check(backend: str, shape: dict, kind: str, dtype, device, mode: str, tokens: int) -> dict:
    """Errors of `backend` on a slice (B=1, H<=2, T<=tokens) against an fp64 reference."""
    sl = dict(shape, B=1, H=min(shape["H"], 2), T=min(shape["T"], tokens))
    scale = shape["K"] ** -0.5
    grad = mode == "fwdbwd"
    ins = make_inputs(sl, kind, dtype, device, grad, seed=1)
    ref_ins = [None if t is None else t.detach().double().requires_grad_(grad) for t in ins]
    # one output gradient for both, exact in the tested dtype: an fp64 reference fed the unrounded
    # one differs in its input, and a gradient that sums with cancellation (the static kind's
    # [H] dg) turns that rounding into a 1e-2 "error" of the kernel
    do = None
    outs = {}
    for name, xs, fn in (("test", ins, backend_fn(backend, kind, scale)),
                         ("ref", ref_ins, lambda *a: _reference(backend, *a, kind, scale))):
        o = fn(*xs)
        res = {"o": o}
        if grad:
            if do is None:  # the tested backend runs first: do in its output dtype
                do = torch.randn(o.shape, generator=torch.Generator().manual_seed(2)).to(device, o.dtype)
            o.backward(do.to(o.dtype))
            for n, t in zip(("dq", "dk", "dv", "dg"), xs):
                if t is not None and t.grad is not None:
                    res[n] = t.grad
        outs[name] = res
    errs = {n: _rel(outs["test"][n], outs["ref"][n]) for n in outs["ref"] if n in outs["test"]}
    gate = GATE[str(dtype).replace("torch.", "")]
    return {"errors": errs, "gate": gate, "passed": all(e <= gate for e in errs.values()),
            "slice": sl}


def dtype_of(name: str) -> torch.dtype:
    try:
        return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[name]
    except KeyError:
        raise SuiteError(f"bench dtype '{name}' not allowed; allowed: bfloat16, float16, float32") from None
