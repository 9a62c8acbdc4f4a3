"""Helpers of the leaderboard tests: micro data, a small grid with made-up runs, board snapshots.

`make_board(tmp)` builds, under `tmp`, a params.yaml naming six grid variants with 3 seeds, their
made-up run files (tests/report_fake_results.py: NOT results, schema-valid inputs only), and a
board of tier micro holding one submission ("alpha") filed under the real protocol of the micro
data prepared once per test process. `snapshot(tmp)` returns every file's bytes, to check that a
refused submission changed nothing.
"""

from __future__ import annotations

import functools
import json
import math
import random
import tempfile
from pathlib import Path

import yaml
from report_fake_results import write_fake_results, write_run

from suite.cli import main
from suite.tiers import ROOT

EXAMPLES = ROOT / "examples"
GRID = ["gla", "gla-scalar", "mamba2", "tnl", "none", "softmax"]
SEEDS = [0, 1, 2]
TIER = "micro"


@functools.lru_cache(maxsize=1)
def micro_data() -> Path:
    out = Path(tempfile.mkdtemp(prefix="decay-suite-lb-data-")) / TIER
    assert main(["prepare", "--tier", TIER, "--out", str(out)]) == 0
    return out


@functools.lru_cache(maxsize=1)
def eval_data() -> Path:
    local = ROOT / "tasks" / "data"
    if (local / "manifest.json").is_file():
        return local
    from eval_support import eval_data_dir

    return eval_data_dir()


def write_params(path: Path, variants=GRID, seeds=SEEDS) -> Path:
    params = {"tier": TIER, "seeds": list(seeds), "variants": list(variants),
              "studies": {"parameterization": list(variants)}, "claims": {"alpha": 0.05}}
    path.write_text(yaml.safe_dump(params, sort_keys=False))
    return path


def power_decay_class() -> type:
    """examples/my_decay.py:PowerDecay, the example plugin outside the package."""
    import sys

    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    from my_decay import PowerDecay

    return PowerDecay


def bpb_of(loss: float) -> float:
    """report_fake_results writes val_loss = bpb * ln 2 * 1.5; the bpb giving `loss`."""
    return loss / (math.log(2) * 1.5)


def protocol() -> dict:
    from suite.leaderboard.protocol import current_protocol

    return current_protocol(TIER, micro_data())


def fake_entry(root: Path, name: str, losses: list[float], proto: dict | None = None,
               kind: str = "vector") -> dict:
    """A submission entry over made-up run files (one per loss), filed under `proto`."""
    from suite.leaderboard.entry import build_entry, run_values
    from suite.variants import Variant

    proto = dict(proto or protocol())
    runs = []
    for seed, loss in enumerate(losses):
        d = root / "fake-runs" / name / str(seed)
        write_run(d, name, seed, TIER, bpb_of(loss), 0.8 - 0.1 * seed, random.Random(seed))
        metrics = json.loads((d / "metrics.json").read_text())
        metrics["tokens_seen"] = proto["token_budget"]
        metrics["provenance"]["data_sha256"] = proto["data_sha256"]
        (d / "metrics.json").write_text(json.dumps(metrics))
        ev = json.loads((d / "eval.json").read_text())
        ev["lm_eval"]["versions"] = proto.get("eval_versions") or {"piqa": 1.0}
        (d / "eval.json").write_text(json.dumps(ev))
        runs.append(run_values(d, seed))
    variant = Variant(name=name, decay="my_decay:PowerDecay", granularity=kind)
    validation = {"kind": kind, "n_params": 61792, "checks": [
        {"check": "parameters", "ok": True, "detail": "61792 parameters vs 61664 for reference 'gla'"}]}
    return build_entry(variant, power_decay_class(), validation, proto, runs)


def make_board(tmp: Path) -> dict:
    """params.yaml + grid runs + a board with submission 'alpha'; returns the paths."""
    from suite.leaderboard import pages
    from suite.leaderboard.board import commit, load_board, stage_submission

    results = tmp / "results"
    params = write_params(tmp / "params.yaml")
    losses = {"gla": [3.00, 3.01, 3.02], "gla-scalar": [3.10, 3.11, 3.12], "mamba2": [3.05, 3.06, 3.04],
              "tnl": [3.3, 3.31, 3.32], "none": [3.5, 3.5, 3.6], "softmax": [2.9, 2.91, 2.92]}
    write_fake_results(results, GRID, SEEDS, tier=TIER,
                       bpb={k: [bpb_of(x) for x in v] for k, v in losses.items()})
    board = load_board(results, TIER)
    files = stage_submission(board, fake_entry(tmp, "alpha", [2.85, 2.86, 2.87]))
    files.update(pages(board, params))
    commit(files)
    return {"results": results, "params": params, "board": results / "leaderboard" / TIER}


def submit_argv(tmp: Path, spec: str, name: str, *extra: str) -> list[str]:
    return ["submit", spec, "--name", name, "--tier", TIER, "--data", str(micro_data()),
            "--results", str(tmp / "results"), "--params", str(tmp / "params.yaml"), *extra]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
