"""`DecayLM`: the decay linear transformer (spec §7) and the softmax baseline, one class.

    model = build_model(cfg)                      # cfg: suite.model.ModelConfig
    logits = model(ids)                           # ids [B, T] long -> [B, T, V_pad]
    logits, state = model(ids[:, :5], return_state=True)
    logits, state = model(ids[:, 5:6], state=state, return_state=True)   # continues the sequence

Embedding(V_pad, d, padding_idx=0) (Q9; `freeze_pad_row: false` makes row 0 trainable), L pre-norm
blocks, final RMSNorm, untied bias-free head. hgrn2's layer-wise lower bound P [L, D_lambda] lives
here (`log_lower_bounds`, init ones, Q8). The weights follow the training path's effective init
(spec §9, `init_path: trainer`) or the constructor's (`init_path: constructor`).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from suite.decay.base import init_linear_
from suite.decay.hgrn2 import layer_lower_bounds
from suite.model.blocks import Block, RMSNorm
from suite.model.config import ModelConfig
from suite.model.mixer import DecayAttention
from suite.model.softmax import SoftmaxAttention
from suite.model.tpe import TPE


class DecayLM(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        cfg.validate()
        self.cfg = cfg
        d, Vp = cfg.d_model, cfg.vocab_padded
        mixer_cls = SoftmaxAttention if cfg.mixer == "softmax" else DecayAttention
        self.embed = nn.Embedding(Vp, d, padding_idx=0 if cfg.freeze_pad_row else None)
        self.tpe = TPE(cfg) if cfg.pe == "tpe" else None
        self.blocks = nn.ModuleList(
            Block(mixer_cls(cfg, i), d, cfg.glu_width, cfg.norm_eps) for i in range(cfg.n_layers)
        )
        self.norm = RMSNorm(d, cfg.norm_eps)
        self.lm_head = nn.Linear(d, Vp, bias=False)
        if self._needs_lower_bound():
            D = d if cfg.granularity == "vector" else cfg.n_heads
            self.log_lower_bounds = nn.Parameter(torch.ones(cfg.n_layers, D))  # Q8: ones
        else:
            self.log_lower_bounds = None
        init_weights(self)

    def _needs_lower_bound(self) -> bool:
        decay = getattr(self.blocks[0].mixer, "decay", None)
        return decay is not None and decay.needs_lower_bound(decay.cfg)

    def forward(self, input_ids: torch.Tensor, state: dict | None = None, return_state: bool = False):
        offset = state["offset"] if state else 0
        layer_states = state["layers"] if state else [None] * len(self.blocks)
        bounds = layer_lower_bounds(self.log_lower_bounds) if self.log_lower_bounds is not None else None
        want = return_state or state is not None
        h = self.embed(input_ids)  # [B, T, d]
        tpe_state = None
        if self.tpe is not None:
            h, tpe_state = self.tpe(h, state["tpe"] if state else None, want_state=want)
        new_states = []
        for i, block in enumerate(self.blocks):
            beta = bounds[i] if bounds is not None and i > 0 else None  # beta_0 == 0 exactly
            h, s = block(h, lower_bound=beta, state=layer_states[i], offset=offset, want_state=want)
            new_states.append(s)
        logits = self.lm_head(self.norm(h))
        if not return_state:
            return logits
        return logits, {"offset": offset + input_ids.shape[1], "layers": new_states, "tpe": tpe_state}

    def decay_parameters(self) -> list[nn.Parameter]:
        """The decays' own parameters and P (for quirk Q10's param groups)."""
        out = [p for b in self.blocks if hasattr(b.mixer, "decay") for p in b.mixer.decay.decay_parameters()]
        return out + ([self.log_lower_bounds] if self.log_lower_bounds is not None else [])


def build_model(cfg: ModelConfig) -> DecayLM:
    return DecayLM(cfg)


@torch.no_grad()
def init_weights(model: DecayLM) -> None:
    """Spec §9. Trainer path: every mixer Linear trunc. normal 0.02; constructor: Xavier 0.01, o_proj 0."""
    cfg = model.cfg
    nn.init.trunc_normal_(model.embed.weight, std=0.02, a=-0.06, b=0.06)
    if cfg.freeze_pad_row:
        model.embed.weight[0].zero_()
    init_linear_(model.lm_head, "trainer")
    for block in model.blocks:
        for name, mod in block.mixer.named_modules():
            if isinstance(mod, nn.Linear):
                zero = cfg.init_path == "constructor" and name == "o_proj"
                init_linear_(mod, cfg.init_path, zero=zero)
        init_linear_(block.glu.w1, "trainer")
        init_linear_(block.glu.w2, "trainer")
        init_linear_(block.glu.w3, "trainer", zero=True)
    if model.tpe is not None:
        model.tpe.reset_o_proj()


def param_groups(model: DecayLM, weight_decay: float, no_wd_on_decay_params: bool | None = None) -> list[dict[str, Any]]:
    """AdamW groups. Q10 default: weight decay on all parameters; the flag exempts decay params."""
    flag = model.cfg.no_wd_on_decay_params if no_wd_on_decay_params is None else no_wd_on_decay_params
    params = [p for p in model.parameters() if p.requires_grad]
    if not flag:
        return [{"params": params, "weight_decay": weight_decay}]
    exempt = {id(p) for p in model.decay_parameters()}
    return [
        {"params": [p for p in params if id(p) not in exempt], "weight_decay": weight_decay},
        {"params": [p for p in params if id(p) in exempt], "weight_decay": 0.0},
    ]
