"""lssp ("log-sum-softplus"): LightNet with softplus in place of exp (spec §3.5; no plot label).

    S_t = softplus(f_0) + sum_{s<=t} softplus(f_s),  f_0 = 0 at a fresh start (S_0 = log 2)
    Z_t = log S_t,   l_t = Z_{t-1} - Z_t <= 0,        lambda_t = t/(t+1) at init

f_t = f_proj(x_t) (or W_k x_t when shared); no decay parameters. The chain softplus -> cumsum ->
log runs in fp32 (at least). The state is {Z: log S_t, f_last}. Continuing from a state adds to
S_t, so decode == full forward (the official decode path would pass the cached Z through softplus
again, which the full forward never does; this suite keeps the full-forward definition).
Shared key (Q3): default `share_key: parallel` k_t = exp(f_{t-1} - Z_t) (official parallel path);
`normalized`: k_t = softplus(f_t) / S_t. The parallel key e^{f_{t-1}} / S_t is not bounded by 1 and
overflows for logits above ~88, as in the official code (no config uses lssp with sharing).

Source: Doraemonzzz/xmixers 9018338a, decay_linear_attention.py (lightnet/lssp branch).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from suite.decay.base import DECAYS
from suite.decay.lightnet import LightNetDecay


@DECAYS.register("lssp")
class LSSPDecay(LightNetDecay):
    name = "lssp"

    def initial_log_normaliser(self) -> float:
        return math.log(math.log(2.0))  # log softplus(0)

    def running_log_normaliser(self, Z0: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
        S = Z0.exp() + F.softplus(f).cumsum(dim=1)  # [B, T, D], non-decreasing in t
        return S.log()

    def normalized_key(self, f: torch.Tensor, Z: torch.Tensor) -> torch.Tensor:
        return F.softplus(f) * torch.exp(-Z)
