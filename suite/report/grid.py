"""The experiment grid of the pipeline: tier, seeds, variants and the paper's four studies.

`params.yaml` (read by `dvc repro`) names the tier, the seeds, the flat list of variants (the
matrix of the `train`/`eval` stages) and the variants of each study (decay-spec §13):

    tier: tiny
    seeds: [0]
    variants: [mamba2, ..., none, softmax]
    studies: {parameterization: [...], sharing: [...], granularity: [...], position: [...]}
    claims: {metric: val_bits_per_byte, noise_floor: 0.03, decay_floor: 0.05, alpha: 0.05}

`suite validate` checks it and writes the resolved grid to `results/grid.json`; the report
commands read the list of runs from there (never from a glob of `results/runs/`).

    from suite.report.grid import load_grid, base_of
    grid = load_grid("results/grid.json")
    grid.run_dir("results", "mamba2", 0)  # results/runs/<tier>/mamba2/0
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suite.config import from_mapping
from suite.errors import SuiteError

STUDIES = ("parameterization", "sharing", "granularity", "position")
REFERENCE = ("none", "softmax")
PE_SUFFIXES = ("-lrpe", "-rope")


@dataclass(frozen=True)
class ClaimsConfig:
    """How `suite claims` decides: metric (lower is better) and the noise floors."""

    metric: str = "val_bits_per_byte"
    noise_floor: float = 0.03
    decay_floor: float = 0.05
    alpha: float = 0.05


@dataclass(frozen=True)
class Grid:
    tier: str
    seeds: tuple[int, ...]
    variants: tuple[str, ...]
    studies: dict[str, tuple[str, ...]]
    labels: dict[str, str] = field(default_factory=dict)
    claims: ClaimsConfig = ClaimsConfig()

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def run_dir(self, results: str | Path, variant: str, seed: int) -> Path:
        return Path(results) / "runs" / self.tier / variant / str(seed)

    def has(self, name: str) -> bool:
        return name in self.variants


def base_of(name: str) -> str | None:
    """The run a study compares `name` against (decay-spec §13), or None.

    X-share -> X (sharing); X-scalar-lrpe / tnl-rope -> the same without the PE (position);
    X-scalar -> X and simple-scalar-p -> simple-p (granularity).
    """
    for suffix in PE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    if name.endswith("-share"):
        return name[: -len("-share")]
    if "-scalar" in name:
        return name.replace("-scalar", "", 1)
    return None


def study_rows(grid: Grid, study: str) -> list[str]:
    """Table rows of one study: each compared run followed by its variants, then references."""
    groups: dict[str, list[str]] = {}
    for name in grid.studies.get(study, ()):
        base = base_of(name) if study != "parameterization" else None
        key = base if base and grid.has(base) else name
        groups.setdefault(key, [key]).append(name)
    rows: list[str] = []
    for row in (r for members in groups.values() for r in members):
        if row not in rows:
            rows.append(row)
    return rows + [r for r in REFERENCE if grid.has(r) and r not in rows]


def parse_params(data: Any, source: str) -> Grid:
    """A `Grid` from the params mapping; structural problems raise SuiteError naming the key."""
    if not isinstance(data, dict):
        raise SuiteError(f"{source}: top level must be a mapping")
    for key in ("tier", "seeds", "variants", "studies"):
        if key not in data:
            raise SuiteError(f"{source}: missing required key '{key}'")
    tier, seeds, variants, studies = (data[k] for k in ("tier", "seeds", "variants", "studies"))
    if not isinstance(tier, str) or not tier:
        raise SuiteError(f"{source}: key 'tier' must be a tier name, got {tier!r}")
    _check_list(seeds, int, f"{source}: key 'seeds'")
    _check_list(variants, str, f"{source}: key 'variants'")
    if not isinstance(studies, dict) or set(studies) - set(STUDIES):
        raise SuiteError(f"{source}: key 'studies' must map some of {', '.join(STUDIES)} to lists")
    for study, names in studies.items():
        _check_list(names, str, f"{source}: key 'studies.{study}'")
    claims = from_mapping(ClaimsConfig, data.get("claims") or {}, f"{source}: key 'claims'")
    return Grid(tier, tuple(seeds), tuple(variants),
                {s: tuple(studies[s]) for s in STUDIES if s in studies}, {}, claims)


def _check_list(value: Any, kind: type, where: str) -> None:
    if not isinstance(value, list) or not value or not all(
        isinstance(v, kind) and not isinstance(v, bool) for v in value
    ):
        raise SuiteError(f"{where} must be a non-empty list of {kind.__name__}, got {value!r}")
    if len(set(value)) != len(value):
        raise SuiteError(f"{where} has duplicates: {value!r}")


def grid_to_json(grid: Grid, variants: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "tier": grid.tier,
        "seeds": list(grid.seeds),
        "variants": [{"name": n, **variants.get(n, {"label": n})} for n in grid.variants],
        "studies": {k: list(v) for k, v in grid.studies.items()},
        "claims": vars(grid.claims),
    }


def load_grid(path: str | Path) -> Grid:
    """The grid written by `suite validate` (results/grid.json)."""
    path = Path(path)
    if not path.is_file():
        raise SuiteError(f"{path}: not found; run `suite validate` (the first pipeline stage)")
    data = json.loads(path.read_text())
    names = [v["name"] for v in data["variants"]]
    labels = {v["name"]: v.get("label") or v["name"] for v in data["variants"]}
    return Grid(data["tier"], tuple(data["seeds"]), tuple(names),
                {k: tuple(v) for k, v in data["studies"].items()}, labels,
                ClaimsConfig(**data.get("claims", {})))
