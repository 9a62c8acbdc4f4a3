"""Write kernel-benchmark rows as `kernels.json` (with provenance) and a `kernels.md` table.

    from suite.bench.report import write_results
    json_path, md_path = write_results(rows, protocol, device, Path("results/bench/h200"),
                                       backends={"triton": "timed", "fla": "not installed"})

`x SDPA` is a row's median over causal SDPA's median at the same shape and mode (below 1: faster
than softmax attention); `backends` records which requested backends ran and why the others did not.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from suite.bench.adapters import INPUTS, tuning_env
from suite.bench.ceilings import STORED
from suite.bench.protocol import row_label, row_timer, sdpa_ratio
from suite.provenance import provenance, write_json_atomic, write_text_atomic


def _fmt(x, spec):
    return format(x, spec) if isinstance(x, (int, float)) else "-"


def _errs(row) -> str:
    ck = row.get("check", {})
    if "errors" not in ck:
        return ck.get("error", "-")
    worst = max(ck["errors"].values()) if ck["errors"] else 0.0
    return f"{worst:.1e}" + ("" if ck["passed"] else " FAIL")


def markdown(rows: list[dict], device_name: str, backends: dict[str, str] | None = None,
             runs: list[str] | None = None, ceilings: dict | None = None) -> str:
    """The table of `rows`; for a merged table (`runs`: the sources, rows tagged `run`), a run
    column and the list of runs. `ceilings`: those the rows' floors were taken against (with
    their `source`; default the H200's)."""
    c = ceilings or STORED["h200"]
    head = (f"# Kernel benchmark on {device_name}\n\n"
            f"Medians of `triton.testing.do_bench` (CUDA events, L2 flushed) on GPU, wall clock on "
            f"CPU; a backend marked `(graph)`: medians of CUDA-graph replays of the same call, L2 "
            f"flushed before each, so the GPU's time without the host's (`suite bench --timer "
            f"graph`). Rates against the compulsory work; floor = max(bytes / {c['hbm_TBps']} TB/s, "
            f"FLOPs / {c['bf16_TFLOPs']:.0f} TFLOP/s; {c.get('source', STORED['h200']['source'])}). "
            f"`check` = worst relative RMS error "
            f"(output and gradients) against the fp64 reference on a slice; a failing backend gets "
            f"no time. `x SDPA` = median / causal SDPA's median at the same shape and mode.\n\n"
            f"Inputs: {INPUTS}.\n\n")
    if backends:
        head += "Backends: " + "; ".join(f"`{b}` {s}" for b, s in backends.items()) + ".\n\n"
    if runs:
        head += "Runs (column `run`; ratios pair rows of one run): " + "; ".join(
            f"{i} `{src}`" for i, src in enumerate(runs, 1)) + ".\n\n"
    lines = ["| shape | kind | backend | mode | ms | p20-p80 | x SDPA | TFLOP/s | TB/s | x floor | check |"
             + (" run |" if runs else ""), "|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if runs else "")]
    for r in rows:
        spread = f"{_fmt(r.get('ms_p20'), '.3f')}-{_fmt(r.get('ms_p80'), '.3f')}" if "ms" in r else "-"
        lines.append(
            f"| {r['shape']} | {r['kind']} | {row_label(r)} | {r['mode']} | {_fmt(r.get('ms'), '.3f')} | "
            f"{spread} | {_fmt(sdpa_ratio(r, rows), '.2f')} | {_fmt(r.get('TFLOPs'), '.1f')} | {_fmt(r.get('TBps'), '.2f')} | "
            f"{_fmt(r.get('x_floor'), '.1f')} | {_errs(r)}{' ' + r['error'] if 'error' in r else ''} |"
            + (f" {r.get('run', '-')} |" if runs else ""))
    return head + "\n".join(lines) + "\n" + speedups(rows)


def speedups(rows: list[dict]) -> str:
    """Ours vs fla at each (shape, kind, mode) where both have a time from the same run and timer
    (a graph-timed pair is marked in the mode column)."""
    t = {(r["shape"], r["kind"], r["backend"], r["mode"], r.get("run"), row_timer(r)): r["ms"]
         for r in rows if "ms" in r}
    out = []
    for (shape, kind, b, mode, run, timer), ms in sorted(t.items(), key=lambda kv: str(kv[0])):
        fla = t.get((shape, kind, "fla", mode, run, timer))
        if b == "triton" and fla is not None:
            label = f"{mode} (graph)" if timer == "graph" else mode
            out.append(f"| {shape} | {kind} | {label} | {fla / ms:.2f}x |")
    if not out:
        return ""
    return "\n## triton vs fla (fla ms / triton ms)\n\n| shape | kind | mode | speed-up |\n|---|---|---|---|\n" + "\n".join(out) + "\n"


def write_results(rows, protocol, device, out_dir: Path, backends: dict[str, str] | None = None,
                  ceilings: dict | None = None) -> tuple[Path, Path]:
    from suite.kernel_plugins import plugins_provenance
    from suite.provenance import device_info

    ceilings = ceilings or STORED["h200"]
    plugins = plugins_provenance(backends or {})
    prov = provenance(device=device, protocol=dataclasses.asdict(protocol), ceilings=ceilings,
                      tuning_env=tuning_env(), **({"plugins": plugins} if plugins else {}))
    data = {"rows": rows, "provenance": prov}
    if backends is not None:
        data["backends"] = backends
    json_path = write_json_atomic(out_dir / "kernels.json", data)
    name = device_info(device).get("name", str(device))
    md_path = write_text_atomic(out_dir / "kernels.md", markdown(rows, name, backends, ceilings=ceilings))
    return json_path, md_path
