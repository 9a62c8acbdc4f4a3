"""The speed tables: training throughput per variant and kernel timings from `suite bench`.

Written by `suite tables` as `speed.md` and `speed.csv` next to the study tables. Timings vary
from run to run, so these files (and `results/bench/`) are left out of results/CHECKSUMS.sha256.

* Training throughput of the runs: tokens/s and wall time recorded by `suite train` (one number
  per seed, with evaluation pauses and start-up).
* Training-step benchmark (`train.json` of a bench folder): every variant's real training step
  at the tier's shapes, tokens/s median with the p20-p80 range over timed steps, peak memory.
* Kernel benchmark (`kernels.json`): per decay kind and backend, forward and forward+backward
  median ms with p20-p80 and the ratio to causal SDPA (softmax attention) at the same shape.
* Any other `*.json` under a bench folder holding flat records under "rows", "records" or
  "results" becomes one generic table (columns: the union of the records' keys).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from suite.bench.protocol import row_label, sdpa_ratio
from suite.provenance import write_text_atomic
from suite.report.grid import Grid
from suite.report.render import markdown_table
from suite.report.results import summary

DASH = "–"
FIRST = ("shape", "kind", "backend", "mode", "dtype", "ms", "ms_p20", "ms_p80")
KERNEL_HEADERS = ["shape", "kind", "backend", "fwd ms", "fwd p20-p80", "fwd x SDPA",
                  "fwd+bwd ms", "fwd+bwd p20-p80", "fwd+bwd x SDPA"]
TRAIN_HEADERS = ["Variant", "Kind", "Backend", "Tokens/s (median)", "p20-p80", "Peak memory (MB)",
                 "Growth (MB)"]


def throughput_rows(grid: Grid, runs) -> list[list[str]]:
    rows = []
    for name in grid.variants:
        tps, wall = summary(runs, name, "tokens_per_s"), summary(runs, name, "wall_time_s")
        params = summary(runs, name, "n_params")
        rows.append([grid.label(name), str(tps.n),
                     DASH if params.mean is None else f"{params.mean:.0f}",
                     DASH if tps.mean is None else f"{tps.mean:.0f}",
                     DASH if wall.mean is None else f"{wall.mean:.1f}"])
    return rows


def load_bench(bench_dir: Path, name: str) -> dict | None:
    path = bench_dir / name
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return data if isinstance(data, dict) and isinstance(data.get("rows"), list) else None


def train_bench_rows(grid: Grid, data: dict) -> list[list[str]]:
    """One row per grid variant (the grid's order); "–" for a variant the benchmark lacks."""
    by_name = {r.get("variant"): r for r in data["rows"] if isinstance(r, dict)}
    rows = []
    for name in grid.variants:
        r = by_name.get(name)
        if r is None:
            rows.append([grid.label(name)] + [DASH] * (len(TRAIN_HEADERS) - 1))
            continue
        growth = r.get("memory_growth_mb")
        rows.append([grid.label(name), r.get("kind", DASH), r.get("backend", DASH),
                     f"{r['tokens_per_s']:,.0f}",
                     f"{r['tokens_per_s_p20']:,.0f}-{r['tokens_per_s_p80']:,.0f}",
                     f"{r['peak_memory_mb']:,.0f}", DASH if growth is None else f"{growth:,.0f}"])
    return rows


def _ms(x: float) -> str:
    """Three significant digits, trailing zeros kept (1.00, not 1); whole numbers from 100 up."""
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:#.3g}".rstrip(".")  # 99.96 -> "100." -> "100"


def kernel_rows(data: dict, with_run: bool = False) -> list[list[str]]:
    """Per (shape, kind, backend): forward and forward+backward median ms, p20-p80, x SDPA (SDPA
    of the same run); with `with_run`, a last column with the run(s) of a merged table."""
    recs = [r for r in data["rows"] if isinstance(r, dict) and "shape" in r]
    keys: list[tuple[str, str, str]] = []
    cells: dict[tuple, dict[str, dict]] = {}
    for r in recs:
        key = (r["shape"], r["kind"], row_label(r))  # a graph-timed row: "triton (graph)"
        if key not in cells:
            keys.append(key)
            cells[key] = {}
        cells[key][r["mode"]] = r
    out = []
    for key in keys:
        row = list(key)
        for mode in ("fwd", "fwdbwd"):
            r = cells[key].get(mode)
            if r is None:
                row += [DASH] * 3
            elif "ms" not in r:
                row += ["no time (" + ("failed its check" if not r.get("check", {}).get("passed", True)
                                       else "error") + ")", DASH, DASH]
            else:
                ratio = sdpa_ratio(r, recs)
                row += [_ms(r["ms"]), f"{_ms(r['ms_p20'])}-{_ms(r['ms_p80'])}",
                        DASH if ratio is None else f"{ratio:.2f}"]
        if with_run:
            row.append(", ".join(str(n) for n in sorted({r["run"] for r in cells[key].values() if "run" in r})) or DASH)
        out.append(row)
    return out


def bench_tables(bench_dirs: list[Path]) -> list[tuple[str, list[str], list[list[str]]]]:
    """Generic tables of the bench JSON files other than train.json and kernels.json."""
    tables = []
    for d in bench_dirs:
        for path in sorted(d.glob("**/*.json")) if d.is_dir() else []:
            if path.parent == d and path.name in ("train.json", "kernels.json"):
                continue
            records = _records(json.loads(path.read_text()))
            if records:
                present = {k for r in records for k in r}
                keys = [k for k in FIRST if k in present] + sorted(present - set(FIRST))
                rows = [[_fmt(r.get(k)) for k in keys] for r in records]
                tables.append((f"Benchmark: {path}", keys, rows))
    return tables


def _records(data: Any) -> list[dict[str, Any]]:
    recs = data.get("rows", data.get("records", data.get("results"))) if isinstance(data, dict) else data
    if not isinstance(recs, list):
        return []
    flat = [r for r in recs if isinstance(r, dict)]
    return [{k: v for k, v in r.items() if not isinstance(v, (dict, list))} for r in flat]


def _fmt(v: Any) -> str:
    if v is None:
        return DASH
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _device(data: dict) -> str:
    dev = (data.get("provenance") or {}).get("device") or {}
    return dev.get("name") or dev.get("type") or "?"


def speed_markdown(grid: Grid, runs, bench_dirs: list[Path]) -> str:
    headers = ["Variant", "Seeds", "Params", "Train tokens/s", "Train wall time (s)"]
    text = markdown_table(f"Training throughput of the runs ({grid.tier} tier, suite train)",
                          headers, throughput_rows(grid, runs))
    for d in bench_dirs:
        train = load_bench(d, "train.json")
        if train:
            steps = train["rows"][0].get("steps", "?") if train["rows"] else "?"
            text += "\n" + markdown_table(
                f"Training-step benchmark ({d}/train.json, {_device(train)}; {steps} timed steps per "
                f"variant, peak memory and its growth over the process's resident size)",
                TRAIN_HEADERS, train_bench_rows(grid, train))
        kernels = load_bench(d, "kernels.json")
        if kernels:
            text += "\n" + markdown_table(
                f"Kernel benchmark ({d}/kernels.json, {_device(kernels)}; median and p20-p80 ms; "
                f"x SDPA = median / causal SDPA's)", KERNEL_HEADERS, kernel_rows(kernels))
            skipped = {b: s for b, s in (kernels.get("backends") or {}).items() if s != "timed"}
            if skipped:
                text += "\n" + "".join(f"`{b}`: {s}.\n" for b, s in skipped.items())
    for title, keys, brows in bench_tables(bench_dirs):
        text += "\n" + markdown_table(title, keys, brows)
    return text


def speed_csv(grid: Grid, runs, bench_dirs: list[Path]) -> str:
    bench = {}
    for d in bench_dirs:
        data = load_bench(d, "train.json")
        for r in (data or {"rows": []})["rows"]:
            if isinstance(r, dict) and "variant" in r:
                bench[r["variant"]] = r
    head = ["variant", "seeds", "n_params", "tokens_per_s", "wall_time_s", "bench_tokens_per_s",
            "bench_tokens_per_s_p20", "bench_tokens_per_s_p80", "bench_peak_memory_mb"]
    lines = [",".join(head)]
    for name, r in zip(grid.variants, throughput_rows(grid, runs)):
        b = bench.get(name, {})
        extra = [b.get(k) for k in ("tokens_per_s", "tokens_per_s_p20", "tokens_per_s_p80", "peak_memory_mb")]
        lines.append(",".join([name, *(c if c != DASH else "" for c in r[1:]),
                               *("" if x is None else f"{x:.1f}" for x in extra)]))
    return "\n".join(lines) + "\n"


def write_speed(grid: Grid, runs, out: Path, bench_dirs: list[Path]) -> list[Path]:
    return [write_text_atomic(out / "speed.md", speed_markdown(grid, runs, bench_dirs)),
            write_text_atomic(out / "speed.csv", speed_csv(grid, runs, bench_dirs))]
