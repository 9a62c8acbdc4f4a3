"""`suite submit` end to end at the micro tier: the example plugin is validated, trained and
evaluated by the grid's own `suite train` / `suite eval`, filed and ranked (~40 s on 2 cores).

    pytest tests/test_submit_micro.py

The grid rows are made-up run files (tests/report_fake_results.py); the submission's run is real.
"""

from __future__ import annotations

import hashlib
import json
import math

from leaderboard_support import (
    EXAMPLES,
    GRID,
    SEEDS,
    TIER,
    bpb_of,
    eval_data,
    snapshot,
    submit_argv,
    write_params,
)
from report_fake_results import write_fake_results

from suite.cli import main


def test_example_plugin_goes_on_the_board(tmp_path, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    write_params(tmp_path / "params.yaml")
    write_fake_results(tmp_path / "results", GRID, SEEDS, tier=TIER,
                       bpb={v: [bpb_of(6.0)] * 3 for v in GRID})
    argv = submit_argv(tmp_path, "my_decay:PowerDecay", "power", "--seeds", "0",
                       "--eval-data", str(eval_data()), "--device", "cpu")
    assert main(argv) == 0, capsys.readouterr().err
    board = tmp_path / "results" / "leaderboard" / TIER
    run_dir = board / "runs" / "power" / "0"
    assert {"metrics.json", "eval.json", "decay_stats.json", "config.json"} <= {p.name for p in run_dir.iterdir()}
    assert json.loads((run_dir / "config.json").read_text())["model"]["decay"] == "my_decay:PowerDecay"

    entry = json.loads((board / "power.json").read_text())
    index = json.loads((board / "index.json").read_text())
    assert index["submissions"]["power"]["sha256"] == hashlib.sha256((board / "power.json").read_bytes()).hexdigest()
    assert entry["plugin"]["source_sha256"] == hashlib.sha256((EXAMPLES / "my_decay.py").read_bytes()).hexdigest()
    assert entry["protocol"]["token_budget"] == entry["runs"][0]["metrics"]["tokens_seen"] > 0
    assert entry["protocol"]["eval_versions"] and entry["fingerprint"] == index["fingerprint"]
    values = entry["runs"][0]["values"]
    for key in ("val_loss", "acc_avg", "recall", "lambada_ppl"):
        assert values[key] is not None and math.isfinite(values[key]), key
    assert len(entry["runs"][0]["layer_medians"]) == 2 and entry["provenance"]["versions"]["torch"]

    md = (tmp_path / "results" / "LEADERBOARD.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| ") and "| power |" in line)
    assert f"{values['val_loss']:.4f}" in row and "| submission | vector |" in row
    assert "not significant (fewer than 3 seeds)" in row and "| gla |" in row
    assert "power" in (tmp_path / "results" / "leaderboard.html").read_text()

    before = snapshot(tmp_path / "results")
    assert main(["submit", "--render", "--tier", TIER, "--results", str(tmp_path / "results"),
                 "--params", str(tmp_path / "params.yaml")]) == 0
    assert snapshot(tmp_path / "results") == before  # regenerating gives the same bytes
