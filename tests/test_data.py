"""Data: embedded corpus pin, document splits, deterministic tokenizer and shards, batches, local corpora.

Runtime target ~20 s on 2 cores (three micro-size `prepare` calls).
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from train_support import prepare_micro

from suite.data.config import DataConfig
from suite.data.corpus import load_default, manifest
from suite.data.prepare import prepare
from suite.data.shards import global_batch, open_shard, rank_batch, read_meta, window_ids
from suite.data.splits import split_documents
from suite.data.tokenizer import load_tokenizer, token_byte_lengths
from suite.errors import SuiteError
from suite.tiers import load_section


@pytest.fixture(scope="module")
def docs():
    return load_default()


@pytest.fixture(scope="module")
def micro(tmp_path_factory):
    return prepare_micro(tmp_path_factory.mktemp("d") / "micro")


def test_embedded_corpus_is_pinned_and_large(docs):
    man = manifest()
    data = "".join(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n" for d in docs).encode()
    assert hashlib.sha256(data).hexdigest() == man["sha256"]
    assert man["text_bytes"] >= 10_000_000 and len(docs) == man["documents"]
    assert {a["registry"] for a in man["artifacts"].values()} == {"pypi", "npm"}


def test_splits_are_disjoint_by_document_and_work(docs):
    parts = split_documents(docs, 0.02, 0.02)
    ids = {s: {d["id"] for d in parts[s]} for s in parts}
    groups = {s: {(d["source"], d["group"]) for d in parts[s]} for s in parts}
    for a, b in (("train", "val"), ("train", "test"), ("val", "test")):
        assert not ids[a] & ids[b] and not groups[a] & groups[b]
    assert set().union(*ids.values()) == {d["id"] for d in docs}
    total = sum(len(d["text"]) for d in docs)
    for s in ("val", "test"):
        assert {d["source"] for d in parts[s]} == {"brown", "shakespeare"}
        assert 0.015 < sum(len(d["text"]) for d in parts[s]) / total < 0.06
    assert split_documents(docs, 0.02, 0.02) == parts


def test_prepare_rebuilds_to_recorded_sha256(micro, tmp_path):
    again = prepare_micro(tmp_path / "again")
    a, b = read_meta(micro), read_meta(again)
    assert a["tokenizer"]["sha256"] == b["tokenizer"]["sha256"]
    for split in ("train", "val", "test"):
        assert a["splits"][split]["sha256"] == b["splits"][split]["sha256"]
        shard = (micro / f"{split}.bin").read_bytes()
        assert hashlib.sha256(shard).hexdigest() == a["splits"][split]["sha256"]
    assert hashlib.sha256((micro / "tokenizer.json").read_bytes()).hexdigest() == a["tokenizer"]["sha256"]
    assert a["source"]["sha256"] == manifest()["sha256"]
    ids = json.loads((micro / "splits.json").read_text())
    assert not set(ids["train"]) & (set(ids["val"]) | set(ids["test"])) and not set(ids["val"]) & set(ids["test"])


def test_tokenizer_special_ids_and_bytes_match_text(micro):
    tok = load_tokenizer(micro / "tokenizer.json")
    assert tok.id_to_token(0) == "<|pad|>" and tok.id_to_token(1) == "<|endoftext|>" and tok.get_vocab_size() == 512
    meta, nbytes = read_meta(micro), token_byte_lengths(tok)
    test = open_shard(micro, "test")
    assert int(nbytes[np.asarray(test)].sum()) == meta["splits"]["test"]["text_bytes"] + meta["splits"]["test"]["documents"]
    text = (micro / "test.txt").read_text(encoding="utf-8")
    assert len(text.encode()) == meta["splits"]["test"]["text_bytes"] + meta["splits"]["test"]["documents"] - 1


def test_batches_are_pure_and_independent_of_world_size(micro):
    shard = open_shard(micro, "train")
    b = global_batch(shard, 7, 3, 8, 64)
    assert b.shape == (8, 65) and np.array_equal(b, global_batch(shard, 7, 3, 8, 64))
    for world in (2, 4):
        parts = [rank_batch(shard, 7, 3, 8, 64, r, world) for r in range(world)]
        assert np.array_equal(np.concatenate(parts), b)
    assert not np.array_equal(b, global_batch(shard, 8, 3, 8, 64))
    n = (len(shard) - 1) // 65
    first_epoch = np.concatenate([window_ids(7, s, 8, n) for s in range(n // 8)])
    assert len(set(first_epoch.tolist())) == len(first_epoch)  # no window twice within an epoch


def _brown_texts(docs, n):
    return [d["text"] for d in docs if d["source"] == "brown"][:n]


@pytest.mark.parametrize("kind", ["txt", "jsonl", "parquet"])
def test_local_corpus_files(docs, tmp_path, kind):
    texts = _brown_texts(docs, 12)
    path = tmp_path / f"corpus.{kind}"
    if kind == "txt":
        path.write_text("\n\n".join(t.replace("\n\n", "\n") for t in texts))
    elif kind == "jsonl":
        path.write_text("".join(json.dumps({"body": t}) + "\n" for t in texts))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"body": texts}), path)
    cfg = DataConfig(vocab_size=300, seq_len=32, text_key="body", val_fraction=0.1, test_fraction=0.1)
    meta = prepare(cfg, tmp_path / "out", corpus=str(path))
    assert meta["source"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert meta["source"]["documents"] == (12 if kind != "txt" else len(texts))
    assert all(meta["splits"][s]["tokens"] > 0 for s in ("train", "val", "test"))


@pytest.mark.parametrize("content, message", [
    (None, "not found"), ("", "is empty"), ('{"text": ""}\n{"text": "  "}\n', "holds no text"),
    ('{"other": "x"}\n', "no column 'text'"),
])
def test_bad_corpus_is_refused_and_existing_output_kept(micro, tmp_path, content, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous result")
    path = tmp_path / "c.jsonl"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SuiteError, match=message):
        prepare(load_section("micro", "data", DataConfig), out, corpus=str(path))
    assert (out / "keep.txt").read_text() == "previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out"] + (["c.jsonl"] if content is not None else []))


def test_padding_id_never_in_the_data(micro):
    """Id 0 is the model's frozen zero embedding row (spec Q9): no prepared token may use it, while
    the document separator (id 1) does occur, once per document."""
    meta = read_meta(micro)
    for split in ("train", "val", "test"):
        ids = np.asarray(open_shard(micro, split))
        assert not (ids == 0).any(), f"{split}: id 0 (padding) in the data"
        assert int((ids == 1).sum()) == meta["splits"][split]["documents"]
