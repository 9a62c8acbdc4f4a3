"""The leaderboard's ranking, protocol guard, checksums and rendering (no training; ~15 s).

    pytest tests/test_leaderboard_board.py

Grid runs and submission runs are made-up files (tests/report_fake_results.py); the protocol is
the real one of the micro tier on data prepared by `suite prepare`.
"""

from __future__ import annotations

import json

import pytest
from leaderboard_support import (
    TIER,
    fake_entry,
    make_board,
    protocol,
    snapshot,
    submit_argv,
)

from suite.cli import main
from suite.leaderboard.board import load_board
from suite.leaderboard.protocol import fingerprint
from suite.leaderboard.rank import Row, compare, grid_rows, load_grid, submission_rows


@pytest.fixture()
def board(tmp_path):
    return make_board(tmp_path)


def _row(name, losses, source="grid", kind="vector"):
    return Row(name, source, kind, name, {"val_loss": list(losses)})


def test_welch_significance_and_few_seeds():
    grid = [_row("gla", [3.00, 3.01, 3.02]), _row("mamba2", [3.05, 3.06, 3.04]),
            _row("tnl", [2.0, 2.0, 2.0], kind="static")]
    better = compare(_row("sub", [2.90, 2.91, 2.92], "submission"), grid)
    assert (better.best, better.verdict) == ("gla", "better")  # best of kind vector, not tnl
    assert better.p_value < 0.001 and better.delta == pytest.approx(-0.10)
    worse = compare(_row("sub", [3.20, 3.21, 3.22], "submission"), grid)
    assert worse.verdict == "worse"
    noisy = compare(_row("sub", [2.5, 3.5, 3.0], "submission"), grid)
    assert noisy.verdict == "not significant" and noisy.p_value > 0.05
    two = compare(_row("sub", [1.0, 1.01], "submission"), grid)  # far better, but 2 seeds
    assert two.verdict.startswith("not significant") and two.p_value is None
    none = compare(_row("sub", [3.0, 3.0, 3.0], "submission", kind="scalar"), grid)
    assert none.verdict.startswith("not compared") and none.best is None


def test_board_lists_params_variants_and_submissions(board, tmp_path):
    (board["results"] / "runs" / TIER / "stray" / "0").mkdir(parents=True)  # not in params: ignored
    grid = load_grid(board["params"], TIER)
    rows = grid_rows(board["results"], grid) + submission_rows(load_board(board["results"], TIER).submissions)
    assert [r.name for r in rows] == ["gla", "gla-scalar", "mamba2", "tnl", "none", "softmax", "alpha"]
    assert {r.name: r.kind for r in rows} == {"gla": "vector", "gla-scalar": "scalar", "mamba2": "vector",
                                             "tnl": "static", "none": "none", "softmax": "softmax",
                                             "alpha": "vector"}
    md = (board["results"] / "LEADERBOARD.md").read_text()
    assert "| 1 | alpha | submission | vector |" in md and "| 2 | softmax |" in md
    assert "alpha: better vs gla (kind vector)" in md
    html = (board["results"] / "leaderboard.html").read_text()
    assert html.count("<tr class=") == 7 and "<svg" in html and "http" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def test_render_is_deterministic(board):
    before = snapshot(board["results"])
    assert main(["submit", "--render", "--tier", TIER, "--results", str(board["results"]),
                 "--params", str(board["params"])]) == 0
    assert snapshot(board["results"]) == before


def test_tampered_file_is_refused(board, tmp_path, capsys):
    path = board["board"] / "alpha.json"
    entry = json.loads(path.read_text())
    entry["runs"][0]["values"]["val_loss"] = 1.0  # a better number, typed in by hand
    path.write_text(json.dumps(entry, indent=2, sort_keys=True) + "\n")
    before = snapshot(tmp_path / "results")
    assert main(["submit", "--render", "--tier", TIER, "--results", str(board["results"]),
                 "--params", str(board["params"])]) == 2
    err = capsys.readouterr().err
    assert "alpha.json" in err and "does not match" in err and "changed after it was submitted" in err
    assert snapshot(tmp_path / "results") == before
    assert main(submit_argv(tmp_path, "my_decay:PowerDecay", "beta", "--validate-only")) == 2


@pytest.mark.parametrize("key, value", [("token_budget", 999), ("data_sha256", "0" * 64),
                                        ("suite_version", "9.9.9"),
                                        ("eval_versions", {"piqa": 2.0})])
def test_protocol_mismatch_is_refused(board, tmp_path, capsys, key, value):
    entry = fake_entry(tmp_path, "beta", [2.9, 2.91, 2.92], {**protocol(), key: value})
    if key in ("token_budget", "data_sha256"):  # the runs agree with their (wrong) protocol
        for run in entry["runs"]:
            run["metrics"]["tokens_seen" if key == "token_budget" else "data_sha256"] = value
    path = tmp_path / "beta.json"
    path.write_text(json.dumps(entry))
    before = snapshot(tmp_path / "results")
    assert main(["submit", "--from-result", str(path), "--results", str(board["results"]),
                 "--params", str(board["params"])]) == 2
    err = capsys.readouterr().err
    assert "different protocol" in err and f"{key}:" in err, err
    assert snapshot(tmp_path / "results") == before


def test_inconsistent_entries_are_refused(board, tmp_path, capsys):
    entry = fake_entry(tmp_path, "gamma", [2.9, 2.91, 2.92])
    entry["protocol"]["token_budget"] = 1  # edited without the fingerprint
    bad_runs = fake_entry(tmp_path, "delta", [2.9, 2.91, 2.92])
    bad_runs["runs"][1]["metrics"]["tokens_seen"] = 7  # one seed trained on another budget
    no_key = {k: v for k, v in fake_entry(tmp_path, "eps", [2.9]).items() if k != "validation"}
    before = snapshot(tmp_path / "results")
    for bad, words in ((entry, "fingerprint"), (bad_runs, "token budget 7"), (no_key, "missing key 'validation'")):
        path = tmp_path / f"{bad['name']}.json"
        path.write_text(json.dumps(bad))
        assert main(["submit", "--from-result", str(path), "--results", str(board["results"]),
                     "--params", str(board["params"])]) == 2
        assert words in capsys.readouterr().err
    assert snapshot(tmp_path / "results") == before


def test_good_result_is_filed_and_indexed(board, tmp_path):
    entry = fake_entry(tmp_path, "beta", [3.3, 3.31])
    path = tmp_path / "beta.json"
    path.write_text(json.dumps(entry))
    assert main(["submit", "--from-result", str(path), "--results", str(board["results"]),
                 "--params", str(board["params"])]) == 0
    index = json.loads((board["board"] / "index.json").read_text())
    assert sorted(index["submissions"]) == ["alpha", "beta"]
    assert index["fingerprint"] == fingerprint(index["protocol"])
    md = (board["results"] / "LEADERBOARD.md").read_text()
    assert "beta: not significant (fewer than 3 seeds) vs gla" in md
    assert main(["submit", "--from-result", str(path), "--results", str(board["results"]),
                 "--params", str(board["params"])]) == 2  # the same name twice needs --replace


def test_empty_board_renders_the_grid(tmp_path):
    from leaderboard_support import GRID, SEEDS, write_params
    from report_fake_results import write_fake_results

    write_params(tmp_path / "params.yaml")
    write_fake_results(tmp_path / "results", GRID, SEEDS, tier=TIER)
    assert main(["submit", "--render", "--tier", TIER, "--results", str(tmp_path / "results"),
                 "--params", str(tmp_path / "params.yaml")]) == 0
    md = (tmp_path / "results" / "LEADERBOARD.md").read_text()
    assert "(no submissions yet)" in md and all(f"| {v} | grid |" in md for v in GRID)
    assert not (tmp_path / "results" / "leaderboard").exists()  # no entry, no index
