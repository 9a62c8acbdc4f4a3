"""`python -m suite.bench.merge`: several bench runs of one GPU joined into one table."""

from __future__ import annotations

import json

import pytest

from suite.bench.merge import main, merge
from suite.errors import SuiteError


def _run(path, device, rows):
    path.write_text(json.dumps({"rows": rows, "backends": {"triton": "timed"},
                                "provenance": {"device": {"name": device}}}))
    return path


def _row(shape, backend, ms):
    return {"shape": shape, "kind": "scalar", "backend": backend, "mode": "fwd", "ms": ms,
            "ms_p20": ms, "ms_p80": ms, "check": {"errors": {"o": 1e-3}, "passed": True}}


def test_merge_joins_rows_and_later_runs_replace(tmp_path):
    a = _run(tmp_path / "a.json", "GPU X", [_row("B1_T8_H1_D8", "triton", 2.0), _row("B1_T8_H1_D8", "sdpa", 4.0)])
    b = _run(tmp_path / "b.json", "GPU X", [_row("B1_T8_H1_D8", "triton", 1.0), _row("B2_T8_H1_D8", "fla", 3.0)])
    m = merge([a, b])
    ms = {(r["shape"], r["backend"]): r["ms"] for r in m["rows"]}
    assert ms == {("B1_T8_H1_D8", "triton"): 1.0, ("B1_T8_H1_D8", "sdpa"): 4.0, ("B2_T8_H1_D8", "fla"): 3.0}
    assert [r["source"] for r in m["runs"]] == [str(a), str(b)]
    assert main([str(a), str(b), "--out", str(tmp_path / "out")]) == 0
    md = (tmp_path / "out" / "kernels.md").read_text()
    assert "| B1_T8_H1_D8 | scalar | triton | fwd | 1.000 |" in md and "0.25" in md  # x SDPA = 1/4


def test_merge_refuses_two_devices_and_bad_files(tmp_path):
    a = _run(tmp_path / "a.json", "GPU X", [_row("B1_T8_H1_D8", "triton", 2.0)])
    b = _run(tmp_path / "b.json", "GPU Y", [_row("B1_T8_H1_D8", "triton", 1.0)])
    with pytest.raises(SuiteError, match="different devices"):
        merge([a, b])
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(SuiteError, match="missing key 'rows'"):
        merge([bad])
