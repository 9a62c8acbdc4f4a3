"""`suite eval RUN_DIR`: evaluate a trained run; writes RUN_DIR/eval.json and decay_stats.json.

    suite eval results/runs/tiny/gla/0 [--ckpt results/ckpt/tiny/gla/0] [--tasks piqa hellaswag]
               [--limit 100] [--no-recall]

The weights come from <ckpt>/model.pt (default RUN_DIR/ckpt; the pipeline keeps checkpoints under
results/ckpt/ so that the result tree holds no cached file).

The protocol is the `eval:` section of the run's tier (`suite.eval.protocol.EvalProtocol`);
`--tasks`, `--limit` and `--batch-size` override it. Parts, all offline:

* lm-eval 0.4.13 on the local tasks in `tasks/` (`TaskManager(include_path=tasks,
  include_defaults=False)`; data from `suite prepare-eval`, sha256-checked); eval.json keeps only
  lm-eval's deterministic keys (results, versions, n-shot, higher_is_better, n-samples);
* held-out loss / perplexity / bits per byte on the test shard at L, 2L, 4L (`suite.eval.heldout`);
* the associative-recall probe (`suite.eval.recall`);
* decay statistics (`suite.eval.decay_stats`) -> decay_stats.json.

Both files are written atomically and carry the stable part of the provenance (no host, pid or
time), so evaluating the same run twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from suite.config import to_mapping
from suite.errors import SuiteError
from suite.provenance import provenance, stable, write_json_atomic
from suite.tiers import ROOT, load_section

TASKS_DIR = ROOT / "tasks"
LM_EVAL_KEYS = ("results", "versions", "n-shot", "higher_is_better", "n-samples")
for _var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_UPDATE_DOWNLOAD_COUNTS", "0")


def task_manager(eval_data: str | None, heldout_text: str | None):
    from lm_eval.tasks import TaskManager

    meta = {"heldout_text": heldout_text}
    if eval_data:
        meta["eval_data"] = str(Path(eval_data).resolve())
    return TaskManager(include_path=str(TASKS_DIR), include_defaults=False, metadata=meta)


def check_tasks(tm, tasks) -> list[str]:
    known = set(tm.all_tasks) | set(tm.all_tags) | set(tm.all_groups)
    for name in tasks:
        if name not in known:
            raise SuiteError(f"unknown task '{name}'; known: {', '.join(sorted(known))}")
    return list(tasks)


def lm_eval_results(lm, tasks, tm, limit, bootstrap_iters: int) -> dict:
    """lm-eval's deterministic result keys for `tasks` (seeded, no samples logged)."""
    import lm_eval

    res = lm_eval.simple_evaluate(model=lm, tasks=check_tasks(tm, tasks), task_manager=tm,
                                  limit=limit, bootstrap_iters=bootstrap_iters,
                                  log_samples=False, random_seed=0, numpy_random_seed=1234,
                                  torch_random_seed=1234, fewshot_random_seed=1234)
    return {k: res[k] for k in LM_EVAL_KEYS if k in res}


def eval_backend(run_dir, device: str, backend: str | None) -> str | None:
    """`backend`; else None (keep the run's) when the recorded backend runs on `device`;
    else the device's default (e.g. a run trained with triton on a GPU, evaluated on a CPU)."""
    import json

    from suite.kernels import available_backends, default_backend

    config_path = Path(run_dir) / "config.json"
    if backend is not None or not config_path.is_file():
        return backend
    recorded = json.loads(config_path.read_text()).get("model", {}).get("backend")
    return None if recorded in (None, *available_backends(device)) else default_backend(device)


def load_for_eval(run_dir, device: str, backend: str | None, ckpt=None):
    """The run, its tier's protocol and the held-out test text path."""
    from suite.eval.protocol import EvalProtocol
    from suite.runs import load_run

    run = load_run(run_dir, device=device, backend=eval_backend(run_dir, device, backend), ckpt=ckpt)
    proto = load_section(run.config["tier"], "eval", EvalProtocol)
    test_txt = Path(run.data_dir) / "test.txt"
    if not test_txt.is_file():
        raise SuiteError(f"{test_txt}: held-out test text not found (written by `suite prepare`)")
    return run, proto, test_txt


def evaluate(run_dir, tasks=None, limit=None, batch_size=None, recall=True, eval_data=None,
             device="cpu", backend=None, ckpt=None) -> dict:
    """Evaluate `run_dir` (weights from `ckpt`, default run_dir/ckpt); returns {"eval": ...,
    "decay_stats": ...} (not yet written)."""
    import torch

    from suite.data.shards import open_shard
    from suite.data.tokenizer import token_byte_lengths
    from suite.eval.decay_stats import decay_stats
    from suite.eval.heldout import heldout_metrics
    from suite.eval.lm import DecaySuiteLM
    from suite.eval.recall import run_recall

    torch.set_flush_denormal(True)  # subnormals from strong decays slow CPU kernels several-fold
    run, proto, test_txt = load_for_eval(run_dir, device, backend, ckpt)
    tasks, limit = tasks or proto.tasks, limit if limit is not None else proto.limit
    tm, bs = task_manager(eval_data, str(test_txt.resolve())), batch_size or proto.batch_size
    check_tasks(tm, tasks)
    text = test_txt.read_text(encoding="utf-8")
    lm = DecaySuiteLM(model=run.model, tokenizer=run.tokenizer, max_length=run.seq_len, batch_size=bs)
    out = {"lm_eval": lm_eval_results(lm, tasks, tm, limit, proto.bootstrap_iters)}
    out["heldout"] = heldout_metrics(run.model, open_shard(run.data_dir, "test"),
                                     token_byte_lengths(run.tokenizer), run.seq_len,
                                     proto.length_multipliers, proto.heldout_tokens, bs, device)
    use_recall = recall and proto.recall.enabled
    out["recall"] = run_recall(run.config["variant"], proto.recall, device) if use_recall else None
    stats = decay_stats(run.model, run.tokenizer, text, proto.decay_text_tokens, str(test_txt), device)
    prov = stable(provenance(
        device=device, tier=run.config["tier"], variant=run.config["variant"],
        seed=run.config.get("seed"), data_sha256=run.config.get("data_sha256"),
        backend=run.backend, protocol=to_mapping(proto),
        overrides={"tasks": list(tasks), "limit": limit, "recall": use_recall}))
    return {"eval": {**out, "provenance": prov}, "decay_stats": {**stats, "provenance": prov}}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", help="a run directory written by `suite train`")
    parser.add_argument("--tasks", nargs="+", default=None, help="lm-eval tasks or tags")
    parser.add_argument("--limit", type=int, default=None, help="documents per task")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--no-recall", action="store_true", help="skip the recall probe")
    parser.add_argument("--eval-data", default=None, help="evaluation data (default tasks/data)")
    parser.add_argument("--ckpt", default=None, help="checkpoint folder (default <run_dir>/ckpt)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--backend", default=None,
                        help="kernel backend (default: the run's when it runs on --device)")


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    res = evaluate(args.run_dir, args.tasks, args.limit, args.batch_size, not args.no_recall,
                   args.eval_data, args.device, args.backend, args.ckpt)
    write_json_atomic(Path(args.run_dir) / "eval.json", res["eval"])
    write_json_atomic(Path(args.run_dir) / "decay_stats.json", res["decay_stats"])
    print(f"wrote {args.run_dir}/eval.json and decay_stats.json in {time.perf_counter() - start:.1f} s")
    return 0
