"""Two gloo processes (DDP, FSDP2) follow the same loss curve as one process (same global batch).

Runs 12 micro-tier steps with torch.multiprocessing spawn + a FileStore in tmp_path; ~30 s on 2 cores.
Longer runs drift apart at the 1e-3 level: AdamW turns float-rounding differences in near-zero
gradients into full-size updates, so the comparison is made over the first steps, every step.
"""

from __future__ import annotations

import pytest
import torch
import torch.multiprocessing as mp
from train_support import SHORT, dist_worker, final_params, prepare_micro, read_curve, stable_metrics

from suite.bench.dist_match import compare, read_run
from suite.training.loop import train


@pytest.fixture(scope="module")
def micro_data(tmp_path_factory):
    return prepare_micro(tmp_path_factory.mktemp("data") / "micro")


@pytest.fixture(scope="module")
def single_run(micro_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "run"
    train("mamba2", "micro", 0, out, data_dir=micro_data, device="cpu", overrides=SHORT)
    return out


@pytest.mark.parametrize("fsdp", [False, True], ids=["ddp", "fsdp2"])
def test_two_processes_match_one(micro_data, single_run, tmp_path, fsdp):
    out = tmp_path / "run"
    mp.start_processes(dist_worker, args=(2, str(tmp_path / "pg_init"), str(out), str(micro_data), fsdp, "mamba2"),
                       nprocs=2, start_method="spawn")
    one, two = read_curve(single_run), read_curve(out)
    assert [r["step"] for r in one] == [r["step"] for r in two]
    for a, b in zip(one, two):
        assert float(a["train_loss"]) == pytest.approx(float(b["train_loss"]), rel=1e-5)
        if a["val_loss"]:
            assert float(a["val_loss"]) == pytest.approx(float(b["val_loss"]), rel=1e-5)
    p1, p2 = final_params(single_run), final_params(out)
    assert sorted(p1) == sorted(p2)
    for name in p1:
        torch.testing.assert_close(p1[name], p2[name], rtol=2e-3, atol=2e-4, msg=name)
    m1, m2 = stable_metrics(single_run), stable_metrics(out)
    assert m2["distributed"]["world_size"] == 2 and m2["distributed"]["fsdp"] is fsdp
    assert m1["tokens_seen"] == m2["tokens_seen"] and m1["steps"] == m2["steps"]
    assert m1["val_bits_per_byte"] == pytest.approx(m2["val_bits_per_byte"], rel=1e-4)
    verdict = compare(read_run(single_run), read_run(out), upto=10**9, rtol=1e-5, metric_tol=1e-4)
    assert verdict["curve_ok"] and verdict["metrics_ok"] and verdict["world_size"] == 2, verdict
