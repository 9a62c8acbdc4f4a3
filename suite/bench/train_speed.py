"""Training throughput and peak memory of the real training step, per variant, at a tier's sizes.

    from suite.bench.train_speed import measure
    measure("gla", tier="tiny", steps=5, device="cpu")   # tokens/s (median, p20, p80), peak memory
    suite bench --what train --tier tiny --device cpu --grid results/grid.json
                                                          # every variant of the grid (or --variants)
                                                          # -> results/bench/<device>/train.{json,md}

The step is `suite.training.steps.train_step` (AdamW, micro-batches, grad clip; bf16 autocast on
GPU; the tier's `train.threads` on CPU) on random token ids of the tier's vocabulary and sequence
length, so one step processes `batch_size x seq_len` tokens exactly as in `suite train`. After
`train_warmup` untimed steps, each of `train_steps` steps is timed on its own (wall clock, CUDA
synchronized): tokens/s is reported as the median over steps with the 20th-80th percentile range
(linear interpolation). `run_all` first makes one discarded measurement, so that start-up work of
the calling process does not fall into the first variant's timed steps. Peak memory: on GPU `torch.cuda.max_memory_allocated` over the timed steps;
on Linux CPUs every variant runs in its own child process (forked from a clean fork server) whose
peak resident set size (VmHWM, reset just before the model is built) is reported, with its growth over the resident size at that reset (the
part that belongs to the model, optimizer and activations rather than the Python/torch runtime).
Timings vary from run to run: these files are not in results/CHECKSUMS.sha256.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from suite.data.config import DataConfig
from suite.errors import SuiteError
from suite.provenance import provenance, write_json_atomic, write_text_atomic
from suite.training.config import ModelSizes, TrainConfig
from suite.training.dist import Ctx, pick_device
from suite.training.spec import pick_backend
from suite.training.steps import train_step

# used when neither a grid nor variants are given: one variant per kind and the softmax reference
DEFAULT_VARIANTS = ("none", "tnl", "mamba2-scalar", "gla", "softmax")
_STATUS = "/proc/self/status"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between order statistics."""
    return float(np.percentile(np.asarray(values, dtype=float), q))


def _rss_mb() -> dict[str, float] | None:
    """{'rss': VmRSS, 'hwm': VmHWM} in MiB from /proc (None where there is no such file)."""
    try:
        text = Path(_STATUS).read_text()
    except OSError:
        return None
    got = {k: re.search(rf"^{k}:\s+(\d+) kB", text, re.MULTILINE) for k in ("VmRSS", "VmHWM")}
    if not all(got.values()):
        return None
    return {"rss": int(got["VmRSS"].group(1)) / 1024, "hwm": int(got["VmHWM"].group(1)) / 1024}


def _reset_peak_rss() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux >= 4.0); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _decay_kind(model, mixer: str) -> str:
    if mixer == "softmax":
        return "softmax"
    kinds = sorted({m.decay.kind for m in model.modules() if hasattr(getattr(m, "decay", None), "kind")})
    return ",".join(kinds) or "none"


def build_step(variant: str, tier: str, device: torch.device, backend: str | None = None,
               sizes: dict | None = None, wrap_fn=None):
    """(cfg, data, train config, model, optimizer, decay kind) of a training step at the tier's
    settings; `sizes` replaces the tier's model sizes, `wrap_fn` (DDP / FSDP2) wraps the model
    before the optimizer takes its parameters."""
    from suite.model import build_model, model_config, param_groups
    from suite.tiers import load_section
    from suite.training.dist import unwrap
    from suite.variants import load_variant

    data, t = load_section(tier, "data", DataConfig), load_section(tier, "train", TrainConfig)
    sizes = sizes or load_section(tier, "model", ModelSizes).sizes()
    spec = load_variant(variant)
    cfg = model_config(spec, data.vocab_size, backend=pick_backend(backend or t.backend, device), **sizes)
    torch.manual_seed(0)
    model = build_model(cfg).to(device)
    kind = _decay_kind(model, spec.mixer)
    if wrap_fn is not None:
        model = wrap_fn(model)
    opt = torch.optim.AdamW(param_groups(unwrap(model), t.weight_decay), lr=t.lr, betas=(t.beta1, t.beta2),
                            eps=t.eps)
    return cfg, data, t, model, opt, kind


def timed_steps(model, opt, rows, t: TrainConfig, ctx: Ctx, micro: int, steps: int, warmup: int) -> list[float]:
    """Seconds of each of `steps` training steps after `warmup` untimed ones (CUDA synchronized;
    under a process group every step starts at a barrier). Resets CUDA's peak memory first."""
    for _ in range(warmup):
        train_step(model, opt, rows, t.grad_clip, ctx, micro, t.precision)
    if ctx.device.type == "cuda":
        torch.cuda.synchronize(ctx.device)
        torch.cuda.reset_peak_memory_stats(ctx.device)
    out = []
    for _ in range(steps):
        if ctx.distributed:
            import torch.distributed as dist

            dist.barrier()
        t0 = time.perf_counter()
        train_step(model, opt, rows, t.grad_clip, ctx, micro, t.precision)
        if ctx.device.type == "cuda":
            torch.cuda.synchronize(ctx.device)
        out.append(time.perf_counter() - t0)
    return out


def peak_memory(dev: torch.device, rss_reset: bool) -> tuple[float, str]:
    """(MiB, how): CUDA max allocated; peak RSS since `_reset_peak_rss` (Linux CPU); else the
    process's max RSS."""
    if dev.type == "cuda":
        return torch.cuda.max_memory_allocated(dev) / 2**20, "cuda max allocated"
    if rss_reset:
        return _rss_mb()["hwm"], "peak RSS"
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "process max RSS"


def _measure_here(variant: str, tier: str, steps: int, warmup: int, dev: torch.device,
                  backend: str | None) -> dict:
    if dev.type == "cpu":
        from suite.tiers import load_section

        threads = load_section(tier, "train", TrainConfig).threads
        if threads:
            torch.set_num_threads(threads)
    on_cpu_linux = dev.type == "cpu" and _reset_peak_rss() and _rss_mb() is not None
    start_rss = _rss_mb()["rss"] if on_cpu_linux else None
    cfg, data, t, model, opt, kind = build_step(variant, tier, dev, backend)
    rows = np.random.default_rng(0).integers(1, data.vocab_size, size=(t.batch_size, data.seq_len + 1))
    micro = t.micro_batch_size or t.batch_size
    step_s = timed_steps(model, opt, rows, t, Ctx(0, 1, dev, False), micro, steps, warmup)
    tokens = t.batch_size * data.seq_len
    rates = [tokens / s for s in step_s]
    row = {"variant": variant, "tier": tier, "device": dev.type, "kind": kind,
           "backend": "sdpa" if kind == "softmax" else cfg.backend,  # softmax attention is torch SDPA
           "n_params": sum(p.numel() for p in model.parameters()), "warmup_steps": warmup,
           "steps": steps, "tokens_per_step": tokens, "step_s": step_s,
           "tokens_per_s": statistics.median(rates), "tokens_per_s_p20": percentile(rates, 20),
           "tokens_per_s_p80": percentile(rates, 80), "threads": torch.get_num_threads()}
    mem, how = peak_memory(dev, on_cpu_linux)
    row.update(peak_memory_mb=mem, memory=how)
    if on_cpu_linux:
        row.update(memory_growth_mb=mem - start_rss)
    return row


def _child(conn, *args) -> None:
    try:
        conn.send(("ok", _measure_here(*args)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def measure(variant: str, tier: str = "tiny", steps: int = 5, device: str | None = None,
            backend: str | None = None, warmup: int = 1, isolate: bool | None = None) -> dict:
    """One variant: per-step times, tokens/s (median, p20, p80) and peak memory. On a Linux CPU
    the measurement runs in a child process (`isolate`, default on there) so that each variant's
    peak resident memory is its own."""
    dev = pick_device(device)
    if isolate is None:
        isolate = dev.type == "cpu" and hasattr(os, "fork") and _rss_mb() is not None
    if not isolate:
        return _measure_here(variant, tier, steps, warmup, dev, backend)
    import multiprocessing as mp

    # not plain fork: a child forked after this process ran OpenMP work can hang in libgomp; the
    # fork server is a fresh process that imports this module once and forks each child from there
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, variant, tier, steps, warmup, dev, backend))
    proc.start()
    child.close()
    try:
        status, payload = parent.recv()
    except EOFError:
        status, payload = "error", "the measuring process died"
    proc.join()
    if status != "ok" and proc.exitcode:
        payload += f" (exit status {proc.exitcode})"
    if status != "ok":
        raise SuiteError(f"train benchmark of '{variant}' failed: {payload}")
    return payload


def variants_of(args) -> list[str]:
    if getattr(args, "variants", None):
        return list(args.variants)
    if getattr(args, "grid", None):
        from suite.report.grid import load_grid

        return list(load_grid(args.grid).variants)
    return list(DEFAULT_VARIANTS)


def markdown(rows: list[dict], tier: str, device_name: str) -> str:
    steps = rows[0]["steps"] if rows else 0
    head = (f"# Training-step benchmark, {tier} tier, on {device_name}\n\n"
            f"The real training step (forward, backward, clip, AdamW) at the tier's batch and sequence "
            f"length on random tokens; tokens/s over {steps} individually timed steps after a warm-up: "
            f"median and 20th-80th percentile. Peak memory: {rows[0]['memory'] if rows else '-'}"
            f"{' (growth: above the resident size before the model was built)' if rows and 'memory_growth_mb' in rows[0] else ''}.\n\n")
    lines = ["| variant | kind | backend | tokens/s | p20-p80 | step ms | peak memory MB | growth MB |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        growth = f"{r['memory_growth_mb']:.0f}" if "memory_growth_mb" in r else "-"
        lines.append(f"| {r['variant']} | {r['kind']} | {r['backend']} | {r['tokens_per_s']:.0f} | "
                     f"{r['tokens_per_s_p20']:.0f}-{r['tokens_per_s_p80']:.0f} | "
                     f"{1e3 * statistics.median(r['step_s']):.0f} | {r['peak_memory_mb']:.0f} | {growth} |")
    return head + "\n".join(lines) + "\n"


def run_all(variants: list[str], tier: str, device: torch.device, out_dir: Path, p) -> tuple[Path, Path]:
    """Measure every variant (protocol `p`: train_steps, train_warmup); write train.json and train.md."""
    from tqdm import tqdm

    from suite.provenance import device_info

    if variants:  # discarded: start-up work of the caller (e.g. dvc) must not fall into variant 1's steps
        measure(variants[0], tier, 1, str(device), warmup=p.train_warmup)
    rows = [measure(v, tier, p.train_steps, str(device), warmup=p.train_warmup)
            for v in tqdm(variants, desc="bench train", unit="variant")]
    prov = provenance(device=device, tier=tier,
                      protocol={"train_steps": p.train_steps, "train_warmup": p.train_warmup})
    json_path = write_json_atomic(out_dir / "train.json", {"rows": rows, "provenance": prov})
    name = device_info(device).get("name", str(device))
    md_path = write_text_atomic(out_dir / "train.md", markdown(rows, tier, name))
    return json_path, md_path
