"""Document-level train / validation / test splits, deterministic and never overlapping.

    parts = split_documents(docs, val_fraction=0.02, test_fraction=0.02)
    parts["train"], parts["val"], parts["test"]          # lists of documents

Finite corpora: per source, the groups (a work, a Brown file, a row) are ordered by
sha256(salt/source/group); validation takes groups in that order until it holds `val_fraction` of
the source's bytes, then test takes the next ones; the rest is training. Every document of a group
lands in one split, so a held-out work never leaks into training. Streaming corpora use
`stream_split`: a fixed hash threshold on the document id. Documents inside a split are ordered
by sha256(salt/id), so a byte cap takes a deterministic mixture of sources.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from suite.errors import SuiteError

SALT = "decay-suite/v1"
SPLITS = ("train", "val", "test")


def _h(*parts: str) -> str:
    return hashlib.sha256("/".join((SALT,) + parts).encode("utf-8")).hexdigest()


def _nbytes(doc: dict) -> int:
    return len(doc["text"].encode("utf-8"))


def split_documents(docs: list[dict], val_fraction: float, test_fraction: float) -> dict[str, list[dict]]:
    """Byte-balanced split per source, by group (see module docstring)."""
    by_source: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for d in docs:
        by_source[d["source"]][d.get("group", d["id"])].append(d)
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for source, groups in sorted(by_source.items()):
        if len(groups) < 3:
            raise SuiteError(f"corpus source '{source}' has {len(groups)} document(s); a split into "
                             f"train, validation and test needs at least 3")
        order = sorted(groups, key=lambda g: _h(source, g))
        total = sum(_nbytes(d) for g in order for d in groups[g])
        targets = (("val", val_fraction * total), ("test", test_fraction * total))
        i = 0
        for name, target in targets:
            got = 0
            while i < len(order) - 1 and (got < target or got == 0):
                got += sum(_nbytes(d) for d in groups[order[i]])
                out[name].extend(groups[order[i]])
                i += 1
        for g in order[i:]:
            out["train"].extend(groups[g])
    if not out["train"]:
        raise SuiteError("the corpus is too small: no document left for training after the held-out splits")
    return {s: sorted(out[s], key=lambda d: _h(d["id"])) for s in SPLITS}


def stream_split(doc_id: str, val_fraction: float, test_fraction: float) -> str:
    """The split of one streamed document: a uniform hash of its id against fixed thresholds."""
    u = int(_h(doc_id)[:16], 16) / 16**16
    return "val" if u < val_fraction else "test" if u < val_fraction + test_fraction else "train"


def cap_bytes(docs: list[dict], max_bytes: int | None) -> list[dict]:
    """The leading documents holding at most `max_bytes` of text (at least one document)."""
    if max_bytes is None:
        return docs
    out, total = [], 0
    for d in docs:
        total += _nbytes(d)
        if out and total > max_bytes:
            break
        out.append(d)
    return out
