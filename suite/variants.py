"""Variants: one YAML per point of the paper's grid in `baselines/variants/<name>.yaml`.

    from suite.variants import load_variant, variant_names
    v = load_variant("gla-share")      # Variant(mixer='decay', decay='gla', share='key', ...)

YAML format (values only; unknown keys and wrong types fail, naming the file and key):

    mixer: decay            # decay | softmax
    decay: gla              # a name in suite.decay.DECAYS, or a plugin module:Class
    granularity: vector     # vector | scalar
    share: key              # none | key (the key is derived from the decay, spec §5)
    pe: none                # none | lrpe | rope | rope_half | tpe
    options: {}             # decay options (e.g. p: 0.9, gla_form, share_key) and model-level
                            # quirk options (freeze_pad_row, no_wd_on_decay_params, ...)
    label: GLA-Share        # the paper's plot label
    study: sharing          # reference | parameterization | sharing | granularity | position
    compare_to: gla         # the variant this one is judged against in its study (or null)
    description: ...        # optional, one line
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from suite.config import load_yaml
from suite.decay import get_decay
from suite.decay.base import DecayConfig
from suite.errors import SuiteError
from suite.model.config import (
    MODEL_OPTIONS,  # model-level quirk options, not the decay's
)

ROOT = Path(__file__).resolve().parent.parent
VARIANTS_DIR = ROOT / "baselines" / "variants"
STUDIES = ("reference", "parameterization", "sharing", "granularity", "position")


@dataclass(frozen=True)
class Variant:
    name: str = ""
    mixer: Literal["decay", "softmax"] = "decay"
    decay: str = "none"
    granularity: Literal["vector", "scalar"] = "vector"
    share: Literal["none", "key"] = "none"
    pe: Literal["none", "lrpe", "rope", "rope_half", "tpe"] = "none"
    options: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    study: Literal["reference", "parameterization", "sharing", "granularity", "position", "custom"] = "custom"
    compare_to: str | None = None
    description: str = ""

    def validate(self, source: str) -> None:
        if self.mixer == "softmax":
            if self.decay != "none" or self.pe not in ("rope", "none"):
                raise SuiteError(f"{source}: mixer softmax needs decay none and pe rope or none")
            return
        opts = {k: v for k, v in self.options.items() if k not in MODEL_OPTIONS}
        cfg = DecayConfig(
            d_model=128, n_heads=2, n_layers=2, granularity=self.granularity, share=self.share,
            pe=self.pe, options=opts,
        )
        get_decay(self.decay).validate(cfg, source)


def variant_names() -> list[str]:
    return sorted(p.stem for p in VARIANTS_DIR.glob("*.yaml"))


def variant_path(name: str) -> Path:
    path = VARIANTS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise SuiteError(f"unknown variant '{name}' (no baselines/variants/{name}.yaml); known: {', '.join(variant_names())}")
    return path


def load_variant(name: str) -> Variant:
    """The variant `name` from baselines/variants/<name>.yaml (strict), or a submitted plugin's."""
    from suite.plugins import submitted_variant

    # `suite submit` registers its plugin variant in-process (suite.plugins.register_variant)
    if (found := submitted_variant(name)) is not None:
        return found
    path = variant_path(name)
    v = load_yaml(Variant, path)
    if v.name and v.name != name:
        raise SuiteError(f"{path}: key 'name' is '{v.name}' but the file is {name}.yaml")
    return Variant(**{**v.__dict__, "name": name})
