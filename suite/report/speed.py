"""The speed table: training throughput per variant and kernel timings from `suite bench`.

Written by `suite tables` as `speed.md` and `speed.csv` next to the study tables. Timings vary
from run to run, so these files (and `results/bench/`) are left out of results/CHECKSUMS.sha256.
Kernel timings: every `*.json` under a bench folder holding a list of flat records under
"rows", "records" or "results" becomes one table (columns: the union of the records' keys).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from suite.provenance import write_text_atomic
from suite.report.grid import Grid
from suite.report.render import markdown_table
from suite.report.results import summary

DASH = "–"
FIRST = ("shape", "kind", "backend", "mode", "dtype", "ms", "ms_p20", "ms_p80")


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


def bench_tables(bench_dirs: list[Path]) -> list[tuple[str, list[str], list[list[str]]]]:
    tables = []
    for d in bench_dirs:
        for path in sorted(d.glob("**/*.json")) if d.is_dir() else []:
            records = _records(json.loads(path.read_text()))
            if records:
                present = {k for r in records for k in r}
                keys = [k for k in FIRST if k in present] + sorted(present - set(FIRST))
                rows = [[_fmt(r.get(k)) for k in keys] for r in records]
                tables.append((f"Kernel benchmark: {path}", keys, rows))
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


def write_speed(grid: Grid, runs, out: Path, bench_dirs: list[Path]) -> list[Path]:
    headers = ["Variant", "Seeds", "Params", "Train tokens/s", "Train wall time (s)"]
    rows = throughput_rows(grid, runs)
    text = markdown_table(f"Training throughput ({grid.tier} tier)", headers, rows)
    for title, keys, brows in bench_tables(bench_dirs):
        text += "\n" + markdown_table(title, keys, brows)
    csv = "\n".join([",".join(["variant", "seeds", "n_params", "tokens_per_s", "wall_time_s"])]
                    + [",".join([n, *(c if c != DASH else "" for c in r[1:])])
                       for n, r in zip(grid.variants, rows)]) + "\n"
    return [write_text_atomic(out / "speed.md", text), write_text_atomic(out / "speed.csv", csv)]
