"""`RunSpec`: everything that defines one training run, resolved from variant, tier, seed and data.

    spec = resolve("gla", "tiny", 0, Path("data/tiny"), backend=None, device=torch.device("cpu"))
    spec.model          # suite.model.ModelConfig with the kernel backend filled in (never None)
    spec.identity       # what a checkpoint / config.json must match to be resumed

The kernel backend is chosen once, here: --backend, else the tier's train.backend, else the
device default (`suite.kernels.default_backend`), and it is stored in the model config, the run
identity and the provenance. An unavailable backend is refused, never replaced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from suite.config import replace, to_mapping
from suite.data.config import DataConfig
from suite.data.shards import read_meta
from suite.errors import SuiteError
from suite.training.config import ModelSizes, TrainConfig


@dataclass
class RunSpec:
    variant: str
    tier: str
    seed: int
    data: DataConfig
    train: TrainConfig
    model: object  # suite.model.ModelConfig
    data_dir: Path
    meta: dict
    data_sha256: str
    byte_len: np.ndarray

    @property
    def identity(self) -> dict:
        return {"variant": self.variant, "tier": self.tier, "seed": self.seed,
                "model": to_mapping(self.model), "train": to_mapping(self.train), "data_sha256": self.data_sha256}


def data_identity(meta: dict) -> str:
    """sha256 over the tokenizer and shard hashes (what the model actually sees)."""
    core = {"tokenizer": meta["tokenizer"]["sha256"], "dtype": meta["dtype"],
            "splits": {s: meta["splits"][s]["sha256"] for s in ("train", "val", "test")}}
    return hashlib.sha256(json.dumps(core, sort_keys=True).encode()).hexdigest()


def pick_backend(requested: str | None, device: torch.device) -> str:
    from suite.kernels import available_backends, default_backend

    name = requested or default_backend(device)
    avail = available_backends(device)
    if name not in avail:
        raise SuiteError(f"kernel backend '{name}' is not available on {device.type}; available: {', '.join(avail)}")
    return name


def resolve(variant: str, tier: str, seed: int, data_dir: Path, backend: str | None, device: torch.device,
            overrides: dict | None = None) -> RunSpec:
    from suite.data.tokenizer import load_tokenizer, token_byte_lengths
    from suite.model import model_config
    from suite.tiers import load_section
    from suite.variants import load_variant

    data = load_section(tier, "data", DataConfig)
    train = load_section(tier, "train", TrainConfig)
    if overrides:
        train = replace(train, **overrides)
    sizes = load_section(tier, "model", ModelSizes).sizes()
    meta = read_meta(data_dir)
    if meta["data_config"]["seq_len"] != data.seq_len:
        raise SuiteError(f"{data_dir}/meta.json: prepared with seq_len {meta['data_config']['seq_len']}, "
                         f"tier '{tier}' asks for {data.seq_len}; rerun suite prepare --tier {tier}")
    tok = load_tokenizer(data_dir / "tokenizer.json")
    v = load_variant(variant)
    chosen = pick_backend(backend or train.backend, device)
    cfg = model_config(v, meta["tokenizer"]["vocab_size"], backend=chosen, **sizes)
    return RunSpec(variant, tier, seed, data, train, cfg, data_dir, meta, data_identity(meta),
                   token_byte_lengths(tok))
