"""How far a grid's committed metrics moved against the same runs at an earlier git revision.

Reads `results/runs/<tier>/<variant>/<seed>/metrics.json` in the working tree and, through
`git show`, at REV; prints, per metric, the median and largest absolute change over the runs
present in both, how many runs moved beyond a threshold, and the runs that moved most.
Used for the README's statement on repeatability across machines:

    python -m suite.report.drift --tier tiny --against 7757790 [--threshold 0.03]

A development aid, not a pipeline stage.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
from pathlib import Path

from suite.errors import SuiteError


def changes(old: dict[str, float], new: dict[str, float]) -> list[tuple[float, str]]:
    """[(|new - old|, run)] over the runs in both, largest last."""
    return sorted((abs(new[r] - old[r]), r) for r in old.keys() & new.keys())


def summary(diffs: list[tuple[float, str]], threshold: float) -> dict:
    """Median and largest change, the count beyond `threshold`, the count exactly unchanged."""
    if not diffs:
        raise SuiteError("no run is present at both revisions: nothing to compare")
    x = [d for d, _ in diffs]
    return {"runs": len(x), "median": statistics.median(x), "max": diffs[-1][0], "max_run": diffs[-1][1],
            "beyond": sum(d > threshold for d in x), "equal": sum(d == 0 for d in x)}


def _metric(text: str, key: str, where: str) -> float:
    value = json.loads(text).get(key)
    if value is None:
        raise SuiteError(f"{where}: no key '{key}'")
    return float(value)


def read(tier: str, key: str, rev: str | None) -> dict[str, float]:
    """{"variant/seed": metric} of the working tree (rev None) or of git revision `rev`."""
    paths = sorted(Path("results/runs", tier).glob("*/*/metrics.json"))
    out = {}
    for p in paths:
        run = f"{p.parent.parent.name}/{p.parent.name}"
        if rev is None:
            out[run] = _metric(p.read_text(), key, str(p))
            continue
        got = subprocess.run(["git", "show", f"{rev}:{p.as_posix()}"], capture_output=True, text=True)
        if got.returncode == 0:
            out[run] = _metric(got.stdout, key, f"{rev}:{p}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tier", default="tiny")
    ap.add_argument("--against", required=True, help="git revision holding the earlier metrics")
    ap.add_argument("--metric", default="val_bits_per_byte")
    ap.add_argument("--threshold", type=float, default=0.03, help="count runs that moved more")
    a = ap.parse_args()
    diffs = changes(read(a.tier, a.metric, a.against), read(a.tier, a.metric, None))
    s = summary(diffs, a.threshold)
    print(f"{a.metric}, {a.tier}, working tree vs {a.against}: {s['runs']} runs, median |change| "
          f"{s['median']:.4f}, max {s['max']:.4f} ({s['max_run']}), beyond {a.threshold}: {s['beyond']}, "
          f"unchanged: {s['equal']}")
    for d, run in diffs[-5:]:
        print(f"  {run}: {d:.4f}")


if __name__ == "__main__":
    main()
