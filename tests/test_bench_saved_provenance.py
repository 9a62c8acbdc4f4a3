"""The pytest-benchmark suite (tests/bench/test_kernel_speed.py) saves the suite's provenance
with every case: the saved JSON names the source it timed (sha256 of the suite package), the
package versions and the device, and no host name. Runs one CPU case (Triton interpreter) in a
subprocess with `--benchmark-json`. ~15 s on 2 cores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from suite.provenance import source_digest
from suite.tiers import ROOT


def test_saved_cases_carry_the_suites_provenance(tmp_path: Path):
    out = tmp_path / "run.json"
    env = {**os.environ, "TRITON_INTERPRET": "1"}
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/bench/test_kernel_speed.py",
         "-k", "scalar and fwd and not fwdbwd", f"--benchmark-json={out}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    cases = json.loads(out.read_text())["benchmarks"]
    assert len(cases) == 1
    info = cases[0]["extra_info"]
    assert info["git"]["code_sha256"] == source_digest()
    assert info["device"]["type"] == "cpu" and info["calls_per_round"] == 1 and info["dtype"] == "torch.float32"
    assert info["versions"]["torch"] == __import__("torch").__version__
    assert "run" not in info  # the host name and pid stay out of a stored baseline
