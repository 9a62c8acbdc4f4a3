"""The `triton` backend: autograd wrapper around the forward and backward kernels.

    o, final_state = attend_triton(q, k, v, log_decay, kind=..., scale=..., initial_state=None,
                                   output_final_state=False)

Shapes as `suite.kernels` (q, k [B,T,H,K]; v [B,T,H,V]; log_decay None / [H] / [B,T,H] /
[B,T,H,K] fp32). The forward saves the state entering each chunk (q's dtype) when a gradient is
needed; the backward is a reverse state-gradient sweep and a chunk-parallel pass (bwd.py).
Gradients: q, k, v in their dtype, log-decay fp32, initial_state fp32. A static log-decay [H]
takes its gradient from the state's derivative (`suite.kernels.static_grad` has the maths; the
sweep that computes it here is `static_dg.py`), not from the kernel's per-row gradients summed
over B and T, which cancel at long T (NOTES.md).
"""

from __future__ import annotations

import os

import torch

from suite.errors import SuiteError
from suite.kernels.static_grad import attach_static_grad, static_decay_grad
from suite.kernels.triton import tuning
from suite.kernels.triton.bwd import launch_bwd
from suite.kernels.triton.fwd import launch_fwd
from suite.kernels.triton.static_dg import static_decay_grad_triton

# dtype of the per-chunk states and state gradients kept for the backward (None: q's dtype);
# `SUITE_TRITON_STATES=fp32` keeps them in fp32 (a precision experiment; twice the bytes). The
# static kind keeps fp32: when its [H] gradient was the sum of the kernel's per-row ones, bf16
# states put it at 1.2e-2 rel. RMS on the H200 (T=500, weak decay) against the 5e-3 gate (that
# gradient now comes from the state's derivative, static_dg.py; bf16 states for static are
# untried on the GPU).
STATES_DTYPE = torch.float32 if os.environ.get("SUITE_TRITON_STATES") == "fp32" else None


def _states_dtype(kind, q):
    return torch.float32 if kind == "static" else (STATES_DTYPE or q.dtype)
KIND_ID = {"none": 0, "static": 1, "scalar": 2, "vector": 3}


def _family(kind: str) -> str:
    return "vector" if kind == "vector" else "scalar"


def _key(pass_, kind, q, v):
    """The autotune key of one launch. It names the kind, not only its family: KIND is a
    constexpr, so the kinds of one family are different kernels, and a pick timed on one is not
    the other's (H100 anchor, NOTES v29: static's forward pick `-rows-tma`, timed first in one
    bench, then ran scalar in 0.292 ms, where scalar's own pick `-rows-even` takes 0.237)."""
    B, T, H, K = q.shape
    return (pass_, _family(kind), kind, B * H, K, v.shape[-1], str(q.dtype),
            1 << max(T - 1, 1).bit_length())


def run_forward(q, k, v, g, h0, scale, kind, *, save, store_ht):
    """Forward launch (autotuned or pinned). Returns (o, ht or None, states or None, BT)."""
    B, T, H, K = q.shape
    V = v.shape[-1]
    family = _family(kind)
    fp32 = q.dtype == torch.float32
    bt = tuning.train_bt(family, K, V, fp32) if save else None
    cands = tuning.candidates("fwd", family, bt, max(K, V), fp32)
    o = torch.empty_like(v)
    ht = q.new_empty(B, H, K, V, dtype=torch.float32) if store_ht else None

    def launch(cfg):
        nt = -(-T // cfg["BT"])
        states = q.new_empty(B, H, nt, K, V, dtype=_states_dtype(kind, q)) if save else None
        out = {"o": o, "ht": ht, "states": states}
        launch_fwd(q, k, v, g, h0, scale, KIND_ID[kind], save=save, store_ht=store_ht, cfg=cfg, out=out)
        return out

    cfg = tuning.choose(_key("fwd", kind, q, v) + (save,), cands, launch, q.device)
    out = launch(cfg)
    return o, ht, out["states"], cfg["BT"]


def run_backward(saved, do, dht, scale, kind, bt, need_dg=True):
    """Backward launch (autotuned among configs with the forward's BT). Returns grads; the
    per-row gate gradient only when `need_dg` (otherwise the kernel skips its pair terms)."""
    q, v = saved["q"], saved["v"]
    family = _family(kind)
    d = max(q.shape[-1], v.shape[-1])
    cands = [c for c in tuning.candidates("bwd", family, None, d, q.dtype == torch.float32) if c["BT"] == bt]
    if not cands:  # e.g. a pinned forward config whose BT no backward config of this d has
        same_bt = [c for c in tuning.autotune_configs("bwd", family) if c["BT"] == bt]
        base = (same_bt or tuning.autotune_configs("bwd", family))[0]
        cands = [dict(base, BT=bt, name=f"{base['name']}-as-bt{bt}")]
    g_rows = None
    if kind != "none" and need_dg:
        g_rows = q.new_empty(q.shape if kind == "vector" else q.shape[:3], dtype=torch.float32)
    out = {
        "dq": torch.empty_like(q), "dk": torch.empty_like(saved["k"]), "dv": torch.empty_like(v),
        "dg": g_rows, "dh0": q.new_empty(saved["h0_shape"], dtype=torch.float32) if saved["has_h0"] else None,
        "dstates": torch.empty_like(saved["states"]),
    }
    cfg = tuning.choose(_key("bwd", kind, q, v) + (bt, g_rows is not None), cands,
                        lambda c: launch_bwd(saved, do, dht, scale, KIND_ID[kind], cfg=c, out=out), q.device)
    launch_bwd(saved, do, dht, scale, KIND_ID[kind], cfg=cfg, out=out)
    return out


class TritonAttend(torch.autograd.Function):
    @staticmethod
    def forward(ctx, q, k, v, g, h0, scale, kind, output_final_state, grad_mode):
        # states are kept only when a gradient can be asked for: needs_input_grad alone is also
        # True under torch.no_grad() (an inference forward then paid for the states' stores)
        save = grad_mode and any(ctx.needs_input_grad[:5])
        o, ht, states, bt = run_forward(q, k, v, g, h0, scale, kind, save=save,
                                        store_ht=output_final_state)
        ctx.save_for_backward(q, k, v, g, states)
        ctx.meta = (scale, kind, bt, h0 is not None, None if h0 is None else h0.shape, ht is not None)
        return o, ht

    @staticmethod
    def backward(ctx, do, dht):
        q, k, v, g, states = ctx.saved_tensors
        scale, kind, bt, has_h0, h0_shape, has_ht = ctx.meta
        saved = {"q": q, "k": k, "v": v, "g": g, "states": states, "has_h0": has_h0,
                 "h0_shape": h0_shape, "ieee": q.dtype == torch.float32}
        dht = None if (dht is None or not has_ht) else dht.float().contiguous()
        out = run_backward(saved, do.contiguous(), dht, scale, kind, bt, need_dg=ctx.needs_input_grad[3])
        dg = out["dg"]
        if kind == "static" and dg is not None:
            dg = dg.sum((0, 1))  # [B, T, H] per-row gradients -> [H]
        return out["dq"], out["dk"], out["dv"], dg, out["dh0"], None, None, None, None


def attend_triton(q, k, v, log_decay, *, kind, scale, initial_state, output_final_state):
    """Backend entry point (signature of `suite.kernels.BACKENDS`)."""
    if q.dtype not in (torch.float32, torch.float16, torch.bfloat16):
        raise SuiteError(f"triton backend supports float32, float16 and bfloat16 inputs; got {q.dtype}")
    q, k, v = q.contiguous(), k.contiguous(), v.contiguous()
    g = None if log_decay is None else log_decay.float().contiguous()
    h0 = None if initial_state is None else initial_state.float().contiguous()
    static_grad = kind == "static" and g.requires_grad and torch.is_grad_enabled()
    o, ht = TritonAttend.apply(q, k, v, g.detach() if static_grad else g, h0, float(scale), kind,
                               bool(output_final_state), torch.is_grad_enabled())
    ht = ht if output_final_state else None
    if static_grad:  # per-head g: its gradient from the state's derivative (suite/kernels/static_grad.py)
        o, ht = attach_static_grad(o, ht, q, k, v, g, h0, float(scale), grad_fn=_static_grad_fn())
    return o, ht


def _static_grad_fn():
    """The Triton sweep (static_dg.py), or the torch version with SUITE_TRITON_STATIC_GRAD=torch."""
    choice = os.environ.get("SUITE_TRITON_STATIC_GRAD", "triton")
    if choice == "torch":
        return static_decay_grad
    if choice != "triton":
        raise SuiteError(f"SUITE_TRITON_STATIC_GRAD={choice!r}: allowed values are triton, torch")
    return static_decay_grad_triton
