"""The `Decay` interface: a module that turns the mixer input into an fp32 log-decay <= 0.

Every parameterization in this package (and any plugin, `suite submit my_pkg.mod:MyDecay`) is a
subclass of `Decay`. The token mixer calls it once per forward:

    out = decay(x, key_logits=W_k x (only when sharing), lower_bound=beta_l or None, state=...)
    out.log_decay   None (kind none) | [H] (static) | [B, T, D_lambda] (scalar: D=H; vector: D=d)
    out.key         None, or the shared key [B, T, d] (share == "key"); the mixer then skips SiLU
    out.state       decoding state to pass back on the next call (None for stateless decays)

Writing a plugin: subclass `Decay`, set the class attributes and implement `log_decay_from(z)`:

    class MyDecay(Decay):
        kinds = ("vector", "scalar")          # what granularity gives: none/static/scalar/vector
        shares = ("none", "key")              # "key": the decay may come from W_k x (vector only)
        option_defaults = {"p": 0.9}          # named options with their defaults
        def __init__(self, cfg):
            super().__init__(cfg)             # builds self.f_proj (low rank d->e->d or d->H)
            self.bias = nn.Parameter(torch.full((self.decay_dim,), 2.0))
        def log_decay_from(self, z, lower_bound=None):    # z: fp32 [B, T, D_lambda]
            return F.logsigmoid(z + self.bias)            # must be <= 0 and finite

`f_proj` follows spec §2.1: vector decay, not shared -> two bias-free Linears d->e->d with nothing
between; scalar -> one Linear d->H; shared or static/none -> no f_proj. Parameters registered
directly on the decay module (not inside f_proj) are its "decay parameters" (`decay_parameters()`),
which the trainer can exempt from weight decay (quirk Q10, `no_wd_on_decay_params`).

The default shared key is k = 1 - lambda = -expm1(l) (spec §5; gla, hgrn2, simple); override
`shared_key(z, log_decay)` to change it (mamba2: k = Delta). Stateful decays (lightnet) override
`forward` and return a state. Run the tests: `pytest tests/test_decay.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import torch
from torch import nn

from suite.errors import SuiteError
from suite.registry import Registry

GRANULARITIES = ("vector", "scalar")
SHARES = ("none", "key")
PES = ("none", "lrpe", "rope", "rope_half", "tpe")
INIT_PATHS = ("trainer", "constructor")
DECAYS: Registry[type] = Registry("decay")


@dataclass(frozen=True)
class DecayConfig:
    """What a decay module needs to know about its layer (sizes, axes, named options)."""

    d_model: int
    n_heads: int
    n_layers: int = 1
    layer_idx: int = 0
    granularity: Literal["vector", "scalar"] = "vector"
    share: Literal["none", "key"] = "none"
    pe: str = "none"
    init_path: Literal["trainer", "constructor"] = "trainer"
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def decay_dim(self) -> int:
        """D_lambda: d for vector decay, H for scalar decay (spec §4)."""
        return self.d_model if self.granularity == "vector" else self.n_heads


@dataclass
class DecayOut:
    log_decay: torch.Tensor | None
    key: torch.Tensor | None = None
    state: Any = None


def init_linear_(lin: nn.Linear, init_path: str, zero: bool = False) -> None:
    """Spec §9: trainer path = trunc. normal std 0.02 cut at +-0.06; constructor = Xavier gain 0.01."""
    with torch.no_grad():
        if zero:
            lin.weight.zero_()
        elif init_path == "trainer":
            nn.init.trunc_normal_(lin.weight, std=0.02, a=-0.06, b=0.06)
        else:
            nn.init.xavier_uniform_(lin.weight, gain=0.01)


def allowed(values) -> str:
    return ", ".join(str(v) for v in values)


class Decay(nn.Module):
    """Base class of every decay parameterization (see the module docstring)."""

    name: ClassVar[str] = "?"
    kinds: ClassVar[tuple[str, ...]] = ("vector", "scalar")
    shares: ClassVar[tuple[str, ...]] = ("none",)
    pes: ClassVar[tuple[str, ...]] = PES
    option_defaults: ClassVar[dict[str, Any]] = {}
    option_choices: ClassVar[dict[str, tuple]] = {}
    share_option: ClassVar[str | None] = None  # an option that enables share "key" (Q5)
    uses_lower_bound: ClassVar[bool] = False  # hgrn2: a model-level P gives beta_l (spec §3.4)
    has_proj: ClassVar[bool] = True  # False: data-independent (tnl) or absent (none)

    # ---- class-level description and validation -------------------------------------------
    @classmethod
    def granularities(cls) -> tuple[str, ...]:
        if cls.kinds == ("none",):
            return GRANULARITIES  # no decay: the axis is irrelevant
        if cls.kinds == ("static",):
            return ("scalar",)  # one constant per head (tnl, tnl-l: spec §3.6)
        return tuple(k for k in cls.kinds if k in GRANULARITIES)

    @classmethod
    def allowed_shares(cls, options: dict[str, Any]) -> tuple[str, ...]:
        return cls.shares

    @classmethod
    def validate(cls, cfg: DecayConfig, source: str = "decay config") -> None:
        """Raise SuiteError (one sentence) if this decay cannot run with `cfg`."""
        unknown = sorted(set(cfg.options) - set(cls.option_defaults))
        if unknown:
            names = allowed(sorted(cls.option_defaults)) or "(none)"
            raise SuiteError(f"{source}: unknown option '{unknown[0]}' for decay '{cls.name}'; allowed: {names}")
        for key, choices in cls.option_choices.items():
            if key in cfg.options and cfg.options[key] not in choices:
                raise SuiteError(f"{source}: option '{key}' must be one of {allowed(choices)}, got {cfg.options[key]!r}")
        cls._check_axis(source, "granularity", cfg.granularity, cls.granularities())
        cls._check_axis(source, "share", cfg.share, cls.allowed_shares(cfg.options))
        cls._check_axis(source, "pe", cfg.pe, cls.pes)
        if cfg.share == "key" and cfg.granularity != "vector":
            raise SuiteError(f"{source}: share 'key' needs granularity vector (spec §4); got '{cfg.granularity}'")
        if cfg.d_model % cfg.n_heads:
            raise SuiteError(f"{source}: d_model {cfg.d_model} must be a multiple of n_heads {cfg.n_heads}")

    @classmethod
    def _check_axis(cls, source: str, key: str, value: str, ok: tuple[str, ...]) -> None:
        if value not in ok:
            raise SuiteError(f"{source}: decay '{cls.name}' supports {key} {allowed(ok)}; got '{value}'")

    @classmethod
    def needs_lower_bound(cls, cfg: DecayConfig) -> bool:
        """True if the model must own the layer-wise lower bound P and pass beta_l (hgrn2)."""
        return cls.uses_lower_bound

    @classmethod
    def count_params(cls, cfg: DecayConfig) -> int:
        """Parameter count of one module, built on the meta device (nothing is allocated)."""
        try:
            with torch.device("meta"):
                return sum(p.numel() for p in cls(cfg).parameters())
        except (NotImplementedError, RuntimeError):  # a plugin whose __init__ needs real data
            return sum(p.numel() for p in cls(cfg).parameters())

    # ---- the module ---------------------------------------------------------------------------
    def __init__(self, cfg: DecayConfig) -> None:
        super().__init__()
        self.validate(cfg, f"decay '{self.name}'")
        self.cfg = cfg
        self.decay_dim = cfg.decay_dim
        self.shared = cfg.share == "key"
        self.f_proj = self._make_f_proj(cfg) if self.has_proj and not self.shared else None

    def _make_f_proj(self, cfg: DecayConfig) -> nn.Module:
        d, e, H = cfg.d_model, cfg.head_dim, cfg.n_heads
        if cfg.granularity == "scalar":
            mods = [nn.Linear(d, H, bias=False)]
        else:  # low rank d -> e -> d, nothing between (spec §2.1)
            mods = [nn.Linear(d, e, bias=False), nn.Linear(e, d, bias=False)]
        for m in mods:
            init_linear_(m, cfg.init_path)
        return nn.Sequential(*mods)

    def opt(self, key: str) -> Any:
        return self.cfg.options.get(key, self.option_defaults[key])

    @property
    def kind(self) -> str:
        """The kernel kind this instance produces: none, static, scalar or vector."""
        if self.kinds[0] in ("none", "static"):
            return self.kinds[0]
        return self.cfg.granularity

    def decay_parameters(self) -> list[nn.Parameter]:
        """Parameters of the decay itself (not f_proj): exempt from weight decay under Q10."""
        return list(self.parameters(recurse=False))

    def init_state(self, batch: int, device, dtype) -> Any:
        return None

    def logits(self, x: torch.Tensor, key_logits: torch.Tensor | None) -> torch.Tensor:
        """z_t in at least fp32: f_proj(x), or W_k x when the key is shared."""
        z = key_logits if self.shared else self.f_proj(x)
        return z.to(torch.promote_types(z.dtype, torch.float32))

    def log_decay_from(self, z: torch.Tensor, lower_bound: torch.Tensor | None = None) -> torch.Tensor:
        raise NotImplementedError

    def shared_key(self, z: torch.Tensor, log_decay: torch.Tensor) -> torch.Tensor:
        return -torch.expm1(log_decay)  # k = 1 - lambda, computed without cancellation

    def forward(self, x, *, key_logits=None, lower_bound=None, state=None) -> DecayOut:
        z = self.logits(x, key_logits)  # [B, T, D_lambda]
        ell = self.log_decay_from(z, lower_bound)
        key = self.shared_key(z, ell) if self.shared else None
        return DecayOut(ell, key, state)


def inv_softplus(x: torch.Tensor) -> torch.Tensor:
    return x + torch.log(-torch.expm1(-x))


def logit(p: float) -> float:
    return math.log(p / (1 - p))

