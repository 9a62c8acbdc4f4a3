"""`suite checksums`: results/CHECKSUMS.sha256 over every generated, reproducible result file.

Covered (paths relative to the results folder): grid.json; each grid run's config.json,
metrics.json, curve.csv, eval.json and decay_stats.json (runs named by the grid, never a glob);
the study tables (not speed.*), the figures and claims.md. Not covered: checkpoints, bench/
and the speed tables (timings). JSON files are hashed in a canonical form (sorted keys, compact)
without volatile keys (provenance: host, pid, git commit; wall-clock timings), so a rerun that
computes the same numbers gives the same line; every other file is hashed byte for byte.
`suite verify` recomputes the file.

    suite checksums [--grid results/grid.json] [--results results]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from suite.provenance import write_text_atomic
from suite.report.grid import Grid, load_grid

NAME = "CHECKSUMS.sha256"
RUN_FILES = ("config.json", "metrics.json", "curve.csv", "eval.json", "decay_stats.json")
VOLATILE_KEYS = frozenset({"provenance", "wall_time_s", "tokens_per_s", "elapsed_s",
                           "time_s", "total_evaluation_time_seconds", "date"})
HEADER = (
    "# sha256 of the generated result files (suite checksums; check with suite verify).\n"
    "# Paths are relative to this folder. JSON files: sha256 of the canonical JSON (sorted keys,\n"
    "# compact separators) without the keys " + ", ".join(sorted(VOLATILE_KEYS)) + ";\n"
    "# other files: sha256 of the bytes.\n"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grid", default="results/grid.json", help="written by suite validate")
    parser.add_argument("--results", default="results", help="results root")


def run(args: argparse.Namespace) -> int:
    path = write_checksums(load_grid(args.grid), Path(args.results))
    print(path)
    return 0


def _strip(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in VOLATILE_KEYS}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def file_digest(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".json":
        try:
            canon = json.dumps(_strip(json.loads(data)), sort_keys=True, separators=(",", ":"))
            data = canon.encode()
        except (UnicodeDecodeError, json.JSONDecodeError):
            pass  # not valid JSON: hash the bytes, so the file still gets checked
    return hashlib.sha256(data).hexdigest()


def covered_files(grid: Grid, results: Path) -> list[str]:
    """Relative paths of the covered files that exist, sorted."""
    rel = ["grid.json", "claims.md"]
    for variant in grid.variants:
        for seed in grid.seeds:
            run = grid.run_dir(".", variant, seed)
            rel += [(run / f).as_posix() for f in RUN_FILES]
    for sub in (f"tables/{grid.tier}", f"figures/{grid.tier}"):
        folder = results / sub
        if folder.is_dir():
            rel += [p.relative_to(results).as_posix() for p in folder.iterdir()
                    if p.is_file() and not p.name.startswith((".", "speed."))]
    return sorted(r for r in set(rel) if (results / r).is_file())


def write_checksums(grid: Grid, results: Path) -> Path:
    lines = [f"{file_digest(results / r)}  {r}\n" for r in covered_files(grid, results)]
    return write_text_atomic(results / NAME, HEADER + "".join(lines))
