"""The model: decode == full forward for every grid variant, parameter counts (analytic vs real,
presets vs spec §8), init (spec §9), log-decay capture, positional encodings, bad input.

    pytest tests/test_model.py
"""

from __future__ import annotations

import math

import pytest
import torch

from suite.decay import get_decay
from suite.errors import SuiteError
from suite.kernels import attend
from suite.model import (
    PRESETS,
    ModelConfig,
    build_model,
    capture_log_decay,
    count_params,
    model_config,
    param_groups,
)
from suite.model.blocks import RMSNorm
from suite.model.positional import apply_pe
from suite.variants import load_variant, variant_names

TINY = {"d_model": 32, "n_layers": 2, "n_heads": 2, "backend": "recurrent"}
V = 300


def tiny(name: str, **over) -> ModelConfig:
    return model_config(load_variant(name), V, **{**TINY, **over})


def perturbed(cfg: ModelConfig, dtype=torch.float64):
    torch.manual_seed(0)
    model = build_model(cfg).to(dtype)
    with torch.no_grad():  # leave the init regime (W3 = 0 etc.) so every path matters
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    return model


@pytest.mark.parametrize("name", variant_names())
def test_decode_equals_full_forward(name):
    model = perturbed(tiny(name))
    ids = torch.randint(1, V, (2, 13))
    full = model(ids)
    assert full.shape == (2, 13, 512) and torch.isfinite(full).all()
    logits, state = model(ids[:, :5], return_state=True)  # prefill, then token by token
    outs = [logits]
    for t in range(5, 13):
        logits, state = model(ids[:, t : t + 1], state=state, return_state=True)
        outs.append(logits)
    assert state["offset"] == 13
    torch.testing.assert_close(torch.cat(outs, 1), full, rtol=0, atol=1e-10)


@pytest.mark.parametrize("name", variant_names())
def test_count_params_equals_real(name):
    cfg = tiny(name)
    assert count_params(cfg) == sum(p.numel() for p in build_model(cfg).parameters())


@pytest.mark.parametrize("over", [
    {"decay": "hgrn2", "options": {"lower_bound": False}}, {"decay": "hgrn2", "granularity": "scalar"},
    {"decay": "mamba2-no-dt", "share": "key", "options": {"mamba_ablation_share": True}},
    {"decay": "gla", "init_path": "constructor", "freeze_pad_row": False, "glu_dim": 40},
    {"decay": "tests.test_decay:PluginDecay", "granularity": "scalar"},
])
def test_count_params_options(over):
    cfg = ModelConfig(vocab_size=V, **{**TINY, **over})
    model = build_model(cfg)
    assert count_params(cfg) == sum(p.numel() for p in model.parameters())
    assert torch.isfinite(model(torch.randint(0, V, (1, 6)))).all()


# spec §8 totals in millions: vector not shared, scalar, shared / TNL (vocabulary 50,257 -> 50,432)
SPEC8 = {"160m": (164.8, 163.7, 163.6), "410m": (417.9, 415.2, 414.8), "1.45b": (1452.4, 1447.7, 1446.1)}


@pytest.mark.parametrize("preset", sorted(SPEC8))
def test_presets_match_spec(preset):
    vec, sca, shared = SPEC8[preset]
    for variant, want in (("gla", vec), ("gla-scalar", sca), ("gla-share", shared), ("tnl", shared)):
        cfg = model_config(load_variant(variant), 50257, **PRESETS[preset])
        assert cfg.vocab_padded == 50432 and cfg.head_dim == 64
        assert abs(count_params(cfg) / 1e6 - want) / want < 1e-3, (preset, variant)
    assert model_config(load_variant("gla"), 50257, **PRESETS["160m"]).glu_width == 2048
    assert model_config(load_variant("gla"), 50257, **PRESETS["1.45b"]).glu_width == 5632


def test_trainer_and_constructor_init():
    cfg = ModelConfig(vocab_size=V, d_model=256, n_layers=1, n_heads=4, decay="gla")
    m = build_model(cfg)
    mixer, glu = m.blocks[0].mixer, m.blocks[0].glu
    assert abs(mixer.q_proj.weight.std().item() - 0.0197) < 0.001
    assert mixer.o_proj.weight.abs().max() <= 0.06 and (glu.w3.weight == 0).all()
    assert (m.embed.weight[0] == 0).all() and m.embed.padding_idx == 0
    c = build_model(ModelConfig(vocab_size=V, d_model=256, n_layers=1, n_heads=4, decay="gla",
                                init_path="constructor", freeze_pad_row=False))
    assert (c.blocks[0].mixer.o_proj.weight == 0).all() and c.embed.padding_idx is None
    assert c.blocks[0].mixer.q_proj.weight.std().item() < 1e-3
    assert c.embed.weight[0].abs().sum() > 0


def test_lower_bound_parameter_and_q10_groups():
    m = build_model(tiny("hgrn2-share"))
    assert m.log_lower_bounds.shape == (2, 32) and (m.log_lower_bounds == 1).all()
    assert build_model(tiny("hgrn2-scalar")).log_lower_bounds.shape == (2, 2)
    assert len(param_groups(m, 0.1)) == 1
    m2 = build_model(tiny("mamba2", no_wd_on_decay_params=True))
    groups = param_groups(m2, 0.1)
    assert [g["weight_decay"] for g in groups] == [0.1, 0.0] and len(groups[1]["params"]) == 4
    assert sum(p.numel() for g in groups for p in g["params"]) == count_params(m2.cfg)


@pytest.mark.parametrize("name,shape", [
    ("gla", (2, 7, 32)), ("gla-scalar-lrpe", (2, 7, 2)), ("tnl-lrpe", (2,)), ("lightnet-share", (2, 7, 32)),
])
def test_capture_log_decay(name, shape):
    model = build_model(tiny(name))
    ids = torch.randint(1, V, (2, 7))
    with capture_log_decay(model) as rec:
        model(ids)
    assert sorted(rec) == [0, 1] and all(t.shape == shape and t.dtype == torch.float32 for t in rec.values())
    assert all((t <= 0).all() for t in rec.values())
    model(ids)  # outside the context nothing is recorded
    assert all(m.mixer.capture is None for m in model.blocks)


def test_capture_nothing_for_no_decay():
    for name in ("none", "softmax"):
        model = build_model(tiny(name))
        with capture_log_decay(model) as rec:
            model(torch.randint(1, V, (1, 4)))
        assert rec == {}


def test_rmsnorm_eps_inside_the_sum():
    x = torch.randn(3, 16, dtype=torch.float64) * 1e-3
    want = math.sqrt(16) * x / torch.sqrt((x**2).sum(-1, keepdim=True) + 1e-5)
    torch.testing.assert_close(RMSNorm(16).double()(x), want)


@pytest.mark.parametrize("pe", ["lrpe", "rope", "rope_half"])
def test_positional_scores_are_relative(pe):
    q, k = torch.randn(1, 1, 1, 16, dtype=torch.float64), torch.randn(1, 1, 1, 16, dtype=torch.float64)
    def score(t, s):
        return (apply_pe(q, pe, t, 10000.0) * apply_pe(k, pe, s, 10000.0)).sum().item()
    assert abs(score(9, 4) - score(25, 20)) < 1e-10 and abs(score(9, 4) - score(9, 5)) > 1e-6
    assert apply_pe(q, pe, 0, 1e4).shape[-1] == (32 if pe == "lrpe" else 16)


def test_lrpe_cosine_form():
    q, k = torch.randn(16, dtype=torch.float64), torch.randn(16, dtype=torch.float64)
    i = torch.arange(16)
    theta = torch.where(i < 8, 10000.0 ** (-2 * i / 16.0), torch.zeros(16, dtype=torch.float64))
    got = (apply_pe(q.view(1, 1, 1, 16), "lrpe", 7, 1e4) * apply_pe(k.view(1, 1, 1, 16), "lrpe", 3, 1e4)).sum()
    torch.testing.assert_close(got, (q * k * torch.cos(4 * theta)).sum())


def test_log_decay_rounded_to_compute_dtype():
    model = build_model(tiny("gla"))
    mixer = model.blocks[0].mixer
    ell = -torch.rand(1, 3, 32) * 3
    got = mixer._kernel_log_decay(ell, 1, 3, torch.bfloat16)
    assert got.dtype == torch.float32 and torch.equal(got, ell.to(torch.bfloat16).float().view(1, 3, 2, 16))
    model2 = build_model(tiny("gla", log_decay_rounding="none"))
    assert torch.equal(model2.blocks[0].mixer._kernel_log_decay(ell, 1, 3, torch.bfloat16), ell.view(1, 3, 2, 16))


def test_bad_input():
    q = torch.randn(1, 4, 2, 8)
    with pytest.raises(SuiteError, match=r"allowed for q of shape .*\[2\] \(static\)"):
        attend(q, q, q, torch.zeros(1, 4, 3), backend="recurrent")
    with pytest.raises(SuiteError, match="granularity scalar"):
        ModelConfig(vocab_size=V, **{**TINY, "decay": "tnl"}).validate()
    with pytest.raises(SuiteError, match="unknown decay 'glaa'; known:"):
        build_model(ModelConfig(vocab_size=V, decay="glaa"))
    with pytest.raises(SuiteError, match="multiple of n_heads"):
        tiny("gla", n_heads=3)
    with pytest.raises(SuiteError, match="unknown key 'dmodel'"):
        tiny("gla", dmodel=3)


@pytest.mark.parametrize("decay", ["tnl", "gla", "hgrn2", "lightnet"])
def test_tpe_decode_counts_and_q6(decay):
    over = {"decay": decay, "granularity": "scalar", "pe": "tpe"}
    cfg = ModelConfig(vocab_size=V, **{**TINY, **over})
    model = build_model(cfg)
    assert count_params(cfg) == sum(p.numel() for p in model.parameters())
    ids = torch.randint(1, V, (2, 9))
    assert (model(ids) == 0).all()  # Q6: zero-initialised o_proj, no residual -> every state is 0
    model = perturbed(ModelConfig(vocab_size=V, **{**TINY, **over, "tpe_o_proj_init": "normal"}))
    full = model(ids)
    logits, state = model(ids[:, :4], return_state=True)
    outs = [logits]
    for t in range(4, 9):
        logits, state = model(ids[:, t : t + 1], state=state, return_state=True)
        outs.append(logits)
    torch.testing.assert_close(torch.cat(outs, 1), full, rtol=0, atol=1e-10)


def test_tpe_shifts_tnl_layer_index_q7():
    cfg = ModelConfig(vocab_size=V, d_model=768, n_layers=12, n_heads=12, decay="tnl", granularity="scalar", pe="tpe")
    last = get_decay("tnl")(cfg.decay_config(11)).fixed_log_decay  # what block 11 builds
    assert abs(last.max().item() - 0.0455) < 5e-4  # lambda = 1.0465 > 1 in the last layer
    off = ModelConfig(**{**cfg.__dict__, "tnl_layer_offset": False})
    assert (off.decay_config(11).layer_idx, cfg.decay_config(11).layer_idx) == (11, 12)


@pytest.mark.parametrize("name", variant_names())
def test_gradients_finite(name):
    model = perturbed(tiny(name), torch.float32)
    ids = torch.randint(1, V, (2, 6))
    loss = torch.nn.functional.cross_entropy(model(ids).flatten(0, 1), ids.flatten())
    loss.backward()
    for n, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), n


@pytest.mark.parametrize("name", ["gla", "mamba2-scalar", "lightnet-share", "tnl-lrpe", "none"])
def test_default_backend_matches_recurrent(name):
    pytest.importorskip("suite.kernels.chunked")
    ref = perturbed(tiny(name))
    ids = torch.randint(1, V, (2, 11))
    want = ref(ids)
    for over in ({"backend": None}, {"backend": "chunked", "chunk_size": 4}):
        fast = perturbed(tiny(name, **over))
        torch.testing.assert_close(fast(ids), want, rtol=0, atol=1e-9)
        logits, state = fast(ids[:, :6], return_state=True)  # chunked prefill, then decode
        rest, _ = fast(ids[:, 6:], state=state, return_state=True)
        torch.testing.assert_close(torch.cat([logits, rest], 1), want, rtol=0, atol=1e-9)


def test_model_config_roundtrips_through_a_mapping():
    from suite.config import from_mapping, to_mapping

    cfg = tiny("simple-0.9", no_wd_on_decay_params=True)
    assert cfg.options == {"p": 0.9} and cfg.no_wd_on_decay_params and cfg.variant == "simple-0.9"
    assert from_mapping(ModelConfig, to_mapping(cfg), "config.json") == cfg
    v = load_variant("gla")
    moved = model_config(type(v)(**{**v.__dict__, "options": {"gla_form": "power", "init_path": "constructor"}}), V)
    assert moved.options == {"gla_form": "power"} and moved.init_path == "constructor"
