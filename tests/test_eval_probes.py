"""Associative-recall probe, decay statistics, held-out length extrapolation and the protocol.

    pytest tests/test_eval_probes.py         (~20 s on 2 cores)
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from eval_support import heldout_text, micro_model, tokenizer
from suite.config import from_mapping
from suite.errors import SuiteError
from suite.eval.decay_stats import KEYS, decay_stats
from suite.eval.heldout import heldout_metrics
from suite.eval.protocol import EvalProtocol, RecallProtocol
from suite.eval.recall import bucket_name, mqar_batch, run_recall

SMALL = RecallProtocol(steps=4, batch_size=4, eval_examples=8, d_model=16, n_heads=1, glu_dim=32,
                       backend="parallel")


def test_mqar_sequences_are_well_formed():
    cfg = RecallProtocol()
    inputs, targets, distance = mqar_batch(16, 8, cfg, torch.Generator().manual_seed(3))
    half = cfg.vocab_size // 2
    for b in range(16):
        keys, values = inputs[b, 0:16:2], inputs[b, 1:16:2]
        assert ((keys >= 1) & (keys < half)).all() and (values >= half).all()
        assert len(set(keys.tolist())) == 8
        q = (targets[b] != -100).nonzero()[:, 0]
        assert len(q) == 8 and (q >= 16).all() and (q < cfg.seq_len - 1).all()
        for pos in q.tolist():  # the query is a key; the target is that key's value
            i = keys.tolist().index(int(inputs[b, pos]))
            assert targets[b, pos] == values[i] and distance[b, pos] == pos - 2 * i
        assert (inputs[b, 16:][targets[b, 16:] == -100] == 0).all()
    again = mqar_batch(16, 8, cfg, torch.Generator().manual_seed(3))
    assert all(torch.equal(x, y) for x, y in zip((inputs, targets, distance), again))


def test_distance_buckets():
    names = [bucket_name(d, (8, 16, 32)) for d in (2, 8, 9, 32, 33, 60)]
    assert names == ["1-8", "1-8", "9-16", "17-32", ">32", ">32"]


def test_recall_probe_is_reproducible():
    a, b = run_recall("gla", SMALL, progress=False), run_recall("gla", SMALL, progress=False)
    assert a == b
    assert set(a["by_pairs"]) == {"2", "4", "8"} and 0.0 <= a["accuracy"] <= 1.0
    assert set(a["by_distance"]) <= {"1-8", "9-16", "17-32", ">32"}


@pytest.mark.parametrize("variant", ["gla", "tnl", "mamba2-scalar-lrpe"])
def test_decay_stats_match_captured_values(variant):
    from suite.model import capture_log_decay

    model, text = micro_model(variant), heldout_text()
    stats = decay_stats(model, tokenizer(), text, n_tokens=100, source="t.txt")
    assert [row["layer"] for row in stats["layers"]] == [0, 1]
    ids = tokenizer().encode(text).ids[:100]
    with capture_log_decay(model) as rec, torch.no_grad():
        model(torch.tensor([ids]))
    lam0 = torch.exp(rec[0].double())
    lam0 = lam0[0] if lam0.dim() >= 2 else lam0
    assert stats["layers"][0]["median"] == pytest.approx(float(np.median(lam0.numpy())))
    assert stats["layers"][0]["max"] == pytest.approx(lam0.max().item())
    for row in stats["layers"] + [stats["all"]]:
        assert 0 < row["min"] <= row["p25"] <= row["median"] <= row["p75"] <= row["max"] <= 1
        assert set(KEYS) <= set(row)
    assert stats["text"]["n_tokens"] == 100 and len(stats["text"]["sha256"]) == 64


def test_no_decay_variant_has_no_layers():
    stats = decay_stats(micro_model("none"), tokenizer(), heldout_text(), n_tokens=50)
    assert stats["layers"] == [] and stats["all"] is None


def test_heldout_loss_matches_direct_windows():
    from suite.data.tokenizer import token_byte_lengths

    model, tok, text = micro_model("gla"), tokenizer(), heldout_text()
    ids, byte_len = tok.encode(text).ids, token_byte_lengths(tok)
    res = heldout_metrics(model, ids, byte_len, seq_len=16, multipliers=(1, 2, 4), n_tokens=300,
                          batch_size=4)
    assert res["contexts"] == [16, 32, 64] and res["n_tokens"] == 256
    windows = torch.tensor(ids[:256]).view(-1, 32)  # [8, 32]: the 2L windows
    with torch.no_grad():
        logits = model(windows[:, :-1])  # [8, 31, V]
    nll = torch.nn.functional.cross_entropy(logits.flatten(0, 1), windows[:, 1:].flatten(),
                                            reduction="sum").item()
    assert res["loss"][1] == pytest.approx(nll / (8 * 31), rel=1e-5)
    scored = tok.decode(windows[:, 1:].flatten().tolist())  # byte-level BPE: bytes add up
    assert res["bits_per_byte"][1] == pytest.approx(nll / math.log(2) / len(scored.encode()), rel=1e-5)
    assert res["perplexity"][2] == pytest.approx(math.exp(res["loss"][2]))
    assert res["loss"][0] != res["loss"][2]


def test_protocol_rejects_bad_values():
    with pytest.raises(SuiteError, match="unknown key 'taskz'"):
        from_mapping(EvalProtocol, {"taskz": ["piqa"]}, "tiers/x.yaml:eval")
    with pytest.raises(SuiteError, match="recall.seq_len"):
        from_mapping(EvalProtocol, {"recall": {"seq_len": 8}}, "tiers/x.yaml:eval")
    proto = from_mapping(EvalProtocol, {"limit": 5, "recall": {"steps": 7}}, "x")
    assert proto.limit == 5 and proto.recall.steps == 7 and proto.length_multipliers == (1, 2, 4)


def test_every_tier_has_a_valid_eval_section():
    from suite.tiers import load_section, tier_names

    names = tier_names()
    if not names:
        pytest.skip("no tier files yet")
    for tier in names:
        assert isinstance(load_section(tier, "eval", EvalProtocol), EvalProtocol)
