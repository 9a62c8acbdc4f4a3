"""Does a multi-GPU run train like the one-GPU run? Loss curves and final metrics, side by side.

    python -m suite.bench.dist_match --ref results/runs/small/gla/0 \
        --runs results/runs/small-2gpu-ddp/gla/0 results/runs/small-2gpu-fsdp2/gla/0 \
        --upto 200 --out results/bench/h200/distributed/distributed.json   # and distributed.md

Each run directory is one `suite train` output (curve.csv, metrics.json). For every run against
the reference: the train loss at each logged step up to `--upto` (both runs log the same steps
when they share the tier), the largest and the mean relative difference, and the first step
above `--rtol`; then, when both runs finished, the difference of the final validation loss and
bits per byte against `--metric-tol` (a seed-noise floor in bits per byte). A non-finite loss
fails the run with that reason. Verdicts: `curve_ok` and `metrics_ok` (null when a run has no
final metrics). Results carry both runs' world size, FSDP flag and provenance; written atomically.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

from suite.errors import SuiteError
from suite.provenance import provenance, write_json_atomic, write_text_atomic

# bf16 keeps 8 significant bits (eps 2^-8 = 0.39%): two runs that differ only in the order of
# their reductions stay within a few units of that over the first few hundred steps
DEFAULT_RTOL = 0.01
DEFAULT_METRIC_TOL = 0.03  # bits per byte: the seed spread (params.yaml claims.noise_floor)


def read_run(path: Path) -> dict:
    """{step: train loss} from curve.csv and metrics.json (None if the run did not finish)."""
    curve = path / "curve.csv"
    if not curve.is_file():
        raise SuiteError(f"{curve}: not found; --ref and --runs take `suite train` output folders")
    with curve.open() as f:
        loss = {int(r["step"]): float(r["train_loss"]) for r in csv.DictReader(f)}
    mpath = path / "metrics.json"
    metrics = json.loads(mpath.read_text()) if mpath.is_file() else None
    return {"path": str(path), "loss": loss, "metrics": metrics}


def compare(ref: dict, run: dict, upto: int, rtol: float, metric_tol: float) -> dict:
    """One run against the reference: curve agreement up to `upto` and final-metric agreement."""
    steps = sorted(s for s in ref["loss"] if s <= upto and s in run["loss"])
    if not steps:
        raise SuiteError(f"{run['path']}: no logged step <= {upto} in common with {ref['path']}")
    rel = [_rel(run["loss"][s], ref["loss"][s]) for s in steps]
    above = [s for s, r in zip(steps, rel) if not r <= rtol]
    out = {"run": run["path"], "steps_compared": len(steps), "last_step": steps[-1],
           "max_rel_diff": max(rel), "mean_rel_diff": sum(rel) / len(rel),
           "first_step_above_rtol": above[0] if above else None, "rtol": rtol,
           "curve_ok": not above, "reason": _reason(ref, run, steps)}
    out.update(_final(ref["metrics"], run["metrics"], metric_tol))
    if out["reason"]:
        out["curve_ok"] = False
    return out


def _rel(a: float, b: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / max(abs(b), 1e-12)


def _reason(ref: dict, run: dict, steps: list[int]) -> str | None:
    for name, r in (("reference", ref), ("run", run)):
        bad = [s for s in steps if not math.isfinite(r["loss"][s])]
        if bad:
            return f"{name} loss is not finite from step {bad[0]}"
    return None


def _final(m_ref: dict | None, m_run: dict | None, tol: float) -> dict:
    if not m_ref or not m_run:
        return {"metrics_ok": None, "world_size": (m_run or {}).get("distributed", {}).get("world_size")}
    d_bpb = m_run["val_bits_per_byte"] - m_ref["val_bits_per_byte"]
    return {"ref_val_bits_per_byte": m_ref["val_bits_per_byte"], "val_bits_per_byte": m_run["val_bits_per_byte"],
            "diff_val_bits_per_byte": d_bpb, "diff_val_loss": m_run["val_loss"] - m_ref["val_loss"],
            "metric_tol": tol, "metrics_ok": math.isfinite(d_bpb) and abs(d_bpb) <= tol,
            "world_size": m_run["distributed"]["world_size"], "fsdp": m_run["distributed"]["fsdp"],
            "ref_world_size": m_ref["distributed"]["world_size"],
            "run_provenance": m_run.get("provenance"), "ref_provenance": m_ref.get("provenance")}


def render(rows: list[dict], upto: int) -> str:
    header = ("| run | GPUs | FSDP2 | steps compared | max rel diff | mean rel diff | curve | "
              "val bpb diff | metrics |")
    lines = [f"# Multi-GPU runs against the one-GPU run (train loss up to step {upto}, final metrics)", "",
             header, "|---|---:|---|---:|---:|---:|---|---:|---|"]
    for r in rows:
        curve = "ok" if r["curve_ok"] else f"FAIL ({r['reason'] or 'above rtol from step ' + str(r['first_step_above_rtol'])})"
        bpb = "" if r.get("diff_val_bits_per_byte") is None else f"{r['diff_val_bits_per_byte']:+.4f}"
        met = {None: "n/a", True: "ok", False: "FAIL"}[r["metrics_ok"]]
        lines.append(f"| {r['run']} | {r.get('world_size', '')} | {r.get('fsdp', '')} | {r['steps_compared']} | "
                     f"{r['max_rel_diff']:.2e} | {r['mean_rel_diff']:.2e} | {curve} | {bpb} | {met} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m suite.bench.dist_match", description=__doc__.split("\n\n")[0])
    p.add_argument("--ref", type=Path, required=True, help="the one-GPU run folder")
    p.add_argument("--runs", type=Path, nargs="+", required=True, help="run folders to compare with it")
    p.add_argument("--upto", type=int, default=200)
    p.add_argument("--rtol", type=float, default=DEFAULT_RTOL)
    p.add_argument("--metric-tol", type=float, default=DEFAULT_METRIC_TOL)
    p.add_argument("--out", type=Path, default=None, help="JSON report (and .md beside it)")
    a = p.parse_args(argv)
    try:
        ref = read_run(a.ref)
        rows = [compare(ref, read_run(r), a.upto, a.rtol, a.metric_tol) for r in a.runs]
    except SuiteError as exc:
        print(f"dist_match: error: {exc}", file=sys.stderr)
        return 2
    md = render(rows, a.upto)
    print(md)
    if a.out:
        write_json_atomic(a.out, {"reference": str(a.ref), "upto": a.upto, "comparisons": rows,
                                  "provenance": provenance()})
        write_text_atomic(a.out.with_suffix(".md"), md)
    return 0 if all(r["curve_ok"] and r["metrics_ok"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
