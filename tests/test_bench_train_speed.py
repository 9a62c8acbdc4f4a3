"""Training-step benchmark: `measure` runs the real training step and reports tokens/s with its
spread and peak memory, each variant in its own process on Linux; the CLI writes train.json and
train.md for every variant it is given (~20 s)."""

from __future__ import annotations

import json

import pytest

from suite.bench.train_speed import measure, percentile
from suite.cli import main
from suite.errors import SuiteError


def test_measure_reports_throughput_spread_and_memory():
    r = measure("gla", tier="micro", steps=3, device="cpu")
    assert r["tokens_per_step"] == 8 * 64 and len(r["step_s"]) == 3
    assert r["tokens_per_s_p20"] <= r["tokens_per_s"] <= r["tokens_per_s_p80"]
    assert r["peak_memory_mb"] > 0 and r["backend"] == "chunked" and r["variant"] == "gla"
    assert r["kind"] == "vector" and r["threads"] == 1  # the micro tier trains on one thread


def test_in_process_and_isolated_agree_on_what_they_measure():
    a = measure("softmax", tier="micro", steps=2, device="cpu", isolate=False)
    b = measure("softmax", tier="micro", steps=2, device="cpu", isolate=True)
    same = ("variant", "kind", "backend", "tokens_per_step", "n_params", "steps")
    assert {k: a[k] for k in same} == {k: b[k] for k in same}
    assert a["kind"] == "softmax" and a["backend"] == "sdpa"


def test_unknown_backend_is_refused_not_replaced():
    with pytest.raises(SuiteError, match="not available"):
        measure("gla", tier="micro", steps=1, device="cpu", backend="no-such-backend")


def test_percentile_interpolates():
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 20) == pytest.approx(1.8)
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 80) == pytest.approx(4.2)


def test_cli_writes_train_results_for_every_variant(tmp_path):
    rc = main(["bench", "--what", "train", "--tier", "micro", "--device", "cpu",
               "--variants", "tnl", "none", "--out", str(tmp_path)])
    assert rc == 0
    rows = json.loads((tmp_path / "cpu" / "train.json").read_text())["rows"]
    assert [(r["variant"], r["kind"]) for r in rows] == [("tnl", "static"), ("none", "none")]
    assert all(len(r["step_s"]) == 3 for r in rows)  # micro.yaml: train_steps 3
    md = (tmp_path / "cpu" / "train.md").read_text()
    assert "| tnl | static | chunked |" in md and "p20-p80" in md
    assert not (tmp_path / "cpu" / "kernels.json").exists()  # --what train: no kernel timings
