"""Tier protocols: one file per scale in `baselines/tiers/<tier>.yaml`.

A tier changes sizes and budgets only; data order, eval tasks, metrics and tables are the same
code. The file has one section per subsystem, each validated by that subsystem's own frozen
dataclass through `load_section`:

    description: str        what the tier is for and how it was calibrated
    model: ...              sizes (suite.model)
    data: ...               corpus, tokenizer, sequence length (suite.data)
    train: ...              steps, batch, optimiser (suite.train)
    eval: ...               tasks, limits, recall and length settings (suite.eval)
    bench: ...              benchmark shapes (suite.bench)

    from suite.tiers import load_section
    train_cfg = load_section("tiny", "train", TrainConfig)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml

from suite.config import from_mapping
from suite.errors import SuiteError

C = TypeVar("C")
ROOT = Path(__file__).resolve().parent.parent
TIERS_DIR = ROOT / "baselines" / "tiers"
SECTIONS = ("description", "model", "data", "train", "eval", "bench")


def tier_names() -> list[str]:
    return sorted(p.stem for p in TIERS_DIR.glob("*.yaml"))


def tier_path(tier: str) -> Path:
    path = TIERS_DIR / f"{tier}.yaml"
    if not path.is_file():
        known = ", ".join(tier_names()) or "(none)"
        raise SuiteError(f"unknown tier '{tier}' (no {path.relative_to(ROOT)}); known: {known}")
    return path


def load_tier(tier: str) -> dict[str, Any]:
    """The raw tier mapping, with its top-level keys checked."""
    path = tier_path(tier)
    data = yaml.safe_load(path.read_text()) or {}
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise SuiteError(
            f"{path.relative_to(ROOT)}: unknown key '{unknown[0]}'; allowed keys: {', '.join(SECTIONS)}"
        )
    return data


def load_section(tier: str, section: str, cls: type[C]) -> C:
    """Section `section` of tier `tier`, validated by the frozen dataclass `cls`."""
    if section not in SECTIONS:
        raise SuiteError(f"unknown tier section '{section}'; allowed: {', '.join(SECTIONS)}")
    data = load_tier(tier).get(section, {}) or {}
    rel = tier_path(tier).relative_to(ROOT)
    return from_mapping(cls, data, f"{rel}:{section}")
