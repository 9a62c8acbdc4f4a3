"""Shared building blocks (spec §2.3, §7): the normaliser, SwiGLU and the pre-norm block.

    RMSNorm(u) = w * sqrt(d) * u / sqrt(sum_i u_i^2 + eps)     eps inside the SUM (quirk E6)
    GLU(h)     = W3 (SiLU(W1 h) * W2 h),  W1, W2: d -> m,  W3: m -> d, bias-free
    Block:     h = h + Mixer(RMSNorm(h));  h = h + GLU(RMSNorm(h))
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class RMSNorm(nn.Module):
    """The official normaliser: eps inside the sum of squares, computed in fp32."""

    def __init__(self, d: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps, self.scale = eps, math.sqrt(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.to(torch.promote_types(x.dtype, torch.float32))
        y = xf * torch.rsqrt(xf.pow(2).sum(-1, keepdim=True) + self.eps) * self.scale
        return (y * self.weight.to(y.dtype)).to(x.dtype)


class GLU(nn.Module):
    def __init__(self, d: int, m: int) -> None:
        super().__init__()
        self.w1 = nn.Linear(d, m, bias=False)
        self.w2 = nn.Linear(d, m, bias=False)
        self.w3 = nn.Linear(m, d, bias=False)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.w3(F.silu(self.w1(h)) * self.w2(h))


class Block(nn.Module):
    """Pre-norm block around a token mixer (decay linear attention or softmax attention)."""

    def __init__(self, mixer: nn.Module, d: int, m: int, eps: float) -> None:
        super().__init__()
        self.norm1, self.mixer = RMSNorm(d, eps), mixer
        self.norm2, self.glu = RMSNorm(d, eps), GLU(d, m)

    def forward(self, h, *, lower_bound=None, state=None, offset=0, want_state=False):
        y, new_state = self.mixer(
            self.norm1(h), lower_bound=lower_bound, state=state, offset=offset, want_state=want_state
        )
        h = h + y
        return h + self.glu(self.norm2(h)), new_state
