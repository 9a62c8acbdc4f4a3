"""LightNet decay: a position-dependent normaliser from a running log-sum-exp (spec §3.5, Q3, E8).

    Z_t = log(exp(Z_0) + sum_{s<=t} exp(f_s)),  Z_0 = 0 at a fresh start (the prepended zero, E8)
    l_t = Z_{t-1} - Z_t <= 0,                   lambda_t = (1 + sum_{s<t} e^{f_s}) / (1 + sum_{s<=t} e^{f_s})

f_t = f_proj(x_t) (or W_k x_t when shared); no decay parameters; lambda_t ~ t/(t+1) at init
(0.999 over 2048 positions). Computed in fp32 (at least) with `logcumsumexp`; the state carried
between calls (decoding, chunked prefill) is {Z: the last Z_t, f_last: the last logit}.

Shared key (quirk Q3): the official parallel path computes k_t = exp(f_{t-1} - Z_t) with f_0 the
prepended state (0 at a fresh start), which differs from the intended k_t = exp(f_t - Z_t) =
1 - lambda_t. Option `share_key: parallel` (default, what training and evaluation computed) |
`normalized` (the intended form). Decoding uses the same formula as the full forward (the last
logit is kept in the state), so decode == full forward in both cases.

Source: Doraemonzzz/xmixers 9018338a, decay_linear_attention.py (lightnet/lssp branch); the
shared-key formula changed in 5d6c33ea (60370e36 had the normalized form).
"""

from __future__ import annotations

from typing import ClassVar

import torch

from suite.decay.base import DECAYS, Decay, DecayOut


@DECAYS.register("lightnet")
class LightNetDecay(Decay):
    name = "lightnet"
    shares = ("none", "key")
    option_defaults: ClassVar[dict] = {"share_key": "parallel"}
    option_choices: ClassVar[dict] = {"share_key": ("parallel", "normalized")}

    def init_state(self, batch: int, device, dtype) -> dict[str, torch.Tensor]:
        zeros = torch.zeros(batch, 1, self.decay_dim, device=device, dtype=dtype)  # [B, 1, D]
        return {"Z": zeros + self.initial_log_normaliser(), "f_last": zeros}

    def initial_log_normaliser(self) -> float:
        return 0.0  # log(exp(0)): the prepended zero logit

    def running_log_normaliser(self, Z0: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
        """Z_1..Z_T [B, T, D] from Z_0 [B, 1, D] and logits f [B, T, D]."""
        return torch.cat([Z0, f], dim=1).logcumsumexp(dim=1)[:, 1:]

    def normalized_key(self, f: torch.Tensor, Z: torch.Tensor) -> torch.Tensor:
        return torch.exp(f - Z)  # 1 - lambda_t

    def forward(self, x, *, key_logits=None, lower_bound=None, state=None) -> DecayOut:
        f = self.logits(x, key_logits)  # [B, T, D] fp32 (or fp64)
        if state is None:
            state = self.init_state(f.shape[0], f.device, f.dtype)
        Z0, f_last = state["Z"].to(f.dtype), state["f_last"].to(f.dtype)
        Z = self.running_log_normaliser(Z0, f)  # [B, T, D]
        ell = (torch.cat([Z0, Z[:, :-1]], dim=1) - Z).clamp(max=0.0)  # <= 0 (clamp: rounding only)
        key = None
        if self.shared and self.opt("share_key") == "normalized":
            key = self.normalized_key(f, Z)
        elif self.shared:  # official parallel path: exp(f_{t-1} - Z_t), f_0 = f_last
            key = torch.exp(torch.cat([f_last, f[:, :-1]], dim=1) - Z)
        return DecayOut(ell, key, {"Z": Z[:, -1:], "f_last": f[:, -1:]})
