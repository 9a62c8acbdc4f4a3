"""Decay parameterizations: shapes, kinds, sign, initial medians (spec §3.1), shared keys (§5, Q3),
quirk options and bad input. Parametrised over the registry, so a new decay gets them for free.

    pytest tests/test_decay.py
"""

from __future__ import annotations

import math
from typing import ClassVar

import pytest
import torch
import torch.nn.functional as F

from suite.decay import DECAYS, Decay, DecayConfig, get_decay
from suite.decay.hgrn2 import layer_lower_bounds
from suite.errors import SuiteError

D, H, L = 32, 4, 4


def combos():
    """(name, granularity, share) for every registered decay and every axis value it supports."""
    out = []
    for name in DECAYS.names():
        cls = DECAYS.get(name)
        for g in cls.granularities():
            out.append((name, g, "none"))
        if "key" in cls.shares:
            out.append((name, "vector", "key"))
    return out


def make(name, granularity="vector", share="none", d=D, h=H, layer=1, layers=L, **options):
    cfg = DecayConfig(d_model=d, n_heads=h, n_layers=layers, layer_idx=layer,
                      granularity=granularity, share=share, options=options)
    return get_decay(name)(cfg)


def run(dec: Decay, x: torch.Tensor, key_scale: float = 1.0):
    bound = layer_lower_bounds(torch.ones(L, dec.decay_dim))[dec.cfg.layer_idx] if dec.uses_lower_bound else None
    kl = torch.randn(*x.shape[:2], dec.cfg.d_model, dtype=x.dtype) * key_scale if dec.shared else None
    return dec(x, key_logits=kl, lower_bound=bound)


@pytest.mark.parametrize("name,granularity,share", combos())
@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_log_decay_shape_kind_sign(name, granularity, share, scale):
    dec = make(name, granularity, share)
    for p in dec.parameters():  # random weights: not only the init regime
        p.data.normal_(0, 0.5 if scale == 1.0 else 5.0)
    B, T = 2, 9
    out = run(dec, torch.randn(B, T, D) * scale, key_scale=scale)
    want = {"none": None, "static": (H,), "scalar": (B, T, H), "vector": (B, T, D)}[dec.kind]
    assert dec.kind in DECAYS.get(name).kinds
    if want is None:
        assert out.log_decay is None
        return
    ell = out.log_decay
    assert tuple(ell.shape) == want and ell.dtype == torch.float32
    assert torch.isfinite(ell).all()
    if name != "tnl-l":  # tnl-l is unconstrained by design (spec §3.6); random weights may be > 0
        assert (ell <= 0).all()
    if share == "key":
        assert out.key.shape == (B, T, D)
        if not (name == "lssp" and scale > 1):  # lssp's official key e^{f_{t-1}}/S_t overflows for f >~ 88
            assert torch.isfinite(out.key).all()


# initial median of lambda at d=768, H=12 (spec §3.1), vector decay, unit-RMS inputs
MEDIANS = [
    ("mamba2", {}, 0.93, 0.03), ("mamba2-no-a", {}, 0.99, 0.006), ("mamba2-no-dt", {}, 0.002, 0.003),
    ("mamba2-no-a-no-dt", {}, 0.5, 0.01), ("gla", {}, 0.5, 0.005), ("gla", {"gla_form": "power"}, 0.958, 0.005),
    ("simple", {"p": 0.8}, 0.8, 0.005), ("simple", {"p": 0.9}, 0.9, 0.005),
    ("simple", {"p": 0.95}, 0.95, 0.003), ("simple", {"p": 0.99}, 0.99, 0.001),
]


@pytest.mark.parametrize("name,options,median,tol", MEDIANS)
def test_initial_median(name, options, median, tol):
    torch.manual_seed(1)
    dec = make(name, d=768, h=12, layers=12, **options)
    ell = run(dec, torch.randn(1, 32, 768)).log_decay
    assert abs(ell.exp().median().item() - median) <= tol


@pytest.mark.parametrize("name,median,tol", [("simple", 0.9, 0.05), ("gla", 0.5, 0.03), ("tnl-l", 1.0, 0.0)])
def test_initial_median_scalar(name, median, tol):
    torch.manual_seed(1)
    opts = {"p": 0.9} if name == "simple" else {}
    dec = make(name, "scalar", d=768, h=12, layers=12, **opts)
    ell = run(dec, torch.randn(2, 64, 768)).log_decay
    assert abs(ell.exp().median().item() - median) <= tol


def test_vector_fproj_output_is_small_scalar_is_spread():
    """Spec §3.1: at init the vector low-rank f_proj output std ~0.09, scalar ~0.55."""
    x = torch.randn(4, 64, 768)
    vec = make("gla", "vector", d=768, h=12).f_proj(x).std().item()
    sca = make("gla", "scalar", d=768, h=12).f_proj(x).std().item()
    assert 0.07 < vec < 0.11 and 0.45 < sca < 0.65


@pytest.mark.parametrize("layer", [0, 1, 5, 11])
def test_hgrn2_median_per_layer(layer):
    dec = make("hgrn2", d=768, h=12, layer=layer, layers=12)
    beta = layer_lower_bounds(torch.ones(12, 768))[layer]
    ell = dec(torch.randn(1, 32, 768), lower_bound=beta).log_decay
    assert abs(ell.exp().median().item() - (1 + layer / 12) / 2) < 0.005


def test_hgrn2_lower_bounds_properties():
    beta = layer_lower_bounds(torch.ones(6, 3))
    assert torch.allclose(beta[:, 0], torch.arange(6) / 6.0)
    P = torch.randn(6, 3)
    beta = layer_lower_bounds(P)
    assert (beta[0] == 0).all() and (beta.diff(dim=0) >= 0).all()
    assert torch.allclose(beta[-1], 1 - torch.softmax(P, 0)[0])


def test_hgrn2_stable_where_official_underflows():
    dec = make("hgrn2", "vector", layer=2)
    z = torch.tensor([-200.0, -30.0, 0.0, 30.0]).expand(1, 1, 4).repeat(1, 1, D // 4)
    beta = torch.full((D,), 0.3)
    ell = dec.log_decay_from(z, beta)
    official = torch.log(beta + (1 - beta) * torch.sigmoid(z))
    assert torch.allclose(ell, official, atol=1e-6)
    ell0 = make("hgrn2", layer=0).log_decay_from(z, None)  # beta_0 == 0: official log(sigmoid) gives -inf
    assert torch.isfinite(ell0).all() and ell0.min() < -199


@pytest.mark.parametrize("name", ["gla", "hgrn2", "simple"])
def test_shared_key_is_one_minus_lambda(name):
    dec = make(name, "vector", "key")
    assert dec.f_proj is None
    out = run(dec, torch.randn(2, 5, D))
    assert torch.allclose(out.key, 1 - out.log_decay.exp(), atol=1e-6)


def test_mamba2_shared_key_is_delta():
    dec = make("mamba2", "vector", "key")
    kl = torch.randn(2, 5, D)
    out = dec(torch.randn(2, 5, D), key_logits=kl)
    delta = F.softplus(kl + dec.dt_bias)
    assert torch.allclose(out.key, delta) and torch.allclose(out.log_decay, -dec.log_A.exp() * delta)


def _lightnet_reference(f):
    """Loop over t: Z_t = log(1 + sum_{s<=t} e^{f_s}); parallel-path key exp(f_{t-1} - Z_t), f_0 = 0."""
    B, T, Dl = f.shape
    Z, f_prev, ells, keys = torch.zeros(B, Dl, dtype=f.dtype), torch.zeros(B, Dl, dtype=f.dtype), [], []
    for t in range(T):
        Zt = torch.log(Z.exp() + f[:, t].exp())
        ells.append(Z - Zt)
        keys.append(torch.exp(f_prev - Zt))
        Z, f_prev = Zt, f[:, t]
    return torch.stack(ells, 1), torch.stack(keys, 1)


def test_lightnet_formula_and_q3_keys():
    f = torch.randn(2, 7, D, dtype=torch.float64)
    ell_ref, key_ref = _lightnet_reference(f)
    dec = make("lightnet", "vector", "key").double()
    out = dec(f, key_logits=f)
    assert torch.allclose(out.log_decay, ell_ref) and torch.allclose(out.key, key_ref)
    lam = (1 + f.exp().cumsum(1) - f.exp()) / (1 + f.exp().cumsum(1))
    assert torch.allclose(out.log_decay.exp(), lam)
    norm = make("lightnet", "vector", "key", share_key="normalized").double()(f, key_logits=f)
    assert torch.allclose(norm.key, 1 - norm.log_decay.exp())
    assert not torch.allclose(norm.key, out.key)


@pytest.mark.parametrize("name", ["lightnet", "lssp"])
@pytest.mark.parametrize("share_key", ["parallel", "normalized"])
def test_lightnet_state_continues_the_sequence(name, share_key):
    dec = make(name, "vector", "key", share_key=share_key).double()
    f = torch.randn(2, 9, D, dtype=torch.float64)
    full = dec(f, key_logits=f)
    a = dec(f[:, :4], key_logits=f[:, :4])
    b = dec(f[:, 4:], key_logits=f[:, 4:], state=a.state)
    assert torch.allclose(torch.cat([a.log_decay, b.log_decay], 1), full.log_decay)
    assert torch.allclose(torch.cat([a.key, b.key], 1), full.key)


def test_lssp_formula_and_init():
    f = torch.randn(1, 6, D, dtype=torch.float64)
    S = math.log(2) + F.softplus(f).cumsum(1)
    lam = torch.cat([torch.full_like(S[:, :1], math.log(2)), S[:, :-1]], 1) / S
    out = make("lssp", share="key").double()(f, key_logits=f)
    assert torch.allclose(out.log_decay.exp(), lam)
    ell = make("lssp")(torch.zeros(1, 6, D)).log_decay  # z = 0: lambda_t = t/(t+1)
    assert torch.allclose(ell.exp()[0, :, 0], torch.arange(1, 7) / torch.arange(2, 8), atol=1e-6)


def test_tnl_values_and_options():
    first = make("tnl", "scalar", h=8, layer=0, layers=4)(None).log_decay
    assert first.shape == (8,)
    assert abs(first[0].exp().item() - math.exp(-0.5)) < 1e-5
    assert abs(first[-1].exp().item() - math.exp(-1 / 256)) < 1e-5
    last = make("tnl", "scalar", h=8, layer=3, layers=4)(None).log_decay
    assert (last.exp() > 0.9999).all() and (last < 0).all()
    tn = make("tnl", "scalar", h=8, layer=1, layers=4, tnl_slopes="transnormerllm")(None).log_decay
    assert torch.allclose(tn, -(8 / 8) * (1 - 1 / 4) * torch.arange(8.0))
    assert len(list(make("tnl", "scalar").parameters())) == 0
    assert (make("tnl-l", "scalar").log_decay == 0).all()  # Q1 default
    slopes = make("tnl-l", "scalar", tnl_l_init="slopes").log_decay
    assert torch.allclose(slopes, make("tnl", "scalar").fixed_log_decay)


def test_mamba_init_ranges_and_dt_limit():
    dec = make("mamba2", d=768, h=12)
    A = dec.log_A.exp()
    dt = F.softplus(dec.dt_bias)
    assert A.min() >= 1 and A.max() <= 16 and dt.min() >= 1e-4 - 1e-9 and dt.max() <= 0.1 + 1e-6
    lim = make("mamba2", mamba_dt_limit=[0.0, 0.01])
    assert lim.delta(torch.full((1, 1, D), 50.0)).max() <= 0.01
    assert [n for n, _ in dec.named_parameters(recurse=False)] == ["log_A", "dt_bias"]
    assert len(dec.decay_parameters()) == 2


BAD = [
    (lambda: get_decay("gal"), "known: gla"),
    (lambda: make("tnl", "vector"), "granularity scalar"),
    (lambda: make("tnl-l", "vector"), "granularity scalar"),
    (lambda: make("gla", "scalar", "key"), "granularity vector"),
    (lambda: make("mamba2-no-a", "vector", "key"), "mamba_ablation_share"),
    (lambda: make("hgrn2", "vector", "key", lower_bound=False), "hgrn2_share_without_bound"),
    (lambda: make("gla", gla_form="orig"), "logit, power"),
    (lambda: make("gla", p=0.9), "allowed: gla_form"),
    (lambda: make("simple", p=1.5), "(0, 1)"),
    (lambda: make("tnl", "scalar", share="key"), "share none"),
]


@pytest.mark.parametrize("fn,needle", BAD)
def test_bad_input_one_line(fn, needle):
    with pytest.raises(SuiteError) as err:
        fn()
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_quirk_options_enable_undefined_combinations():
    out = run(make("mamba2-no-a", "vector", "key", mamba_ablation_share=True), torch.randn(1, 3, D))
    assert torch.allclose(out.key, -out.log_decay)
    dec = make("hgrn2", "vector", "key", lower_bound=False, hgrn2_share_without_bound=True)
    kl = torch.randn(1, 3, D)
    out = dec(torch.randn(1, 3, D), key_logits=kl)
    assert torch.allclose(out.key, 1 - torch.sigmoid(kl), atol=1e-6)


class PluginDecay(Decay):
    """A plugin written against the documented interface (used by tests/test_model.py too)."""

    name = "plugin"
    option_defaults: ClassVar[dict] = {"bias": 2.0}

    def __init__(self, cfg):
        super().__init__(cfg)
        self.bias = torch.nn.Parameter(torch.full((self.decay_dim,), float(self.opt("bias"))))

    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z + self.bias)


def test_plugin_by_module_path():
    cls = get_decay(f"{__name__}:PluginDecay")
    dec = cls(DecayConfig(d_model=D, n_heads=H, granularity="scalar"))
    assert dec.kind == "scalar" and run(dec, torch.randn(1, 4, D)).log_decay.shape == (1, 4, H)
    assert cls.count_params(dec.cfg) == D * H + H
    with pytest.raises(SuiteError, match="subclass"):
        get_decay("math:pi")
