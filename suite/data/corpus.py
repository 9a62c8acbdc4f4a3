"""The embedded default corpus: a cleaned, xz-compressed, sha256-pinned copy in suite/data/corpus/.

    from suite.data.corpus import load_default
    docs = load_default()          # [{"id", "source", "group", "text"}, ...], sha256-checked

`corpus/default.jsonl.xz` holds the corpus built by `suite.data.corpus_build` from pinned registry
artifacts; `corpus/manifest.json` records its sha256 (of the uncompressed JSON lines: the pin),
size, documents per source and the artifacts with their versions and sha256. `check_rebuild`
compares a fresh rebuild with the manifest (`suite prepare --rebuild-corpus`).
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
from pathlib import Path

from suite.errors import SuiteError
from suite.provenance import write_bytes_atomic, write_json_atomic

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CORPUS_FILE = "default.jsonl.xz"
MANIFEST_FILE = "manifest.json"


def parse_jsonl(data: bytes, source: str) -> list[dict]:
    docs = []
    for i, line in enumerate(data.decode("utf-8").splitlines()):
        try:
            doc = json.loads(line)
        except json.JSONDecodeError:
            raise SuiteError(f"{source}: line {i + 1} is not valid JSON") from None
        docs.append(doc)
    return docs


def manifest(corpus_dir: Path = CORPUS_DIR) -> dict:
    path = corpus_dir / MANIFEST_FILE
    if not path.is_file():
        raise SuiteError(f"{path}: corpus manifest not found (rebuild with python -m suite.data.corpus_build --write)")
    return json.loads(path.read_text())


def load_default(corpus_dir: Path = CORPUS_DIR) -> list[dict]:
    """The embedded corpus documents, after checking the recorded sha256."""
    man, path = manifest(corpus_dir), corpus_dir / CORPUS_FILE
    if not path.is_file():
        raise SuiteError(f"{path}: embedded corpus not found")
    try:
        data = lzma.decompress(path.read_bytes())
    except lzma.LZMAError:
        raise SuiteError(f"{path}: not a valid xz file (corrupt or truncated)") from None
    got = hashlib.sha256(data).hexdigest()
    if got != man["sha256"]:
        raise SuiteError(f"{path}: sha256 {got} does not match {MANIFEST_FILE} ({man['sha256']})")
    return parse_jsonl(data, str(path))


def describe(docs: list[dict]) -> dict:
    per: dict[str, dict] = {}
    for d in docs:
        s = per.setdefault(d["source"], {"documents": 0, "text_bytes": 0})
        s["documents"] += 1
        s["text_bytes"] += len(d["text"].encode("utf-8"))
    return per


def write_corpus(data: bytes, artifacts: dict, corpus_dir: Path = CORPUS_DIR) -> None:
    """Store `data` (canonical JSON lines) xz-compressed with its manifest."""
    docs = parse_jsonl(data, "rebuilt corpus")
    packed = lzma.compress(data, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME)
    write_bytes_atomic(corpus_dir / CORPUS_FILE, packed)
    write_json_atomic(corpus_dir / MANIFEST_FILE, {
        "name": "decay-suite default corpus (public-domain English)",
        "file": CORPUS_FILE,
        "format": "JSON lines, one {id, source, group, text} per document, sorted by id; utf-8",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "text_bytes": sum(len(d["text"].encode("utf-8")) for d in docs),
        "documents": len(docs),
        "sources": describe(docs),
        "artifacts": artifacts,
        "builder": "python -m suite.data.corpus_build --write",
        "xz_sha256": hashlib.sha256(packed).hexdigest(),
    })
    os.chmod(corpus_dir / MANIFEST_FILE, 0o644)


def check_rebuild(data: bytes, corpus_dir: Path = CORPUS_DIR) -> str:
    """Compare a rebuilt corpus with the recorded sha256; SuiteError when they differ."""
    want, got = manifest(corpus_dir)["sha256"], hashlib.sha256(data).hexdigest()
    if got != want:
        raise SuiteError(f"rebuilt corpus sha256 {got} differs from the recorded {want} "
                         f"({corpus_dir / MANIFEST_FILE})")
    return f"rebuilt corpus matches the recorded sha256 {want} ({len(data)} bytes)"
