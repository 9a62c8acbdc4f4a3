"""Conformance coverage of pinned Triton launch configs, from the reports their runs wrote.

A config leaves `pending` (suite/kernels/triton/tuning.py) once its pinned conformance runs on a
GPU cover every kind of its family in each dtype and head dim it is admitted at, with no wrong
value. Runs cut short by a time limit cover the cases in pytest's collection order, so a report
that says "all passed" can lack a whole kind; this table shows what was covered:

    python -m suite.bench.coverage results/bench/h100/conformance_configs_v12 [--family scalar]

Each `*.json` report (`pytest -m kernels --conformance-report`) names its config per case
(`config`, set from SUITE_TRITON_CONFIG for a pinned process); older reports, which did not,
are attributed by the longest known config name in the file name. Per config, dtype and head
dim: cases passed by kind, the T values they span, and the cases that did not pass, split into
wrong (a value out of tolerance) and errors (the run raised: out of memory, not launchable).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

FAMILY_KINDS = {"scalar": ("none", "static", "scalar"), "vector": ("vector",)}
SHORT = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}


def _config_of(case: dict, stem: str, names: list[str]) -> str | None:
    if case.get("config"):
        return case["config"]
    hits = [n for n in names if n in stem]
    return max(hits, key=len) if hits else None


def tally(paths: list[Path], names: list[str]) -> dict:
    """{config: {(dtype, D): {"passed": {kind: {case}}, "T": set, "wrong": n, "errors": n}}}: the
    distinct cases (kind, T, regime, initial state) passed in any report; wrong and errors count
    every report's case."""
    out: dict = defaultdict(lambda: defaultdict(lambda: {"passed": defaultdict(set), "T": set(),
                                                         "wrong": 0, "errors": 0}))
    for path in paths:
        for case in json.loads(path.read_text())["cases"]:
            cfg = _config_of(case, path.stem, names)
            if cfg is None:
                continue
            cell = out[cfg][(SHORT.get(case["dtype"], case["dtype"]), case["shape"]["K"])]
            if case["passed"] is True:
                cell["passed"][case["kind"]].add((case["shape"]["T"], case["regime"], case["initial_state"]))
                cell["T"].add(case["shape"]["T"])
            elif case["error"]:
                cell["errors"] += 1
            else:
                cell["wrong"] += 1
    return out


def table(counts: dict, family_of: dict[str, str]) -> str:
    """A markdown table: one row per (config, dtype, D)."""
    lines = ["| config | dtype | D | passed by kind | T | wrong | errors |", "|---|---|---|---|---|---|---|"]
    for cfg in sorted(counts):
        kinds = FAMILY_KINDS.get(family_of.get(cfg, ""), ())
        for (dt, d), cell in sorted(counts[cfg].items()):
            by_kind = ", ".join(f"{k} {len(cell['passed'].get(k, ()))}" for k in kinds)
            ts = "/".join(map(str, sorted(cell["T"]))) or "-"
            lines.append(f"| {cfg} | {dt} | {d} | {by_kind} | {ts} | {cell['wrong']} | {cell['errors']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from suite.kernels.triton.tuning import autotune_configs

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", type=Path, help="folders of conformance reports (*.json)")
    ap.add_argument("--family", choices=sorted(FAMILY_KINDS), help="only configs of this family")
    args = ap.parse_args(argv)
    family_of = {c["name"]: c["family"] for c in autotune_configs()}
    names = [n for n, f in family_of.items() if args.family in (None, f)]
    paths = sorted(p for d in args.dirs for p in d.glob("*.json"))
    counts = tally(paths, names)
    print(table({c: v for c, v in counts.items() if c in names}, family_of))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
