"""suite.bench.dist_match: curve and final-metric verdicts of a multi-GPU run against one GPU."""

from __future__ import annotations

import json
import math

import pytest

from suite.bench.dist_match import compare, main, read_run
from suite.errors import SuiteError


def _run(path, losses: dict, bpb: float | None = 1.5, world: int = 1, fsdp: bool = False):
    path.mkdir(parents=True)
    rows = ["step,tokens,lr,train_loss,val_loss"] + [f"{s},{s * 64},0.001,{v!r}," for s, v in losses.items()]
    (path / "curve.csv").write_text("\n".join(rows) + "\n")
    if bpb is not None:
        (path / "metrics.json").write_text(json.dumps({
            "val_bits_per_byte": bpb, "val_loss": bpb * 2, "distributed": {"world_size": world, "fsdp": fsdp}}))
    return path


CURVE = {s: 9.0 - 0.01 * s for s in range(10, 310, 10)}


def test_identical_runs_agree(tmp_path):
    ref, run = _run(tmp_path / "a", CURVE), _run(tmp_path / "b", CURVE, world=2)
    v = compare(read_run(ref), read_run(run), upto=200, rtol=0.01, metric_tol=0.03)
    assert v["curve_ok"] and v["metrics_ok"] and v["steps_compared"] == 20 and v["max_rel_diff"] == 0.0


def test_divergence_names_the_first_step_and_ignores_steps_after_upto(tmp_path):
    bent = {s: v * (1.05 if s >= 150 else 1.0) for s, v in CURVE.items()}
    late = {s: v * (1.05 if s > 200 else 1.0) for s, v in CURVE.items()}
    ref = read_run(_run(tmp_path / "a", CURVE))
    v = compare(ref, read_run(_run(tmp_path / "b", bent)), upto=200, rtol=0.01, metric_tol=0.03)
    assert not v["curve_ok"] and v["first_step_above_rtol"] == 150 and v["max_rel_diff"] == pytest.approx(0.05)
    assert compare(ref, read_run(_run(tmp_path / "c", late)), upto=200, rtol=0.01, metric_tol=0.03)["curve_ok"]


def test_nan_loss_and_metric_gap_fail_with_reasons(tmp_path):
    nan = {s: (math.nan if s >= 30 else v) for s, v in CURVE.items()}
    ref = read_run(_run(tmp_path / "a", CURVE))
    v = compare(ref, read_run(_run(tmp_path / "b", nan)), upto=200, rtol=0.01, metric_tol=0.03)
    assert not v["curve_ok"] and v["reason"] == "run loss is not finite from step 30"
    gap = compare(ref, read_run(_run(tmp_path / "c", CURVE, bpb=1.6)), upto=200, rtol=0.01, metric_tol=0.03)
    assert gap["curve_ok"] and gap["metrics_ok"] is False and gap["diff_val_bits_per_byte"] == pytest.approx(0.1)
    unfinished = compare(ref, read_run(_run(tmp_path / "d", CURVE, bpb=None)), upto=200, rtol=0.01, metric_tol=0.03)
    assert unfinished["metrics_ok"] is None


def test_cli_writes_json_and_markdown_and_refuses_a_non_run(tmp_path, capsys):
    ref, run = _run(tmp_path / "a", CURVE), _run(tmp_path / "b", CURVE, world=2, fsdp=True)
    out = tmp_path / "res" / "distributed.json"
    out.parent.mkdir()
    assert main(["--ref", str(ref), "--runs", str(run), "--out", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert rep["comparisons"][0]["curve_ok"] and "| 2 | True | 20 |" in out.with_suffix(".md").read_text()
    assert main(["--ref", str(tmp_path / "nothing"), "--runs", str(run)]) == 2
    assert "curve.csv: not found" in capsys.readouterr().err
    with pytest.raises(SuiteError, match="no logged step"):
        compare(read_run(ref), read_run(run), upto=5, rtol=0.01, metric_tol=0.03)
