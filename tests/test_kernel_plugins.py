"""Kernel backends of your own (`suite.kernel_plugins`): found by `module:function` or entry
point, checked by the conformance suite (which passes the example and fails broken copies of
it), timed by `suite bench` with their provenance, refused with one sentence when malformed.

    pytest tests/test_kernel_plugins.py
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from suite.cli import main
from suite.errors import SuiteError
from suite.kernel_plugins import plugin_backends, plugin_errors, resolve, runs_on, spec_of
from suite.kernels import BACKENDS, attend, available_backends

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SPEC = "my_kernel:attend"
EXAMPLE_SHA = hashlib.sha256((EXAMPLES / "my_kernel.py").read_bytes()).hexdigest()

BROKEN = '''
from my_kernel import attend


def no_decay_grad(q, k, v, log_decay, **kw):  # the log-decay gets no gradient
    return attend(q, k, v, None if log_decay is None else log_decay.detach(), **kw)


def no_initial_state(q, k, v, log_decay, *, initial_state, **kw):  # the initial state is ignored
    return attend(q, k, v, log_decay, initial_state=None, **kw)


def two_args(q, k):
    return q


def runs_on_tpu(q, k, v, log_decay, **kw):
    return attend(q, k, v, log_decay, **kw)


no_decay_grad.kinds = no_initial_state.kinds = attend.kinds
runs_on_tpu.devices = ("tpu",)
'''


@pytest.fixture
def plugin_path(tmp_path, monkeypatch):
    """examples/ and a module of broken backends importable; the plugins registered meanwhile
    forgotten after (the built-ins register once, when their module is first imported)."""
    (tmp_path / "broken_kernel.py").write_text(BROKEN)
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in BACKENDS.names():
        if spec_of(name) is not None:  # a plugin (the built-ins register once, on first import)
            BACKENDS._items.pop(name)
    for mod in ("my_kernel", "broken_kernel"):
        sys.modules.pop(mod, None)


def _conformance(backend: str, report: Path, *extra: str, pythonpath=()) -> subprocess.CompletedProcess:
    """The conformance suite in a process of its own, with examples/ (and `pythonpath`) importable."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(EXAMPLES), *map(str, pythonpath)])}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "kernels", "-rs",
           str(ROOT / "tests" / "test_conformance.py"), "--conformance-report", str(report), *extra]
    if backend:
        cmd += ["--backend", backend]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_the_example_backend_passes_the_conformance_suite(tmp_path):
    res = _conformance(SPEC, tmp_path / "report.json")
    assert res.returncode == 0, res.stdout[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())
    cases = report["cases"]
    # none/static/scalar x T in {63, 130} x D in {16, 32} x three regimes, fp32: 36 cases
    assert len(cases) == 36 and report["passed"]
    assert {c["kind"] for c in cases} == {"none", "static", "scalar"}
    assert all(c["backend"] == SPEC and not c["failed"] for c in cases)
    assert report["provenance"]["plugins"] == {SPEC: {"spec": SPEC, "source_sha256": EXAMPLE_SHA}}
    assert "computes the decay kinds none, static, scalar only" in res.stdout  # vector: skipped, said why


@pytest.mark.parametrize("broken, expected", [
    # the log-decay's gradient, and nothing else, fails wherever there is a decay
    ("no_decay_grad", lambda case: case["failed"] == (["dg"] if case["kind"] != "none" else [])),
    # the initial state's gradient (absent) fails wherever there is an initial state, and o, the
    # final state, dq and dg with it unless a strong decay has made S_0's share too small to
    # tell; every case without one passes
    ("no_initial_state", lambda case: "dh0" in case["failed"] and (
        case["regime"] == "strong" or {"o", "ht", "dq"} <= set(case["failed"]))
     if case["initial_state"] else not case["failed"]),
])
def test_the_conformance_suite_fails_a_broken_backend(tmp_path, broken, expected):
    """Each case fails the tensors that the bug touches and passes where it touches none."""
    (tmp_path / "broken_kernel.py").write_text(BROKEN)
    res = _conformance(f"broken_kernel:{broken}", tmp_path / "report.json", "-k", "conformance and 63",
                       pythonpath=[tmp_path])
    assert res.returncode == 1, res.stdout[-3000:]
    cases = json.loads((tmp_path / "report.json").read_text())["cases"]
    assert len(cases) == 18
    assert any(c["failed"] for c in cases) and any(not c["failed"] for c in cases)
    for case in cases:
        assert expected(case), case


def test_an_entry_point_backend_is_found_by_name(plugin_path):
    """`mine` through the entry-point group; an entry point named like a built-in is ignored."""
    dist = plugin_path / "mine_kernels-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mine-kernels\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[decay_suite.backends]\nmine = {SPEC}\ntriton = {SPEC}\n")
    assert plugin_backends() == {"mine": SPEC}
    assert "shadows a built-in kernel backend" in plugin_errors()["triton"]
    assert resolve("mine").__module__ == "my_kernel" and runs_on("mine", "cpu")
    assert "mine" not in available_backends("cpu")  # the pipeline's record of built-ins stays as it was
    from suite.commands.list_cmd import backend_rows

    rows = backend_rows("cpu")  # `suite list --backends`
    assert ["mine", SPEC, "cpu,cuda", "none,static,scalar", "yes"] in rows
    assert [r[0] for r in rows[1:]] == ["recurrent", "parallel", "chunked", "triton", "fla", "mine"]
    q = torch.randn(1, 8, 2, 4)  # registered: attend runs it by name from now on
    o, _ = attend(q, q, q, torch.full((1, 8, 2), -0.5), backend="mine")
    ref, _ = attend(q, q, q, torch.full((1, 8, 2), -0.5), backend="recurrent")
    torch.testing.assert_close(o, ref)
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "kernels",
                          "--collect-only", str(ROOT / "tests" / "test_conformance.py")], cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join([str(EXAMPLES), str(plugin_path)])},
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-2000:]
    assert "test_conformance[mine-scalar-63-16-float32-weak-h0]" in res.stdout  # checked by default
    assert "test_conformance[mine-vector-not-computed]" in res.stdout


def test_bench_times_a_plugin_at_its_kinds_and_records_its_source(plugin_path):
    out = plugin_path / "bench"
    assert main(["bench", "--backends", SPEC, "--kinds", "scalar", "vector", "--out", str(out)]) == 0
    data = json.loads((out / "cpu" / "kernels.json").read_text())
    assert {(r["backend"], r["kind"]) for r in data["rows"]} == {(SPEC, "scalar")}
    assert all(r["check"]["passed"] and r["ms"] > 0 for r in data["rows"])
    assert data["backends"][SPEC] == "timed at the decay kinds none, static, scalar only"
    assert data["provenance"]["plugins"][SPEC]["source_sha256"] == EXAMPLE_SHA


@pytest.mark.parametrize("name, message", [
    ("nope", "unknown kernel backend 'nope'; known: recurrent, parallel, chunked, triton, fla, or a plugin"),
    ("my_kernel:missing", "kernel backend 'my_kernel:missing' cannot be imported: AttributeError"),
    ("my_kernel:CHUNK", "kernel backend 'my_kernel:CHUNK' must be a function (q, k, v, log_decay, *, kind"),
    ("broken_kernel:two_args", "kernel backend 'broken_kernel:two_args' must take (q, k, v, log_decay"),
    ("broken_kernel:runs_on_tpu", "devices = ('tpu',); allowed: a non-empty tuple of 'cpu', 'cuda'"),
])
def test_a_malformed_backend_is_one_sentence(plugin_path, name, message):
    with pytest.raises(SuiteError) as err:
        resolve(name)
    assert message in str(err.value) and "\n" not in str(err.value)
