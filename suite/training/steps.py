"""One optimizer step and one validation pass, for any world size.

    loss = train_step(model, opt, rows, cfg, ctx, micro, amp)     # rows int64 [B/W, L+1]
    loss = accumulate_grads(model, rows, ctx, micro, amp)          # the same, before clip and step
    val = evaluate(model, windows, byte_len, ctx, micro, amp)     # {"loss", "bits_per_byte", ...}

Each rank gets its rows of the global batch and accumulates gradients over micro-batches of
`micro` sequences, each loss scaled by 1/n_micro; DDP / FSDP2 average over ranks, so the gradient
is the mean over the global batch whatever the world size. Validation windows are dealt round
robin to the ranks (padded with weight-0 windows so every rank runs the same forwards) and the
sums of NLL, tokens and bytes are reduced in float64.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import torch
import torch.nn.functional as F

from suite.training.dist import Ctx, all_sum


def autocast(ctx: Ctx, precision: str):
    use_bf16 = precision == "bf16" or (precision == "auto" and ctx.device.type == "cuda")
    if not use_bf16:
        return contextlib.nullcontext()
    return torch.autocast(device_type=ctx.device.type, dtype=torch.bfloat16)


def token_nll(model, x: torch.Tensor, precision: str, ctx: Ctx) -> torch.Tensor:
    """Per-token NLL (fp32) [b, L] of windows x [b, L+1]."""
    with autocast(ctx, precision):
        logits = model(x[:, :-1])  # [b, L, V_pad]
    b, L, V = logits.shape
    nll = F.cross_entropy(logits.float().reshape(b * L, V), x[:, 1:].reshape(b * L), reduction="none")
    return nll.view(b, L)


def accumulate_grads(model, rows: np.ndarray, ctx: Ctx, micro: int, precision: str) -> float:
    """Forward/backward over the rank's rows in micro-batches (each loss scaled by 1/n_micro, the
    gradient all-reduced once, at the last one); the rank's mean loss."""
    x_all = torch.from_numpy(rows).to(ctx.device)
    chunks = list(torch.split(x_all, micro))
    total = 0.0
    for i, x in enumerate(chunks):
        sync = ctx.distributed and i < len(chunks) - 1 and hasattr(model, "no_sync")
        with model.no_sync() if sync else contextlib.nullcontext():
            loss = token_nll(model, x, precision, ctx).mean() / len(chunks)
            loss.backward()
        total += float(loss.detach())
    return total


def train_step(model, opt, rows: np.ndarray, grad_clip: float, ctx: Ctx, micro: int, precision: str) -> float:
    """Forward/backward over the rank's rows in micro-batches, clip, step; the global mean loss."""
    total = accumulate_grads(model, rows, ctx, micro, precision)
    torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    opt.step()
    opt.zero_grad(set_to_none=True)
    return all_sum([total], ctx)[0] / ctx.world


@torch.no_grad()
def evaluate(model, windows: np.ndarray, byte_len: np.ndarray, ctx: Ctx, micro: int, precision: str) -> dict:
    """Validation loss (nats/token), bits per byte and perplexity over `windows` [N, L+1]."""
    model.eval()
    mine = list(range(ctx.rank, len(windows), ctx.world))
    per_rank = math.ceil(len(windows) / ctx.world)
    weights = [1.0] * len(mine) + [0.0] * (per_rank - len(mine))
    mine += [0] * (per_rank - len(mine))
    nll_sum = tok_sum = byte_sum = 0.0
    for i in range(0, per_rank, micro):
        idx, w = mine[i:i + micro], torch.tensor(weights[i:i + micro], dtype=torch.float64)
        x = torch.from_numpy(windows[idx]).to(ctx.device)
        nll = token_nll(model, x, precision, ctx).double().sum(dim=1).cpu()  # [b]
        nll_sum += float((nll * w).sum())
        tok_sum += float(w.sum()) * (windows.shape[1] - 1)
        byte_sum += float((torch.from_numpy(byte_len[windows[idx][:, 1:]].sum(axis=1)).double() * w).sum())
    model.train()
    nll_sum, tok_sum, byte_sum = all_sum([nll_sum, tok_sum, byte_sum], ctx)
    loss = nll_sum / tok_sum
    return {"loss": loss, "bits_per_byte": nll_sum / math.log(2) / byte_sum,
            "perplexity": math.exp(loss), "tokens": int(tok_sum), "bytes": int(byte_sum)}
