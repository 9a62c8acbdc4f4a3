"""The `model:` (sizes) and `train:` sections of a tier file (`baselines/tiers/<tier>.yaml`).

    from suite.tiers import load_section
    sizes = load_section("tiny", "model", ModelSizes)
    train = load_section("tiny", "train", TrainConfig)

ModelSizes: `preset` (a name in suite.model.PRESETS, e.g. 160m) or d_model / n_layers / n_heads,
plus glu_dim (None: spec rule ceil(8d/3/256)*256) and chunk_size (chunked backend).

TrainConfig (defaults in brackets; spec §10 where the paper is known):
    steps, batch_size         optimizer steps; global batch in sequences of data.seq_len tokens
    micro_batch_size          sequences per forward on one process; None = all of its share.
                              Gradient accumulation keeps the global batch for any world size.
    lr, min_lr_ratio          peak learning rate; the cosine ends at lr * min_lr_ratio [1e-3, 0.1]
    warmup_steps              linear warm-up from 0 [0]
    schedule                  cosine | constant [cosine]
    weight_decay              AdamW decay on ALL parameters (spec Q10) [0.1]
    beta1, beta2, eps         AdamW [0.9, 0.95, 1e-8]
    grad_clip                 max global grad norm [1.0]
    eval_interval             steps between validation evaluations (and at the end) [100]
    eval_tokens               validation tokens scored each time, None = the whole split [None]
    ckpt_interval             steps between checkpoints (and at the end) [100]
    log_interval              steps between curve.csv rows (and at the end) [10]
    precision                 auto (bf16 autocast on GPU, fp32 on CPU) | fp32 | bf16 [auto]
    backend                   kernel backend; None = the device default (recorded) [None]
    threads                   torch CPU threads, None = torch's default [None]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from suite.errors import SuiteError


@dataclass(frozen=True)
class ModelSizes:
    preset: str | None = None
    d_model: int | None = None
    n_layers: int | None = None
    n_heads: int | None = None
    glu_dim: int | None = None
    chunk_size: int | None = None

    def sizes(self) -> dict:
        """Keyword arguments for suite.model.model_config."""
        from suite.model import PRESETS

        out = dict(PRESETS[self.preset]) if self.preset else {}
        for key in ("d_model", "n_layers", "n_heads", "glu_dim", "chunk_size"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def validate(self, source: str) -> None:
        from suite.model import PRESETS

        if self.preset is not None and self.preset not in PRESETS:
            raise SuiteError(f"{source}: key 'preset' must be one of {', '.join(PRESETS)}, got {self.preset!r}")
        if self.preset is None and None in (self.d_model, self.n_layers, self.n_heads):
            raise SuiteError(f"{source}: give 'preset' or all of 'd_model', 'n_layers', 'n_heads'")


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 100
    batch_size: int = 8
    micro_batch_size: int | None = None
    lr: float = 1e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 0
    schedule: Literal["cosine", "constant"] = "cosine"
    weight_decay: float = 0.1
    beta1: float = 0.9
    beta2: float = 0.95
    eps: float = 1e-8
    grad_clip: float = 1.0
    eval_interval: int = 100
    eval_tokens: int | None = None
    ckpt_interval: int = 100
    log_interval: int = 10
    precision: Literal["auto", "fp32", "bf16"] = "auto"
    backend: str | None = None
    threads: int | None = None

    def validate(self, source: str) -> None:
        for key in ("steps", "batch_size", "eval_interval", "ckpt_interval", "log_interval"):
            if getattr(self, key) < 1:
                raise SuiteError(f"{source}: key '{key}' must be >= 1, got {getattr(self, key)}")
        if self.micro_batch_size is not None and self.micro_batch_size < 1:
            raise SuiteError(f"{source}: key 'micro_batch_size' must be >= 1 or null")
        if not 0 <= self.min_lr_ratio <= 1 or self.warmup_steps < 0:
            raise SuiteError(f"{source}: 'min_lr_ratio' must be in [0, 1] and 'warmup_steps' >= 0")

    def lr_at(self, step: int) -> float:
        """Learning rate of optimizer step `step` (0-based): linear warm-up, then cosine or constant."""
        import math

        if step < self.warmup_steps:
            return self.lr * (step + 1) / self.warmup_steps
        if self.schedule == "constant":
            return self.lr
        span = max(1, self.steps - self.warmup_steps)
        progress = min(1.0, (step - self.warmup_steps) / span)
        floor = self.lr * self.min_lr_ratio
        return floor + (self.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))
