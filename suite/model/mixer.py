"""The token mixer `DecayAttention` (spec §2): decayed linear attention with an output gate.

    q = SiLU(W_q x), k = SiLU(W_k x) (or the decay's shared key), v = W_v x     [B, T, H, e]
    l = decay(x)  (suite.decay; fp32, <= 0), optional positional encoding on q, k (§6)
    o = attend(q, k, v, l, scale=1)  (suite.kernels)                            [B, T, H, e]
    y = W_o RMSNorm(o * sigmoid(W_g2 W_g1 x))   (gate before the normaliser over all d channels)

State for decoding: {"kv": [B, H, K, e] fp32, "decay": the decay's own state (LightNet Z)}.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from suite.decay import get_decay
from suite.kernels import attend, check_inputs, default_backend
from suite.model.blocks import RMSNorm
from suite.model.positional import apply_pe


class DecayAttention(nn.Module):
    def __init__(self, cfg, layer_idx: int) -> None:
        super().__init__()
        d, e = cfg.d_model, cfg.head_dim
        self.cfg, self.layer_idx, self.H, self.e = cfg, layer_idx, cfg.n_heads, e
        self.q_proj, self.k_proj = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        self.v_proj, self.o_proj = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        self.decay = get_decay(cfg.decay)(cfg.decay_config(layer_idx))
        self.gate = nn.Sequential(nn.Linear(d, e, bias=False), nn.Linear(e, d, bias=False))  # low rank
        self.norm = RMSNorm(d, cfg.norm_eps)
        self.capture: dict | None = None  # set by capture_log_decay

    def forward(self, x, *, lower_bound=None, state=None, offset=0, want_state=False):
        B, T, d = x.shape
        q = F.silu(self.q_proj(x))
        k_logits = self.k_proj(x)
        out = self.decay(
            x, key_logits=k_logits if self.decay.shared else None, lower_bound=lower_bound,
            state=state["decay"] if state else None,
        )
        k = out.key.to(q.dtype) if out.key is not None else F.silu(k_logits)
        v = self.v_proj(x)
        self._record(out.log_decay)
        q, k, v = (t.reshape(B, T, self.H, self.e) for t in (q, k, v))  # [B, T, d] -> [B, T, H, e]
        q = apply_pe(q, self.cfg.pe, offset, self.cfg.rope_base)
        k = apply_pe(k, self.cfg.pe, offset, self.cfg.rope_base)
        g = self._kernel_log_decay(out.log_decay, B, T, q.dtype)
        o, kv = self._attend(q, k, v, g, state["kv"] if state else None, want_state)
        o = o.reshape(B, T, d)  # [B, T, H, e] -> [B, T, d]
        y = self.o_proj(self.norm(o * torch.sigmoid(self.gate(x))))
        return y, ({"kv": kv, "decay": out.state} if want_state else None)

    def _record(self, ell) -> None:
        if self.capture is None or ell is None:
            return
        ell = ell.detach().float()
        prev = self.capture.get(self.layer_idx)
        if prev is not None and ell.dim() == 3 and prev.shape[0] == ell.shape[0]:
            ell = torch.cat([prev, ell], dim=1)  # successive calls (decoding) concatenate over T
        self.capture[self.layer_idx] = ell

    def _kernel_log_decay(self, ell, B, T, dtype):
        """Raw l [B,T,D] / [H] -> the kernel's shape; E5 rounding to the compute dtype."""
        if ell is None:
            return None
        if self.cfg.log_decay_rounding == "compute" and dtype in (torch.bfloat16, torch.float16):
            ell = ell.to(dtype)
        ell = ell.to(torch.promote_types(dtype, torch.float32))
        if self.decay.kind == "vector":
            ell = ell.reshape(B, T, self.H, self.e)  # [B, T, d] -> [B, T, H, e]
            if self.cfg.pe == "lrpe":
                ell = torch.cat([ell, ell], dim=-1)  # [B, T, H, 2e], matches [x cos, x sin]
        return ell

    def _attend(self, q, k, v, g, initial_state, want_state):
        backend = self.cfg.backend or default_backend(q.device)
        if q.shape[1] == 1 and initial_state is not None:
            backend = "recurrent"  # one decode step: the exact reference step
        if backend == "chunked" and self.cfg.chunk_size:
            from suite.kernels.chunked import attend_chunked

            kind = check_inputs(q, k, v, g, initial_state)
            return attend_chunked(
                q, k, v, g, kind=kind, scale=1.0, initial_state=initial_state,
                output_final_state=want_state, chunk_size=self.cfg.chunk_size,
            )
        return attend(
            q, k, v, g, scale=1.0, initial_state=initial_state, output_final_state=want_state,
            backend=backend,
        )
