"""HGRN2 decay with the layer-wise learnable lower bound (spec §3.4, §5, Q4, Q8).

    lambda_t = beta_l + (1 - beta_l) * sigmoid(z_t),    l_t = log lambda_t

beta_l comes from a model-level parameter P in R^{L x D_lambda} (`log_lower_bounds`, init ones,
Q8): p = softmax(P) over layers, c_l = sum_{j<=l} p_j, beta_l = c_l - c_0 (so beta_0 = 0, and
beta_l = l/L at init: initial median lambda = (1 + l/L)/2). The model owns P and passes beta_l
(`layer_lower_bounds`); option `lower_bound: false` drops it (lambda = sigmoid(z)). Computed
stably (E3): logaddexp(log beta, log(1-beta) + logsigmoid(z)); the model passes no bound to layer
0 (beta_0 == 0 exactly), which then uses logsigmoid(z). Shared key (vector only): z = W_k x, k_t = 1 - lambda_t; sharing without the
bound is undefined officially (Q4) unless `hgrn2_share_without_bound: true` (beta = 0).

Source: Doraemonzzz/xmixers 9018338a, decay_linear_attention.py (hgrn2 branch) and
modeling_decay_linear_transformer.py (`use_lower_bound`, `log_lower_bounds`).
"""

from __future__ import annotations

from typing import ClassVar

import torch
import torch.nn.functional as F

from suite.decay.base import DECAYS, Decay, DecayConfig
from suite.errors import SuiteError


def layer_lower_bounds(P: torch.Tensor) -> torch.Tensor:
    """beta [L, D] from P [L, D]: softmax over layers, cumulative sum, minus the first row."""
    c = torch.softmax(P.float(), dim=0).cumsum(dim=0)  # [L, D]
    return c - c[:1]


@DECAYS.register("hgrn2")
class HGRN2Decay(Decay):
    name = "hgrn2"
    uses_lower_bound = True
    shares = ("none", "key")
    option_defaults: ClassVar[dict] = {"lower_bound": True, "hgrn2_share_without_bound": False}
    option_choices: ClassVar[dict] = {"lower_bound": (True, False), "hgrn2_share_without_bound": (False, True)}

    @classmethod
    def validate(cls, cfg: DecayConfig, source: str = "decay config") -> None:
        super().validate(cfg, source)
        bound = cfg.options.get("lower_bound", True)
        if cfg.share == "key" and not bound and not cfg.options.get("hgrn2_share_without_bound"):
            raise SuiteError(
                f"{source}: decay 'hgrn2' with share key needs lower_bound: true (undefined in the "
                "official code, quirk Q4; option hgrn2_share_without_bound: true enables it)"
            )

    @classmethod
    def needs_lower_bound(cls, cfg: DecayConfig) -> bool:
        return bool(cfg.options.get("lower_bound", True))

    def log_decay_from(self, z, lower_bound=None):
        if lower_bound is None:
            return F.logsigmoid(z)  # beta == 0 (layer 0, or no bound): lambda = sigmoid(z)
        beta = lower_bound.to(z.dtype).clamp_min(torch.finfo(z.dtype).tiny)  # [D]
        log_lam = torch.logaddexp(beta.log(), torch.log1p(-beta) + F.logsigmoid(z))
        return log_lam.clamp(max=0.0)  # exact maths is <= 0; rounding can give +3e-8 at z >> 0

