"""`suite kernel-sources` (suite/commands/kernel_sources.py): the record that training, evaluation
and bench depend on lists the kernel code that can run on the machine and nothing else, is
byte-equal run to run, and is sound: no code those stages run imports a backend's own code
(the Triton package, the fla adapter) except through the backend registry. The DVC side (an edit
to the Triton kernels reruns nothing after this stage on CPU) is in tests/test_pipeline_dvc.py.
~15 s on 2 cores."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from suite.commands.kernel_sources import EXCLUSIVE, KERNELS, is_under
from suite.tiers import ROOT

# the packages the train, eval and bench stages import (dvc.yaml), besides suite/kernels
STAGE_CODE = ("suite/model", "suite/decay", "suite/training", "suite/eval", "suite/data", "suite/kernels")
OWN_PARTS = [p for parts in EXCLUSIVE.values() for p in parts]
OWN = {f"suite.kernels.{p.removesuffix('.py')}" for p in OWN_PARTS}


def _cli(*args: str, interpret: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    if interpret:
        env["TRITON_INTERPRET"] = "1"
    return subprocess.run([sys.executable, "-m", "suite.cli", "kernel-sources", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def _imports(path: Path, pkg: str | None = None) -> set[str]:
    """Absolute names of the modules `path` (in package `pkg`, by default its folder's) imports."""
    pkg = pkg or ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = pkg.rsplit(".", node.level - 1)[0] if node.level else ""
            mod = ".".join(filter(None, (base, node.module)))
            out |= {mod} | {f"{mod}.{a.name}" for a in node.names}
    return out


def test_stage_code_never_imports_a_backends_own_code():
    files = [p for d in STAGE_CODE for p in sorted((ROOT / d).rglob("*.py"))
             if not (p.is_relative_to(KERNELS) and is_under(p.relative_to(KERNELS).as_posix(), OWN_PARTS))]
    assert len(files) > 20
    bad = {(p.relative_to(ROOT).as_posix(), m) for p in files for m in _imports(p)
           if any(m == o or m.startswith(o + ".") for o in OWN)}
    assert not bad, f"(file, import of a backend's own code): {sorted(bad)}"


def test_the_import_check_sees_relative_and_absolute_imports(tmp_path: Path):
    probe = tmp_path / "probe.py"
    probe.write_text("from .triton import fwd\nimport suite.kernels.fla\nfrom . import chunked\n")
    found = _imports(probe, "suite.kernels")
    assert {"suite.kernels.triton.fwd", "suite.kernels.fla", "suite.kernels.chunked"} <= found


@pytest.mark.skipif(torch.cuda.is_available(), reason="the record of a machine without CUDA")
def test_record_without_cuda_leaves_out_triton_and_fla(tmp_path: Path):
    out = tmp_path / "a.json"
    res = _cli("--out", str(out))
    assert res.returncode == 0, res.stderr
    rec = json.loads(out.read_text())
    assert rec["device"] == "cpu" and rec["excluded"] == ["fla.py", "triton"]
    assert "chunked" in rec["backends"] and "triton" not in rec["backends"]
    assert "chunked.py" in rec["files"] and "__init__.py" in rec["files"]
    assert not any(f.startswith("triton/") or f == "fla.py" or f.endswith(".md") for f in rec["files"])
    assert out.name in res.stdout and rec["digest"][:12] in res.stdout
    again = tmp_path / "b.json"
    assert _cli("--out", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_record_with_the_interpreter_holds_the_triton_kernels():
    """Under TRITON_INTERPRET=1 Triton runs on CPU, so its kernels are code that can run here."""
    res = _cli("--device", "cpu", interpret=True)
    assert res.returncode == 0, res.stderr
    rec = json.loads(res.stdout)
    assert "triton" in rec["backends"] and "triton" not in rec["excluded"]
    assert {"triton/fwd.py", "triton/bwd.py", "triton/dhdv.py"} <= set(rec["files"])


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_asked_for_without_cuda_is_one_clear_error():
    res = _cli("--device", "cuda", "--out", "results/never_written.json")
    assert res.returncode == 2
    assert res.stderr.strip() == ("suite kernel-sources: error: --device cuda: CUDA is not available on this "
                                  "machine; allowed: cpu")
    assert not (ROOT / "results/never_written.json").exists()
