"""suite.report.drift: changes of a metric between two revisions' runs."""

import pytest

from suite.errors import SuiteError
from suite.report.drift import changes, summary


def test_changes_only_shared_runs_sorted():
    old = {"a/0": 2.70, "b/0": 2.80, "gone/0": 1.0}
    new = {"a/0": 2.75, "b/0": 2.80, "new/0": 3.0}
    d = changes(old, new)
    assert [r for _, r in d] == ["b/0", "a/0"]
    assert d[-1][0] == pytest.approx(0.05)


def test_summary_counts_beyond_threshold_and_equal():
    s = summary(changes({"a/0": 1.0, "b/0": 1.0, "c/0": 1.0}, {"a/0": 1.0, "b/0": 1.01, "c/0": 1.04}), 0.03)
    assert (s["runs"], s["beyond"], s["equal"], s["max_run"]) == (3, 1, 1, "c/0")
    assert s["median"] == pytest.approx(0.01) and s["max"] == pytest.approx(0.04)


def test_summary_without_shared_runs_is_an_error():
    with pytest.raises(SuiteError, match="no run is present"):
        summary(changes({"a/0": 1.0}, {"b/0": 1.0}), 0.03)
