"""Decay statistics of a trained model (median-decay analysis, decay-spec section 12).

The model reads one fixed held-out text: the first `n_tokens` (<= 2048) tokens of the corpus test
split (batch 1; its sha256 is recorded). `suite.model.capture_log_decay` records every layer's raw
log-decay (before the vector reshape and the LRPE duplication); lambda = exp(log-decay) of batch
element 0 is pooled over all positions and channels/heads, per layer and over all layers:
median, p25, p75, mean, min, max, std, fraction below 0.5 and above 0.99. Static decays ([H])
are pooled over heads (they are the same at every position). Variants without decay give no
layers.

    from suite.eval.decay_stats import decay_stats
    stats = decay_stats(model, tokenizer, text, n_tokens=2048, source="data/tiny/test.txt")
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch

from suite.errors import SuiteError

KEYS = ("median", "p25", "p75", "mean", "min", "max", "std", "frac_below_0.5", "frac_above_0.99")


def summarize(lam: np.ndarray) -> dict[str, float]:
    """The statistics of a flat float64 array of decay values."""
    p25, median, p75 = np.percentile(lam, [25, 50, 75])
    values = (median, p25, p75, lam.mean(), lam.min(), lam.max(), lam.std(),
              (lam < 0.5).mean(), (lam > 0.99).mean())
    return {k: float(v) for k, v in zip(KEYS, values)}


def lambdas(log_decay: torch.Tensor) -> np.ndarray:
    """exp(log-decay) of batch element 0, flattened: [B,T,D] / [B,T,H] -> [T*D]; [H] -> [H]."""
    x = log_decay.detach().float().cpu()
    if x.dim() >= 2:
        x = x[0]
    return np.exp(x.numpy().astype(np.float64)).reshape(-1)


def text_prefix(tokenizer, text: str, n_tokens: int) -> tuple[list[int], str]:
    """The first `n_tokens` token ids of `text` and the text they cover."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids = enc.ids[:n_tokens]
    if not ids:
        raise SuiteError("decay statistics: the held-out text is empty")
    return ids, text[: enc.offsets[len(ids) - 1][1]]


@torch.no_grad()
def decay_stats(model, tokenizer, text: str, n_tokens: int = 2048, source: str = "",
                device="cpu") -> dict:
    from suite.model import capture_log_decay

    ids, covered = text_prefix(tokenizer, text, n_tokens)
    model.eval()
    with capture_log_decay(model) as captured:
        model(torch.tensor([ids], dtype=torch.long, device=device))
    per_layer = {int(k): lambdas(v) for k, v in sorted(captured.items())}
    layers = [{"layer": i, **summarize(lam)} for i, lam in per_layer.items()]
    pooled = summarize(np.concatenate(list(per_layer.values()))) if per_layer else None
    sha = hashlib.sha256(covered.encode("utf-8")).hexdigest()
    return {"layers": layers, "all": pooled,
            "text": {"source": source, "sha256": sha, "n_tokens": len(ids)}}
