"""`suite tables`: one table per study (decay-spec §13) as Markdown, CSV and LaTeX.

Rows are the study's variants (each after the run it is compared with, then the reference rows
none/softmax); columns are validation loss and perplexity, LAMBADA perplexity, each zero-shot
accuracy present in the results (metric per decay-spec §11), their average, recall accuracy and
the median decay over all layers. Several seeds give "mean ± std"; a missing value is "–"
(Markdown), "--" (LaTeX) or an empty cell (CSV), never invented. A speed table (training
throughput per variant, plus kernel timings from `results/bench/<device>/`) goes to
`speed.md`/`speed.csv`; timings are not byte-reproducible and are left out of CHECKSUMS.

    suite tables [--grid results/grid.json] [--results results] [--out results/tables/<tier>]
                 [--bench results/bench/cpu]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from suite.provenance import write_text_atomic
from suite.report.grid import STUDIES, Grid, load_grid, study_rows
from suite.report.results import ACCURACY_TASKS, Run, Summary, collect, present_task, summary
from suite.report.render import latex_table, markdown_table
from suite.report.speed import write_speed

DASH = "–"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    digits: int
    scale: float = 1.0


BASE_COLUMNS = (
    Column("val_loss", "Val loss", 3),
    Column("val_perplexity", "Val ppl", 2),
    Column("lambada_ppl", "LAMBADA ppl", 2),
)
TAIL_COLUMNS = (
    Column("acc_avg", "Avg acc (%)", 1, 100.0),
    Column("recall", "Recall acc (%)", 1, 100.0),
    Column("median_decay", "Median decay", 3),
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grid", default="results/grid.json", help="written by suite validate")
    parser.add_argument("--results", default="results", help="results root")
    parser.add_argument("--out", default=None, help="default: <results>/tables/<tier>")
    parser.add_argument("--bench", action="append", default=[],
                        help="benchmark folder(s) for the speed table (may repeat)")


def run(args: argparse.Namespace) -> int:
    grid = load_grid(args.grid)
    out = Path(args.out or Path(args.results) / "tables" / grid.tier)
    runs = collect(grid, args.results)
    for path in write_tables(grid, runs, out):
        print(path)
    for path in write_speed(grid, runs, out, [Path(b) for b in args.bench]):
        print(path)
    return 0


def columns(runs: dict[tuple[str, int], Run]) -> list[Column]:
    """Base columns, the accuracy tasks present in any run (spec order), then the tail."""
    accs = [Column(f"acc_{t}", f"{t} {m} (%)", 1, 100.0) for t, m in ACCURACY_TASKS
            if any(present_task(r, t) for r in runs.values())]
    return [*BASE_COLUMNS, *accs, *TAIL_COLUMNS]


def cell(s: Summary, col: Column) -> str:
    if s.mean is None:
        return DASH
    text = _num(s.mean * col.scale, col.digits)
    return text if s.std is None else f"{text} ± {_num(s.std * col.scale, col.digits)}"


def _num(x: float, digits: int) -> str:
    """Fixed decimals; scientific notation from 1e5 on (e.g. perplexities of untrained models)."""
    return f"{x:.{digits}f}" if abs(x) < 1e5 else f"{x:.3e}"


def csv_number(x: float | None) -> str:
    return "" if x is None else f"{x:.6g}"


def study_table(grid: Grid, runs, study: str) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """(headers, display rows, CSV rows) of one study."""
    cols = columns(runs)
    headers = ["Variant", "Seeds", *(c.header for c in cols)]
    shown, raw = [], []
    for name in study_rows(grid, study):
        sums = [summary(runs, name, c.key) for c in cols]
        n = max(s.n for s in sums)
        shown.append([grid.label(name), str(n), *(cell(s, c) for s, c in zip(sums, cols))])
        raw.append([name, grid.label(name), str(n),
                    *(x for s in sums for x in (csv_number(s.mean), csv_number(s.std)))])
    return headers, shown, raw


def csv_text(runs, headers: list[str], raw: list[list[str]]) -> str:
    keys = [k for c in columns(runs) for k in (c.key, f"{c.key}_std")]
    lines = [",".join(["variant", "label", "seeds", *keys])]
    lines += [",".join(_csv_field(x) for x in row) for row in raw]
    return "\n".join(lines) + "\n"


def _csv_field(x: str) -> str:
    return f'"{x}"' if any(ch in x for ch in ',"\n') else x


def write_tables(grid: Grid, runs, out: Path) -> list[Path]:
    written = []
    for study in (s for s in STUDIES if s in grid.studies):
        headers, shown, raw = study_table(grid, runs, study)
        title = f"{study.capitalize()} study ({grid.tier} tier, {len(grid.seeds)} seed(s))"
        written += [
            write_text_atomic(out / f"{study}.md", markdown_table(title, headers, shown)),
            write_text_atomic(out / f"{study}.csv", csv_text(runs, headers, raw)),
            write_text_atomic(out / f"{study}.tex", latex_table(title, headers, shown)),
        ]
    return written
