"""Optional adapter to fla-core's chunk kernels, a peer to compare against (CUDA only).

    pip install fla-core==0.6.0          # ops only; needs torch and triton
    from suite.kernels import attend
    o, s = attend(q, k, v, log_decay, scale=K ** -0.5, backend="fla")

Registers backend `fla` with devices ("cuda",) when `fla` imports; otherwise importing this
module raises ImportError and `get_backend("fla")` raises a SuiteError saying so. fla imports on
a CPU machine but its Triton ops cannot run there (kernels-notes §1.2), hence CUDA only.

Mapping (kernels-notes §1.3-1.5): static -> `chunk_simple_gla(g_gamma=[H])`; scalar ->
`chunk_simple_gla(g=[B,T,H])`; none -> `chunk_simple_gla` with a zero g; vector ->
`chunk_gla(g=[B,T,H,K])`. `scale` is always passed explicitly (fla's default is K^-1/2); the
initial state is passed in fp32 (chunk_gla asserts it); layout [B,T,H,D] (no head_first kwarg).

Hopper guard (kernels-notes §1.8): fla-core 0.6.0 raises in the backward of `chunk_simple_gla`
with a data-dependent g (kinds none and scalar) on Hopper GPUs with Triton >= 3.4 and < 3.7.1,
because of a miscompile of its dq/dk/dg kernel reported in its issue #640. The guard is kept by
default. For benchmarking only, `SUITE_FLA_BYPASS_HOPPER_GUARD=1` (or
`attend_fla(..., bypass_hopper_guard=True)`) switches it off for the rest of the process; the
gradients must then be checked against the fp64 reference in the same run (the conformance suite
does), since the miscompile, where it occurs, is silent.
"""

from __future__ import annotations

import os

import torch

try:
    from fla.ops.gla import chunk_gla
    from fla.ops.simple_gla import chunk_simple_gla
except Exception as exc:  # noqa: BLE001 - any failure to import means the backend is absent
    raise ImportError(f"fla-core is not importable ({type(exc).__name__}: {exc})") from None

from suite.kernels import BACKENDS

BYPASS_ENV = "SUITE_FLA_BYPASS_HOPPER_GUARD"


def _bypass_guard() -> None:
    """Switch off fla's #640 guard for this process (benchmarking only; see module doc)."""
    from fla.ops.common import chunk_o

    chunk_o.TRITON_ABOVE_3_7_1 = True


@BACKENDS.register("fla")
def attend_fla(q, k, v, log_decay, *, kind, scale, initial_state, output_final_state,
               bypass_hopper_guard=None):
    if bypass_hopper_guard or (bypass_hopper_guard is None and os.environ.get(BYPASS_ENV) == "1"):
        _bypass_guard()
    h0 = initial_state.float() if initial_state is not None else None
    common = {"scale": scale, "initial_state": h0, "output_final_state": output_final_state}
    if kind == "vector":
        return chunk_gla(q, k, v, g=log_decay.float(), **common)
    if kind == "static":
        return chunk_simple_gla(q, k, v, g_gamma=log_decay.float(), **common)
    if kind == "none":  # plain linear attention = scalar decay with zero log-decay
        log_decay = torch.zeros(q.shape[:3], dtype=torch.float32, device=q.device)
    return chunk_simple_gla(q, k, v, g=log_decay.float(), **common)


attend_fla.devices = ("cuda",)
