"""Test input for the report tests: a schema-valid result tree with made-up numbers.

`write_fake_results(root, variants=..., seeds=..., bpb=...)` writes `root/grid.json` and, for
every (variant, seed), `root/runs/<tier>/<variant>/<seed>/{metrics.json, eval.json,
decay_stats.json, curve.csv, config.json}` following the result-file schemas. Values come from a
seeded RNG unless given (`bpb[variant] = [per-seed values]`, `medians[variant] = value`). These
are NOT results: they only exercise the table/figure/claim/checksum code, always in tmp_path.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from suite.report.grid import STUDIES, Grid, grid_to_json

TASKS = {"lambada_openai": "perplexity", "piqa": "acc", "hellaswag": "acc_norm",
         "arc_easy": "acc"}
N_LAYERS = 2


def default_studies(variants: list[str]) -> dict[str, list[str]]:
    def pick(pred):
        return [v for v in variants if pred(v)]
    pe = pick(lambda v: v.endswith(("-lrpe", "-rope")))
    share = pick(lambda v: v.endswith("-share"))
    scalar = pick(lambda v: ("-scalar" in v or v in ("tnl", "tnl-l")) and v not in pe)
    rest = [v for v in variants if v not in pe + share + scalar]
    studies = dict(zip(STUDIES, (rest, share, scalar, pe)))
    return {k: v for k, v in studies.items() if v}


def write_fake_results(root: Path, variants: list[str], seeds: list[int], tier: str = "tiny",
                       bpb: dict[str, list[float]] | None = None,
                       medians: dict[str, float] | None = None, rng_seed: int = 0,
                       claims: dict | None = None) -> Grid:
    rng = random.Random(rng_seed)
    grid = Grid(tier, tuple(seeds), tuple(variants),
                {k: tuple(v) for k, v in default_studies(variants).items()})
    data = grid_to_json(grid, {v: {"label": v.upper()} for v in variants})
    data["claims"].update(claims or {})
    data["provenance"] = {"run": {"host": "test"}}
    _write(root / "grid.json", data)
    for v in variants:
        for i, s in enumerate(seeds):
            b = (bpb or {}).get(v, [2.0 + rng.random() * 0.2] * len(seeds))[i]
            med = (medians or {}).get(v, 0.5 + 0.4 * rng.random())
            write_run(grid.run_dir(root, v, s), v, s, tier, b, med, rng)
    return grid


def write_run(d: Path, variant: str, seed: int, tier: str, bpb: float, median: float,
              rng: random.Random) -> None:
    loss = bpb * math.log(2) * 1.5
    _write(d / "metrics.json", {
        "variant": variant, "tier": tier, "seed": seed, "final_train_loss": loss + 0.05,
        "train_loss_last5": loss + 0.04, "val_loss": loss, "val_bits_per_byte": bpb,
        "val_perplexity": math.exp(loss), "tokens_seen": 1000, "steps": 10,
        "wall_time_s": rng.random() * 100, "tokens_per_s": 1000 + rng.random(),
        "n_params": 12345, "backend": "chunked", "provenance": {"run": {"pid": rng.random()}}})
    _write(d / "config.json", {"variant": variant, "tier": tier, "seed": seed})
    results = {t: {f"{m},none": (rng.uniform(10, 90) if m == "perplexity" else rng.random()),
                   f"{m}_stderr,none": 0.01} for t, m in TASKS.items()}
    _write(d / "eval.json", {
        "lm_eval": {"results": results, "versions": {}, "n-shot": {}, "higher_is_better": {},
                    "n-samples": {}},
        "heldout": {"contexts": [32, 64, 128], "loss": [loss, loss + 0.1, loss + 0.3],
                    "bits_per_byte": [bpb] * 3, "perplexity": [math.exp(loss)] * 3},
        "recall": {"accuracy": rng.random(), "by_pairs": {"4": rng.random(), "8": rng.random()},
                   "by_distance": {"0-16": rng.random()}},
        "provenance": {}})
    _write(d / "decay_stats.json", decay_stats(variant, median))
    rows = ["step,tokens,lr,train_loss,val_loss"]
    rows += [f"{k},{k * 100},0.001,{loss + 1 / k:.6f},{'' if k % 2 else f'{loss + 1 / k:.6f}'}"
             for k in range(1, 11)]
    (d / "curve.csv").write_text("\n".join(rows) + "\n")


def decay_stats(variant: str, median: float) -> dict:
    keys = ("median", "p25", "p75", "mean", "min", "max", "std", "frac_below_0.5",
            "frac_above_0.99")
    if variant in ("none", "softmax"):
        return {"layers": [], "all": {}, "text": {"source": "x", "sha256": "0", "n_tokens": 8},
                "provenance": {}}
    layers = [{"layer": i, **{k: median for k in keys}} for i in range(N_LAYERS)]
    return {"layers": layers, "all": {k: median for k in keys},
            "text": {"source": "x", "sha256": "0", "n_tokens": 8}, "provenance": {}}


def _write(path: Path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def write_fake_bench(folder: Path, variants: list[str], rng_seed: int = 0) -> None:
    """`folder/train.json` and `folder/kernels.json` in the shape `suite bench --what all` writes
    (made-up timings: only for the speed-table and README code)."""
    rng = random.Random(rng_seed)
    train = [{"variant": v, "kind": "vector", "backend": "chunked", "steps": 5, "device": "cpu",
              "threads": 2, "memory": "peak RSS", "step_s": [0.4] * 5,
              "tokens_per_s": 10000.0 + rng.random(), "tokens_per_s_p20": 9000.0,
              "tokens_per_s_p80": 11000.0, "peak_memory_mb": 900.0, "memory_growth_mb": 700.0}
             for v in variants]
    kernels = []
    for backend, kind in (("chunked", "scalar"), ("chunked", "vector"), ("sdpa", "softmax")):
        for mode in ("fwd", "fwdbwd"):
            ms = 1.0 + rng.random()
            kernels.append({"shape": "B16_T256_H2_D64", "kind": kind, "backend": backend, "mode": mode,
                            "ms": ms, "ms_p20": 0.9 * ms, "ms_p80": 1.1 * ms, "check": {"passed": True}})
    _write(folder / "train.json", {"rows": train, "provenance": {"device": {"type": "cpu"}}})
    _write(folder / "kernels.json", {"rows": kernels, "backends": {"chunked": "timed", "sdpa": "timed",
                                                                   "triton": "not timed: interpreter only"},
                                     "provenance": {"device": {"type": "cpu"}}})
