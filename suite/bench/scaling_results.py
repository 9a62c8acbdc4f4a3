"""scaling.json and scaling.md of the multi-GPU scaling benchmark (`suite.bench.scaling`).

    from suite.bench.scaling_results import write_results, load_records, efficiency
    write_results(Path("results/bench/h200"), records)   # merge, temp file + rename, render .md

One record per (tier, preset, variant, mode, world, batch_per_gpu): a new record replaces the old
one with the same key, the others stay, so launches at 1, 2, 4 and 8 GPUs accumulate in one file.
Scaling efficiency = per-GPU tokens/s of a record / that of the world-1 record with the same key
(None where there is none).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from suite.errors import SuiteError
from suite.provenance import write_json_atomic, write_text_atomic

HEADER = ("| tier | model | variant | mode | GPUs | batch/GPU x seq | tokens/s | tokens/s per GPU | "
          "p20-p80 | step ms | MFU | efficiency | peak memory MB |")
KEY = ("tier", "preset", "variant", "mode", "world", "batch_per_gpu")


def key(record: dict) -> tuple:
    return tuple(record[k] for k in KEY)


def load_records(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    try:
        records = json.loads(path.read_text())["records"]
    except (json.JSONDecodeError, KeyError, TypeError):
        records = None
    if not isinstance(records, list) or not all(isinstance(r, dict) and set(KEY) <= set(r) for r in records):
        raise SuiteError(f"{path}: not a scaling.json with a 'records' list; move it away or pick another --out")
    return records


def merge(old: list[dict], new: list[dict]) -> list[dict]:
    """`old` with `new` added; a new record replaces an old one with the same key. Sorted."""
    by_key = {key(r): r for r in old} | {key(r): r for r in new}
    order = ("tier", "preset", "variant", "mode", "batch_per_gpu", "world")
    return sorted(by_key.values(), key=lambda r: tuple(r[k] for k in order))


def efficiency(record: dict, records: list[dict]) -> float | None:
    """Per-GPU tokens/s of `record` over that of the world-1 record with the same key."""
    base = next((r for r in records if key(r) == key({**record, "world": 1})), None)
    return record["tokens_per_s_per_gpu"] / base["tokens_per_s_per_gpu"] if base else None


def markdown(records: list[dict]) -> str:
    names = sorted({r["device_name"] for r in records})
    head = (f"# Multi-GPU scaling of the training step, on {', '.join(names) or '-'}\n\n"
            "Weak scaling: a fixed batch per GPU, global batch = batch per GPU x GPUs. tokens/s over the timed "
            "steps (a step's time is the slowest rank's): median, p20-p80 per GPU. MFU = model FLOPs per token "
            "(6 x matmul parameters + attention) x tokens/s per GPU / peak (see peak_flops_source in "
            "scaling.json). Efficiency = per-GPU tokens/s / that of the 1-GPU record of the same tier, model, "
            "variant, mode and batch per GPU; 'not wrapped': one process without a process group, the plain step "
            "(the same in either mode).\n\n")
    lines = [HEADER, "|---|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [_row(r, records) for r in records]
    return head + "\n".join(lines) + "\n"


def _row(r: dict, records: list[dict]) -> str:
    eff, mfu = efficiency(r, records), r["mfu"]
    mode = r["mode"] if r.get("wrapped", r["world"] > 1) else f"{r['mode']} (not wrapped)"
    return (f"| {r['tier']} | {r['preset']} | {r['variant']} | {mode} | {r['world']} | "
            f"{r['batch_per_gpu']} x {r['seq_len']} | {r['tokens_per_s']:.0f} | {r['tokens_per_s_per_gpu']:.0f} | "
            f"{r['tokens_per_s_per_gpu_p20']:.0f}-{r['tokens_per_s_per_gpu_p80']:.0f} | "
            f"{1e3 * statistics.median(r['step_s']):.1f} | {'-' if mfu is None else f'{100 * mfu:.1f}%'} | "
            f"{'-' if eff is None else f'{100 * eff:.0f}%'} | {r['peak_memory_mb']:.0f} |")


def write_results(out_dir: Path, new: list[dict]) -> tuple[Path, Path]:
    """Merge `new` into out_dir/scaling.json (temp file + rename) and render scaling.md from it."""
    records = merge(load_records(Path(out_dir) / "scaling.json"), new)
    json_path = write_json_atomic(Path(out_dir) / "scaling.json", {"records": records})
    return json_path, write_text_atomic(Path(out_dir) / "scaling.md", markdown(records))
