"""Correctness sweep of the Triton kernels against the fp64 recurrence, every launch config.

Two parts: (1) every config of `suite.kernels.triton.autotune_configs()` pinned in turn, on its
family's kinds, bf16, (K, V) in {(128, 128), (128, 64)}; (2) the first (unpinned-default) configs
over all kinds x {bf16, fp32} x (K, V) in {(64, 64), (128, 128), (128, 64)} x T in {1, 63, 300}.
Each case compares o, final state and the gradients of q, k, v, log-decay and initial state
(relative RMS). Gate: bf16 2e-2, fp16 1e-2, fp32 1e-4 (fp32 dots run in IEEE precision).

    python -m suite.bench.gpu_check --out results.json [--configs-only | --matrix-only]
"""

from __future__ import annotations

import argparse
import json
import time

import torch
import torch.nn.functional as F

from suite.kernels import attend

GATE = {torch.bfloat16: 2e-2, torch.float16: 1e-2, torch.float32: 1e-4}


def _rel(a, b):
    a, b = a.double(), b.double()
    return float("inf") if not torch.isfinite(a).all() else ((a - b).norm() / b.norm().clamp_min(1e-30)).item()


def _inputs(kind, B, T, H, K, V, dtype, dev, norm, seed):
    gen = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=gen)
    g = {"none": None, "static": -torch.rand(H, generator=gen) * 0.5,
         "scalar": F.logsigmoid(r(B, T, H)) / norm, "vector": F.logsigmoid(r(B, T, H, K)) / norm}[kind]
    xs = [r(B, T, H, K).to(dtype), r(B, T, H, K).to(dtype), r(B, T, H, V).to(dtype), g, r(B, H, K, V)]
    return [None if x is None else x.to(dev) for x in xs]


def case(kind, B, T, H, K, V, dtype, dev=None, norm=1.0, seed=0) -> dict:
    """Errors of backend triton vs fp64 recurrent for one case (output, state, all grads)."""
    dev = dev or ("cuda" if torch.cuda.is_available() else "cpu")
    xs = _inputs(kind, B, T, H, K, V, dtype, dev, norm, seed)
    res = {}
    for be in ("recurrent", "triton"):
        ins = [None if x is None else (x.double() if be == "recurrent" else x.clone()).requires_grad_(True)
               for x in xs]
        o, st = attend(*ins[:4], scale=K ** -0.5, initial_state=ins[4], output_final_state=True, backend=be)
        gen = torch.Generator().manual_seed(seed + 1)
        do, dst = torch.randn(o.shape, generator=gen).to(dev), torch.randn(st.shape, generator=gen).to(dev)
        ((o.double() * do).sum() + (st.double() * dst).sum()).backward()
        res[be] = {"o": o, "ht": st, **{n: x.grad for n, x in zip(("dq", "dk", "dv", "dg", "dh0"), ins)
                                        if x is not None}}
    errs = {n: _rel(res["triton"][n], res["recurrent"][n]) for n in res["recurrent"]}
    return {"kind": kind, "shape": [B, T, H, K, V], "dtype": str(dtype).replace("torch.", ""),
            "norm": norm, "errors": errs, "passed": all(e <= GATE[dtype] for e in errs.values())}


def config_cases():
    """Every config pinned, on its family's kinds, bf16, at the head dims it fits."""
    import suite.kernels.triton as tk

    for cfg in tk.autotune_configs():
        kinds = ("vector",) if cfg["family"] == "vector" else ("scalar", "static", "none")
        dims = ((128, 128), (128, 64), (64, 64)) if cfg["max_d"] >= 128 else ((64, 64), (64, 32))
        for K, V in dims:
            yield cfg, {"kind": kinds[0], "B": 2, "T": 300, "H": 2, "K": K, "V": V, "dtype": torch.bfloat16}
        for kind in kinds[1:]:
            yield cfg, {"kind": kind, "B": 1, "T": 200, "H": 2, "K": dims[0][0], "V": dims[0][1], "dtype": torch.bfloat16}
        yield cfg, {"kind": kinds[0], "B": 1, "T": 200, "H": 2, "K": 64, "V": 64, "dtype": torch.bfloat16, "norm": 0.1}


def matrix_cases():
    """Default configs: bf16 first (the timed dtype), then fp32, then a strong-decay fp16 case."""
    for dtype in (torch.bfloat16, torch.float32):
        for K, V in ((128, 128), (64, 64), (128, 64)):
            for kind in ("scalar", "vector", "static", "none"):
                for T in (63, 300, 1):
                    yield None, {"kind": kind, "B": 2, "T": T, "H": 2, "K": K, "V": V, "dtype": dtype}
    for kind in ("scalar", "vector"):
        yield None, {"kind": kind, "B": 1, "T": 300, "H": 2, "K": 64, "V": 64, "dtype": torch.float16, "norm": 0.1}


def run(cases, budget_s: float) -> list[dict]:
    import suite.kernels.triton as tk

    rows, t0 = [], time.time()
    for cfg, kw in cases:
        if time.time() - t0 > budget_s:
            rows.append({"skipped": "time budget", "config": cfg and cfg["name"], **{k: str(v) for k, v in kw.items()}})
            continue
        try:
            if cfg is None:
                row = case(**kw)
            else:
                with tk.pinned(cfg):
                    row = case(**kw)
        except Exception as exc:  # noqa: BLE001 - a crash is a failure, recorded
            msg = f"{type(exc).__name__}: {exc}"
            row = {"kind": kw["kind"], "passed": False, "error": msg[:300] + " ... " + msg[-300:]}
        row["config"] = cfg["name"] if cfg else "default"
        rows.append(row)
        errs = row.get("errors", {})
        detail = "ok" if row["passed"] else "FAIL " + (row.get("error", "").splitlines() or [""])[-1] + " " + \
            " ".join(f"{n}={e:.1e}" for n, e in errs.items())
        print(f"{row['config']:30s} {row['kind']:7s} {row.get('dtype', ''):9s} {row.get('shape')!s:24s} "
              f"worst={max(errs.values(), default=float('nan')):.2e} {detail}", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--part", choices=("configs", "matrix", "both"), default="both")
    ap.add_argument("--budget-s", type=float, default=400)
    a = ap.parse_args()
    cases = []
    if a.part in ("configs", "both"):
        cases += list(config_cases())
    if a.part in ("matrix", "both"):
        cases += list(matrix_cases())
    rows = run(cases, a.budget_s)
    bad = [r for r in rows if not r.get("passed") and "skipped" not in r]
    print(f"{len(rows)} cases, {len(bad)} failed, {sum('skipped' in r for r in rows)} skipped")
    with open(a.out, "w") as fh:
        json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
