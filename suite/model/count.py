"""`count_params(cfg)`: the parameter count of `build_model(cfg)` without building it.

Embeddings, head, norms, GLU and the mixer's projections are counted from the formulas of spec
§2.5 and §7; the decay module of each layer (f_proj and decay parameters; plugins included) is
counted on the meta device, which allocates nothing.
"""

from __future__ import annotations

from suite.decay import get_decay
from suite.model.config import ModelConfig


def count_params(cfg: ModelConfig) -> int:
    d, L, Vp, m, e = cfg.d_model, cfg.n_layers, cfg.vocab_padded, cfg.glu_width, cfg.head_dim
    total = 2 * Vp * d + d  # embedding, untied head, final norm
    per_block = 2 * d + 3 * d * m  # two norms, SwiGLU
    total += L * (per_block + 4 * d * d)  # q, k, v, o
    if cfg.pe == "tpe":
        total += 3 * d + cfg.n_heads + d * d  # q, k, norm weight, rho, o_proj
    if cfg.mixer == "softmax":
        return total
    total += L * (2 * d * e + d)  # low-rank output gate, mixer normaliser
    cls = get_decay(cfg.decay)
    total += sum(cls.count_params(cfg.decay_config(i)) for i in range(L))
    if cls.needs_lower_bound(cfg.decay_config(0)):
        total += L * (d if cfg.granularity == "vector" else cfg.n_heads)  # P
    return total
