"""The kernel tolerance rule, importable from the package (the kernel tests and `suite submit`).

    from suite.kernels.testing import TOLERANCE, close
    ok, rel, err = close(ref, out, torch.float32)

Metric (fla's, kernels-notes §3.4): a tensor passes if its max absolute error is <= the dtype's
`atol`, otherwise if it is finite and its relative RMS error ||ref - out|| / ||ref|| is below the
dtype's `ratio`. One table, no lenient mode; NaN or inf never passes. `tests/kernel_utils.py`
holds the same table for the kernel tests; tests/test_leaderboard.py fails if the two differ.
"""

from __future__ import annotations

import torch

# dtype -> (ratio: relative RMS error bound, atol: max-abs error under which a tensor passes)
TOLERANCE = {
    torch.float64: (1e-9, 1e-12),
    torch.float32: (1e-4, 1e-6),
    torch.float16: (3e-3, 1e-5),
    torch.bfloat16: (5e-3, 1e-5),
}


def rel_rms(ref: torch.Tensor, out: torch.Tensor) -> float:
    """||ref - out|| / ||ref|| in fp64; inf if `out` has NaN/inf or the shapes differ."""
    if out.shape != ref.shape or not torch.isfinite(out).all():
        return float("inf")
    ref, out = ref.detach().double().cpu(), out.detach().double().cpu()
    return ((ref - out).norm() / ref.norm().clamp_min(1e-300)).item()


def close(ref: torch.Tensor, out: torch.Tensor, dtype: torch.dtype) -> tuple[bool, float, float]:
    """(passed, relative RMS error, max abs error) under the tolerance of `dtype`."""
    ratio, atol = TOLERANCE[dtype]
    rel = rel_rms(ref, out)
    if rel == float("inf"):
        return False, rel, float("inf")
    err = (ref.detach().double().cpu() - out.detach().double().cpu()).abs().max().item() if ref.numel() else 0.0
    return (err <= atol or rel < ratio), rel, err
