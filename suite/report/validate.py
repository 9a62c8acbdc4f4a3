"""`suite validate`: check params.yaml (tier, seeds, variants, studies) before any work starts.

The first stage of the pipeline. An unknown tier or variant, or a tier file without a section
the stages need (or with an invalid one), stops `dvc repro` here with one sentence naming the
file, the key and the known names; otherwise the resolved grid (with each variant's label and
axes) is written to `results/grid.json` for the report stages.

    suite validate [--params params.yaml] [--out results/grid.json]
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

import yaml

from suite.errors import SuiteError
from suite.provenance import provenance, stable, write_json_atomic
from suite.report.grid import Grid, grid_to_json, parse_params
from suite.tiers import ROOT, load_section, load_tier, tier_path

# tier section -> the dataclass that validates it (module:Class)
TIER_SECTIONS = {
    "model": "suite.training.config:ModelSizes",
    "data": "suite.data.config:DataConfig",
    "train": "suite.training.config:TrainConfig",
    "eval": "suite.eval.protocol:EvalProtocol",
    "bench": "suite.bench.protocol:BenchProtocol",
}
_FIELDS = ("label", "mixer", "decay", "granularity", "share", "pe", "study", "compare_to")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml", help="pipeline parameters file")
    parser.add_argument("--out", default="results/grid.json", help="resolved grid (JSON)")


def run(args: argparse.Namespace) -> int:
    grid = check_params(args.params)
    info = {name: variant_info(name) for name in grid.variants}
    write_json_atomic(args.out, {**grid_to_json(grid, info), "provenance": stable(provenance())})
    print(f"{args.params}: tier {grid.tier}, {len(grid.variants)} variants x "
          f"{len(grid.seeds)} seeds = {len(grid.variants) * len(grid.seeds)} runs -> {args.out}")
    return 0


def read_params(path: str | Path) -> Any:
    path = Path(path)
    if not path.is_file():
        raise SuiteError(f"{path}: file not found")
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None


def check_params(path: str | Path) -> Grid:
    """The grid of `path`; an unknown tier or variant raises one SuiteError naming them all."""
    grid = parse_params(read_params(path), str(path))
    _check_names(path, "variants", grid.variants, known_variants())
    for study, names in grid.studies.items():
        _check_names(path, f"studies.{study}", names, set(grid.variants),
                     "listed in a study but not in key 'variants'")
    in_studies = {n for names in grid.studies.values() for n in names}
    _check_names(path, "variants", grid.variants, in_studies, "in no study of key 'studies'")
    try:
        tier_path(grid.tier)
    except SuiteError as exc:
        raise SuiteError(f"{path}: key 'tier': {exc}") from None
    check_tier_sections(grid.tier)
    return grid


def check_tier_sections(tier: str) -> None:
    """Every section a stage tracks is present and valid for its owner's dataclass."""
    data = load_tier(tier)
    for section, target in TIER_SECTIONS.items():
        if not isinstance(data.get(section), dict):
            rel = tier_path(tier).relative_to(ROOT)
            raise SuiteError(f"{rel}: missing section '{section}' (the pipeline's stages need: "
                             f"{', '.join(TIER_SECTIONS)})")
        modname, clsname = target.split(":")
        try:
            cls = getattr(importlib.import_module(modname), clsname)
        except (ImportError, AttributeError):
            continue  # that part is not installed: its own stage reports it
        load_section(tier, section, cls)


def _check_names(path, key, names, allowed, problem: str | None = None) -> None:
    bad = [n for n in names if n not in allowed]
    if bad:
        quoted = ", ".join(f"'{n}'" for n in bad)
        why = problem or "unknown variant (known: " + ", ".join(sorted(allowed)) + ")"
        raise SuiteError(f"{path}: key '{key}': {quoted}: {why}")


def known_variants() -> set[str]:
    """Names of the variant YAMLs (through suite.variants when it is installed)."""
    try:
        from suite.variants import variant_names
    except ImportError:
        return {p.stem for p in (ROOT / "baselines" / "variants").glob("*.yaml")}
    return set(variant_names())


def variant_info(name: str) -> dict[str, Any]:
    """The label and axes of a variant, for tables and figures."""
    try:
        from suite.variants import load_variant
    except ImportError:
        return {"label": _default_label(name)}
    variant = load_variant(name)
    info = {f: getattr(variant, f, None) for f in _FIELDS}
    info["label"] = info["label"] or _default_label(name)
    return {k: v for k, v in info.items() if v is not None}


def _default_label(name: str) -> str:
    return {"none": "Linear (no decay)", "softmax": "Softmax"}.get(name, name)
