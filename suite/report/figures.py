"""`suite figures`: the paper's figures as deterministic PNGs (matplotlib, Agg backend).

* `decay_<group>.png`: median decay per layer (layers 1-indexed) for each of the paper's groups
  (decay-spec §12.3-12.4), y-axis 0-1.4 (0-1.55 for the scalar group); seed mean with min-max bars;
* `loss_<study>.png`: training and validation loss against tokens (curve.csv), per study;
* `length_<study>.png`: held-out loss against context length (eval.json "heldout"), per study;
* `recall_<study>.png`: recall accuracy against the number of key-value pairs, per study.

Fixed DPI, fixed size, no Software/date metadata: a rerun on the same stack gives the same bytes.
A figure without data still gets written, saying so, so the set of files does not change.

    suite figures [--grid results/grid.json] [--results results] [--out results/figures/<tier>]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from cycler import cycler  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from suite.report.grid import STUDIES, Grid, load_grid, study_rows  # noqa: E402
from suite.report.results import Run, collect, runs_of  # noqa: E402

DPI = 100
DECAY_GROUPS = {
    "main": ("mamba2", "gla", "hgrn2", "lightnet"),
    "mamba2-ablations": ("mamba2-no-a", "mamba2-no-dt", "mamba2-no-a-no-dt"),
    "scalar": ("mamba2-scalar", "gla-scalar", "hgrn2-scalar", "lightnet-scalar", "tnl", "tnl-l"),
    "share": ("mamba2-share", "gla-share", "hgrn2-share", "lightnet-share"),
    "simple": ("simple-0.8", "simple-0.9", "simple-0.95", "simple-0.99"),
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grid", default="results/grid.json", help="written by suite validate")
    parser.add_argument("--results", default="results", help="results root")
    parser.add_argument("--out", default=None, help="default: <results>/figures/<tier>")


def run(args: argparse.Namespace) -> int:
    grid = load_grid(args.grid)
    out = Path(args.out or Path(args.results) / "figures" / grid.tier)
    for path in write_figures(grid, collect(grid, args.results), out):
        print(path)
    return 0


def write_figures(grid: Grid, runs, out: Path) -> list[Path]:
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "suite",
                         "axes.prop_cycle": cycler(color=plt.get_cmap("tab20").colors)})
    out.mkdir(parents=True, exist_ok=True)
    written = [decay_figure(grid, runs, g, names, out) for g, names in DECAY_GROUPS.items()]
    for study in (s for s in STUDIES if s in grid.studies):
        rows = study_rows(grid, study)
        written += [loss_figure(grid, runs, study, rows, out),
                    xy_figure(grid, runs, study, rows, out, "length", _heldout,
                              "context length (tokens)", "held-out loss"),
                    xy_figure(grid, runs, study, rows, out, "recall", _recall,
                              "key-value pairs", "recall accuracy")]
    return written


def _mean(series: list[list[float | None]]) -> tuple[list[float | None], list, list]:
    """Elementwise mean, min, max over seeds (None where no seed has a value)."""
    width = max((len(s) for s in series), default=0)
    cols = [[s[i] for s in series if i < len(s) and s[i] is not None] for i in range(width)]
    mean = [sum(c) / len(c) if c else None for c in cols]
    return mean, [min(c) if c else None for c in cols], [max(c) if c else None for c in cols]


def decay_figure(grid: Grid, runs, group: str, names, out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 4))
    plotted = 0
    for name in (n for n in names if grid.has(n)):
        mean, lo, hi = _mean([r.layer_medians() for r in runs_of(runs, name)])
        pts = [(i + 1, m, m - a, b - m) for i, (m, a, b) in enumerate(zip(mean, lo, hi))
               if m is not None]
        if pts:
            x, y, dn, up = zip(*pts)
            ax.errorbar(x, y, yerr=[dn, up], marker="o", capsize=3, label=grid.label(name))
            plotted += 1
    ax.set_ylim(0, 1.55 if group == "scalar" else 1.4)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("layer")
    ax.set_ylabel("median decay")
    ax.set_title(f"Median Decay Values Across Layers for Different Methods ({grid.tier})")
    return _save(fig, ax, plotted, out / f"decay_{group}.png")


def loss_figure(grid: Grid, runs, study: str, rows, out: Path) -> Path:
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    plotted = 0
    for key, ax in zip(("train_loss", "val_loss"), axes):
        for name in rows:
            pts = _curve(runs_of(runs, name), key)
            if pts:
                ax.plot(*zip(*pts), label=grid.label(name))
                plotted += 1
        ax.set_xlabel("tokens")
        ax.set_ylabel(key.replace("_", " "))
    fig.suptitle(f"Loss curves: {study} study ({grid.tier})")
    return _save(fig, axes[1], plotted, out / f"loss_{study}.png")


def _curve(runs: list[Run], key: str) -> list[tuple[float, float]]:
    """Seed mean of `key` against tokens, over the rows where the value is logged."""
    series = {}
    for run in runs:
        for row in run.curve:
            if row.get(key) is not None and row.get("tokens") is not None:
                series.setdefault(row["tokens"], []).append(row[key])
    return [(t, sum(v) / len(v)) for t, v in sorted(series.items())]


def _heldout(run: Run) -> dict[float, float]:
    h = run.eval.get("heldout") or {}
    return {float(c): v for c, v in zip(h.get("contexts") or [], h.get("loss") or [])
            if isinstance(v, (int, float))}


def _recall(run: Run) -> dict[float, float]:
    by = (run.eval.get("recall") or {}).get("by_pairs") or {}
    return {float(k): v for k, v in by.items() if isinstance(v, (int, float))}


def xy_figure(grid, runs, study, rows, out: Path, kind, getter, xlabel, ylabel) -> Path:
    fig, ax = plt.subplots(figsize=(6, 4))
    plotted = 0
    for name in rows:
        pooled: dict[float, list[float]] = {}
        for run in runs_of(runs, name):
            for x, y in getter(run).items():
                pooled.setdefault(x, []).append(y)
        if pooled:
            xs = sorted(pooled)
            ax.plot(xs, [sum(pooled[x]) / len(pooled[x]) for x in xs], marker="o",
                    label=grid.label(name))
            plotted += 1
    if kind == "length" and plotted:
        ax.set_xscale("log", base=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(f"{ylabel} vs {xlabel}: {study} study ({grid.tier})")
    return _save(fig, ax, plotted, out / f"{kind}_{study}.png")


def _save(fig, ax, plotted: int, path: Path) -> Path:
    if plotted:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    else:
        ax.text(0.5, 0.5, "no results", ha="center", va="center", transform=ax.transAxes)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, dpi=DPI, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    os.replace(tmp, path)
    return path
