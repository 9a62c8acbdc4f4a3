"""The conformance report (`--conformance-report`) keeps every case that was started: one whose
fp64 reference could not be computed (on a GPU shared by many runs: out of memory) is reported as
an error, and a process pinned by SUITE_TRITON_CONFIG names that config in each case."""

from __future__ import annotations

import json

import pytest
import test_conformance as tc


def test_a_case_whose_reference_fails_is_reported(tmp_path, monkeypatch):
    def no_reference(*args):
        raise RuntimeError("CUDA error: out of memory")

    path = tmp_path / "report.json"
    monkeypatch.setattr(tc, "_case", no_reference)
    monkeypatch.setattr(tc, "RESULTS", [])
    monkeypatch.setitem(tc.REPORT, "path", str(path))
    monkeypatch.setenv("SUITE_TRITON_CONFIG", "fwd-scalar-bt64-bv64-w4-s2-rows")
    with pytest.raises(RuntimeError, match="out of memory"):
        tc.check("triton", ("scalar", 63, 64, "float32", "weak", True))
    report = json.loads(path.read_text())
    (case,) = report["cases"]
    assert case["passed"] is False and case["error"] == "reference: RuntimeError: CUDA error: out of memory"
    assert case["config"] == "fwd-scalar-bt64-bv64-w4-s2-rows" and case["shape"]["T"] == 63
    assert not report["passed"]
    assert report["provenance"]["tuning_env"] == {"SUITE_TRITON_CONFIG": "fwd-scalar-bt64-bv64-w4-s2-rows"}
