"""Model configuration: `ModelConfig` (frozen, strict), the paper's size `PRESETS`, `model_config`.

    from suite.model import model_config, PRESETS
    from suite.variants import load_variant
    cfg = model_config(load_variant("gla"), vocab_size=50257, **PRESETS["160m"])

Sizes follow spec §8 (head dim 64, GLU width m = ceil(8d/3/256)*256, vocabulary padded to a multiple
of 256). Model-level quirk options (Q9 `freeze_pad_row`, Q10 `no_wd_on_decay_params`, E2
`init_path`, E5 `log_decay_rounding`, Q6 `tpe_o_proj_init`, Q7 `tnl_layer_offset`) may also be given in a variant's `options`; `model_config`
moves them to the fields of the same name. Everything else in `options` goes to the decay.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from suite.config import from_mapping
from suite.decay import get_decay
from suite.decay.base import DecayConfig
from suite.errors import SuiteError

MODEL_OPTIONS = (
    "freeze_pad_row", "no_wd_on_decay_params", "init_path", "log_decay_rounding", "tpe_o_proj_init",
    "tnl_layer_offset",
)

# name -> sizes (spec §8); head dim 64 everywhere.
PRESETS: dict[str, dict[str, int]] = {
    "160m": {"d_model": 768, "n_layers": 12, "n_heads": 12},
    "410m": {"d_model": 1024, "n_layers": 24, "n_heads": 16},
    "1.45b": {"d_model": 2048, "n_layers": 24, "n_heads": 32},
    "2.5b": {"d_model": 2560, "n_layers": 32, "n_heads": 40},
    "7b": {"d_model": 4096, "n_layers": 32, "n_heads": 64},
}


@dataclass(frozen=True)
class ModelConfig:
    """Everything that defines one decay linear transformer (or the softmax baseline)."""

    vocab_size: int
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 1
    glu_dim: int | None = None  # None -> ceil(8d/3/256)*256
    mixer: Literal["decay", "softmax"] = "decay"
    decay: str = "none"  # registry name or plugin module:Class
    granularity: Literal["vector", "scalar"] = "vector"
    share: Literal["none", "key"] = "none"
    pe: Literal["none", "lrpe", "rope", "rope_half", "tpe"] = "none"
    options: dict[str, Any] = field(default_factory=dict)  # decay options
    backend: str | None = None  # None -> suite.kernels.default_backend(device)
    chunk_size: int | None = None  # for backend "chunked"; None -> its default
    init_path: Literal["trainer", "constructor"] = "trainer"  # E2
    freeze_pad_row: bool = True  # Q9: embedding padding_idx=0
    no_wd_on_decay_params: bool = False  # Q10 (read by the trainer via param_groups)
    log_decay_rounding: Literal["compute", "none"] = "compute"  # E5
    tpe_o_proj_init: Literal["zero", "normal"] = "zero"  # Q6
    tnl_layer_offset: bool = True  # Q7: with TPE every mixer's layer index is +1
    norm_eps: float = 1e-5
    rope_base: float = 10000.0
    variant: str | None = None

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def vocab_padded(self) -> int:
        return int(math.ceil(self.vocab_size / 256) * 256)

    @property
    def glu_width(self) -> int:
        if self.glu_dim is not None:
            return self.glu_dim
        return int(math.ceil(8 * self.d_model / 3 / 256) * 256)

    def decay_config(self, layer_idx: int) -> DecayConfig:
        """The decay's config for block `layer_idx` (index +1 with TPE, quirk Q7)."""
        shift = int(self.pe == "tpe" and self.tnl_layer_offset)
        return DecayConfig(
            d_model=self.d_model, n_heads=self.n_heads, n_layers=self.n_layers, layer_idx=layer_idx + shift,
            granularity=self.granularity, share=self.share, pe=self.pe, init_path=self.init_path,
            options=dict(self.options),
        )

    def validate(self, source: str = "model config") -> None:
        for key in ("vocab_size", "d_model", "n_layers", "n_heads"):
            if getattr(self, key) < 1:
                raise SuiteError(f"{source}: key '{key}' must be >= 1, got {getattr(self, key)}")
        if self.d_model % self.n_heads:
            raise SuiteError(f"{source}: d_model {self.d_model} must be a multiple of n_heads {self.n_heads}")
        if self.pe != "none" and self.head_dim % 2:
            raise SuiteError(f"{source}: pe '{self.pe}' needs an even head dim, got {self.head_dim}")
        if self.mixer == "softmax":
            if self.decay != "none" or self.pe not in ("rope", "none"):
                raise SuiteError(f"{source}: mixer 'softmax' needs decay 'none' and pe rope or none")
            return
        get_decay(self.decay).validate(self.decay_config(0), source)


def model_config(variant, vocab_size: int, **sizes: Any) -> ModelConfig:
    """ModelConfig from a Variant and sizes (d_model, n_layers, n_heads, glu_dim, backend, ...)."""
    opts = dict(variant.options)
    model_opts = {k: opts.pop(k) for k in MODEL_OPTIONS if k in opts}
    data = {
        "vocab_size": vocab_size, "mixer": variant.mixer, "decay": variant.decay,
        "granularity": variant.granularity, "share": variant.share, "pe": variant.pe,
        "options": opts, "variant": variant.name, **model_opts, **sizes,
    }
    return from_mapping(ModelConfig, data, f"variant '{variant.name}'")


def with_sizes(cfg: ModelConfig, **changes: Any) -> ModelConfig:
    """A copy of `cfg` with some fields changed (re-validated)."""
    return from_mapping(ModelConfig, {**dataclasses.asdict(cfg), **changes}, "model config override")
