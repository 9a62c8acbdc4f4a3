"""Held-out loss, perplexity and bits per byte on the corpus test split at several context lengths.

The tokens are the run's test shard (`test.bin`, the same tokenisation as training's validation);
the first N are kept, N = `heldout_tokens` rounded down to a multiple of the longest context, so
every context length scores the same tokens. For each context C in {m * L} (L = training length,
m in `length_multipliers`) the N tokens are cut into N / C non-overlapping windows, each run from
a fresh state; every position but the first of a window is scored. Contexts beyond L measure
length extrapolation. Definitions as in training's validation:

    loss = summed next-token cross-entropy (nats) / scored tokens;  perplexity = exp(loss)
    bits_per_byte = summed cross-entropy / ln 2 / UTF-8 bytes of the scored tokens

    from suite.eval.heldout import heldout_metrics
    heldout_metrics(model, ids, byte_len, seq_len=256, multipliers=(1, 2, 4), n_tokens=65536)
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from suite.errors import SuiteError


@torch.no_grad()
def window_nll(model, ids: torch.Tensor, context: int, batch_size: int, device) -> tuple[float, int]:
    """Summed next-token loss (nats) and scored-token count over windows of `context` tokens."""
    windows = ids.view(-1, context)  # [N / C, C]
    total, count = 0.0, 0
    for start in range(0, windows.shape[0], batch_size):
        batch = windows[start : start + batch_size].to(device)
        logits = model(batch[:, :-1])  # [b, C-1, V]
        nll = F.cross_entropy(logits.flatten(0, 1).float(), batch[:, 1:].flatten(), reduction="none")
        total += nll.double().sum().item()
        count += nll.numel()
    return total, count


def scored_bytes(ids: torch.Tensor, context: int, byte_len: np.ndarray) -> int:
    """UTF-8 bytes of the scored tokens (all but the first of each window)."""
    targets = ids.view(-1, context)[:, 1:].numpy()  # [N / C, C-1]
    return int(byte_len[targets].sum())


def heldout_metrics(model, ids, byte_len: np.ndarray, seq_len: int, multipliers=(1, 2, 4),
                    n_tokens: int = 65536, batch_size: int = 8, device="cpu") -> dict:
    contexts = [int(m * seq_len) for m in multipliers]
    n = min(n_tokens, len(ids)) // max(contexts) * max(contexts)
    if n == 0:
        raise SuiteError(f"held-out split has {len(ids)} tokens, fewer than one window of {max(contexts)}")
    ids = torch.as_tensor(np.asarray(ids[:n], dtype=np.int64))
    out = {"contexts": contexts, "n_tokens": n, "loss": [], "perplexity": [], "bits_per_byte": []}
    for c in tqdm(contexts, desc="held-out contexts"):
        total, count = window_nll(model, ids, c, max(1, batch_size * seq_len // c), device)
        out["loss"].append(total / count)
        out["perplexity"].append(math.exp(total / count))
        out["bits_per_byte"].append(total / math.log(2) / scored_bytes(ids, c, byte_len))
    return out
