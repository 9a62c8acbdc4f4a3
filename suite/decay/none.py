"""No decay: plain (causal) linear attention, the reference row `none` of the grid.

    l_t = 0 for every t (lambda = 1); the kernel receives log_decay = None (kind "none").

No parameters, no f_proj; the key is SiLU(W_k x) as in every non-shared variant. Not part of the
official decay types; it is the suite's lower reference (spec §2 with the decay removed).
"""

from __future__ import annotations

from suite.decay.base import DECAYS, Decay, DecayOut


@DECAYS.register("none")
class NoDecay(Decay):
    name = "none"
    kinds = ("none",)
    has_proj = False

    def forward(self, x, *, key_logits=None, lower_bound=None, state=None) -> DecayOut:
        return DecayOut(None, None, state)
