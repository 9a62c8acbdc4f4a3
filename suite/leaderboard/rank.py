"""Rows of the leaderboard and the significance of each submission against the grid.

    from suite.leaderboard.rank import grid_rows, submission_rows, compare
    grid = load_grid("params.yaml", "micro")
    rows = grid_rows("results", grid) + submission_rows(board.submissions)
    cmp = compare(rows[-1], rows, grid.claims.alpha)   # vs the best grid variant of its kind

Grid rows are the variants listed in params.yaml (never a glob of results/runs), read from
`results/runs/<tier>/<variant>/<seed>` for the seeds listed there through `suite.report.results`.
A submission is compared on validation loss (lower is better) with the grid variant of its kind
(vector, scalar, static, none) that has the lowest mean; Welch's t-test over seeds gives the
p-value. With fewer than 3 seeds on either side the verdict is "not significant" whatever the
means, and no p-value is shown.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from suite.errors import SuiteError

# key, header, lower_is_better, format
METRICS = (
    ("val_loss", "val loss", True, "{:.4f}"),
    ("acc_avg", "avg zero-shot acc", False, "{:.4f}"),
    ("recall", "recall", False, "{:.3f}"),
    ("lambada_ppl", "LAMBADA ppl", True, "{:.2f}"),
)
PRIMARY = "val_loss"
MIN_SEEDS = 3


@dataclass
class Row:
    name: str
    source: str  # grid | submission
    kind: str  # vector | scalar | static | none | softmax
    decay: str
    values: dict[str, list[float]] = field(default_factory=dict)  # metric -> one value per seed
    layer_medians: list[float | None] = field(default_factory=list)  # mean over seeds, per layer
    n_params: int | None = None
    note: str = ""

    def mean(self, key: str) -> float | None:
        vals = self.values.get(key) or []
        return statistics.fmean(vals) if vals else None

    def std(self, key: str) -> float | None:
        vals = self.values.get(key) or []
        return statistics.stdev(vals) if len(vals) >= 2 else None

    def n(self, key: str = PRIMARY) -> int:
        return len(self.values.get(key) or [])


@dataclass(frozen=True)
class Comparison:
    best: str | None
    delta: float | None  # submission mean - best mean (validation loss; < 0 is better)
    p_value: float | None
    verdict: str


def variant_kind(variant) -> str:
    from suite.decay import get_decay

    if variant.mixer == "softmax":
        return "softmax"
    first = get_decay(variant.decay).kinds[0]
    return first if first in ("none", "static") else variant.granularity


def mean_layers(per_seed: list[list[float | None]]) -> list[float | None]:
    """Per-layer mean over seeds of the median decay (None where no seed has a value)."""
    out = []
    for i in range(max((len(s) for s in per_seed), default=0)):
        vals = [s[i] for s in per_seed if i < len(s) and s[i] is not None]
        out.append(statistics.fmean(vals) if vals else None)
    return out


def load_grid(params: str | Path, tier: str):
    """The grid of params.yaml (variants, seeds, claims.alpha), read at the board's `tier`."""
    from suite.report.grid import parse_params

    path = Path(params)
    if not path.is_file():
        raise SuiteError(f"{path}: not found; the leaderboard lists the grid variants of params.yaml")
    return dataclasses.replace(parse_params(yaml.safe_load(path.read_text()), str(path)), tier=tier)


def grid_rows(results: str | Path, grid) -> list[Row]:
    """One row per variant of the grid, from its runs at the grid's tier (missing: empty rows)."""
    from suite.report.results import collect, runs_of
    from suite.variants import load_variant

    runs = collect(grid, results)
    rows = []
    for name in grid.variants:
        v, seeds = load_variant(name), runs_of(runs, name)
        values = {k: [x for x in (r.value(k) for r in seeds) if x is not None] for k, *_ in METRICS}
        n_params = next((r.metrics.get("n_params") for r in seeds if r.metrics.get("n_params")), None)
        rows.append(Row(name, "grid", variant_kind(v), v.decay, values,
                        mean_layers([r.layer_medians() for r in seeds if r.decay]), n_params,
                        "" if values[PRIMARY] else "no runs at this tier"))
    return rows


def submission_rows(submissions: dict[str, dict]) -> list[Row]:
    rows = []
    for name, entry in sorted(submissions.items()):
        runs = entry.get("runs", [])
        values = {k: [r["values"][k] for r in runs if _finite(r["values"].get(k))] for k, *_ in METRICS}
        param_check = next((c for c in entry["validation"]["checks"] if c["check"] == "parameters"), {})
        rows.append(Row(name, "submission", entry["kind"], entry["plugin"]["spec"], values,
                        mean_layers([r.get("layer_medians") or [] for r in runs]),
                        entry["validation"].get("n_params"), param_check.get("detail", "")
                        if not param_check.get("ok", True) else ""))
    return rows


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def best_of_kind(row: Row, rows: list[Row]) -> Row | None:
    cands = [r for r in rows if r.source == "grid" and r.kind == row.kind and r.n() > 0]
    return min(cands, key=lambda r: r.mean(PRIMARY), default=None)


def welch_p(a: list[float], b: list[float]) -> float | None:
    from scipy import stats

    if len(a) < 2 or len(b) < 2:
        return None
    if statistics.pvariance(a) == 0 and statistics.pvariance(b) == 0:
        return 0.0 if statistics.fmean(a) != statistics.fmean(b) else 1.0
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def compare(row: Row, rows: list[Row], alpha: float = 0.05) -> Comparison:
    """The submission `row` vs the best grid variant of its kind on validation loss."""
    best = best_of_kind(row, rows)
    if best is None or row.n() == 0:
        why = f"no grid runs of kind {row.kind}" if best is None else "no validation loss"
        return Comparison(best.name if best else None, None, None, f"not compared ({why})")
    a, b = row.values[PRIMARY], best.values[PRIMARY]
    delta = statistics.fmean(a) - statistics.fmean(b)
    if len(a) < MIN_SEEDS or len(b) < MIN_SEEDS:
        return Comparison(best.name, delta, None, f"not significant (fewer than {MIN_SEEDS} seeds)")
    p = welch_p(a, b)
    if p is None or p >= alpha:
        return Comparison(best.name, delta, p, "not significant")
    return Comparison(best.name, delta, p, "better" if delta < 0 else "worse")


def ordered(rows: list[Row]) -> list[Row]:
    """Rows by mean validation loss (rows without one last, then by name)."""
    return sorted(rows, key=lambda r: (r.mean(PRIMARY) is None, r.mean(PRIMARY) or 0.0, r.name))
