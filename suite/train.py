"""`suite train`: train one variant at one tier and seed into a run directory (resumable).

    suite train --variant gla --tier tiny --seed 0 --out results/runs/tiny/gla/0 [--data data/tiny]
                [--ckpt results/ckpt/tiny/gla/0] [--backend chunked] [--device cpu|cuda] [--fsdp]
    torchrun --standalone --nproc-per-node 8 -m suite.cli train ...     # DDP; --fsdp for FSDP2

The run directory gets config.json (variant, tier, seed, resolved model / train config, data
identity), curve.csv (step,tokens,lr,train_loss,val_loss), metrics.json (contract keys; the
wall-clock fields `wall_time_s` and `tokens_per_s` are the only volatile ones besides
provenance.run); the checkpoint folder (`--ckpt`, default <out>/ckpt; the pipeline keeps it outside
the run directory, under results/ckpt/) gets last.pt (the resumable state every `ckpt_interval`
steps; it also carries the elapsed wall time, so its bytes differ between runs) and model.pt (the
final weights, byte-identical on rerun). Rerunning the same command after a crash resumes from
last.pt and ends with the same result bytes on CPU. Recipe: AdamW (0.9, 0.95), weight decay 0.1 on all parameters
(spec Q10; the variant option `no_wd_on_decay_params` exempts the decay's own), grad clip 1.0,
linear warm-up + cosine to lr * min_lr_ratio, bf16 autocast on GPU, fp32 on CPU.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def configure(parser) -> None:
    parser.add_argument("--variant", required=True, help="baselines/variants/<name>.yaml")
    parser.add_argument("--tier", required=True, help="baselines/tiers/<tier>.yaml")
    parser.add_argument("--seed", type=int, default=0, help="model init and data order seed")
    parser.add_argument("--out", required=True, help="run directory")
    parser.add_argument("--data", default=None, help="prepared data folder (default data/<tier>)")
    parser.add_argument("--ckpt", default=None, help="checkpoint folder (default <out>/ckpt)")
    parser.add_argument("--backend", default=None, help="kernel backend (default: the tier's, else the device's)")
    parser.add_argument("--device", default=None, help="cpu | cuda (default: cuda when available)")
    parser.add_argument("--fsdp", action="store_true", help="FSDP2 instead of DDP under torchrun")
    # test hook: stop (as if killed) right after the checkpoint of this step
    parser.add_argument("--stop-after", type=int, default=None, help=argparse.SUPPRESS)


def run(args) -> int:
    from suite.training.loop import train

    metrics = train(args.variant, args.tier, args.seed, Path(args.out),
                    data_dir=Path(args.data) if args.data else Path("data") / args.tier,
                    backend=args.backend, device=args.device, fsdp=args.fsdp, stop_after=args.stop_after,
                    ckpt_dir=Path(args.ckpt) if args.ckpt else None)
    if metrics is None:
        return 0
    print(f"{args.variant} seed {args.seed}: val loss {metrics['val_loss']:.4f}, "
          f"{metrics['val_bits_per_byte']:.4f} bits/byte, {metrics['tokens_per_s']:.0f} tokens/s")
    return 0

