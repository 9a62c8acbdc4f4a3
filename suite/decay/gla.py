"""GLA decay (spec §3.3, §5, quirk E1; xmixers @9018338a, `decay_type: gla`).

    gla_form: logit (default, the official code)   l_t = log sigmoid(z_t / 16)   lambda ~ 0.5 at init
    gla_form: power (original GLA / fla)           l_t = logsigmoid(z_t) / 16    lambda ~ 0.96 at init

z_t = f_proj(x_t) (low rank d->e->d for vector, d->H for scalar), or W_k x_t when shared; no decay
parameters. The official code computes `log(sigmoid(.))`, which underflows to -inf for very
negative logits (E3); here the same function is computed stably with `logsigmoid`. Shared key:
k_t = 1 - lambda_t (spec §5). Temperature `gate_denom` = 16.

Source: Doraemonzzz/xmixers 9018338a, decay_linear_attention.py (`compute_decay`, gla branch).
"""

from __future__ import annotations

from typing import ClassVar

import torch.nn.functional as F

from suite.decay.base import DECAYS, Decay

GATE_DENOM = 16.0


@DECAYS.register("gla")
class GLADecay(Decay):
    name = "gla"
    shares = ("none", "key")
    option_defaults: ClassVar[dict] = {"gla_form": "logit"}
    option_choices: ClassVar[dict] = {"gla_form": ("logit", "power")}

    def log_decay_from(self, z, lower_bound=None):
        if self.opt("gla_form") == "power":
            return F.logsigmoid(z) / GATE_DENOM
        return F.logsigmoid(z / GATE_DENOM)
