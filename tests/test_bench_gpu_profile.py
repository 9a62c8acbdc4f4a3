"""The profiler workloads' config pinning (suite/bench/gpu_profile.py), on CPU: the lines a timed
run prints are read back per workload, and a set of configs one workload cannot pin is refused.

    pytest tests/test_bench_gpu_profile.py
"""

from __future__ import annotations

import pytest

pytest.importorskip("triton")

from suite.bench import gpu_profile  # noqa: E402
from suite.errors import SuiteError  # noqa: E402
from suite.kernels.triton import tuning  # noqa: E402


def _names(pass_: str, family: str, n: int) -> list[str]:
    names = [c["name"] for c in tuning.autotune_configs(pass_, family) if not c.get("pending")]
    assert len(names) >= n, f"fewer than {n} {pass_} configs of the {family} family"
    return names[:n]


def test_the_configs_a_timed_run_printed_are_read_back_per_workload(tmp_path):
    fwd, bwd = _names("fwd", "scalar", 2), _names("bwd", "scalar", 1)
    log = tmp_path / "times.log"
    log.write_text("\n".join([
        "warming up",
        gpu_profile.line("scalar-train", 1.3877, [fwd[0], bwd[0]]),
        gpu_profile.line("vector-state64", 0.41, []),
        gpu_profile.line("scalar-train", 1.2, [fwd[1], bwd[0]]),  # a later line wins
    ]) + "\n")
    got = gpu_profile.recorded_configs(log)
    assert got == {"scalar-train": [fwd[1], bwd[0]], "vector-state64": []}
    assert [c["name"] for c in gpu_profile.pins(got["scalar-train"])] == [fwd[1], bwd[0]]


def test_two_configs_of_one_pass_and_family_are_refused():
    a, b = _names("fwd", "scalar", 2)
    with pytest.raises(SuiteError, match=f"{a} and {b} are both fwd configs of the scalar family"):
        gpu_profile.pins([a, b])


def test_an_unknown_config_name_is_refused():
    with pytest.raises(SuiteError, match="unknown Triton config 'fwd-nope'"):
        gpu_profile.pins(["fwd-nope"])


def test_a_log_without_the_workload_names_the_file_and_what_it_has(tmp_path, capsys):
    log = tmp_path / "times.log"
    log.write_text(gpu_profile.line("vector-fwd", 1.0, []) + "\n")
    assert gpu_profile.main(["--configs-from", str(log), "scalar-train", "vector-fwd"]) == 2
    assert f"error: {log}: no line for workload scalar-train; it has vector-fwd" in capsys.readouterr().out


def test_a_missing_log_is_one_sentence(tmp_path, capsys):
    assert gpu_profile.main(["--configs-from", str(tmp_path / "none.log"), "scalar-train"]) == 2
    assert "none.log: no such file" in capsys.readouterr().out
