"""`suite checksums` / `suite verify` on a made-up result tree. ~10 s on 2 cores."""

from __future__ import annotations

import json
from pathlib import Path

from report_fake_results import write_fake_bench, write_fake_results

from suite.cli import main


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    write_fake_results(root, ["mamba2", "mamba2-scalar", "none"], [0], rng_seed=1)
    for cmd in ("tables", "claims", "checksums"):
        assert main([cmd, "--grid", str(root / "grid.json"), "--results", str(root)]) == 0
    return root


def _verify(root: Path) -> int:
    return main(["verify", "--results", str(root)])


def test_checksums_cover_results_not_timings(tmp_path: Path):
    root = _tree(tmp_path)
    listed = [line.split("  ", 1)[1] for line in (root / "CHECKSUMS.sha256").read_text().splitlines()
              if not line.startswith("#")]
    assert "runs/tiny/mamba2/0/metrics.json" in listed
    assert "tables/tiny/granularity.md" in listed and "claims.md" in listed
    assert not any("speed" in p or "ckpt" in p or p.startswith("bench") for p in listed)
    assert _verify(root) == 0


def test_timings_are_outside_the_checksums(tmp_path: Path):
    """bench/ (kernel and training-step timings) and the speed tables never enter CHECKSUMS, so
    rerunning the benchmark leaves `suite verify` passing."""
    root = tmp_path / "results"
    write_fake_results(root, ["mamba2", "none"], [0], rng_seed=1)
    write_fake_bench(root / "bench" / "cpu", ["mamba2", "none"])
    for cmd in ("tables", "claims", "checksums"):
        assert main([cmd, "--grid", str(root / "grid.json"), "--results", str(root),
                     *(["--bench", str(root / "bench" / "cpu")] if cmd == "tables" else [])]) == 0
    listed = (root / "CHECKSUMS.sha256").read_text()
    assert "bench/" not in listed and "speed." not in listed and "Kernel" in (root / "tables/tiny/speed.md").read_text()
    write_fake_bench(root / "bench" / "cpu", ["mamba2", "none"], rng_seed=2)  # other timings
    assert main(["tables", "--grid", str(root / "grid.json"), "--results", str(root),
                 "--bench", str(root / "bench" / "cpu")]) == 0
    assert _verify(root) == 0


def test_verify_names_a_file_after_one_byte_changes(tmp_path: Path, capsys):
    root = _tree(tmp_path)
    table = root / "tables/tiny/granularity.md"
    data = bytearray(table.read_bytes())
    data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")
    table.write_bytes(bytes(data))
    assert _verify(root) == 1
    assert "MISMATCH tables/tiny/granularity.md" in capsys.readouterr().err


def test_verify_json_values_count_provenance_does_not(tmp_path: Path, capsys):
    root = _tree(tmp_path)
    path = root / "runs/tiny/mamba2/0/metrics.json"
    data = json.loads(path.read_text())
    data["provenance"] = {"run": {"host": "elsewhere"}}
    data["wall_time_s"] = 1.0
    path.write_text(json.dumps(data))
    assert _verify(root) == 0
    data["val_loss"] += 1e-6
    path.write_text(json.dumps(data))
    assert _verify(root) == 1
    assert "MISMATCH runs/tiny/mamba2/0/metrics.json" in capsys.readouterr().err


def test_verify_names_a_missing_file(tmp_path: Path, capsys):
    root = _tree(tmp_path)
    (root / "runs/tiny/none/0/curve.csv").unlink()
    assert _verify(root) == 1
    assert "MISSING runs/tiny/none/0/curve.csv" in capsys.readouterr().err


def test_verify_without_checksum_file_is_one_clear_error(tmp_path: Path, capsys):
    assert _verify(tmp_path) == 2
    assert "checksum file not found" in capsys.readouterr().err
