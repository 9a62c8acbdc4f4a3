"""The lm-eval adapter gives the model's own log-likelihoods: batched scoring, left truncation,
rolling windows and greedy generation through the recurrent state against direct computations.

    pytest tests/test_eval_lm.py             (~15 s on 2 cores)
"""

from __future__ import annotations

import pytest
import torch
from lm_eval.api.instance import Instance

from eval_support import heldout_text, micro_model, tokenizer
from suite.eval.lm import DecaySuiteLM, find_eot

MAX_LEN = 24


@pytest.fixture(scope="module", params=["gla", "tnl-lrpe"])
def lm(request):
    return DecaySuiteLM(model=micro_model(request.param), tokenizer=tokenizer(), max_length=MAX_LEN,
                        batch_size=3)


def direct_logprobs(model, ids: list[int]) -> torch.Tensor:
    """log p(ids[t] | ids[:t]) for t >= 1, one unpadded forward."""
    with torch.no_grad():
        logits = model(torch.tensor([ids]))[0].double()  # [T, V]
    return torch.log_softmax(logits, -1)[:-1].gather(-1, torch.tensor(ids[1:])[:, None])[:, 0]


def _request(kind, args, i=0):
    return Instance(request_type=kind, doc={}, arguments=args, idx=i)


def test_eot_is_the_special_token():
    assert find_eot(tokenizer()) == tokenizer().token_to_id("<|endoftext|>") == 1


def test_loglikelihood_equals_direct_forward(lm):
    text = heldout_text()
    cuts = [(40, 55), (300, 320), (90, 260)]  # context ends on a non-space: no space moving
    pairs = [(text[:a].rstrip(), text[len(text[:a].rstrip()) : b]) for a, b in cuts]
    pairs += [("A", " b"), ("", text[500:540])]
    got = lm.loglikelihood([_request("loglikelihood", p, i) for i, p in enumerate(pairs)])
    for (ctx, cont), (ll, greedy) in zip(pairs, got):
        c_ids = lm.tok_encode(ctx) if ctx else [lm.eot_token_id]
        whole = lm.tok_encode(ctx + cont) if ctx else c_ids + lm.tok_encode(cont)
        n = len(whole) - len(c_ids)
        seq = c_ids + whole[len(c_ids):]  # lm-eval's split: context alone, continuation from whole
        window = seq[-max(MAX_LEN + 1, n + 1):]  # left truncation keeps every continuation token
        lp = direct_logprobs(lm.model, window)[-n:]
        assert ll == pytest.approx(lp.sum().item(), abs=1e-4)
        with torch.no_grad():
            pred = lm.model(torch.tensor([window[:-1]]))[0, -n:].argmax(-1)
        assert greedy == bool((pred == torch.tensor(window[-n:])).all())


def test_long_continuation_is_scored_whole(lm):
    text = heldout_text()
    cut = text.index(" ", 20)  # a word boundary: context and whole encodings agree
    (ll, _), = lm.loglikelihood([_request("loglikelihood", (text[:cut], text[cut:400]))])
    ids = lm.tok_encode(text[:400])
    n = len(ids) - len(lm.tok_encode(text[:cut]))
    assert n > MAX_LEN
    window = ids[-(n + 1):]  # the window grows to n inputs; nothing before is seen
    assert ll == pytest.approx(direct_logprobs(lm.model, window).sum().item(), abs=1e-4)


def test_rolling_equals_disjoint_windows(lm):
    text = heldout_text()[:700]
    ids = lm.tok_encode(text)
    assert len(ids) > 3 * MAX_LEN
    stream = [lm.eot_token_id] + ids
    want = 0.0
    for start in range(0, len(ids), MAX_LEN):  # targets ids[s:e] = stream[s+1:e+1], L inputs
        end = min(start + MAX_LEN, len(ids))
        chunk = stream[max(0, end - MAX_LEN) : end + 1]
        want += direct_logprobs(lm.model, chunk)[-(end - start):].sum().item()
    (got,) = lm.loglikelihood_rolling([_request("loglikelihood_rolling", (text,))])
    assert got == pytest.approx(want, abs=1e-3)


def test_generate_until_matches_full_recompute(lm):
    ctx = heldout_text()[:60]
    (got,) = lm.generate_until([_request("generate_until", (ctx, {"until": ["\n\n"], "max_gen_toks": 12}))])
    ids = lm.tok_encode(ctx)[-MAX_LEN:]  # the context is left-truncated to max_length
    new = []
    with torch.no_grad():
        for _ in range(12):
            token = int(lm.model(torch.tensor([ids + new]))[0, -1].argmax())
            if token == lm.eot_token_id:
                break
            new.append(token)
    want = lm.tok_decode(new).split("\n\n")[0]
    assert got == want and len(got) > 0
