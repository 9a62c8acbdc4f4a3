"""Decayed linear attention: one signature, several backends.

    o, final_state = attend(q, k, v, log_decay, scale=1.0, initial_state=None,
                            output_final_state=False, backend=None, check=False)

Shapes (layout [B, T, H, D] everywhere):
    q, k          [B, T, H, K]
    v             [B, T, H, V]
    log_decay     None         kind "none"   (plain linear attention)
                  [H]          kind "static" (one constant per head, e.g. TNL)
                  [B, T, H]    kind "scalar" (one value per head and position)
                  [B, T, H, K] kind "vector" (one value per key channel)
                  fp32, <= 0 (natural log of the decay)
    initial_state [B, H, K, V] (any float dtype; kernels accumulate the state in fp32 or better)
    o             [B, T, H, V] in q's dtype;  final_state [B, H, K, V] fp32 (or fp64 for fp64 inputs)

Recurrence (inclusive of the current token):  S_t = diag(exp(g_t)) S_{t-1} + k_t v_t^T,
o_t = scale * S_t^T q_t.

Kernels know only the decay's kind and shape, never its name. Backends register themselves in
`BACKENDS`; `default_backend(device)` picks `chunked` on CPU and `triton` on CUDA when present.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import torch

from suite.errors import SuiteError
from suite.registry import Registry

KINDS = ("none", "static", "scalar", "vector")
BACKENDS: Registry[Callable] = Registry("kernel backend")

# Modules that register backends; imported lazily so that optional ones (triton, fla) cost nothing.
_BACKEND_MODULES = {
    "recurrent": "suite.kernels.recurrent",
    "parallel": "suite.kernels.parallel",
    "chunked": "suite.kernels.chunked",
    "triton": "suite.kernels.triton",
    "fla": "suite.kernels.fla",
}


def decay_kind(log_decay: torch.Tensor | None, q: torch.Tensor) -> str:
    """The kind of `log_decay` given q [B,T,H,K]; a wrong shape raises naming the allowed ones."""
    if log_decay is None:
        return "none"
    B, T, H, K = q.shape
    shapes = {(H,): "static", (B, T, H): "scalar", (B, T, H, K): "vector"}
    kind = shapes.get(tuple(log_decay.shape))
    if kind is None:
        raise SuiteError(
            f"log_decay has shape {list(log_decay.shape)}; allowed for q of shape {list(q.shape)}: "
            f"[{H}] (static), [{B}, {T}, {H}] (scalar), [{B}, {T}, {H}, {K}] (vector) or None"
        )
    return kind


def check_inputs(q, k, v, log_decay, initial_state) -> str:
    """Validate shapes, dtypes and devices (no device sync); return the decay kind."""
    if q.dim() != 4 or k.shape != q.shape:
        raise SuiteError(f"q and k must both be [B, T, H, K]; got {list(q.shape)} and {list(k.shape)}")
    if v.dim() != 4 or v.shape[:3] != q.shape[:3]:
        raise SuiteError(f"v must be [B, T, H, V] matching q's [B, T, H]; got {list(v.shape)}")
    if not (q.dtype == k.dtype == v.dtype) or not q.is_floating_point():
        raise SuiteError(f"q, k, v must share one float dtype; got {q.dtype}, {k.dtype}, {v.dtype}")
    if len({q.device, k.device, v.device}) != 1:
        raise SuiteError("q, k and v must be on one device")
    kind = decay_kind(log_decay, q)
    if log_decay is not None and log_decay.dtype not in (torch.float32, torch.float64):
        raise SuiteError(f"log_decay must be float32 (or float64 in tests); got {log_decay.dtype}")
    if initial_state is not None:
        B, _, H, K = q.shape
        want = (B, H, K, v.shape[-1])
        if tuple(initial_state.shape) != want:
            raise SuiteError(f"initial_state must be {list(want)}; got {list(initial_state.shape)}")
    return kind


def check_values(log_decay: torch.Tensor | None) -> None:
    """Raise if log_decay has NaN or positive entries (synchronises; only with check=True)."""
    if log_decay is None:
        return
    if torch.isnan(log_decay).any():
        raise SuiteError("log_decay contains NaN")
    if (log_decay > 0).any():
        raise SuiteError(f"log_decay must be <= 0; max is {log_decay.max().item():.4g}")


def get_backend(name: str) -> Callable:
    if name in _BACKEND_MODULES and name not in BACKENDS:
        try:
            importlib.import_module(_BACKEND_MODULES[name])
        except ImportError as exc:
            raise SuiteError(f"kernel backend '{name}' is not available: {exc}") from None
    return BACKENDS.get(name)


def available_backends(device: str | torch.device = "cpu") -> list[str]:
    """Backends that import and can run on `device`."""
    out = []
    for name in _BACKEND_MODULES:
        try:
            fn = get_backend(name)
        except SuiteError:
            continue
        devices = getattr(fn, "devices", ("cpu", "cuda"))
        if torch.device(device).type in devices:
            out.append(name)
    return out


def default_backend(device: str | torch.device) -> str:
    """`triton` on CUDA when it is installed, else `chunked`. Callers record the choice."""
    if torch.device(device).type == "cuda" and "triton" in available_backends("cuda"):
        return "triton"
    return "chunked"


def attend(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    log_decay: torch.Tensor | None,
    *,
    scale: float = 1.0,
    initial_state: torch.Tensor | None = None,
    output_final_state: bool = False,
    backend: str | None = None,
    check: bool = False,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Decayed linear attention through `backend` (default: `default_backend(q.device)`)."""
    kind = check_inputs(q, k, v, log_decay, initial_state)
    if check:
        check_values(log_decay)
    fn = get_backend(backend or default_backend(q.device))
    devices = getattr(fn, "devices", ("cpu", "cuda"))
    if q.device.type not in devices:
        raise SuiteError(
            f"kernel backend '{backend}' runs on {', '.join(devices)} only; inputs are on {q.device.type}"
        )
    return fn(
        q, k, v, log_decay, kind=kind, scale=scale,
        initial_state=initial_state, output_final_state=output_final_state,
    )
