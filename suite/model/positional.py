"""Positional options for the token mixer (spec §6): applied to q (after SiLU) and k (after its
activation or sharing), per head, at absolute positions offset + 0..T-1.

    pe: none        nothing
    pe: lrpe        cosine LRPE type 6 (§6.1; what the official "RoPE" runs computed, quirk Q2):
                    x -> [x * cos(t theta), x * sin(t theta)], theta_i = base^{-2i/e} for i < e/2,
                    0 for i >= e/2; the key dim doubles (e -> 2e)
    pe: rope        rotary, half-split pairing (i, i + e/2), theta_i = base^{-2i/e}, i < e/2 (§6.3)
    pe: rope_half   the same rotation with theta_i = 0 for e/4 <= i < e/2 (lrpe_type 3, §6.2)
    pe: tpe         nothing here: a model-level module (tpe.py, §6.4)

Angles are computed in fp64 and cast to the input dtype.
"""

from __future__ import annotations

import torch

from suite.errors import SuiteError

PES = ("none", "lrpe", "rope", "rope_half", "tpe")


def lrpe_theta(e: int, base: float) -> torch.Tensor:
    i = torch.arange(e, dtype=torch.float64)
    theta = base ** (-2 * i / e)
    return torch.where(i < e // 2, theta, torch.zeros_like(theta))  # [e]


def rope_theta(e: int, base: float, half: bool) -> torch.Tensor:
    i = torch.arange(e // 2, dtype=torch.float64)
    theta = base ** (-2 * i / e)  # [e/2]
    return torch.where(i < e // 4, theta, torch.zeros_like(theta)) if half else theta


def _angles(theta: torch.Tensor, T: int, offset: int, x: torch.Tensor) -> torch.Tensor:
    t = torch.arange(offset, offset + T, dtype=torch.float64)
    return (t[:, None] * theta[None, :]).to(device=x.device)  # [T, n]


def apply_lrpe(x: torch.Tensor, offset: int, base: float) -> torch.Tensor:
    """x [B, T, H, e] -> [B, T, H, 2e]."""
    ang = _angles(lrpe_theta(x.shape[-1], base), x.shape[1], offset, x)[None, :, None, :]  # [1,T,1,e]
    return torch.cat([x * ang.cos().to(x.dtype), x * ang.sin().to(x.dtype)], dim=-1)


def apply_rope(x: torch.Tensor, offset: int, base: float, half: bool = False) -> torch.Tensor:
    """x [B, T, H, e] -> [B, T, H, e], channel i rotated with channel i + e/2."""
    e = x.shape[-1]
    ang = _angles(rope_theta(e, base, half), x.shape[1], offset, x)[None, :, None, :]  # [1,T,1,e/2]
    cos, sin = ang.cos().to(x.dtype), ang.sin().to(x.dtype)
    x1, x2 = x[..., : e // 2], x[..., e // 2 :]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


def apply_pe(x: torch.Tensor, pe: str, offset: int, base: float) -> torch.Tensor:
    if pe in ("none", "tpe"):  # TPE acts on the hidden state before block 0 (suite/model/tpe.py)
        return x
    if pe == "lrpe":
        return apply_lrpe(x, offset, base)
    if pe in ("rope", "rope_half"):
        return apply_rope(x, offset, base, half=pe == "rope_half")
    raise SuiteError(f"unknown pe '{pe}'; allowed: {', '.join(PES)}")


def key_dim(pe: str, head_dim: int) -> int:
    """The key dim the kernel sees: doubled by LRPE."""
    return 2 * head_dim if pe == "lrpe" else head_dim
