"""Shared helpers for the data / training tests: a prepared micro data folder, run comparisons."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import torch

from suite.training.checkpoint import read_checkpoint
from suite.training.rundir import comparable


def read_curve(run_dir: Path) -> list[dict]:
    with open(run_dir / "curve.csv") as fh:
        return list(csv.DictReader(fh))


def final_params(run_dir: Path) -> dict[str, torch.Tensor]:
    return read_checkpoint(run_dir / "ckpt" / "model.pt")["model"]


def stable_metrics(run_dir: Path) -> dict:
    return comparable(json.loads((run_dir / "metrics.json").read_text()))


def prepare_micro(out: Path) -> Path:
    """The micro tier's data folder (a 190 kB slice of the embedded corpus; ~3 s)."""
    from suite.data.config import DataConfig
    from suite.data.prepare import prepare
    from suite.tiers import load_section

    prepare(load_section("micro", "data", DataConfig), out, tier="micro")
    return out


SHORT = {"steps": 12, "log_interval": 1, "eval_interval": 6, "ckpt_interval": 6}


def dist_worker(rank: int, world: int, init_file: str, out: str, data: str, fsdp: bool, variant: str) -> None:
    """One gloo rank of a micro training run (started by torch.multiprocessing spawn)."""
    import os

    import torch.distributed as dist

    from suite.training.loop import train

    os.environ["LOCAL_RANK"] = str(rank)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    # micro_batch_size 8 > a rank's 4 sequences: the cap shrinks to the rank's share
    train(variant, "micro", 0, Path(out), data_dir=Path(data), device="cpu", fsdp=fsdp,
          overrides={**SHORT, "micro_batch_size": 8})
