"""suite.bench.coverage: the conformance coverage of pinned Triton configs, from their reports."""

from __future__ import annotations

import json

from suite.bench.coverage import main, tally


def _case(kind, T, regime, h0, passed=True, error=None, config=None, K=64, dtype="float32"):
    return {"config": config, "kind": kind, "dtype": dtype, "shape": {"T": T, "K": K}, "regime": regime,
            "initial_state": h0, "passed": passed, "error": error}


def test_distinct_cases_count_once_and_failures_are_split(tmp_path):
    """A case passed in two reports counts once; a wrong value and a raised error are told apart;
    a report without config names is attributed by the longest config name in its file name."""
    names = ["fwd-scalar-bt64", "fwd-scalar-bt64-rows"]
    (tmp_path / "a.json").write_text(json.dumps({"cases": [
        _case("none", 63, "weak", True, config="fwd-scalar-bt64-rows"),
        _case("static", 63, "weak", True, passed=False, config="fwd-scalar-bt64-rows"),
        _case("scalar", 500, "strong", False, passed=False, error="RuntimeError: out of memory",
              config="fwd-scalar-bt64-rows")]}))
    (tmp_path / "v12_fwd-scalar-bt64-rows_fp32.json").write_text(json.dumps({"cases": [
        _case("none", 63, "weak", True), _case("none", 500, "weak", True)]}))
    counts = tally(sorted(tmp_path.glob("*.json")), names)
    cell = counts["fwd-scalar-bt64-rows"][("fp32", 64)]
    assert {k: len(v) for k, v in cell["passed"].items()} == {"none": 2}
    assert cell["T"] == {63, 500} and cell["wrong"] == 1 and cell["errors"] == 1
    assert "fwd-scalar-bt64" not in counts


def test_cli_prints_a_row_per_config_dtype_and_head_dim(tmp_path, capsys):
    name = "fwd-scalar-bt64-bv64-w4-s2-rows"
    (tmp_path / "r.json").write_text(json.dumps({"cases": [
        _case("scalar", 63, "weak", True, config=name, K=128, dtype="bfloat16"),
        _case("vector", 63, "weak", True, config="fwd-vector-bt16-bv128-w8-s2")]}))
    assert main([str(tmp_path), "--family", "scalar"]) == 0
    out = capsys.readouterr().out
    assert f"| {name} | bf16 | 128 | none 0, static 0, scalar 1 | 63 | 0 | 0 |" in out
    assert "vector" not in out
