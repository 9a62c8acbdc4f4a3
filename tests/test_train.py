"""Training: run-directory contents, kill + resume gives identical bytes, bad checkpoints refused.

A micro run is killed with SIGKILL (a real `suite train` subprocess) once it has written a
checkpoint, then resumed with the same command; an injected stop (`--stop-after`) covers the
exact step boundary. Runtime target ~60 s on 2 cores.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from train_support import final_params, prepare_micro, read_curve, stable_metrics

from suite.errors import SuiteError
from suite.runs import load_run
from suite.training.checkpoint import MAGIC, read_checkpoint
from suite.training.loop import train

VARIANT = "gla"


@pytest.fixture(scope="module")
def micro_data(tmp_path_factory):
    return prepare_micro(tmp_path_factory.mktemp("data") / "micro")


@pytest.fixture(scope="module")
def reference(micro_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "run"
    train(VARIANT, "micro", 0, out, data_dir=micro_data, device="cpu")
    return out


def _cmd(out: Path, data: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "suite.cli", "train", "--variant", VARIANT, "--tier", "micro", "--seed", "0",
            "--out", str(out), "--data", str(data), "--device", "cpu", *extra]


def _assert_same_run(a: Path, b: Path) -> None:
    pa, pb = final_params(a), final_params(b)
    assert sorted(pa) == sorted(pb) and all(torch.equal(pa[k], pb[k]) for k in pa)
    assert (a / "ckpt" / "model.pt").read_bytes() == (b / "ckpt" / "model.pt").read_bytes()
    assert (a / "curve.csv").read_bytes() == (b / "curve.csv").read_bytes()
    assert (a / "config.json").read_bytes() == (b / "config.json").read_bytes()
    assert json.dumps(stable_metrics(a), sort_keys=True) == json.dumps(stable_metrics(b), sort_keys=True)


def test_run_directory_contents(reference):
    m = json.loads((reference / "metrics.json").read_text())
    for key in ("variant", "tier", "seed", "final_train_loss", "train_loss_last5", "val_loss", "val_bits_per_byte",
                "val_perplexity", "tokens_seen", "steps", "wall_time_s", "tokens_per_s", "n_params", "backend",
                "provenance"):
        assert key in m
    assert m["steps"] == 100 and m["tokens_seen"] == 100 * 8 * 64 and m["backend"] == "chunked"
    assert m["val_loss"] < 5.8  # ln(512) = 6.24 at chance: it learned something
    assert m["provenance"]["backend"] == "chunked"
    cfg = json.loads((reference / "config.json").read_text())
    assert cfg["model"]["backend"] == "chunked" and cfg["variant"] == VARIANT
    rows = read_curve(reference)
    assert list(rows[0]) == ["step", "tokens", "lr", "train_loss", "val_loss"] and rows[-1]["step"] == "100"
    run = load_run(reference)
    assert run.seq_len == 64 and not run.model.training and run.tokenizer.id_to_token(1) == "<|endoftext|>"


def test_sigkill_then_resume_is_bit_identical(micro_data, reference, tmp_path):
    out = tmp_path / "run"
    proc = subprocess.Popen(_cmd(out, micro_data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not (out / "ckpt" / "last.pt").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "metrics.json").exists(), "the run finished before it could be killed"
    assert read_checkpoint(out / "ckpt" / "last.pt")["step"] < 100
    subprocess.run(_cmd(out, micro_data), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _assert_same_run(reference, out)


def test_injected_stop_then_resume_is_bit_identical(micro_data, reference, tmp_path):
    out = tmp_path / "run"
    assert train(VARIANT, "micro", 0, out, data_dir=micro_data, device="cpu", stop_after=50) is None
    assert read_checkpoint(out / "ckpt" / "last.pt")["step"] == 50
    train(VARIANT, "micro", 0, out, data_dir=micro_data, device="cpu")
    _assert_same_run(reference, out)


def test_checkpoint_folder_outside_the_run_directory(micro_data, reference, tmp_path):
    """`--ckpt DIR` (what the dvc pipeline uses): the run directory gets no ckpt/, a stopped run
    resumes from DIR, and the result is the same as with the default layout."""
    out, ckpt = tmp_path / "run", tmp_path / "elsewhere" / "ckpt"
    subprocess.run(_cmd(out, micro_data, "--ckpt", str(ckpt), "--stop-after", "50"), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert read_checkpoint(ckpt / "last.pt")["step"] == 50 and not (out / "ckpt").exists()
    subprocess.run(_cmd(out, micro_data, "--ckpt", str(ckpt)), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert not (out / "ckpt").exists()
    assert (ckpt / "model.pt").read_bytes() == (reference / "ckpt" / "model.pt").read_bytes()
    for name in ("curve.csv", "config.json"):
        assert (out / name).read_bytes() == (reference / name).read_bytes()
    assert json.dumps(stable_metrics(out), sort_keys=True) == json.dumps(stable_metrics(reference), sort_keys=True)
    assert load_run(out, ckpt=ckpt).seq_len == 64
    with pytest.raises(SuiteError, match="final weights not found"):
        load_run(out)


def _snapshot(d: Path) -> dict:
    return {p.relative_to(d): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("damage", ["truncate", "flip", "header"])
def test_corrupt_checkpoint_is_refused_untouched(micro_data, tmp_path, damage):
    out = tmp_path / "run"
    train(VARIANT, "micro", 0, out, data_dir=micro_data, device="cpu", stop_after=25)
    ckpt = out / "ckpt" / "last.pt"
    data = ckpt.read_bytes()
    data = {"truncate": data[: len(data) // 2], "flip": data[:-100] + bytes([data[-100] ^ 1]) + data[-99:],
            "header": b"garbage" + data[len(MAGIC):]}[damage]
    ckpt.write_bytes(data)
    before = _snapshot(out)
    with pytest.raises(SuiteError, match="corrupt or truncated|bad header"):
        train(VARIANT, "micro", 0, out, data_dir=micro_data, device="cpu")
    assert _snapshot(out) == before


@pytest.mark.parametrize("other", [{"variant": "mamba2"}, {"tier": "tiny"}, {"seed": 1}])
def test_checkpoint_of_another_run_is_refused_untouched(micro_data, reference, tmp_path, other):
    out = tmp_path / "run"
    train(VARIANT, "micro", 0, out, data_dir=micro_data, device="cpu", stop_after=25)
    (out / "config.json").unlink()  # only the checkpoint speaks for the run
    before = _snapshot(out)
    args = {"variant": VARIANT, "tier": "micro", "seed": 0} | other
    with pytest.raises(SuiteError) as err:
        train(args["variant"], args["tier"], args["seed"], out, data_dir=micro_data, device="cpu")
    assert "another run" in str(err.value) or "seq_len" in str(err.value)
    assert _snapshot(out) == before


def test_config_of_another_variant_is_refused(micro_data, reference, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "config.json").write_bytes((reference / "config.json").read_bytes())
    with pytest.raises(SuiteError, match="another run .*variant"):
        train("mamba2", "micro", 0, out, data_dir=micro_data, device="cpu")
    assert sorted(p.name for p in out.iterdir()) == ["config.json"]


def test_missing_data_and_bad_run_dir_are_clear(tmp_path):
    with pytest.raises(SuiteError, match="meta.json: not found"):
        train(VARIANT, "micro", 0, tmp_path / "run", data_dir=tmp_path / "nodata", device="cpu")
    with pytest.raises(SuiteError, match="config.json: not found"):
        tmp_path.joinpath("empty").mkdir()
        load_run(tmp_path / "empty")


def test_token_id_0_in_the_data_is_refused_before_anything_is_written(micro_data, tmp_path):
    """Spec Q9: embedding row 0 is frozen at zero, so data that uses id 0 would overflow the
    gradient at depth (NaN); training stops with one sentence instead, writing nothing."""
    import shutil

    import numpy as np

    data = tmp_path / "data"
    shutil.copytree(micro_data, data)
    ids = np.fromfile(data / "train.bin", dtype=np.uint16)
    ids[1234] = 0
    ids.tofile(data / "train.bin")
    out = tmp_path / "run"
    with pytest.raises(SuiteError, match=r"train.bin: token id 0 at position 1234, .*freeze_pad_row"):
        train(VARIANT, "micro", 0, out, data_dir=data, device="cpu")
    assert not out.exists()
