"""The fixed protocol of a leaderboard tier, its fingerprint and the guard that compares them.

    from suite.leaderboard.protocol import current_protocol, differences, fingerprint
    proto = current_protocol("micro", "data/micro")     # what this checkout + data would run
    differences(recorded, board)                        # ["token_budget: 51200 (submission) != ..."]

A protocol records what makes numbers comparable: the suite version, the data (sha256 over the
tokenizer and token shards, as `suite train` computes it), the token budget (steps x batch x
sequence length), the model sizes, the training recipe (hash of the `train:` section without its
bookkeeping keys), the evaluation protocol (hash of the `eval:` section), its task list and the
lm-eval task versions found in eval.json (None until a run was evaluated). The board pins the
protocol of its first entry in `index.json`; every later entry must match it key by key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import suite
from suite.config import to_mapping
from suite.errors import SuiteError

GUARDED = ("tier", "suite_version", "data_sha256", "tokenizer_sha256", "token_budget", "seq_len",
           "model_sizes", "train_sha256", "eval_sha256", "eval_tasks", "eval_versions")
# train: keys that do not change what is learned (bookkeeping, hardware)
TRAIN_BOOKKEEPING = ("micro_batch_size", "eval_interval", "ckpt_interval", "log_interval", "backend",
                     "threads")


def _sha(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def fingerprint(proto: dict[str, Any]) -> str:
    """sha256 of the guarded keys of `proto` (canonical JSON)."""
    return _sha({k: proto.get(k) for k in GUARDED})


def current_protocol(tier: str, data_dir: str | Path) -> dict[str, Any]:
    """The protocol this checkout runs at `tier` on the prepared data in `data_dir`."""
    from suite.data.config import DataConfig
    from suite.data.shards import read_meta
    from suite.eval.protocol import EvalProtocol
    from suite.tiers import load_section
    from suite.training.config import ModelSizes, TrainConfig
    from suite.training.spec import data_identity

    data = load_section(tier, "data", DataConfig)
    train = load_section(tier, "train", TrainConfig)
    ev = to_mapping(load_section(tier, "eval", EvalProtocol))
    meta = read_meta(data_dir)
    recipe = {k: v for k, v in to_mapping(train).items() if k not in TRAIN_BOOKKEEPING}
    return {
        "tier": tier, "suite_version": suite.__version__,
        "data_sha256": data_identity(meta), "tokenizer_sha256": meta["tokenizer"]["sha256"],
        "token_budget": train.steps * train.batch_size * data.seq_len, "seq_len": data.seq_len,
        "model_sizes": load_section(tier, "model", ModelSizes).sizes(),
        "train_sha256": _sha(recipe), "eval_sha256": _sha(ev), "eval_tasks": list(ev["tasks"]),
        "eval_versions": None,
    }


def eval_versions(eval_json: dict[str, Any]) -> dict[str, Any] | None:
    """lm-eval task versions of one eval.json (None when it has none)."""
    versions = (eval_json.get("lm_eval") or {}).get("versions")
    return {k: versions[k] for k in sorted(versions)} if versions else None


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def differences(recorded: dict[str, Any], board: dict[str, Any]) -> list[str]:
    """'key: value (submission) != value (leaderboard)' for every guarded key that differs.

    `eval_versions` is compared only when both sides have been evaluated."""
    out = []
    for key in GUARDED:
        a, b = recorded.get(key), board.get(key)
        if key == "eval_versions" and (a is None or b is None):
            continue
        if a != b:
            out.append(f"{key}: {_short(a)} (submission) != {_short(b)} (leaderboard)")
    return out


def check_protocol(name: str, recorded: dict[str, Any], board: dict[str, Any]) -> None:
    """Refuse a submission run under another protocol, naming every difference."""
    diff = differences(recorded, board)
    if diff:
        raise SuiteError(f"submission '{name}' was run under a different protocol than the "
                         f"leaderboard of tier '{board.get('tier')}': " + "; ".join(diff))


def check_runs(name: str, proto: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    """Each run's own record (metrics.json) must agree with the protocol it is filed under."""
    for run in runs:
        m = run.get("metrics") or {}
        if m.get("tokens_seen") is not None and m["tokens_seen"] != proto["token_budget"]:
            raise SuiteError(f"submission '{name}' seed {run.get('seed')}: token budget "
                             f"{m['tokens_seen']} (run) != {proto['token_budget']} (protocol)")
        if m.get("data_sha256") not in (None, proto["data_sha256"]):
            raise SuiteError(f"submission '{name}' seed {run.get('seed')}: data_sha256 "
                             f"{m['data_sha256'][:12]}... (run) != {proto['data_sha256'][:12]}... (protocol)")
