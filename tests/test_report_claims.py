"""The decision rule and the four findings on made-up results with known answers. ~10 s."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_fake_results import write_fake_results
from suite.cli import main
from suite.report.findings import all_findings
from suite.report.grid import load_grid
from suite.report.results import collect, summarize
from suite.report.verdict import (A_LOWER, B_LOWER, NO_DATA, WITHIN_NOISE, compare, verdict)

F3_GRID = ["mamba2", "gla", "hgrn2", "mamba2-scalar", "gla-scalar", "hgrn2-scalar"]


def s(*values):
    return summarize(list(values))


@pytest.mark.parametrize("a,b,expected", [
    ((2.00,), (2.10,), A_LOWER),                 # 0.10 > floor 0.03
    ((2.10,), (2.00,), B_LOWER),
    ((2.00,), (2.02,), WITHIN_NOISE),            # 0.02 < floor
    ((2.00, 2.20), (2.15, 2.16), WITHIN_NOISE),  # 0.055 > floor but < seed range 0.2
    ((2.00, 2.01), (2.10, 2.11), A_LOWER),       # 2 seeds, tight: counts
    ((2.00, 2.01, 2.02), (2.10, 2.11, 2.12), A_LOWER),   # Welch p << 0.05
    ((2.00, 2.30, 2.10), (2.10, 1.90, 2.35), WITHIN_NOISE),  # Welch not significant
    ((2.000, 2.001, 2.002), (2.010, 2.011, 2.012), WITHIN_NOISE),  # significant, below floor
    ((), (2.0,), NO_DATA),
])
def test_compare_rule(a, b, expected):
    assert compare(s(*a), s(*b), floor=0.03, alpha=0.05).outcome == expected


def test_compare_equivalence_needs_three_seeds():
    tight = compare(s(2.0, 2.001, 1.999), s(2.0005, 2.0015, 1.9995), 0.03)
    assert tight.ci_within(0.03)
    assert not compare(s(2.0), s(2.0), 0.03).ci_within(0.03)


def test_verdict_majority():
    assert verdict(["supports", "supports", "inconclusive"]) == "reproduced"
    assert verdict(["contradicts", "contradicts", "supports"]) == "contradicted"
    assert verdict(["supports", "contradicts"]) == "inconclusive"
    assert verdict(["no data", "no data"]) == "inconclusive"
    assert verdict(["supports", "no data"]) == "reproduced"


def _findings(tmp_path: Path, variants, seeds, bpb, medians=None):
    write_fake_results(tmp_path, variants, seeds, bpb=bpb, medians=medians)
    grid = load_grid(tmp_path / "grid.json")
    return {f.id: f for f in all_findings(grid, collect(grid, tmp_path))}


def test_f3_reproduced_when_vector_is_clearly_better(tmp_path: Path):
    bpb = {v: [2.2 if "scalar" in v else 2.0] for v in F3_GRID}
    assert _findings(tmp_path, F3_GRID, [0], bpb)["F3"].verdict == "reproduced"


def test_f3_contradicted_when_scalar_is_clearly_better(tmp_path: Path):
    bpb = {v: [2.0 if "scalar" in v else 2.2] for v in F3_GRID}
    assert _findings(tmp_path, F3_GRID, [0], bpb)["F3"].verdict == "contradicted"


def test_f3_small_difference_one_seed_is_inconclusive(tmp_path: Path):
    bpb = {v: [2.01 if "scalar" in v else 2.0] for v in F3_GRID}
    f = _findings(tmp_path, F3_GRID, [0], bpb)["F3"]
    assert f.verdict == "inconclusive"
    assert all(i.outcome == "inconclusive" for i in f.items)


def test_f3_two_seeds_spread_larger_than_difference_is_inconclusive(tmp_path: Path):
    bpb = {v: ([2.10, 2.30] if "scalar" in v else [1.95, 2.25]) for v in F3_GRID}
    assert _findings(tmp_path, F3_GRID, [0, 1], bpb)["F3"].verdict == "inconclusive"


def test_f3_three_seeds_uses_the_t_test(tmp_path: Path):
    bpb = {v: ([2.10, 2.11, 2.12] if "scalar" in v else [2.00, 2.01, 2.02]) for v in F3_GRID}
    assert _findings(tmp_path, F3_GRID, [0, 1, 2], bpb)["F3"].verdict == "reproduced"


def test_f4_pe_worse_supports_pe_better_contradicts(tmp_path: Path):
    names = ["mamba2-scalar", "tnl", "mamba2-scalar-lrpe", "tnl-rope"]
    worse = {"mamba2-scalar": [2.0], "tnl": [2.0], "mamba2-scalar-lrpe": [2.1], "tnl-rope": [2.1]}
    assert _findings(tmp_path / "a", names, [0], worse)["F4"].verdict == "reproduced"
    better = {**worse, "mamba2-scalar-lrpe": [1.9], "tnl-rope": [1.9]}
    assert _findings(tmp_path / "b", names, [0], better)["F4"].verdict == "contradicted"


def test_f2_needs_loss_raise_and_decay_shift(tmp_path: Path):
    names = ["mamba2", "gla", "mamba2-share", "gla-share"]
    bpb = {"mamba2": [2.0], "gla": [2.0], "mamba2-share": [2.2], "gla-share": [2.2]}
    moved = {"mamba2": 0.8, "gla": 0.8, "mamba2-share": 0.3, "gla-share": 0.99}
    assert _findings(tmp_path / "a", names, [0], bpb, moved)["F2"].verdict == "reproduced"
    still = {k: 0.8 for k in moved}
    f = _findings(tmp_path / "b", names, [0], bpb, still)["F2"]
    assert f.verdict == "inconclusive" and "did not move" in f.items[0].note


def test_f1_depends_on_p(tmp_path: Path):
    names = ["mamba2", "simple-0.8", "simple-0.9", "simple-0.99"]
    bpb = {"mamba2": [2.0], "simple-0.8": [2.0], "simple-0.9": [2.0], "simple-0.99": [2.3]}
    f = _findings(tmp_path, names, [0], bpb)["F1"]
    assert f.verdict == "reproduced"
    assert "simple-0.99 vs" in f.items[0].text


def test_claims_file_states_rule_and_numbers(tmp_path: Path):
    bpb = {v: [2.2 if "scalar" in v else 2.0] for v in F3_GRID}
    write_fake_results(tmp_path, F3_GRID, [0], bpb=bpb)
    assert main(["claims", "--grid", str(tmp_path / "grid.json"), "--results", str(tmp_path)]) == 0
    text = (tmp_path / "claims.md").read_text()
    assert "## Decision rule" in text and "Fewer than 3 seeds" in text
    assert "| F3 | reproduced |" in text and "| F4 | inconclusive |" in text
    assert "2.0000 (1 seed)" in text and "-0.2000" in text
