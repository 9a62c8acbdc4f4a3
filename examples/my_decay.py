"""An example decay plugin living outside the `suite` package: the "power" decay.

    lambda_t = sigmoid(z_t + b) ** gamma,    log lambda_t = gamma * logsigmoid(z_t + b) <= 0

with z_t = f_proj(x_t) (the suite's low-rank projection), a learned bias b (init 2.0, as GLA's
normaliser would give lambda ~ 0.88) and a learned positive exponent gamma = softplus(c) per decay
channel (init gamma = 1). gamma > 1 pushes the decay towards 0 (shorter memory), gamma < 1
towards 1. Submit it to the leaderboard (from the repository root):

    PYTHONPATH=examples suite submit my_decay:PowerDecay --name power --tier micro --seeds 0 1 2

or install it as a package with the entry point
`[project.entry-points."decay_suite.decays"] power = "my_decay:PowerDecay"` and use `power`.
"""

from __future__ import annotations

import math
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from suite.decay.base import Decay


class PowerDecay(Decay):
    name = "power"
    kinds = ("vector", "scalar")
    shares = ("none",)
    option_defaults: ClassVar[dict] = {"bias_init": 2.0, "gamma_init": 1.0}

    def __init__(self, cfg) -> None:
        super().__init__(cfg)
        gamma0 = float(self.opt("gamma_init"))
        self.bias = nn.Parameter(torch.full((self.decay_dim,), float(self.opt("bias_init"))))
        # softplus(c) = gamma0  <=>  c = log(exp(gamma0) - 1)
        self.gamma_raw = nn.Parameter(torch.full((self.decay_dim,), math.log(math.expm1(gamma0))))

    def log_decay_from(self, z: torch.Tensor, lower_bound=None) -> torch.Tensor:
        # z: fp32 [B, T, D_lambda]; logsigmoid is finite for any finite z, softplus(c) > 0
        return F.softplus(self.gamma_raw) * F.logsigmoid(z + self.bias)
