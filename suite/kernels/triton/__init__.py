"""Our own Triton kernels for decayed linear attention (the default backend on CUDA).

Registers backend `triton` in `suite.kernels.BACKENDS` (devices ("cuda",); also "cpu" when
`TRITON_INTERPRET=1` is set before import, for small tests in the interpreter). Kinds none,
static, scalar and vector; forward and backward; initial/final state; any T; K may differ from V;
fp32/fp16/bf16 inputs with fp32 log-decay. Layout of the package:

    common.py    device helpers: loads, gates, decay masks, vector-decay hierarchy
    fwd.py       forward: one sweep per (V-block, b, h), state on chip; or state pass + output pass
    bwd.py       backward: state-gradient sweep + chunk-parallel dq, dk, dv, pair-term dg
    dhdv.py      scalar kinds: the state-gradient sweep with dv computed in it (one launch)
    static_dg.py a static log-decay's gradient: the state and its derivative in one sweep
    tuning.py    launch configs, autotuning, `pinned(cfg)` for per-config conformance checks
    launch.py    launches: Triton's path once per launch signature, then the compiled kernel directly
    autograd.py  torch.autograd.Function and the backend entry point
    resources.py compile for Hopper without a GPU; ptxas registers / spills / shared memory
    NOTES.md     floors, measured versions, where the time goes

    from suite.kernels import attend
    o, s = attend(q, k, v, log_decay, scale=K**-0.5, backend="triton")
    from suite.kernels.triton import autotune_configs, pinned
"""

from __future__ import annotations

import os

import triton  # noqa: F401  (ImportError here makes the backend unavailable)

from suite.kernels import BACKENDS
from suite.kernels.triton.autograd import attend_triton
from suite.kernels.triton.tuning import autotune_configs, config_by_name, pinned

__all__ = ["attend_triton", "autotune_configs", "config_by_name", "pinned"]

attend_triton.devices = ("cpu", "cuda") if os.environ.get("TRITON_INTERPRET") == "1" else ("cuda",)
BACKENDS.register("triton")(attend_triton)
