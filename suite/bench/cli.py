"""`suite bench`: kernel benchmarks (default) and the training-throughput hook.

    suite bench                                  # kernels: the protocol's shapes on this device
    suite bench --tier small                     # protocol from baselines/tiers/small.yaml:bench
    suite bench --shapes B8_T4096_H16_D128 --backends triton fla --kinds scalar --modes fwd
    suite bench --what train --tier tiny         # training throughput: suite.bench.train_speed

Writes `results/bench/<gpu-slug>/kernels.json` (rows + provenance) and `kernels.md` (table);
`<gpu-slug>` is e.g. `h200` for an NVIDIA H200, `cpu` without a GPU (tiny shapes, wall clock).
"""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path

import torch

from suite.bench.protocol import BenchProtocol
from suite.errors import SuiteError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--what", choices=("kernels", "train"), default="kernels")
    parser.add_argument("--tier", default=None, help="take the protocol from this tier's bench section")
    parser.add_argument("--shapes", nargs="+", default=None, help="named shapes B<b>_T<t>_H<h>_D<d>")
    parser.add_argument("--no-sweep", action="store_true", help="skip the T sweep (GPU)")
    parser.add_argument("--backends", nargs="+", default=None)
    parser.add_argument("--kinds", nargs="+", default=None, choices=("none", "static", "scalar", "vector"))
    parser.add_argument("--modes", nargs="+", default=None, choices=("fwd", "fwdbwd"))
    parser.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    parser.add_argument("--out", default="results/bench", help="results root (a <gpu-slug> folder goes inside)")


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
    if args.no_sweep:
        over["sweep"] = ()
    return dataclasses.replace(p, **over)


def run(args) -> int:
    if args.what == "train":
        try:
            mod = importlib.import_module("suite.bench.train_speed")
        except ModuleNotFoundError:
            raise SuiteError("suite bench --what train: suite.bench.train_speed is not available") from None
        entry = getattr(mod, "cli", None) or mod.measure  # train_speed.cli(args) wraps measure(...)
        return int(entry(args) or 0)
    from suite.bench.kernels import measure
    from suite.bench.report import write_results

    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    p = protocol_from(args)
    shapes = args.shapes
    if shapes is None and device.type == "cuda":
        shapes = list(p.shapes) + list(p.sweep)
    out_dir = Path(args.out) / gpu_slug(device)
    rows = measure(p, device, shapes=shapes, backends=args.backends,
                   on_row=lambda rows: write_results(rows, p, device, out_dir))  # partial results survive a kill
    json_path, md_path = write_results(rows, p, device, out_dir)
    print(md_path.read_text())
    print(f"wrote {json_path} and {md_path}")
    return 0
