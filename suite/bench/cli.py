"""`suite bench`: kernel benchmarks (default), the training-step benchmark and multi-GPU scaling.

    suite bench                                  # kernels: the protocol's shapes on this device
    suite bench --tier small                     # protocol from baselines/tiers/small.yaml:bench
    suite bench --shapes B8_T4096_H16_D128 --backends triton fla --kinds scalar --modes fwd
    suite bench --shapes B32_T2048_H12_D64 --timer graph   # GPU time alone (CUDA-graph replays)
    suite bench --what train --tier tiny --variants gla tnl     # training step: suite.bench.train_speed
    suite bench --what all --tier tiny --device cpu --grid results/grid.json --folder cpu   # dvc stage
    torchrun --standalone --nproc-per-node 2 -m suite.cli bench --what scaling --tier paper \
        --variants gla --parallel ddp fsdp2 --world 2      # multi-GPU scaling: suite.bench.scaling

Writes `results/bench/<gpu-slug>/kernels.json` (rows, backend coverage, provenance) and
`kernels.md`; with `--what train|all` also `train.json` and `train.md` (every variant of `--grid`,
else `--variants`, else one variant per decay kind); `--what scaling` (not part of `all`: it is
launched once per world size, under torchrun for more than one process) merges its records into
`scaling.json` and renders `scaling.md`. `<gpu-slug>` is e.g. `h200` for an NVIDIA
H200, `cpu` without a GPU (the tier's CPU shapes, wall clock). Timings vary from run to run, so
nothing under results/bench/ is in results/CHECKSUMS.sha256.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import torch

from suite.bench.protocol import BenchProtocol
from suite.errors import SuiteError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--what", choices=("kernels", "train", "all", "scaling"), default="kernels")
    parser.add_argument("--tier", default=None, help="take the protocol from this tier's bench section")
    parser.add_argument("--shapes", nargs="+", default=None, help="named shapes B<b>_T<t>_H<h>_D<d>")
    parser.add_argument("--no-sweep", action="store_true", help="skip the T sweep (GPU)")
    parser.add_argument("--backends", nargs="+", default=None)
    parser.add_argument("--kinds", nargs="+", default=None, choices=("none", "static", "scalar", "vector"))
    parser.add_argument("--modes", nargs="+", default=None, choices=("fwd", "fwdbwd"))
    parser.add_argument("--timer", default=None, choices=("events", "graph"),
                        help="GPU timer: events (eager calls, the default) or graph "
                             "(CUDA-graph replays: the GPU's time alone)")
    parser.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    parser.add_argument("--out", default="results/bench", help="results root (a <gpu-slug> folder goes inside)")
    parser.add_argument("--folder", default=None,
                        help="name of the folder under --out (default <gpu-slug>; the dvc stage passes bench.device)")
    parser.add_argument("--grid", default=None, help="train: every variant of this grid (results/grid.json)")
    parser.add_argument("--variants", nargs="+", default=None, help="train, scaling: these variants")
    scaling = parser.add_argument_group("scaling (--what scaling; suite.bench.scaling)")
    scaling.add_argument("--parallel", nargs="+", default=["ddp"], metavar="MODE",
                         help="ddp and/or fsdp2 (default ddp)")
    scaling.add_argument("--world", type=int, default=None,
                         help="expected number of processes (checked against the torchrun launch)")
    scaling.add_argument("--batch-per-gpu", type=int, default=None,
                         help="sequences per GPU per step (default: the tier's micro_batch_size, else batch_size)")
    scaling.add_argument("--preset", default=None, help="model size preset (e.g. 160m) instead of the tier's sizes")
    scaling.add_argument("--steps", type=int, default=None, help="timed steps (default: the tier's bench.train_steps)")
    scaling.add_argument("--warmup", type=int, default=None,
                         help="untimed steps first (default: the tier's bench.train_warmup)")
    scaling.add_argument("--peak-tflops", type=float, default=None,
                         help="peak FLOP/s for MFU (default: 790 measured bf16 on an H200; none elsewhere)")


def gpu_slug(device: torch.device) -> str:
    """'h200' for 'NVIDIA H200', 'cpu' without a GPU: the results folder name."""
    if device.type != "cuda":
        return "cpu"
    name = torch.cuda.get_device_name(device).lower().replace("nvidia", "")
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "gpu"


def protocol_from(args) -> BenchProtocol:
    import dataclasses

    p = BenchProtocol()
    if args.tier:
        from suite.tiers import load_section

        p = load_section(args.tier, "bench", BenchProtocol)
    over = {k: tuple(v) for k, v in (("kinds", args.kinds), ("modes", args.modes)) if v}
    if args.timer:
        over["timer"] = args.timer
    if args.no_sweep:
        over["sweep"] = ()
    return dataclasses.replace(p, **over)


def backend_status(backend: str, device: torch.device) -> str:
    """'timed' when `backend` runs on `device`, else why not (recorded next to the timings)."""
    from suite.bench import adapters

    if backend == "triton" and device.type != "cuda":
        return "not timed: on a CPU Triton runs only in its interpreter (TRITON_INTERPRET=1), a correctness mode"
    if adapters.available(backend, device):
        return _timed_kinds(backend)
    if backend == "fla":
        return "not timed: fla-core is not installed or there is no GPU"
    from suite.kernel_plugins import resolve

    try:
        fn = resolve(backend)
    except SuiteError as exc:
        return f"not timed: {exc}"
    return f"not timed: runs on {', '.join(getattr(fn, 'devices', ()))} only"


def _timed_kinds(backend: str) -> str:
    """'timed', or for a backend that declares fewer decay kinds (a plugin's `kinds`) which."""
    from suite.bench import adapters
    from suite.kernels import KINDS

    kinds = [k for k in KINDS if adapters.computes(backend, k)]
    return "timed" if len(kinds) == len(KINDS) else f"timed at the decay kinds {', '.join(kinds)} only"


def run(args) -> int:
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SuiteError(f"--device {args.device}: CUDA is not available on this machine; allowed: cpu")
    if args.timer == "graph" and device.type != "cuda":
        raise SuiteError("--timer graph: CUDA graphs need a GPU; on cpu the kernel benchmark "
                         "times with a wall clock (allowed there: no --timer, or --timer events)")
    p = protocol_from(args)
    out_dir = Path(args.out) / (args.folder or gpu_slug(device))
    if args.what == "scaling":
        from suite.bench.scaling import run_from_args

        return run_from_args(args, p, out_dir)
    if args.what in ("train", "all"):  # first: its child processes start before any kernel work
        from suite.bench.train_speed import run_all, variants_of

        json_path, md_path = run_all(variants_of(args), args.tier or "tiny", device, out_dir, p)
        print(md_path.read_text())
        print(f"wrote {json_path} and {md_path}")
    if args.what == "train":
        return 0
    from suite.bench.ceilings import for_slug
    from suite.bench.kernels import measure
    from suite.bench.report import write_results

    shapes = args.shapes
    if shapes is None and device.type == "cuda":
        shapes = list(p.shapes) + list(p.sweep)
    requested = args.backends or (p.backends if device.type == "cuda" else p.cpu_backends)
    status = {b: backend_status(b, device) for b in requested}
    timed = [b for b in requested if status[b].startswith("timed")]
    # results files are rewritten after every row, so partial results survive a kill
    ceilings = for_slug(gpu_slug(device) if device.type == "cuda" else "h200")
    rows = measure(p, device, shapes=shapes, backends=timed, ceilings=ceilings,
                   on_row=lambda rows: write_results(rows, p, device, out_dir, status, ceilings)) if timed else []
    json_path, md_path = write_results(rows, p, device, out_dir, status, ceilings)
    print(md_path.read_text())
    print(f"wrote {json_path} and {md_path}")
    return 0
