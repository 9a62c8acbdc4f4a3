"""Read the run directories named by the grid and pull out the numbers the reports show.

Every report (tables, figures, claims) goes through `collect(grid, results)`, which reads
`results/runs/<tier>/<variant>/<seed>/{metrics,eval,decay_stats}.json` and `curve.csv` for the
grid's runs only. A missing file or key gives None, never an invented value.

    from suite.report.results import collect, summarize
    runs = collect(grid, "results")        # {(variant, seed): Run}
    summarize([r.value("val_loss") for r in runs_of(runs, "mamba2")])  # Summary(mean, std, ...)
"""

from __future__ import annotations

import csv
import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suite.report.grid import Grid

# lm-eval task -> metric collected (decay-spec §11); zero-shot accuracies in paper order
ACCURACY_TASKS = (
    ("boolq", "acc"), ("piqa", "acc"), ("hellaswag", "acc_norm"), ("winogrande", "acc"),
    ("arc_easy", "acc"), ("arc_challenge", "acc_norm"), ("openbookqa", "acc_norm"),
    ("social_iqa", "acc"),
)
LAMBADA = ("lambada_openai", "perplexity")


@dataclass
class Run:
    variant: str
    seed: int
    metrics: dict[str, Any] = field(default_factory=dict)
    eval: dict[str, Any] = field(default_factory=dict)
    decay: dict[str, Any] = field(default_factory=dict)
    curve: list[dict[str, float | None]] = field(default_factory=list)

    def value(self, key: str) -> float | None:
        """A scalar of this run by column key (see `COLUMN_GETTERS`)."""
        return _number(COLUMN_GETTERS[key](self)) if key in COLUMN_GETTERS else \
            _number(self.metrics.get(key))

    def task(self, task: str, metric: str) -> float | None:
        res = (self.eval.get("lm_eval") or {}).get("results") or {}
        entry = res.get(task) or {}
        return _number(entry.get(f"{metric},none", entry.get(metric)))

    def layer_medians(self) -> list[float | None]:
        layers = sorted(self.decay.get("layers") or [], key=lambda d: d.get("layer", 0))
        return [_number(d.get("median")) for d in layers]


def _accuracy_avg(run: Run) -> float | None:
    accs = [run.task(t, m) for t, m in ACCURACY_TASKS if present_task(run, t)]
    return None if not accs or any(a is None for a in accs) else sum(accs) / len(accs)


def present_task(run: Run, task: str) -> bool:
    return task in ((run.eval.get("lm_eval") or {}).get("results") or {})


COLUMN_GETTERS = {
    "val_loss": lambda r: r.metrics.get("val_loss"),
    "val_bits_per_byte": lambda r: r.metrics.get("val_bits_per_byte"),
    "val_perplexity": lambda r: r.metrics.get("val_perplexity"),
    "tokens_per_s": lambda r: r.metrics.get("tokens_per_s"),
    "lambada_ppl": lambda r: r.task(*LAMBADA),
    "acc_avg": _accuracy_avg,
    "recall": lambda r: (r.eval.get("recall") or {}).get("accuracy"),
    "median_decay": lambda r: (r.decay.get("all") or {}).get("median"),
    **{f"acc_{t}": (lambda r, t=t, m=m: r.task(t, m)) for t, m in ACCURACY_TASKS},
}


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if math.isfinite(x) else None


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.is_file() else {}


def read_curve(path: Path) -> list[dict[str, float | None]]:
    if not path.is_file():
        return []
    with path.open(newline="") as fh:
        return [{k: _parse(v) for k, v in row.items()} for row in csv.DictReader(fh)]


def _parse(text: str | None) -> float | None:
    try:
        return _number(float(text)) if text not in (None, "") else None
    except ValueError:
        return None


def collect(grid: Grid, results: str | Path) -> dict[tuple[str, int], Run]:
    """The grid's runs (from params, never a glob), with whatever files each run has."""
    runs = {}
    for variant in grid.variants:
        for seed in grid.seeds:
            d = grid.run_dir(results, variant, seed)
            runs[variant, seed] = Run(variant, seed, _read_json(d / "metrics.json"),
                                      _read_json(d / "eval.json"),
                                      _read_json(d / "decay_stats.json"),
                                      read_curve(d / "curve.csv"))
    return runs


def runs_of(runs: dict[tuple[str, int], Run], variant: str) -> list[Run]:
    return [r for (v, _), r in sorted(runs.items()) if v == variant]


@dataclass(frozen=True)
class Summary:
    """Mean over seeds and the spread: sample std and min/max (n = seeds with a value)."""

    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.values) if self.values else None

    @property
    def std(self) -> float | None:
        return statistics.stdev(self.values) if self.n >= 2 else None

    @property
    def range(self) -> float:
        return max(self.values) - min(self.values) if self.values else 0.0


def summarize(values: list[float | None]) -> Summary:
    return Summary(tuple(v for v in values if v is not None))


def summary(runs: dict[tuple[str, int], Run], variant: str, key: str) -> Summary:
    return summarize([r.value(key) for r in runs_of(runs, variant)])
