"""Training throughput: tokens/s (and peak memory) of the real training step at a tier's sizes.

    from suite.bench.train_speed import measure
    measure("gla", tier="tiny", steps=5, device="cpu")   # {"tokens_per_s": ..., "peak_memory_mb": ...}
    suite bench --what train --tier tiny --device cpu     # DEFAULT_VARIANTS, median of 3 repeats,
                                                          # -> results/bench/<device>/train.json

The step is `suite.training.steps.train_step` (AdamW, micro-batches, grad clip; bf16 autocast on
GPU) on random token ids of the tier's vocabulary and sequence length, after one warm-up step.
Peak memory: CUDA max allocated on GPU, the process's peak resident set size on CPU.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from suite.data.config import DataConfig
from suite.provenance import provenance, write_json_atomic
from suite.training.config import ModelSizes, TrainConfig
from suite.training.dist import Ctx, pick_device
from suite.training.spec import pick_backend
from suite.training.steps import train_step

# one variant per decay kind (none, static, scalar, vector) and the softmax reference
DEFAULT_VARIANTS = ("none", "tnl", "mamba2-scalar", "gla", "softmax")


def _setup(variant: str, tier: str, device: torch.device, backend: str | None):
    from suite.model import build_model, model_config, param_groups
    from suite.tiers import load_section
    from suite.variants import load_variant

    data, t = load_section(tier, "data", DataConfig), load_section(tier, "train", TrainConfig)
    sizes = load_section(tier, "model", ModelSizes).sizes()
    cfg = model_config(load_variant(variant), data.vocab_size,
                       backend=pick_backend(backend or t.backend, device), **sizes)
    torch.manual_seed(0)
    model = build_model(cfg).to(device)
    opt = torch.optim.AdamW(param_groups(model, t.weight_decay), lr=t.lr, betas=(t.beta1, t.beta2), eps=t.eps)
    return cfg, data, t, model, opt


def measure(variant, tier: str = "tiny", steps: int = 5, device: str | None = None,
            backend: str | None = None) -> dict:
    """Tokens/s over `steps` training steps after one warm-up step (a Namespace: the CLI hook)."""
    if isinstance(variant, argparse.Namespace):
        return cli(variant)
    dev = pick_device(device)
    cfg, data, t, model, opt = _setup(variant, tier, dev, backend)
    ctx = Ctx(0, 1, dev, False)
    rows = np.random.default_rng(0).integers(1, data.vocab_size, size=(t.batch_size, data.seq_len + 1))
    micro = t.micro_batch_size or t.batch_size
    train_step(model, opt, rows, t.grad_clip, ctx, micro, t.precision)  # warm-up
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
        torch.cuda.reset_peak_memory_stats(dev)
    start = time.perf_counter()
    for _ in range(steps):
        train_step(model, opt, rows, t.grad_clip, ctx, micro, t.precision)
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    seconds = time.perf_counter() - start
    peak = (torch.cuda.max_memory_allocated(dev) if dev.type == "cuda"
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    return {"variant": variant, "tier": tier, "device": dev.type, "backend": cfg.backend, "steps": steps,
            "tokens_per_step": t.batch_size * data.seq_len, "seconds": seconds,
            "tokens_per_s": steps * t.batch_size * data.seq_len / seconds, "peak_memory_mb": peak / 2**20,
            "threads": torch.get_num_threads()}


def median_of(variant: str, tier: str, steps: int, device: str | None, repeats: int, backend=None) -> dict:
    runs = [measure(variant, tier, steps, device, backend) for _ in range(repeats)]
    best = dict(runs[0])
    best["tokens_per_s"] = statistics.median(r["tokens_per_s"] for r in runs)
    best["tokens_per_s_all"] = [r["tokens_per_s"] for r in runs]
    best["peak_memory_mb"] = max(r["peak_memory_mb"] for r in runs)
    return best


def cli(args: argparse.Namespace) -> int:
    """`suite bench --what train`: DEFAULT_VARIANTS at the tier, median of 3, a JSON and a table."""
    from suite.bench.cli import gpu_slug

    tier = args.tier or "tiny"
    dev = pick_device(args.device)
    rows = [median_of(v, tier, 5, str(dev), 3) for v in DEFAULT_VARIANTS]
    out = Path(args.out) / gpu_slug(dev) / "train.json"
    write_json_atomic(out, {"rows": rows, "provenance": provenance(device=dev, tier=tier)})
    print("| variant | backend | tokens/s (median of 3) | peak memory MB |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['variant']} | {r['backend']} | {r['tokens_per_s']:.0f} | {r['peak_memory_mb']:.0f} |")
    print(f"wrote {out}")
    return 0
