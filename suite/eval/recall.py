"""Associative recall probe: multi-query associative recall (MQAR; Arora et al. 2023, Zoology).

A language model trained on prose cannot do MQAR zero-shot, so recall is a small, dedicated
training probe run for every variant under one fixed protocol (`RecallProtocol`, the tier's
`eval.recall` section):

1. Data (seeded, `torch.Generator`): vocabulary of `vocab_size` tokens; token 0 is the filler,
   keys are drawn from [1, V/2) and values from [V/2, V), both without replacement within a
   sequence. A sequence with n pairs starts `k1 v1 k2 v2 ... kn vn`; the remaining positions are
   filler, except that every key appears once more as a query at a distinct position drawn
   uniformly from [2n, seq_len - 1). The target at a query position is the key's value (the
   next token); no other position is scored. Distance = query position - key position.
2. Model: a fresh model of the run's variant (`suite.variants.load_variant` +
   `suite.model.build_model`) with the probe's sizes (`d_model`, `n_layers`, `n_heads`, `glu_dim`) and
   vocabulary, initialised from `torch.manual_seed(seed)`.
3. Training: `steps` AdamW steps (lr `lr`, constant, weight decay 0) on batches of
   `batch_size` fresh sequences, the number of pairs drawn uniformly from `train_pairs`;
   cross-entropy on the query positions only.
4. Scoring: `eval_examples` fresh sequences (generator seed + 1) for each n in `eval_pairs`;
   accuracy = argmax prediction equals the value, pooled over all queries; also by n and by
   distance bucket (`distance_buckets` are upper bounds, plus one open bucket).

Everything derives from `seed`, so a rerun on CPU reproduces the numbers.

    from suite.eval.recall import run_recall
    result = run_recall("gla", proto.recall)   # {"accuracy", "by_pairs", "by_distance"}
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from tqdm import tqdm

from suite.eval.protocol import RecallProtocol


def mqar_batch(n_seq: int, n_pairs: int, cfg: RecallProtocol, gen: torch.Generator):
    """(inputs [B,S] long, targets [B,S] long with -100 off the queries, distance [B,S] long)."""
    S, half = cfg.seq_len, cfg.vocab_size // 2
    inputs = torch.zeros(n_seq, S, dtype=torch.long)
    targets = torch.full((n_seq, S), -100, dtype=torch.long)
    distance = torch.zeros(n_seq, S, dtype=torch.long)
    for b in range(n_seq):
        keys = 1 + torch.randperm(half - 1, generator=gen)[:n_pairs]
        values = half + torch.randperm(cfg.vocab_size - half, generator=gen)[:n_pairs]
        inputs[b, 0 : 2 * n_pairs : 2], inputs[b, 1 : 2 * n_pairs : 2] = keys, values
        slots = 2 * n_pairs + torch.randperm(S - 1 - 2 * n_pairs, generator=gen)[:n_pairs]
        inputs[b, slots], targets[b, slots] = keys, values
        distance[b, slots] = slots - 2 * torch.arange(n_pairs)
    return inputs, targets, distance


def build_probe_model(variant_name: str, cfg: RecallProtocol):
    from suite.model import build_model, model_config
    from suite.variants import load_variant

    mcfg = model_config(load_variant(variant_name), cfg.vocab_size, d_model=cfg.d_model,
                        n_layers=cfg.n_layers, n_heads=cfg.n_heads, glu_dim=cfg.glu_dim,
                        backend=cfg.backend)
    torch.manual_seed(cfg.seed)
    return build_model(mcfg)


def train_probe(model, cfg: RecallProtocol, device="cpu", progress: bool = True):
    gen = torch.Generator().manual_seed(cfg.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.0)
    model.train()
    for _ in tqdm(range(cfg.steps), desc="recall probe", disable=not progress):
        n = cfg.train_pairs[int(torch.randint(len(cfg.train_pairs), (1,), generator=gen))]
        inputs, targets, _ = mqar_batch(cfg.batch_size, n, cfg, gen)
        logits = model(inputs.to(device))  # [B, S, V]
        loss = F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten().to(device),
                               ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return model.eval()


def bucket_name(d: int, bounds: tuple[int, ...]) -> str:
    for lo, hi in zip((0,) + bounds, bounds):
        if d <= hi:
            return f"{lo + 1}-{hi}"
    return f">{bounds[-1]}"


@torch.no_grad()
def score_probe(model, cfg: RecallProtocol, device="cpu") -> dict:
    gen = torch.Generator().manual_seed(cfg.seed + 1)
    hits: dict[str, list[int]] = {}
    by_pairs = {}
    for n in cfg.eval_pairs:
        inputs, targets, distance = mqar_batch(cfg.eval_examples, n, cfg, gen)
        pred = model(inputs.to(device)).argmax(-1).cpu()  # [B, S]
        mask = targets != -100
        correct = (pred == targets)[mask]
        by_pairs[str(n)] = correct.float().mean().item()
        for d, c in zip(distance[mask].tolist(), correct.tolist()):
            hits.setdefault(bucket_name(d, cfg.distance_buckets), []).append(int(c))
    every = [c for v in hits.values() for c in v]
    order = [bucket_name(b, cfg.distance_buckets) for b in cfg.distance_buckets]
    order.append(f">{cfg.distance_buckets[-1]}")
    by_distance = {k: sum(hits[k]) / len(hits[k]) for k in order if k in hits}
    return {"accuracy": sum(every) / len(every), "by_pairs": by_pairs, "by_distance": by_distance}


def run_recall(variant_name: str, cfg: RecallProtocol, device="cpu", progress: bool = True) -> dict:
    """Train the probe model of `variant_name` and score it (see the module docstring).

    Subnormal floats are flushed to zero meanwhile: strongly decayed states otherwise slow
    CPU training several-fold (the setting is restored afterwards)."""
    flush = torch.set_flush_denormal(True)
    try:
        model = build_probe_model(variant_name, cfg).to(device)
        train_probe(model, cfg, device, progress)
        return score_probe(model, cfg, device)
    finally:
        if flush:
            torch.set_flush_denormal(False)
