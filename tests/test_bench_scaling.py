"""Multi-GPU scaling benchmark on CPU: one process, then two gloo processes (spawn + FileStore) at
the micro tier, each in DDP and FSDP2 mode, accumulate their records in one scaling.json; the
efficiency, the replacement of a re-measured record, MFU arithmetic and bad input (~15 s)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import torch.multiprocessing as mp

from suite.bench.scaling import Plan, run
from suite.bench.scaling_results import (
    efficiency,
    load_records,
    markdown,
    merge,
    write_results,
)
from suite.cli import main
from suite.errors import SuiteError

PLAN = Plan(tier="micro", variants=("gla",), modes=("ddp", "fsdp2"), steps=3, warmup=1)


def scaling_worker(rank: int, world: int, init_file: str, out: str) -> None:
    """One gloo rank of the scaling benchmark (started by torch.multiprocessing spawn)."""
    import dataclasses

    import torch.distributed as dist

    os.environ["LOCAL_RANK"] = str(rank)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    run(dataclasses.replace(PLAN, world=world), Path(out), "cpu")


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory) -> Path:
    """scaling.json after a world-1 run (this process) and a world-2 run (two spawned ranks)."""
    out, store = tmp_path_factory.mktemp("scaling"), tmp_path_factory.mktemp("store")
    run(PLAN, out, "cpu")
    mp.start_processes(scaling_worker, args=(2, str(store / "pg_init"), str(out)), nprocs=2, start_method="spawn")
    return out


def _records(folder: Path) -> dict[tuple[str, int], dict]:
    records = json.loads((folder / "scaling.json").read_text())["records"]
    assert len(records) == len({(r["mode"], r["world"]) for r in records})  # one record per key
    return {(r["mode"], r["world"]): r for r in records}


def test_one_record_per_world_size_and_mode_with_plausible_throughput(bench_dir):
    recs = _records(bench_dir)
    assert sorted(recs) == [("ddp", 1), ("ddp", 2), ("fsdp2", 1), ("fsdp2", 2)]
    for (mode, world), r in recs.items():
        assert r["variant"] == "gla" and r["tier"] == "micro" and r["preset"] == "d32-L2-H1"
        assert r["batch_per_gpu"] == 8 and r["global_batch"] == 8 * world and r["seq_len"] == 64
        assert len(r["step_s"]) == 3 and min(r["step_s"]) > 0
        assert 0 < r["tokens_per_s_per_gpu_p20"] <= r["tokens_per_s_per_gpu"] <= r["tokens_per_s_per_gpu_p80"]
        assert r["tokens_per_s"] == pytest.approx(world * r["tokens_per_s_per_gpu"])
        assert r["mfu"] is None and r["peak_memory_mb"] > 0  # no peak FLOP/s for a CPU
        assert r["provenance"]["process_group"] == (None if world == 1 else "gloo") and r["wrapped"] == (world == 2)
        assert r["provenance"]["git"] and r["provenance"]["protocol"]["steps"] == 3


def test_flops_per_token_counts_matmul_parameters_and_attention(bench_dir):
    r = _records(bench_dir)[("ddp", 2)]
    assert r["n_matmul_params"] == r["n_params"] - 512 * 32  # all but the 512 x 32 embedding table
    attention = 2 * 3 * (4 * 32 * 32 + 2 * 64 * 32 + 2 * 64 * 32)  # 2 layers, chunked fwd+bwd, C=64
    assert r["flops_per_token"] == 6 * r["n_matmul_params"] + attention


def test_efficiency_is_per_gpu_throughput_over_the_one_gpu_record(bench_dir):
    records = load_records(bench_dir / "scaling.json")
    recs = _records(bench_dir)
    md = (bench_dir / "scaling.md").read_text()
    for mode in ("ddp", "fsdp2"):
        one, two = recs[(mode, 1)], recs[(mode, 2)]
        eff = two["tokens_per_s_per_gpu"] / one["tokens_per_s_per_gpu"]
        assert efficiency(two, records) == pytest.approx(eff) and efficiency(one, records) == pytest.approx(1.0)
        row = next(line for line in md.splitlines() if f"| gla | {mode} | 2 |" in line)
        assert f"| {100 * eff:.0f}% |" in row


def test_rerun_replaces_its_record_and_keeps_the_others(bench_dir, tmp_path):
    shutil.copy(bench_dir / "scaling.json", tmp_path / "scaling.json")
    before = _records(tmp_path)
    rerun = Plan(tier="micro", variants=("gla",), modes=("ddp",), steps=2, warmup=0, peak_tflops=1e-3)
    run(rerun, tmp_path, "cpu")
    after = _records(tmp_path)
    assert sorted(after) == sorted(before)
    new = after[("ddp", 1)]
    assert len(new["step_s"]) == 2 and new["step_s"] != before[("ddp", 1)]["step_s"]
    assert new["mfu"] == pytest.approx(new["flops_per_token"] * new["tokens_per_s_per_gpu"] / 1e9)
    assert all(after[k] == before[k] for k in before if k != ("ddp", 1))
    assert "| gla | ddp (not wrapped) | 1 |" in (tmp_path / "scaling.md").read_text()


def _fake(world: int, per_gpu: float, mode: str = "ddp") -> dict:
    return {"tier": "micro", "preset": "d32-L2-H1", "variant": "gla", "mode": mode, "world": world,
            "batch_per_gpu": 8, "seq_len": 64, "device_name": "x", "tokens_per_s": per_gpu * world,
            "tokens_per_s_per_gpu": per_gpu, "tokens_per_s_per_gpu_p20": per_gpu, "tokens_per_s_per_gpu_p80": per_gpu,
            "step_s": [0.01], "mfu": None, "peak_memory_mb": 1.0}


def test_merge_replaces_same_key_and_efficiency_needs_a_one_gpu_record(tmp_path):
    records = merge([_fake(1, 100.0), _fake(2, 80.0)], [_fake(2, 90.0), _fake(4, 70.0, mode="fsdp2")])
    assert [(r["mode"], r["world"], r["tokens_per_s_per_gpu"]) for r in records] == [
        ("ddp", 1, 100.0), ("ddp", 2, 90.0), ("fsdp2", 4, 70.0)]
    assert efficiency(records[1], records) == pytest.approx(0.9)
    assert efficiency(records[2], records) is None  # no fsdp2 record at world 1
    assert "| 90% |" in markdown(records) and markdown(records).splitlines()[-1].endswith("| - | - | 1 |")
    write_results(tmp_path, records[:1])
    write_results(tmp_path, records[1:])
    assert load_records(tmp_path / "scaling.json") == records


@pytest.mark.parametrize(("argv", "message"), [
    (["--parallel", "ddp", "zero"], "--parallel: unknown mode 'zero'; allowed: ddp, fsdp2"),
    (["--world", "2"], "--world 2 does not match the 1 process(es) launched"),
    (["--preset", "999m"], "--preset: unknown preset '999m'; allowed: 160m"),
    (["--steps", "0"], "--steps must be >= 1, got 0"),
    (["--tier", "small", "--batch-per-gpu", "48"], "--batch-per-gpu 48 must be a multiple of the tier's"),
], ids=["mode", "world", "preset", "steps", "batch"])
def test_bad_input_is_one_clear_error_and_writes_nothing(tmp_path, capsys, argv, message):
    base = ["bench", "--what", "scaling", "--tier", "micro", "--device", "cpu", "--variants", "gla",
            "--out", str(tmp_path)]
    assert main(base + argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("suite bench: error: ") and message in err and "\n" not in err
    assert not list(tmp_path.rglob("scaling.*"))


def test_a_foreign_results_file_is_refused_not_overwritten(tmp_path):
    (tmp_path / "scaling.json").write_text('{"rows": []}\n')
    with pytest.raises(SuiteError, match="not a scaling.json with a 'records' list"):
        write_results(tmp_path, [_fake(1, 1.0)])
    assert (tmp_path / "scaling.json").read_text() == '{"rows": []}\n'
