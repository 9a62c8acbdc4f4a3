"""Kernel conformance of a submitted decay: its mixer through every installed backend vs fp64.

    from suite.leaderboard.conformance import check_kernels
    check_kernels(variant)   # {"detail": ..., "backends": {"cpu/chunked": {"max_rel_rms": ...}}}

The model's own token mixer (`suite.model.mixer.DecayAttention`) is built with the submitted decay
at small sizes (T = 40, not a multiple of the chunk size 16 used for `chunked`). The reference is
the same mixer in fp64 through the `recurrent` backend; each backend of
`suite.kernels.available_backends(device)` (cpu, and cuda when present) runs it in fp32. The
output and the gradients of the input and of every mixer parameter (the decay's included) must
pass `suite.kernels.testing.close` at fp32 tolerance, or the submission is refused.
"""

from __future__ import annotations

import copy
import dataclasses

import torch

from suite.decay.hgrn2 import layer_lower_bounds
from suite.errors import SuiteError
from suite.kernels import available_backends
from suite.kernels.testing import TOLERANCE, close
from suite.model import model_config
from suite.model.mixer import DecayAttention

B, T, D_MODEL, N_HEADS, N_LAYERS, CHUNK = 2, 40, 32, 2, 3, 16


def build_mixer(variant) -> tuple[DecayAttention, torch.Tensor | None]:
    """The mixer of layer 1 (so a layer-wise lower bound is non-zero) and its bound."""
    cfg = model_config(variant, 256, d_model=D_MODEL, n_heads=N_HEADS, n_layers=N_LAYERS)
    torch.manual_seed(0)
    mixer = DecayAttention(cfg, 1)
    with torch.no_grad():  # weights of O(1) decay per step, not the tiny training init
        for p in mixer.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    bound = None
    if mixer.decay.needs_lower_bound(mixer.decay.cfg):
        bound = layer_lower_bounds(torch.randn(N_LAYERS, mixer.decay.decay_dim))[1]
    return mixer, bound


def run_mixer(mixer, bound, x, dy, backend: str, dtype: torch.dtype, device: str) -> dict:
    """Output and gradients (input, every parameter) of `mixer` through `backend`."""
    m = copy.deepcopy(mixer).to(device=device, dtype=dtype)
    m.cfg = dataclasses.replace(m.cfg, backend=backend, chunk_size=CHUNK if backend == "chunked" else None)
    xx = x.detach().to(device=device, dtype=dtype).requires_grad_(True)
    lb = bound.to(device=device, dtype=torch.promote_types(dtype, torch.float32)) if bound is not None else None
    y, _ = m(xx, lower_bound=lb)
    (y * dy.to(device=device, dtype=y.dtype)).sum().backward()
    out = {"output": y.detach(), "grad input": xx.grad}
    out.update({f"grad {n}": p.grad for n, p in m.named_parameters() if p.requires_grad})
    return out


def compare(ref: dict, out: dict, label: str) -> float:
    """Largest relative RMS error over the tensors; raise naming the first one that fails."""
    worst = 0.0
    for name, r in ref.items():
        o = out.get(name)
        if r is None:
            continue
        if o is None:
            raise SuiteError(f"{label}: {name} is missing (no gradient through this backend)")
        ok, rel, err = close(r, o, torch.float32)
        if not ok:
            ratio = TOLERANCE[torch.float32][0]
            raise SuiteError(f"{label}: {name} disagrees with the fp64 recurrent reference "
                             f"(rel-RMS {rel:.3g}, bound {ratio:g}; max abs {err:.3g})")
        worst = max(worst, rel)
    return worst


def devices() -> list[str]:
    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def check_kernels(variant, backends: list[str] | None = None) -> dict:
    """Run the conformance check; `backends` restricts the backends (default: all installed)."""
    mixer, bound = build_mixer(variant)
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(B, T, D_MODEL, generator=gen, dtype=torch.float64)
    dy = torch.randn(B, T, D_MODEL, generator=gen, dtype=torch.float64)
    ref = run_mixer(mixer, bound, x, dy, "recurrent", torch.float64, "cpu")
    results = {}
    for dev in devices():
        for name in available_backends(dev):
            if backends is not None and name not in backends:
                continue
            label = f"decay plugin '{variant.decay}' (submission '{variant.name}'): kernel backend '{name}' on {dev}"
            out = run_mixer(mixer, bound, x, dy, name, torch.float32, dev)
            results[f"{dev}/{name}"] = {"max_rel_rms": compare(ref, out, label)}
    if not results:
        raise SuiteError(f"submission '{variant.name}': no kernel backend is installed to check against")
    return {"detail": f"{len(results)} backends match the fp64 reference: {', '.join(results)}",
            "backends": results}
