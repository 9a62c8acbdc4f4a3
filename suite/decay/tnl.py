"""TNL (fixed) and TNL-L (learnable) data-independent decay (spec §3.6, quirks Q1, E7).

    l_{h,l} = s_h * (1 - l/(L-1) + 1e-5),  s_h = -1/n_h,  n_h = exp(log 2 + (log 256 - log 2) h/(H-1))

one constant per head (kind "static", shape [H]); head 0 of layer 0 has lambda = e^{-1/2}, head
H-1 lambda = e^{-1/256}; the last layer has lambda ~ 1. Scalar only (the official code asserts
it). `tnl`: not a parameter (a buffer kept out of the state dict). `tnl-l`: `log_decay` in R^H is an
nn.Parameter, unconstrained (nothing keeps it <= 0). Its official effective init is 0 (lambda = 1),
because the generic init zero-fills attributes named `log_decay` (Q1): option
`tnl_l_init: zero` (default) | `slopes` (the intended TNL values). Option `tnl_slopes: xmixers`
(default) | `transnormerllm` (E7: l_{h,l} = -(8/H)(1 - l/L) h, as TransNormerLLM and fla's
lightning attention). With L = 1 the factor uses L-1 -> 1 (the official code divides by zero).

Source: Doraemonzzz/xmixers 9018338a, decay_linear_attention.py (tnl/tnll branches) and
xmixers/modules/pes/utils.py (`get_log_slopes_general(H, 2, 256)`); 6b9b9da4 (lazy TNL decay).
"""

from __future__ import annotations

import math
from typing import ClassVar

import torch
from torch import nn

from suite.decay.base import DECAYS, Decay, DecayConfig, DecayOut


def tnl_log_decay(cfg: DecayConfig, form: str = "xmixers") -> torch.Tensor:
    """The TNL log-decay [H] of layer cfg.layer_idx (fp32)."""
    H, L, l = cfg.n_heads, cfg.n_layers, cfg.layer_idx
    h = torch.arange(H, dtype=torch.float64)
    if form == "transnormerllm":
        return (-(8.0 / H) * (1 - l / L) * h).float()
    frac = h / max(H - 1, 1)
    n = torch.exp(math.log(2) + (math.log(256) - math.log(2)) * frac)  # 2 ... 256
    return (-1.0 / n * (1 - l / max(L - 1, 1) + 1e-5)).float()


@DECAYS.register("tnl")
class TNLDecay(Decay):
    name = "tnl"
    kinds = ("static",)
    has_proj = False
    option_defaults: ClassVar[dict] = {"tnl_slopes": "xmixers"}
    option_choices: ClassVar[dict] = {"tnl_slopes": ("xmixers", "transnormerllm")}

    def __init__(self, cfg: DecayConfig) -> None:
        super().__init__(cfg)
        self.register_buffer("fixed_log_decay", tnl_log_decay(cfg, self.opt("tnl_slopes")), persistent=False)

    def forward(self, x, *, key_logits=None, lower_bound=None, state=None) -> DecayOut:
        return DecayOut(self.fixed_log_decay.float(), None, state)  # [H]


@DECAYS.register("tnl-l")
class TNLLDecay(TNLDecay):
    name = "tnl-l"
    option_defaults: ClassVar[dict] = {"tnl_slopes": "xmixers", "tnl_l_init": "zero"}
    option_choices: ClassVar[dict] = {"tnl_slopes": ("xmixers", "transnormerllm"), "tnl_l_init": ("zero", "slopes")}

    def __init__(self, cfg: DecayConfig) -> None:
        Decay.__init__(self, cfg)
        init = tnl_log_decay(cfg, self.opt("tnl_slopes"))
        if self.opt("tnl_l_init") == "zero":
            init = torch.zeros_like(init)  # quirk Q1: what the official training computed
        self.log_decay = nn.Parameter(init)

    def forward(self, x, *, key_logits=None, lower_bound=None, state=None) -> DecayOut:
        return DecayOut(self.log_decay.float(), None, state)  # [H], may become > 0 in training
