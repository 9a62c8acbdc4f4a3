"""Training-throughput benchmark: `measure` runs the real training step and reports tokens/s (~10 s)."""

from __future__ import annotations

import argparse
import json

import pytest

from suite.bench.train_speed import measure
from suite.errors import SuiteError


def test_measure_reports_throughput_and_memory():
    r = measure("gla", tier="micro", steps=2, device="cpu")
    assert r["tokens_per_step"] == 8 * 64 and r["tokens_per_s"] > 0 and r["peak_memory_mb"] > 0
    assert r["backend"] == "chunked" and r["variant"] == "gla"


def test_unknown_backend_is_refused_not_replaced():
    with pytest.raises(SuiteError, match="not available"):
        measure("gla", tier="micro", steps=1, device="cpu", backend="no-such-backend")


def test_cli_hook_writes_json(tmp_path, monkeypatch):
    import suite.bench.train_speed as ts

    monkeypatch.setattr(ts, "DEFAULT_VARIANTS", ("softmax",))
    args = argparse.Namespace(tier="micro", device="cpu", out=str(tmp_path))
    assert measure(args) == 0
    rows = json.loads((tmp_path / "cpu" / "train.json").read_text())["rows"]
    assert [r["variant"] for r in rows] == ["softmax"] and len(rows[0]["tokens_per_s_all"]) == 3
