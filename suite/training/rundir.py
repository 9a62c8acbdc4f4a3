"""Run-directory files: config.json, curve.csv, metrics.json, ckpt/model.pt; RNG state capture.

    check_config(out, spec)      # SuiteError if out/config.json belongs to another run
    write_config(out, spec, ckpt)                     # ckpt: checkpoint folder (default out/ckpt)
    finish(out, spec, ctx, model, opt, history, wall, fsdp, ckpt) -> metrics dict

Every file is written atomically. metrics.json holds the contract keys; its only volatile fields
are `wall_time_s`, `tokens_per_s` (VOLATILE_KEYS) and provenance.run, so two runs of the same
command on CPU (one of them killed and resumed) can be compared with `comparable(metrics)`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from suite.config import to_mapping
from suite.provenance import provenance, write_json_atomic, write_text_atomic
from suite.training.checkpoint import check_identity, save_checkpoint
from suite.training.dist import full_state

VOLATILE_KEYS = ("wall_time_s", "tokens_per_s")
CURVE_HEADER = "step,tokens,lr,train_loss,val_loss"


def config_of(spec) -> dict:
    return {**spec.identity, "data": {"dir": str(spec.data_dir), "sha256": spec.data_sha256,
                                      "tokenizer_sha256": spec.meta["tokenizer"]["sha256"],
                                      "seq_len": spec.data.seq_len, "config": to_mapping(spec.data)},
            "backend": spec.model.backend}


def check_config(out: Path, spec) -> None:
    path = out / "config.json"
    if not path.is_file():
        return
    try:
        found = json.loads(path.read_text())
    except json.JSONDecodeError:
        from suite.errors import SuiteError

        raise SuiteError(f"{path}: not valid JSON; delete the run directory to start over") from None
    check_identity({k: found.get(k) for k in spec.identity if k != "data_sha256"} |
                   {"data_sha256": (found.get("data") or {}).get("sha256")}, spec.identity, str(path))


def write_config(out: Path, spec, ckpt: Path | None = None) -> None:
    """config.json, and removal of temp files a killed writer left behind (.NAME.XXXX.tmp) in the
    run directory and the checkpoint folder (`ckpt`, default out/ckpt)."""
    write_json_atomic(out / "config.json", config_of(spec))
    ckpt = out / "ckpt" if ckpt is None else ckpt
    for tmp in list(out.glob(".*.tmp")) + list(ckpt.glob(".*.tmp")):
        tmp.unlink(missing_ok=True)


def rng_state() -> dict:
    st = np.random.get_state()
    out = {"torch": torch.get_rng_state(),
           "numpy": [st[0], torch.from_numpy(st[1].astype(np.int64)), int(st[2]), int(st[3]), float(st[4])]}
    if torch.cuda.is_available():
        out["cuda"] = torch.cuda.get_rng_state_all()
    return out


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    n = state["numpy"]
    np.random.set_state((n[0], n[1].numpy().astype(np.uint32), n[2], n[3], n[4]))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def curve_text(rows: list) -> str:
    fmt = lambda v: "" if v is None else repr(float(v)) if isinstance(v, float) else str(v)
    return "\n".join([CURVE_HEADER] + [",".join(fmt(v) for v in r) for r in rows]) + "\n"


def comparable(metrics: dict) -> dict:
    """metrics without its wall-clock fields and provenance.run (for byte comparisons)."""
    out = {k: v for k, v in metrics.items() if k not in VOLATILE_KEYS}
    out["provenance"] = {k: v for k, v in metrics.get("provenance", {}).items() if k != "run"}
    return out


def finish(out: Path, spec, ctx, model, opt, hist: dict, wall: float, fsdp: bool,
           ckpt: Path | None = None) -> dict | None:
    """Write final weights (to `ckpt`, default out/ckpt), curve.csv and metrics.json (rank 0);
    return the metrics."""
    from suite.model import count_params

    msd, _ = full_state(model, opt, ctx)
    if not ctx.main:
        return None
    save_checkpoint((out / "ckpt" if ckpt is None else ckpt) / "model.pt", {"identity": spec.identity, "model": msd,
                                                "config": to_mapping(spec.model)})
    write_text_atomic(out / "curve.csv", curve_text(hist["curve"]))
    t, val, losses = spec.train, hist["val"], hist["loss"]
    tokens = len(losses) * t.batch_size * spec.data.seq_len
    metrics = {
        "variant": spec.variant, "tier": spec.tier, "seed": spec.seed,
        "final_train_loss": losses[-1], "train_loss_last5": float(np.mean(losses[-5:])),
        "val_loss": val["loss"], "val_bits_per_byte": val["bits_per_byte"], "val_perplexity": val["perplexity"],
        "val_tokens": val["tokens"], "val_bytes": val["bytes"],
        "tokens_seen": tokens, "steps": len(losses), "n_params": count_params(spec.model),
        "backend": spec.model.backend, "wall_time_s": wall, "tokens_per_s": tokens / max(wall, 1e-9),
        "distributed": {"world_size": ctx.world, "fsdp": fsdp, "device": ctx.device.type},
        "provenance": provenance(device=ctx.device, backend=spec.model.backend, tier=spec.tier,
                                 variant=spec.variant, seed=spec.seed, data_sha256=spec.data_sha256),
    }
    write_json_atomic(out / "metrics.json", metrics)
    return metrics
