"""Validation of a submitted decay before any compute is spent on it.

    from suite.leaderboard.validate import validate_submission
    report = validate_submission(variant, tier="micro")   # raises SuiteError on the first failure
    report["checks"]   # [{"check": "log_decay", "ok": True, "detail": "..."}, ...]

Checks, in order (each failure is one sentence naming the plugin and what is wrong):
1. declaration: `kinds` is a non-empty subset of none/static/scalar/vector, and the decay accepts
   the requested granularity / share / pe / options (`Decay.validate`);
2. log_decay: on random inputs of normal and large magnitude (|x| ~ 1, 1e2, 1e4) the output is
   fp32, finite, <= 0 and of the declared kind's shape ([H], [B, T, H] or [B, T, d]);
3. gradients: every trainable parameter of the decay gets a finite, non-zero gradient;
4. parameters: the whole model's count vs the reference variant of the same kind
   (`REFERENCE_OF_KIND`: gla, gla-share, gla-scalar, tnl, none); more than 1% apart is reported (not refused);
5. kernels: `suite.leaderboard.conformance` (every installed backend vs the fp64 reference).
"""

from __future__ import annotations

import torch

from suite.decay.base import DecayConfig
from suite.decay.hgrn2 import layer_lower_bounds
from suite.errors import SuiteError
from suite.kernels import KINDS
from suite.model import count_params, model_config
from suite.model.config import MODEL_OPTIONS
from suite.variants import Variant, load_variant

# (kind, share) -> the grid variant whose parameter count a submission is compared with
REFERENCE_OF_KIND = {("vector", "none"): "gla", ("vector", "key"): "gla-share",
                     ("scalar", "none"): "gla-scalar", ("static", "none"): "tnl", ("none", "none"): "none"}
SCALES = (1.0, 1e2, 1e4)
PARAM_TOLERANCE = 0.01
B, T, D_MODEL, N_HEADS, N_LAYERS = 2, 24, 32, 2, 3


def _fail(variant: Variant, msg: str) -> SuiteError:
    return SuiteError(f"decay plugin '{variant.decay}' (submission '{variant.name}'): {msg}")


def decay_config(variant: Variant, layer_idx: int = 1) -> DecayConfig:
    opts = {k: v for k, v in variant.options.items() if k not in MODEL_OPTIONS}
    return DecayConfig(d_model=D_MODEL, n_heads=N_HEADS, n_layers=N_LAYERS, layer_idx=layer_idx,
                       granularity=variant.granularity, share=variant.share, pe=variant.pe,
                       options=opts)


def check_declaration(cls: type, variant: Variant) -> str:
    kinds = getattr(cls, "kinds", None)
    if not isinstance(kinds, tuple) or not kinds or not set(kinds) <= set(KINDS):
        raise _fail(variant, f"class attribute 'kinds' must be a non-empty tuple of {', '.join(KINDS)}; got {kinds!r}")
    cls.validate(decay_config(variant), f"submission '{variant.name}'")
    return f"kinds {', '.join(kinds)}; granularity {variant.granularity}"


def expected_shape(kind: str) -> tuple[int, ...] | None:
    """The raw log-decay shape of a kind at the validation sizes (None for kind none)."""
    return {"none": None, "static": (N_HEADS,), "scalar": (B, T, N_HEADS),
            "vector": (B, T, D_MODEL)}[kind]


def run_decay(decay, scale: float, gen: torch.Generator, grad: bool = False):
    """The decay's log-decay on x ~ scale * N(0, 1) [B, T, d] (and shared-key logits, bound)."""
    x = (torch.randn(B, T, D_MODEL, generator=gen) * scale).requires_grad_(grad)
    key_logits = torch.randn(B, T, D_MODEL, generator=gen) * scale if decay.shared else None
    lower = None
    if decay.needs_lower_bound(decay.cfg):
        lower = layer_lower_bounds(torch.randn(N_LAYERS, decay.decay_dim, generator=gen))[decay.cfg.layer_idx]
    return decay(x, key_logits=key_logits, lower_bound=lower).log_decay


def check_log_decay(decay, variant: Variant) -> str:
    """Shape, dtype, finiteness and sign of the log-decay at every input magnitude of SCALES."""
    kind, want = decay.kind, expected_shape(decay.kind)
    gen = torch.Generator().manual_seed(0)
    for scale in SCALES:
        with torch.no_grad():
            ell = run_decay(decay, scale, gen)
        check_output(ell, want, kind, variant, f"on inputs of magnitude {scale:g}")
    shown = list(want) if want else None
    return f"kind {kind}, shape {shown}, finite and <= 0 at |x| ~ {', '.join(f'{s:g}' for s in SCALES)}"


def check_output(ell, want: tuple | None, kind: str, variant: Variant, where: str) -> None:
    """Refuse one log-decay output that is not what its kind declares."""
    if want is None:
        if ell is not None:
            raise _fail(variant, f"declares kind none but returns a log-decay {where}")
        return
    if not isinstance(ell, torch.Tensor):
        raise _fail(variant, f"returns {type(ell).__name__} instead of a log-decay tensor {where}")
    if tuple(ell.shape) != want:
        raise _fail(variant, f"returns log-decay of shape {list(ell.shape)}, expected {list(want)} for kind {kind} {where}")
    if ell.dtype != torch.float32:
        raise _fail(variant, f"returns log-decay of dtype {ell.dtype}, expected torch.float32 {where}")
    if not torch.isfinite(ell).all():
        raise _fail(variant, f"returns non-finite log-decay (NaN or inf) {where}")
    if (ell > 0).any():
        raise _fail(variant, f"returns positive log-decay (max {ell.max().item():.4g}; must be <= 0) {where}")


def check_gradients(decay, variant: Variant) -> str:
    params = [(n, p) for n, p in decay.named_parameters() if p.requires_grad]
    if not params:
        return "no trainable parameters"
    ell = run_decay(decay, 1.0, torch.Generator().manual_seed(1), grad=True)
    if ell is None or not ell.requires_grad:
        raise _fail(variant, f"parameter '{params[0][0]}' receives no gradient: the log-decay does not depend on it")
    weights = torch.randn(ell.shape, generator=torch.Generator().manual_seed(2))
    (ell * weights).sum().backward()
    for name, p in params:
        if p.grad is None or not torch.isfinite(p.grad).all() or not p.grad.abs().sum() > 0:
            what = "no gradient" if p.grad is None else "a zero or non-finite gradient"
            raise _fail(variant, f"parameter '{name}' receives {what} from the log-decay")
    return f"{len(params)} parameter tensors receive finite non-zero gradients"


def check_param_count(variant: Variant, vocab_size: int, sizes: dict, kind: str) -> dict:
    """The whole model's count vs the reference of the same kind; never refuses, reports."""
    ref_name = REFERENCE_OF_KIND.get((kind, variant.share), REFERENCE_OF_KIND.get((kind, "none"), "none"))
    n = count_params(model_config(variant, vocab_size, **sizes))
    n_ref = count_params(model_config(load_variant(ref_name), vocab_size, **sizes))
    rel = (n - n_ref) / n_ref
    within = abs(rel) <= PARAM_TOLERANCE
    detail = f"{n} parameters vs {n_ref} for reference '{ref_name}' ({rel:+.2%})"
    if not within:
        detail += f": differs by more than {PARAM_TOLERANCE:.0%}, reported on the board"
    return {"check": "parameters", "ok": within, "detail": detail, "n_params": n,
            "reference": ref_name, "reference_params": n_ref, "relative_difference": rel}


def validate_submission(variant: Variant, vocab_size: int, sizes: dict, backends=None) -> dict:
    """Run every check on `variant` (its decay a plugin); raise on the first refusal.

    An exception raised by the plugin's own code becomes one SuiteError naming the check."""
    from suite.decay import get_decay

    cls = get_decay(variant.decay)
    checks = [{"check": "declaration", "ok": True, "detail": check_declaration(cls, variant)}]
    stage = "construction"
    try:
        torch.manual_seed(0)
        decay = cls(decay_config(variant)).float()
        for stage in ("log_decay", "gradients", "parameters", "kernels"):
            checks.append(_run_check(stage, decay, variant, vocab_size, sizes, backends))
    except SuiteError:
        raise
    except Exception as exc:  # noqa: BLE001  (the plugin's own code failed)
        raise _fail(variant, f"raised {type(exc).__name__} during the {stage} check: {exc}") from None
    return {"kind": decay.kind, "checks": checks, "n_params": checks[3]["n_params"]}


def _run_check(stage: str, decay, variant: Variant, vocab_size: int, sizes: dict, backends) -> dict:
    from suite.leaderboard.conformance import check_kernels

    if stage == "log_decay":
        return {"check": stage, "ok": True, "detail": check_log_decay(decay, variant)}
    if stage == "gradients":
        return {"check": stage, "ok": True, "detail": check_gradients(decay, variant)}
    if stage == "parameters":
        return check_param_count(variant, vocab_size, sizes, decay.kind)
    return {"check": stage, "ok": True, **check_kernels(variant, backends)}
