"""Load the extracted evaluation sets (see `suite.eval.prepare`), checking each file's sha256.

Used by the lm-eval task loaders in `tasks/decay_suite_tasks.py`. The data directory is
`tasks/data` next to those loaders unless a task's metadata names another (`eval_data`).
The held-out corpus text for the `corpus_heldout` task comes from the metadata key
`heldout_text` (set by `suite eval` to the run's `test.txt`) or the environment variable
`DECAY_SUITE_HELDOUT_TEXT`.

    from suite.eval.evalsets import load_split
    ds = load_split("piqa", "tasks/data")          # datasets.Dataset, 1838 rows
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from suite.errors import SuiteError
from suite.eval.prepare import ARROW_SETS, EXPECTED, LAMBADA_FILE
from suite.provenance import sha256_file

HELDOUT_ENV = "DECAY_SUITE_HELDOUT_TEXT"
_CHECKED: dict[tuple[str, float], str] = {}


def check_file(root: Path, rel: str) -> Path:
    """The path of `rel` under `root`, after checking it against its pinned sha256."""
    path = root / rel
    if not path.is_file():
        raise SuiteError(f"{path}: evaluation file missing; run `suite prepare-eval --out {root}`")
    key = (str(path), path.stat().st_mtime)
    got = _CHECKED.get(key) or sha256_file(path)
    if got != EXPECTED[rel]:
        raise SuiteError(f"{path}: sha256 {got} does not match the pinned {EXPECTED[rel]}; "
                         f"rerun `suite prepare-eval --out {root}`")
    _CHECKED[key] = got
    return path


def load_split(name: str, root: str | Path):
    """The validation split of an arrow set, or LAMBADA's test split, as a `datasets.Dataset`."""
    import datasets

    root = Path(root)
    if name == "lambada_openai":
        path = check_file(root, LAMBADA_FILE)
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        return datasets.Dataset.from_dict({"text": [r["text"] for r in rows]})
    if name not in ARROW_SETS:
        raise SuiteError(f"unknown evaluation set '{name}'; known: {', '.join(sorted(ARROW_SETS))}, "
                         "lambada_openai")
    files = [rel for rel in EXPECTED if rel.startswith(f"{name}/validation/")]
    for rel in files:
        check_file(root, rel)
    # in memory: preprocessing maps must not write cache files into the pinned data folder
    return datasets.load_from_disk(str(root / name / "validation"), keep_in_memory=True)


def heldout_path(heldout_text: str | None = None) -> Path:
    given = heldout_text or os.environ.get(HELDOUT_ENV)
    if not given:
        raise SuiteError(f"corpus_heldout needs the corpus test text: task metadata 'heldout_text' "
                         f"or ${HELDOUT_ENV}")
    path = Path(given)
    if not path.is_file():
        raise SuiteError(f"{path}: held-out corpus text not found")
    return path


def heldout_documents(text: str, min_chars: int = 2000) -> list[str]:
    """Consecutive lines joined into documents of at least `min_chars` characters (cut at lines)."""
    docs, current, size = [], [], 0
    for line in text.splitlines():
        current.append(line)
        size += len(line) + 1
        if size >= min_chars:
            docs.append("\n".join(current).strip())
            current, size = [], 0
    docs.append("\n".join(current).strip())
    return [d for d in docs if d]
