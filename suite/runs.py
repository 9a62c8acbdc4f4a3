"""Trained run directories for evaluation: `load_run(run_dir, device="cpu") -> Run`.

    from suite.runs import load_run
    run = load_run("results/runs/tiny/gla/0", ckpt="results/ckpt/tiny/gla/0")
    run.model          # DecayLM in eval mode on `device`, final weights from <ckpt>/model.pt
                       # (ckpt: the run's checkpoint folder, default <run_dir>/ckpt)
    run.tokenizer      # tokenizers.Tokenizer of the run's data folder
    run.config         # dict from config.json (variant, tier, seed, model, train, data, backend)
    run.seq_len        # training sequence length
    run.data_dir       # Path of the prepared data (test.txt lives there)

The data folder recorded at training time is looked up as given, then relative to the run
directory's repository root; its tokenizer must have the sha256 the run was trained with. The
model keeps its recorded kernel backend; `backend=` overrides it (e.g. a run trained with the
triton backend on a GPU, evaluated on a CPU); `run.backend` says which one is used.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import torch

from suite.errors import SuiteError


@dataclass
class Run:
    model: torch.nn.Module
    tokenizer: object
    config: dict
    seq_len: int
    data_dir: Path
    run_dir: Path
    backend: str | None


def _read_config(run_dir: Path) -> dict:
    path = run_dir / "config.json"
    if not run_dir.is_dir():
        raise SuiteError(f"run directory '{run_dir}' not found")
    if not path.is_file():
        raise SuiteError(f"{path}: not found; '{run_dir}' is not a trained run (suite train writes it)")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        raise SuiteError(f"{path}: not valid JSON") from None


def _data_dir(run_dir: Path, config: dict) -> Path:
    from suite.tiers import ROOT

    given = Path(config["data"]["dir"])
    for cand in (given, ROOT / given, run_dir / given):
        if (cand / "tokenizer.json").is_file():
            return cand
    raise SuiteError(f"{run_dir}/config.json: data folder '{given}' (with tokenizer.json) not found; "
                     f"run `suite prepare --tier {config.get('tier')} --out {given}`")


def _tokenizer(data_dir: Path, config: dict):
    from suite.data.tokenizer import load_tokenizer

    path = data_dir / "tokenizer.json"
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    if sha != config["data"]["tokenizer_sha256"]:
        raise SuiteError(f"{path}: sha256 {sha[:12]}... differs from the tokenizer the run was trained with "
                         f"({config['data']['tokenizer_sha256'][:12]}...); the data folder was rebuilt differently")
    return load_tokenizer(path)


def load_run(run_dir: str | Path, device: str | torch.device = "cpu", backend: str | None = None,
             ckpt: str | Path | None = None) -> Run:
    from suite.config import from_mapping
    from suite.model import ModelConfig, build_model
    from suite.training.checkpoint import read_checkpoint

    run_dir = Path(run_dir)
    config = _read_config(run_dir)
    weights = (run_dir / "ckpt" if ckpt is None else Path(ckpt)) / "model.pt"
    if not weights.is_file():
        raise SuiteError(f"{weights}: final weights not found; the run did not finish (rerun its suite train command)")
    data_dir = _data_dir(run_dir, config)
    tokenizer = _tokenizer(data_dir, config)
    mapping = dict(config["model"])
    if backend is not None:
        mapping["backend"] = backend
    cfg = from_mapping(ModelConfig, mapping, f"{run_dir}/config.json:model")
    state = read_checkpoint(weights)
    model = build_model(cfg)
    model.load_state_dict(state["model"])
    model.to(device).eval()
    return Run(model, tokenizer, config, int(config["data"]["seq_len"]), data_dir, run_dir, cfg.backend)
