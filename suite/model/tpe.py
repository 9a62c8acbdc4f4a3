"""TPE (spec §6.4, quirks Q6, Q7): a decayed positional mixer between the embedding and block 0.

    u_{t,h} = (q_h . k_h) * sum_{s<=t} gamma_h^{t-s} x_{s,h},   gamma_h = sigmoid(rho_h)
    h_t     = W_o RMSNorm(u_t)         (replaces the hidden state: no residual)

q, k in R^d (init ones; q_h . k_h is the dot product of head h's slices), rho in R^H (init 0, so
gamma = 0.5), normaliser weight 1, W_o d -> d bias-free and zero-initialised (Q6: every hidden
state is exactly 0 at init; `tpe_o_proj_init: normal` gives std 0.02). The sum is decayed linear
attention with a 1-dim key: q_t = q_h . k_h, k_s = 1, v_s = x_{s,h}, static log-decay
logsigmoid(rho) [H], so it runs through `suite.kernels.attend` and decodes with its state.
With TPE every mixer's layer index is shifted by +1 (Q7; `tnl_layer_offset: false` removes it).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from suite.decay.base import init_linear_
from suite.kernels import attend, default_backend
from suite.model.blocks import RMSNorm


class TPE(nn.Module):
    def __init__(self, cfg) -> None:
        super().__init__()
        d, H = cfg.d_model, cfg.n_heads
        self.cfg, self.H, self.e = cfg, H, cfg.head_dim
        self.q, self.k = nn.Parameter(torch.ones(d)), nn.Parameter(torch.ones(d))
        self.rho = nn.Parameter(torch.zeros(H))
        self.norm = RMSNorm(d, cfg.norm_eps)
        self.o_proj = nn.Linear(d, d, bias=False)
        self.reset_o_proj()

    def reset_o_proj(self) -> None:
        init_linear_(self.o_proj, "trainer", zero=self.cfg.tpe_o_proj_init == "zero")

    def forward(self, x, state=None, want_state=False):
        B, T, d = x.shape
        c = (self.q * self.k).view(self.H, self.e).sum(-1)  # [H]: q_h . k_h
        q = c.to(x.dtype).view(1, 1, self.H, 1).expand(B, T, self.H, 1)  # [B, T, H, 1]
        k = torch.ones_like(q)
        v = x.reshape(B, T, self.H, self.e)  # [B, T, d] -> [B, T, H, e]
        ell = F.logsigmoid(self.rho.to(torch.promote_types(x.dtype, torch.float32)))  # [H] static
        backend = self.cfg.backend or default_backend(x.device)
        if T == 1 and state is not None:
            backend = "recurrent"
        u, S = attend(q, k, v, ell, scale=1.0, initial_state=state, output_final_state=want_state, backend=backend)
        return self.o_proj(self.norm(u.reshape(B, T, d))), S  # [B, T, H, e] -> [B, T, d]
