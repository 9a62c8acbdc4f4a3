"""`suite/bench/gpu_session.sh`: the dispatcher over suite/bench/gpu_phases/ (no GPU needed).

Every phase is a function with its description above it, `list` prints them, and a name that is
no phase stops before any set-up with one sentence. Run: `pytest tests/test_gpu_session.py`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PHASES = ROOT / "suite" / "bench" / "gpu_phases"
FILES = ("nogpu", "early", "middle", "recent")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _session(*args, out=None):
    env = {**os.environ, **({"OUT": str(out)} if out else {})}
    return subprocess.run(["bash", "suite/bench/gpu_session.sh", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def _defined():
    """(file, phase name, the comment block above its function) for every phase_NAME."""
    found = []
    for f in FILES:
        lines = (PHASES / f"{f}.sh").read_text().splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"^phase_([a-z0-9_]+)\(\) \{", line)
            if m:
                j = i
                while j > 0 and lines[j - 1].startswith("# "):
                    j -= 1
                found.append((f, m.group(1).replace("_", "-"), lines[j:i]))
    return found


def test_every_phase_is_described_by_its_own_name_and_defined_once():
    found = _defined()
    names = [n for _, n, _ in found]
    assert len(names) == len(set(names)), "a phase defined twice: the later file would win silently"
    for f, name, doc in found:
        assert doc, f"{f}.sh: phase {name} has no description above it"
        assert doc[0].split()[1] == name, f"{f}.sh: the description above phase_{name} names {doc[0]!r}"


def test_list_prints_each_phase_once_with_its_description():
    r = _session("list")
    assert r.returncode == 0, r.stderr
    printed = [line.split()[0] for line in r.stdout.splitlines()]
    assert sorted(printed) == sorted(n for _, n, _ in _defined())
    assert "main" in printed and "gate" in printed and "summary" in printed


def test_an_unknown_phase_is_one_sentence_and_no_set_up(tmp_path):
    out = tmp_path / "out"
    r = _session("v999z", out=out)
    assert r.returncode == 2
    assert "unknown phase 'v999z'" in r.stderr and "list" in r.stderr
    assert not out.exists(), "the set-up ran for a phase that does not exist"


def test_a_phase_without_a_gpu_runs_through_the_dispatcher(tmp_path):
    """`summary DIR` (no GPU) gets its arguments: one line per conformance report in DIR."""
    report = tmp_path / "r1.json"
    report.write_text('{"cases": [{"passed": true, "error": null, "dtype": "float32", "kind": "scalar",'
                      ' "errors": {"o": 1e-6}}]}')
    r = _session("summary", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "r1: 1/1 passed, 0 not launchable, worst float32 1.0e-06; cases by kind: scalar 1"
