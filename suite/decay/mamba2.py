"""Mamba2 decay and its three ablations (spec §3.2, §5; xmixers @9018338a, `decay_type: mamba*`).

    mamba2              l_t = -exp(a) * softplus(z_t + b)       params a = log A, b = dt_bias
    mamba2-no-a         l_t = -softplus(z_t + b)                params b          ("W/O A")
    mamba2-no-dt        l_t = -exp(a) * softplus(z_t)           params a          ("W/O Delta")
    mamba2-no-a-no-dt   l_t = -softplus(z_t)                    no params         ("W/O A & Delta")

z_t = f_proj(x_t) (or W_k x_t when shared); a, b in R^{D_lambda}. Init (A_init_range (1, 16),
dt_min 1e-3, dt_max 0.1, dt_init_floor 1e-4): A ~ U(1, 16), a = log A;
dt = exp(U(log 1e-3, log 0.1)) clamped >= 1e-4, b = softplus^{-1}(dt). Initial median lambda at
d=768: 0.93 / 0.99 / ~0.002 / 0.5. exp(a) is computed in fp32. Shared key: k_t = Delta_t =
softplus(W_k x_t + b) (mamba2 only; the ablations crash in the official code, quirk Q5, option
`mamba_ablation_share: true` gives k = the softplus output). `dt_limit` is stored but never
applied officially (E4): option `mamba_dt_limit: [lo, hi]` clamps Delta.

Source: Doraemonzzz/xmixers 9018338a, decay_linear_attention.py (`setup_decay`, `compute_decay`).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from suite.decay.base import DECAYS, Decay, DecayConfig, inv_softplus
from suite.errors import SuiteError

A_INIT_RANGE = (1.0, 16.0)
DT_MIN, DT_MAX, DT_FLOOR = 1e-3, 0.1, 1e-4


class Mamba2Decay(Decay):
    name = "mamba2"
    has_a, has_dt = True, True
    shares = ("none", "key")
    option_defaults: ClassVar[dict] = {"mamba_dt_limit": None}

    def __init__(self, cfg: DecayConfig) -> None:
        super().__init__(cfg)
        n = self.decay_dim
        if self.has_a:
            A = torch.empty(n, dtype=torch.float32).uniform_(*A_INIT_RANGE)
            self.log_A = nn.Parameter(torch.log(A))
        if self.has_dt:
            u = torch.rand(n, dtype=torch.float32)
            dt = torch.exp(u * (math.log(DT_MAX) - math.log(DT_MIN)) + math.log(DT_MIN))
            self.dt_bias = nn.Parameter(inv_softplus(dt.clamp(min=DT_FLOOR)))

    @classmethod
    def validate(cls, cfg: DecayConfig, source: str = "decay config") -> None:
        super().validate(cfg, source)
        lim = cfg.options.get("mamba_dt_limit")
        if lim is not None and (not isinstance(lim, (list, tuple)) or len(lim) != 2):
            raise SuiteError(f"{source}: option 'mamba_dt_limit' must be a list [lo, hi], got {lim!r}")

    def delta(self, z: torch.Tensor) -> torch.Tensor:
        """Delta_t = softplus(z_t + b) (or softplus(z_t) without dt_bias), optionally clamped (E4)."""
        d = F.softplus(z + self.dt_bias) if self.has_dt else F.softplus(z)
        lim = self.opt("mamba_dt_limit")
        return d if lim is None else d.clamp(float(lim[0]), float(lim[1]))

    def log_decay_from(self, z, lower_bound=None):
        d = self.delta(z)
        return -self.log_A.float().exp() * d if self.has_a else -d

    def shared_key(self, z, log_decay):
        return self.delta(z)  # k_t = Delta_t (spec §5)


class _Ablation(Mamba2Decay):
    shares = ("none",)
    share_option = "mamba_ablation_share"
    option_defaults: ClassVar[dict] = {"mamba_dt_limit": None, "mamba_ablation_share": False}
    option_choices: ClassVar[dict] = {"mamba_ablation_share": (False, True)}

    @classmethod
    def validate(cls, cfg: DecayConfig, source: str = "decay config") -> None:
        if cfg.share == "key" and not cfg.options.get("mamba_ablation_share"):
            raise SuiteError(
                f"{source}: decay '{cls.name}' supports share none (sharing is undefined in the "
                "official code, quirk Q5; option mamba_ablation_share: true enables it); got 'key'"
            )
        super().validate(cfg, source)

    @classmethod
    def allowed_shares(cls, options: dict[str, Any]) -> tuple[str, ...]:
        return ("none", "key") if options.get("mamba_ablation_share") else ("none",)


@DECAYS.register("mamba2-no-a")
class Mamba2NoA(_Ablation):
    name = "mamba2-no-a"
    has_a, has_dt = False, True


@DECAYS.register("mamba2-no-dt")
class Mamba2NoDt(_Ablation):
    name = "mamba2-no-dt"
    has_a, has_dt = True, False


@DECAYS.register("mamba2-no-a-no-dt")
class Mamba2NoANoDt(_Ablation):
    name = "mamba2-no-a-no-dt"
    has_a, has_dt = False, False


DECAYS.add("mamba2", Mamba2Decay)
