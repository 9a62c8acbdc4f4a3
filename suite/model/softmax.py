"""The softmax-attention baseline (`mixer: softmax`): the same blocks with causal SDPA and RoPE.

    q, k, v = W_q x, W_k x, W_v x  [B, T, H, e];  RoPE (spec §6.3) on q, k;  scale 1/sqrt(e)
    y = W_o softmax-attention(q, k, v)   (no gate, no normaliser: a standard transformer mixer)

State for decoding: the KV cache {"k": [B, T_past, H, e], "v": [B, T_past, H, e]}.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from suite.model.positional import apply_pe


class SoftmaxAttention(nn.Module):
    def __init__(self, cfg, layer_idx: int) -> None:
        super().__init__()
        d = cfg.d_model
        self.cfg, self.layer_idx, self.H, self.e = cfg, layer_idx, cfg.n_heads, cfg.head_dim
        self.q_proj, self.k_proj = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        self.v_proj, self.o_proj = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        self.capture: dict | None = None

    def forward(self, x, *, lower_bound=None, state=None, offset=0, want_state=False):
        B, T, d = x.shape
        q, k, v = (p(x).reshape(B, T, self.H, self.e) for p in (self.q_proj, self.k_proj, self.v_proj))
        q = apply_pe(q, self.cfg.pe, offset, self.cfg.rope_base)
        k = apply_pe(k, self.cfg.pe, offset, self.cfg.rope_base)
        if state is not None:
            k, v = torch.cat([state["k"], k], dim=1), torch.cat([state["v"], v], dim=1)
        P = k.shape[1] - T  # cached positions
        qh, kh, vh = (t.transpose(1, 2) for t in (q, k, v))  # [B, H, T, e]
        if P == 0:
            o = F.scaled_dot_product_attention(qh, kh, vh, is_causal=True)
        else:  # bottom-right aligned causal mask: query i sees keys <= P + i
            pos = torch.arange(P + T, device=x.device)
            mask = pos[None, :] <= (P + torch.arange(T, device=x.device))[:, None]  # [T, P+T]
            o = F.scaled_dot_product_attention(qh, kh, vh, attn_mask=mask)
        y = self.o_proj(o.transpose(1, 2).reshape(B, T, d))  # [B, H, T, e] -> [B, T, d]
        return y, ({"k": k, "v": v} if want_state else None)
