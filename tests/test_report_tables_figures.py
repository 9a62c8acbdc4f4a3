"""Tables and figures on a made-up result tree (tests/report_fake_results.py). ~15 s on 2 cores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from report_fake_results import write_fake_results
from suite.cli import main
from suite.report.figures import DECAY_GROUPS

VARIANTS = ["mamba2", "gla", "simple-0.8", "simple-0.99", "none", "softmax", "mamba2-share",
            "mamba2-scalar", "tnl", "mamba2-scalar-lrpe", "mamba2-scalar-rope"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write_fake_results(tmp_path / "results", VARIANTS, [0, 1], rng_seed=3)
    return tmp_path / "results"


def _run(cmd: str, root: Path) -> None:
    assert main([cmd, "--grid", str(root / "grid.json"), "--results", str(root)]) == 0


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_tables_per_study_three_formats_deterministic(tree: Path):
    _run("tables", tree)
    out = tree / "tables" / "tiny"
    studies = ("parameterization", "sharing", "granularity", "position")
    assert {f"{s}.{e}" for s in studies for e in ("md", "csv", "tex")} <= set(_bytes(out))
    first = _bytes(out)
    _run("tables", tree)
    assert _bytes(out) == first


def test_table_rows_values_and_spread(tree: Path):
    _run("tables", tree)
    md = (tree / "tables" / "tiny" / "sharing.md").read_text()
    rows = [line for line in md.splitlines() if line.startswith("| MAMBA2")]
    assert rows[0].startswith("| MAMBA2 |") and rows[1].startswith("| MAMBA2-SHARE |")
    vals = [json.loads((tree / f"runs/tiny/mamba2/{s}/metrics.json").read_text())["val_loss"]
            for s in (0, 1)]
    assert f"{sum(vals) / 2:.3f} ± " in rows[0]
    csv = (tree / "tables" / "tiny" / "sharing.csv").read_text().splitlines()
    assert csv[0].startswith("variant,label,seeds,val_loss,val_loss_std")
    assert csv[1].split(",")[:3] == ["mamba2", "MAMBA2", "2"]
    assert "$\\pm$" in (tree / "tables" / "tiny" / "sharing.tex").read_text()


def test_missing_metrics_are_dashes_not_invented(tree: Path):
    for seed in (0, 1):
        (tree / f"runs/tiny/gla/{seed}/eval.json").unlink()
    _run("tables", tree)
    row = next(r for r in (tree / "tables/tiny/parameterization.md").read_text().splitlines()
               if r.startswith("| GLA |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4] == "–"          # LAMBADA ppl
    assert cells[2] != "–"          # val loss still there
    none_row = next(r for r in (tree / "tables/tiny/parameterization.md").read_text().splitlines()
                    if r.startswith("| NONE |"))
    assert none_row.rstrip(" |").endswith("–")   # no decay -> no median decay
    gla_csv = next(r for r in (tree / "tables/tiny/parameterization.csv").read_text().splitlines()
                   if r.startswith("gla,"))
    assert ",," in gla_csv


def test_figures_written_deterministically(tree: Path):
    _run("figures", tree)
    out = tree / "figures" / "tiny"
    files = _bytes(out)
    assert {f"decay_{g}.png" for g in DECAY_GROUPS} <= set(files)
    assert {"loss_sharing.png", "length_position.png", "recall_granularity.png"} <= set(files)
    assert all(b.startswith(b"\x89PNG") for b in files.values())
    _run("figures", tree)
    assert _bytes(out) == files


def test_cell_formats():
    from suite.report.results import summarize
    from suite.report.tables import Column, cell

    col = Column("lambada_ppl", "LAMBADA ppl", 2)
    assert cell(summarize([12.345]), col) == "12.35"
    assert cell(summarize([1.0, 3.0]), col) == "2.00 ± 1.41"
    assert cell(summarize([9.15e8]), col) == "9.150e+08"
    assert cell(summarize([None]), col) == "–"
