"""Multi-GPU scaling benchmark: tokens/s and MFU per GPU of the real training step under DDP or
FSDP2, one record per (world size, mode, variant), accumulated in one scaling.json.

    suite bench --what scaling --tier micro --device cpu --parallel ddp fsdp2 --out runs/scaling
    torchrun --standalone --nproc-per-node 2 -m suite.cli bench --what scaling --tier micro \
        --device cpu --parallel ddp fsdp2 --world 2 --out runs/scaling        # 2 gloo ranks on CPU
    export NCCL_NVLS_ENABLE=0
    torchrun --standalone --nproc-per-node 8 -m suite.cli bench --what scaling --tier paper \
        --variants gla --parallel ddp fsdp2 --world 8 --steps 30 --warmup 10
                                                   # -> results/bench/h200/scaling.{json,md}

Plain python is world 1, the plain one-process step (the baseline: run it without torchrun); under
torchrun every rank runs the same command (NCCL on GPU, gloo on CPU; `suite.training.dist`), and
even a 1-process torchrun launch wraps the model (`wrapped` in the record). Weak scaling: each rank
runs `--batch-per-gpu` sequences (default the tier's micro_batch_size, else its batch_size) of the
tier's seq_len per step, so the global batch is batch-per-gpu x world; each rank draws its own
random token ids. The step is `suite.training.steps.train_step` (forward, backward, clip, AdamW;
bf16 autocast on GPU) of the model wrapped by `suite.training.dist.wrap` (DDP, or FSDP2
`fully_shard` per block; without a process group neither, so a plain world-1 record is the same step
whatever its mode). After `--warmup` untimed steps, each of `--steps` steps is timed on every rank
(barrier, wall clock, CUDA synchronized); a step's time is that of the slowest rank. tokens/s =
global tokens / step time, per GPU = that / world: median over steps with the 20th-80th percentile
(linear interpolation). MFU per GPU = model FLOPs per token x tokens/s per GPU / peak FLOP/s, where
FLOPs per token = 6 x matmul parameters (all but the input embedding, a lookup) + n_layers x the
attention forward+backward FLOPs per token counted by the kernel benchmark
(`suite.bench.kernels.work`: the chunked algorithm at C=64; for softmax 3.5x the causal SDPA
forward). Peak: the H200's measured dense bf16 ceiling (790 TFLOP/s, `suite.bench.kernels.CEILINGS`,
kernels-notes §8.1) or `--peak-tflops`; MFU is null on CPU, in fp32, and on other GPUs without
`--peak-tflops`. Peak memory: CUDA max allocated over the timed steps, or the peak RSS on Linux
CPUs; the largest of the ranks.

Rank 0 merges each record as soon as it is measured into <out>/<gpu-slug>/scaling.json (a record
with the same tier, preset, variant, mode, world and batch per GPU replaces the old one; temp file +
rename), each record with its provenance, and renders scaling.md from all of them with scaling
efficiency = per-GPU tokens/s at N / per-GPU tokens/s of the world-1 record with the same key.
Timings vary: not in results/CHECKSUMS.sha256. On CPU write outside results/bench/cpu (the dvc bench
stage's output folder, which dvc replaces).
"""

from __future__ import annotations

import gc
import os
import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

from suite.bench.kernels import CEILINGS, work
from suite.bench.scaling_results import write_results
from suite.bench.train_speed import (
    _reset_peak_rss,
    _rss_mb,
    build_step,
    peak_memory,
    percentile,
    timed_steps,
)
from suite.data.config import DataConfig
from suite.errors import SuiteError
from suite.provenance import device_info, provenance
from suite.training.config import ModelSizes, TrainConfig
from suite.training.dist import Ctx, setup, teardown, unwrap, wrap

MODES = ("ddp", "fsdp2")
# gpu slug -> (dense bf16 FLOP/s, source)
PEAK_BF16 = {"h200": (CEILINGS["bf16_TFLOPs"] * 1e12, "H200 dense bf16 matmul, measured (kernels-notes §8.1)")}


@dataclass(frozen=True)
class Plan:
    """What to measure: every variant in every mode, at the launched world size."""

    tier: str
    variants: tuple[str, ...]
    modes: tuple[str, ...] = ("ddp",)
    steps: int = 5
    warmup: int = 1
    batch_per_gpu: int | None = None
    preset: str | None = None  # None: the tier's model sizes
    world: int | None = None  # the expected world size (checked against the launch)
    peak_tflops: float | None = None


def check_plan(plan: Plan) -> None:
    """Every flag, the tier, the variants and the batch, checked before the process group starts."""
    from suite.tiers import load_section
    from suite.variants import load_variant

    _check_flags(plan)
    _batch(plan, load_section(plan.tier, "train", TrainConfig))
    for variant in plan.variants:
        load_variant(variant)


def _check_flags(plan: Plan) -> None:
    from suite.model import PRESETS

    bad = [m for m in plan.modes if m not in MODES] or ([] if plan.modes else ["(none)"])
    if bad:
        raise SuiteError(f"--parallel: unknown mode '{bad[0]}'; allowed: {', '.join(MODES)}")
    if plan.preset is not None and plan.preset not in PRESETS:
        raise SuiteError(f"--preset: unknown preset '{plan.preset}'; allowed: {', '.join(PRESETS)}")
    for flag, value, low in (("--steps", plan.steps, 1), ("--warmup", plan.warmup, 0),
                             ("--batch-per-gpu", plan.batch_per_gpu, 1), ("--world", plan.world, 1)):
        if value is not None and value < low:
            raise SuiteError(f"{flag} must be >= {low}, got {value}")
    if not plan.variants:
        raise SuiteError("--variants: give at least one variant")


def check_launch(plan: Plan, device: str | None) -> None:
    """The launched world size is the one asked for, and every local rank has a GPU to use."""
    world = dist.get_world_size() if dist.is_initialized() else int(os.environ.get("WORLD_SIZE", "1"))
    if plan.world is not None and plan.world != world:
        raise SuiteError(f"--world {plan.world} does not match the {world} process(es) launched; "
                         f"run under torchrun --nproc-per-node {plan.world} or drop --world")
    local, n_gpu = int(os.environ.get("LOCAL_RANK", "0")), torch.cuda.device_count()
    wants_cuda = (device in (None, "auto") and torch.cuda.is_available()) or str(device).startswith("cuda")
    if wants_cuda and n_gpu and local >= n_gpu:
        raise SuiteError(f"LOCAL_RANK {local} has no GPU: this machine has {n_gpu}, so give torchrun "
                         f"--nproc-per-node {n_gpu} or fewer")


def _sizes(plan: Plan) -> dict:
    from suite.model import PRESETS
    from suite.tiers import load_section

    sizes = load_section(plan.tier, "model", ModelSizes)
    if plan.preset is None:
        return sizes.sizes()
    return {**PRESETS[plan.preset], **({"chunk_size": sizes.chunk_size} if sizes.chunk_size else {})}


def _batch(plan: Plan, t: TrainConfig) -> tuple[int, int]:
    """(sequences per GPU per step, sequences per forward)."""
    batch = plan.batch_per_gpu or t.micro_batch_size or t.batch_size
    micro = min(t.micro_batch_size or batch, batch)
    if batch % micro:
        raise SuiteError(f"--batch-per-gpu {batch} must be a multiple of the tier's train.micro_batch_size {micro}")
    return batch, micro


def _build(plan: Plan, variant: str, mode: str, ctx: Ctx):
    """The step's model (wrapped for `mode` under a process group) and optimizer, and its counts."""
    cfg, _, _, model, opt, kind = build_step(variant, plan.tier, ctx.device, sizes=_sizes(plan),
                                             wrap_fn=lambda m: wrap(m, ctx, fsdp=mode == "fsdp2"))
    core = unwrap(model)
    n = sum(p.numel() for p in core.parameters())
    counts = {"n_params": n, "n_matmul_params": n - core.embed.weight.numel(), "kind": kind}
    return cfg, model, opt, counts


def flops_per_token(cfg, seq_len: int, n_matmul_params: int) -> float:
    """Model FLOPs of one token's forward+backward: 6 N_matmul + the attention of every layer."""
    shape = {"B": 1, "T": seq_len, "H": cfg.n_heads, "K": cfg.head_dim, "V": cfg.head_dim}
    attn, _ = work(shape, "none", "fwdbwd", 2, "sdpa" if cfg.mixer == "softmax" else "chunked")
    return 6.0 * n_matmul_params + cfg.n_layers * attn / seq_len


def _all_max(values: list[float], ctx: Ctx) -> list[float]:
    """Element-wise maximum over ranks (identity for world 1)."""
    t = torch.tensor(values, dtype=torch.float64, device=ctx.device if ctx.device.type == "cuda" else "cpu")
    if ctx.distributed:
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return t.tolist()


def measure(plan: Plan, variant: str, mode: str, ctx: Ctx) -> dict | None:
    """Time one variant in one mode on every rank; the record on rank 0, None elsewhere."""
    from suite.tiers import load_section

    data, t = load_section(plan.tier, "data", DataConfig), load_section(plan.tier, "train", TrainConfig)
    batch, micro = _batch(plan, t)
    if ctx.device.type == "cpu" and t.threads:
        torch.set_num_threads(t.threads)
    cpu_reset = ctx.device.type == "cpu" and _reset_peak_rss() and _rss_mb() is not None
    cfg, model, opt, counts = _build(plan, variant, mode, ctx)
    rows = np.random.default_rng(ctx.rank).integers(1, data.vocab_size, size=(batch, data.seq_len + 1))
    local = timed_steps(model, opt, rows, t, ctx, micro, plan.steps, plan.warmup)
    mem, how = peak_memory(ctx.device, cpu_reset)
    *step_s, mem = _all_max([*local, mem], ctx)
    del model, opt  # before the next variant or mode builds its own
    if ctx.device.type == "cuda":
        gc.collect()
        torch.cuda.empty_cache()
    if not ctx.main:
        return None
    precision = "bf16" if t.precision == "bf16" or (t.precision == "auto" and ctx.device.type == "cuda") else "fp32"
    shape = {"batch_per_gpu": batch, "micro_batch": micro, "seq_len": data.seq_len, "precision": precision}
    return _record(plan, variant, mode, ctx, cfg, counts, shape, step_s, mem, how)


def peak_flops(ctx: Ctx, precision: str, override_tflops: float | None) -> tuple[float | None, str | None]:
    if override_tflops is not None:
        return override_tflops * 1e12, "--peak-tflops"
    if ctx.device.type != "cuda" or precision != "bf16":
        return None, None
    from suite.bench.cli import gpu_slug

    return PEAK_BF16.get(gpu_slug(ctx.device), (None, None))


def _record(plan, variant, mode, ctx, cfg, counts, shape, step_s, mem, how) -> dict:
    tokens_gpu = shape["batch_per_gpu"] * shape["seq_len"]
    rates = [tokens_gpu / s for s in step_s]  # per GPU
    fpt = flops_per_token(cfg, shape["seq_len"], counts["n_matmul_params"])
    peak, source = peak_flops(ctx, shape["precision"], plan.peak_tflops)
    per_gpu = statistics.median(rates)
    pg = dist.get_backend() if ctx.distributed else None
    return {
        "tier": plan.tier, "preset": plan.preset or _sizes_label(plan), "variant": variant, "mode": mode,
        "world": ctx.world, "wrapped": ctx.distributed, "device": ctx.device.type, "device_name": device_info(ctx.device)["name"],
        **counts, **shape, "global_batch": shape["batch_per_gpu"] * ctx.world,
        "backend": "sdpa" if cfg.mixer == "softmax" else cfg.backend, "steps": plan.steps,
        "warmup_steps": plan.warmup, "step_s": step_s, "tokens_per_s": per_gpu * ctx.world,
        "tokens_per_s_per_gpu": per_gpu, "tokens_per_s_per_gpu_p20": percentile(rates, 20),
        "tokens_per_s_per_gpu_p80": percentile(rates, 80), "flops_per_token": fpt,
        "peak_flops": peak, "peak_flops_source": source, "mfu": fpt * per_gpu / peak if peak else None,
        "peak_memory_mb": mem, "memory": how, "threads": torch.get_num_threads(),
        "provenance": provenance(device=ctx.device, tier=plan.tier, process_group=pg,
                                 protocol={"steps": plan.steps, "warmup": plan.warmup, "weak_scaling": True}),
    }


def _sizes_label(plan: Plan) -> str:
    """The tier's own sizes when it names no preset, e.g. 'd128-L2-H2'."""
    from suite.tiers import load_section

    s = load_section(plan.tier, "model", ModelSizes)
    return s.preset or f"d{s.d_model}-L{s.n_layers}-H{s.n_heads}"


def run(plan: Plan, out_dir: Path, device: str | None = None) -> tuple[Path, Path] | None:
    """Measure the plan on this launch; rank 0 writes and returns (json, md), other ranks None."""
    from tqdm import tqdm

    check_plan(plan)
    check_launch(plan, device)
    ctx = setup(device)
    paths = None
    try:
        jobs = [(v, m) for v in plan.variants for m in plan.modes]
        for v, m in tqdm(jobs, desc=f"bench scaling x{ctx.world}", unit="run", disable=not ctx.main):
            record = measure(plan, v, m, ctx)
            if ctx.main:  # after every record, so that finished ones survive a later crash
                paths = write_results(out_dir, [record])
        return paths
    finally:
        teardown(ctx)


def run_from_args(args, protocol, out_dir: Path) -> int:
    """`suite bench --what scaling`: the plan from the command line; rank 0 prints the table."""
    from suite.bench.train_speed import variants_of

    plan = Plan(tier=args.tier or "tiny", variants=tuple(variants_of(args)), modes=tuple(args.parallel),
                steps=protocol.train_steps if args.steps is None else args.steps,
                warmup=protocol.train_warmup if args.warmup is None else args.warmup,
                batch_per_gpu=args.batch_per_gpu, preset=args.preset, world=args.world,
                peak_tflops=args.peak_tflops)
    paths = run(plan, out_dir, args.device)
    if paths is not None:
        print(paths[1].read_text())
        print(f"wrote {paths[0]} and {paths[1]}")
    return 0
