"""Simple Decay, the paper's proposal (spec §3.7; xmixers @9018338a, `decay_type: hgrn3`).

    l_t = logsigmoid(z_t + delta),   delta in R^{D_lambda},   init delta = log(p / (1 - p))

so that with z ~ 0 the initial median decay equals p (option `p`, the config's `threshold`;
code default 0.99; the grid uses 0.8, 0.9, 0.95, 0.99 with plot labels SD-p). z_t = f_proj(x_t)
(low rank for vector, d->H for scalar). Shared key (code only, no config): z_t = W_k x_t,
k_t = 1 - exp(l_t).

Source: Doraemonzzz/xmixers 9018338a (`threshold` knob) and a7bc40a4/724fa552 (`hgrn3`).
"""

from __future__ import annotations

from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from suite.decay.base import DECAYS, Decay, DecayConfig, logit
from suite.errors import SuiteError


@DECAYS.register("simple")
class SimpleDecay(Decay):
    name = "simple"
    shares = ("none", "key")
    option_defaults: ClassVar[dict] = {"p": 0.99}

    @classmethod
    def validate(cls, cfg: DecayConfig, source: str = "decay config") -> None:
        super().validate(cfg, source)
        p = cfg.options.get("p", 0.99)
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p < 1:
            raise SuiteError(f"{source}: option 'p' must be a number in (0, 1), got {p!r}")

    def __init__(self, cfg: DecayConfig) -> None:
        super().__init__(cfg)
        self.delta = nn.Parameter(torch.full((self.decay_dim,), logit(float(self.opt("p")))))

    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z + self.delta.float())
