"""`python -m suite.bench.merge`: several bench runs of one GPU joined into one table."""

from __future__ import annotations

import json

import pytest

from suite.bench.merge import main, merge
from suite.bench.report import sdpa_ratio, speedups
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
    assert "| B1_T8_H1_D8 | scalar | triton | fwd | 1.000 |" in md
    assert main([str(a), "--out", str(tmp_path / "one")]) == 0  # x SDPA within run a: 2/4
    assert "| B1_T8_H1_D8 | scalar | triton | fwd | 2.000 | 2.000-2.000 | 0.50 |" in (tmp_path / "one" / "kernels.md").read_text()


def test_merge_refuses_two_devices_and_bad_files(tmp_path):
    a = _run(tmp_path / "a.json", "GPU X", [_row("B1_T8_H1_D8", "triton", 2.0)])
    b = _run(tmp_path / "b.json", "GPU Y", [_row("B1_T8_H1_D8", "triton", 1.0)])
    with pytest.raises(SuiteError, match="different devices"):
        merge([a, b])
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(SuiteError, match="missing key 'rows'"):
        merge([bad])


def test_ratios_pair_rows_of_one_run_only(tmp_path):
    """Ours vs fla and x SDPA compare kernels measured side by side: a merged table pairs a row
    only with rows of its own run, and shows each row's run."""
    a = _run(tmp_path / "a.json", "GPU X", [_row("B1_T8_H1_D8", "triton", 2.0), _row("B1_T8_H1_D8", "fla", 6.0),
                                             _row("B1_T8_H1_D8", "sdpa", 4.0)])
    b = _run(tmp_path / "b.json", "GPU X", [_row("B1_T8_H1_D8", "triton", 1.0)])
    m = merge([a, b])
    runs = {r["backend"]: r["run"] for r in m["rows"]}
    assert runs == {"triton": 2, "fla": 1, "sdpa": 1}
    assert speedups(m["rows"]) == ""  # ours from run 2, fla from run 1: no ratio
    assert sdpa_ratio(next(r for r in m["rows"] if r["backend"] == "triton"), m["rows"]) is None
    same = merge([a])
    assert "| B1_T8_H1_D8 | scalar | fwd | 3.00x |" in speedups(same["rows"])
    assert main([str(a), str(b), "--out", str(tmp_path / "out")]) == 0
    md = (tmp_path / "out" / "kernels.md").read_text()
    assert "| B1_T8_H1_D8 | scalar | triton | fwd | 1.000 | 1.000-1.000 | - |" in md and md.count(" 2 |") == 1
    assert f"2 `{b}`" in md


def _graph(row):
    return dict(row, timer="graph")


def test_graph_timed_rows_stay_apart_and_pair_only_with_their_timer(tmp_path):
    """`suite bench --timer graph` rows (GPU time alone) sit beside the eager rows of the same
    case: a merge keeps both, the tables label them `(graph)`, and a ratio pairs rows of one timer."""
    eager = [_row("B1_T8_H1_D8", "triton", 2.0), _row("B1_T8_H1_D8", "fla", 6.0), _row("B1_T8_H1_D8", "sdpa", 4.0)]
    a = _run(tmp_path / "a.json", "GPU X", eager)
    b = _run(tmp_path / "b.json", "GPU X", [_graph(_row("B1_T8_H1_D8", "triton", 1.0)),
                                             _graph(_row("B1_T8_H1_D8", "sdpa", 8.0))])
    m = merge([a, b])
    ms = sorted((r["backend"], r.get("timer", "events"), r["ms"]) for r in m["rows"])
    assert ms == [("fla", "events", 6.0), ("sdpa", "events", 4.0), ("sdpa", "graph", 8.0),
                  ("triton", "events", 2.0), ("triton", "graph", 1.0)]
    one_run = [*eager, _graph(_row("B1_T8_H1_D8", "triton", 1.0))]
    assert speedups(one_run).count("x |") == 1  # graph ours vs eager fla: no pair
    graph_pair = [_graph(_row("B1_T8_H1_D8", "triton", 1.0)), _graph(_row("B1_T8_H1_D8", "fla", 5.0))]
    assert "| B1_T8_H1_D8 | scalar | fwd (graph) | 5.00x |" in speedups(graph_pair)
    assert sdpa_ratio(one_run[-1], one_run) is None  # SDPA of this run was timed eagerly
    assert main([str(a), str(b), "--out", str(tmp_path / "out")]) == 0
    md = (tmp_path / "out" / "kernels.md").read_text()
    assert "| B1_T8_H1_D8 | scalar | triton (graph) | fwd | 1.000 | 1.000-1.000 | 0.12 |" in md
    assert "| B1_T8_H1_D8 | scalar | triton | fwd | 2.000 | 2.000-2.000 | 0.50 |" in md
    from suite.report.speed import kernel_rows

    rows = {r[2]: r for r in kernel_rows({"rows": m["rows"]})}
    assert {b: r[3] for b, r in rows.items()} == {"triton": "2.00", "fla": "6.00", "sdpa": "4.00",
                                                  "triton (graph)": "1.00", "sdpa (graph)": "8.00"}
    assert rows["triton (graph)"][5] == "0.12"  # x SDPA of the graph row: the graph-timed SDPA's
    assert rows["triton"][5] == "0.50"
