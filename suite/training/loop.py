"""The training loop behind `suite train`: resolve the run, resume, step, evaluate, checkpoint.

    from suite.training.loop import train
    metrics = train("gla", "micro", 0, Path("runs/gla/0"), data_dir=Path("data/micro"))

The run's identity (variant, tier, seed, resolved model config with its kernel backend, train
config, data identity) is checked against an existing config.json and checkpoint before anything
is written, so a foreign or corrupt run directory is refused with a SuiteError and left as it was.
The batch of step s is a pure function of (seed, s) (suite.data.shards), the learning rate a pure
function of s, and the checkpoint carries model, optimizer, schedule position, RNG states and the
loss history: a resumed run continues exactly where the killed one stopped.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from suite.data.shards import eval_windows, open_shard, rank_batch
from suite.errors import SuiteError
from suite.training import rundir
from suite.training.checkpoint import load_checkpoint, save_checkpoint
from suite.training.dist import full_state, load_full_state, setup, teardown, wrap
from suite.training.spec import RunSpec, resolve
from suite.training.steps import evaluate, train_step


def train(variant: str, tier: str, seed: int, out: Path, data_dir: Path, backend: str | None = None,
          device: str | None = None, fsdp: bool = False, stop_after: int | None = None,
          overrides: dict | None = None, ckpt_dir: Path | None = None) -> dict | None:
    """Train (or resume) one run; `overrides` changes train-config fields (recorded in the identity);
    checkpoints go to `ckpt_dir` (default out/ckpt)."""
    ckpt = Path(ckpt_dir) if ckpt_dir is not None else out / "ckpt"
    ctx = setup(device)
    try:
        spec = resolve(variant, tier, seed, Path(data_dir), backend, ctx.device, overrides)
        _check_padding_id(spec)
        if spec.train.threads and ctx.device.type == "cpu":
            torch.set_num_threads(spec.train.threads)
        rundir.check_config(out, spec)
        state = _load_state(ckpt, spec)
        model, opt = _build(spec, ctx, fsdp)
        if state is not None:
            load_full_state(model, opt, state["model"], state["optim"], ctx)
            rundir.set_rng_state(state["rng"])
        if ctx.main:
            rundir.write_config(out, spec, ckpt)
        return _loop(spec, ctx, model, opt, out, ckpt, state, fsdp, stop_after)
    finally:
        teardown(ctx)


def _check_padding_id(spec: RunSpec, chunk: int = 1 << 24) -> None:
    """Refuse training data that uses token id 0 while the model keeps embedding row 0 at zero
    (spec Q9, `freeze_pad_row`): a zero residual stream at such a token makes every RMSNorm scale
    the gradient by sqrt(d / eps), and deep models overflow to NaN in the first step. Every rank
    scans the same shard, so all stop together, before anything is written."""
    if not spec.model.freeze_pad_row:
        return
    shard = open_shard(spec.data_dir, "train")
    for start in range(0, len(shard), chunk):
        hit = np.flatnonzero(shard[start:start + chunk] == 0)
        if hit.size:
            raise SuiteError(
                f"{spec.data_dir}/train.bin: token id 0 at position {start + int(hit[0])}, but the model keeps "
                "embedding row 0 at zero (freeze_pad_row, spec Q9), which overflows the gradient; prepare the "
                "data with a tokenizer whose id 0 is a padding token (suite prepare trains one) or set the "
                "variant option freeze_pad_row: false")


def _load_state(ckpt: Path, spec: RunSpec) -> dict | None:
    last = ckpt / "last.pt"
    return load_checkpoint(last, spec.identity) if last.is_file() else None


def _build(spec: RunSpec, ctx, fsdp: bool):
    from suite.model import build_model, param_groups

    torch.manual_seed(spec.seed)
    model = build_model(spec.model).to(ctx.device)
    model = wrap(model, ctx, fsdp)
    core = getattr(model, "module", model)
    t = spec.train
    opt = torch.optim.AdamW(param_groups(core, t.weight_decay), lr=t.lr, betas=(t.beta1, t.beta2), eps=t.eps)
    return model, opt


def _loop(spec: RunSpec, ctx, model, opt, out: Path, ckpt: Path, state: dict | None, fsdp: bool,
          stop_after) -> dict | None:
    t, T = spec.train, spec.data.seq_len
    shard = open_shard(spec.data_dir, "train")
    windows = eval_windows(open_shard(spec.data_dir, "val"), T, t.eval_tokens)
    per_rank = t.batch_size // ctx.world
    micro = min(t.micro_batch_size or per_rank, per_rank)  # a memory cap: no larger than a rank's share
    if t.batch_size % ctx.world or per_rank % micro:
        raise SuiteError(f"train.batch_size {t.batch_size} must split evenly over {ctx.world} process(es) "
                         f"in micro-batches of {micro} (train.micro_batch_size)")
    hist = state["history"] if state else {"loss": [], "curve": [], "val": None}
    start, wall_before = (state["step"], state["wall_time_s"]) if state else (0, 0.0)
    t0 = time.perf_counter()
    bar = tqdm(range(start, t.steps), initial=start, total=t.steps, desc=spec.variant,
                disable=not ctx.main, mininterval=1.0)
    for s in bar:
        lr = t.lr_at(s)
        for g in opt.param_groups:
            g["lr"] = lr
        rows = rank_batch(shard, spec.seed, s, t.batch_size, T, ctx.rank, ctx.world)
        loss = train_step(model, opt, rows, t.grad_clip, ctx, micro, t.precision)
        done = s + 1
        hist["loss"].append(loss)
        val = None
        if done % t.eval_interval == 0 or done == t.steps:
            val = evaluate(model, windows, spec.byte_len, ctx, micro, t.precision)
            hist["val"] = val
        if val is not None or done % t.log_interval == 0 or done == t.steps:
            hist["curve"].append([done, done * t.batch_size * T, lr, loss, val["loss"] if val else None])
        elapsed = wall_before + time.perf_counter() - t0
        bar.set_postfix(loss=f"{loss:.3f}", tok_s=f"{(done - start) * t.batch_size * T / max(elapsed - wall_before, 1e-9):.0f}",
                        refresh=False)
        if done % t.ckpt_interval == 0 or done == t.steps:
            _checkpoint(ckpt, spec, ctx, model, opt, done, lr, hist, elapsed)
        if stop_after is not None and done >= stop_after:
            return None
    bar.close()
    wall = wall_before + time.perf_counter() - t0
    return rundir.finish(out, spec, ctx, model, opt, hist, wall, fsdp, ckpt)


def _checkpoint(ckpt: Path, spec: RunSpec, ctx, model, opt, done: int, lr: float, hist: dict, wall: float) -> None:
    msd, osd = full_state(model, opt, ctx)
    if ctx.main:
        save_checkpoint(ckpt / "last.pt", {
            "identity": spec.identity, "step": done, "model": msd, "optim": osd,
            "scheduler": {"step": done, "last_lr": lr}, "rng": rundir.rng_state(),
            "history": hist, "wall_time_s": wall,
        })
