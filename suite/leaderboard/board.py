"""The stored leaderboard of one tier: submission files, their index and the guard on both.

    results/leaderboard/<tier>/<NAME>.json   one submission (metrics per seed, provenance, plugin
                                              source sha256, protocol and its fingerprint)
    results/leaderboard/<tier>/index.json    the board's pinned protocol and, per submission, the
                                              file name and its sha256 (the submissions on the
                                              board are the ones listed here, never a glob)

    from suite.leaderboard.board import load_board, stage_submission, commit
    board = load_board("results", "micro")          # verifies every file against the index
    files = stage_submission(board, entry)          # {path: text}, nothing written yet
    commit(files)                                   # each file through a temp file + rename

Any change is staged in memory first and written only when the whole board (tables included)
rendered; a refused submission leaves every existing file byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suite.errors import SuiteError
from suite.leaderboard.protocol import check_protocol, check_runs, fingerprint
from suite.provenance import write_text_atomic

INDEX = "index.json"


@dataclass
class Board:
    results: Path
    tier: str
    protocol: dict[str, Any] | None  # None: empty board, pinned by its first submission
    index: dict[str, Any] = field(default_factory=dict)
    submissions: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> entry

    @property
    def dir(self) -> Path:
        return board_dir(self.results, self.tier)


def board_dir(results: str | Path, tier: str) -> Path:
    return Path(results) / "leaderboard" / tier


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def dumps(obj: Any) -> str:
    """The one JSON form of board files (same as suite.provenance.write_json_atomic)."""
    return json.dumps(obj, indent=2, sort_keys=True, allow_nan=True) + "\n"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SuiteError(f"{path}: cannot be read as JSON ({exc})") from None


def load_board(results: str | Path, tier: str) -> Board:
    """The board of `tier`; a file changed since it was indexed is refused, naming the file."""
    bdir = board_dir(results, tier)
    if not (bdir / INDEX).is_file():
        return Board(Path(results), tier, None, {"tier": tier, "submissions": {}})
    index = _read_json(bdir / INDEX)
    board = Board(Path(results), tier, index.get("protocol"), index)
    for name, rec in sorted(index.get("submissions", {}).items()):
        path = bdir / rec["file"]
        if not path.is_file():
            raise SuiteError(f"{path}: listed in {bdir / INDEX} but missing; restore it from version control")
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if got != rec["sha256"]:
            raise SuiteError(f"{path}: sha256 {got[:12]}... does not match {bdir / INDEX} "
                             f"({rec['sha256'][:12]}...): the file was changed after it was submitted")
        entry = _read_json(path)
        verify_entry(entry, board.protocol)
        board.submissions[name] = entry
    return board


def verify_entry(entry: dict[str, Any], board_protocol: dict[str, Any] | None) -> None:
    """The entry's recorded protocol matches its fingerprint, its runs and the board's protocol."""
    name, proto = entry.get("name", "?"), entry.get("protocol")
    check_schema(entry)
    if not isinstance(proto, dict):
        raise SuiteError(f"submission '{name}': no protocol recorded; it cannot be compared with the board")
    if entry.get("fingerprint") != fingerprint(proto):
        raise SuiteError(f"submission '{name}': protocol fingerprint {str(entry.get('fingerprint'))[:12]}... "
                         f"does not match its recorded protocol ({fingerprint(proto)[:12]}...)")
    check_runs(name, proto, entry.get("runs", []))
    if board_protocol is not None:
        check_protocol(name, proto, board_protocol)


REQUIRED = ("name", "tier", "kind", "plugin", "variant", "validation", "protocol", "fingerprint",
            "seeds", "runs", "provenance")


def check_schema(entry: Any) -> None:
    """The keys the board reads must be there (one sentence naming the first missing one)."""
    if not isinstance(entry, dict):
        raise SuiteError("a submission must be a JSON object")
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise SuiteError(f"submission '{entry.get('name', '?')}': missing key '{missing[0]}'; "
                         f"required: {', '.join(REQUIRED)}")
    for run in entry["runs"]:
        if not isinstance(run, dict) or not isinstance(run.get("values"), dict) or "seed" not in run:
            raise SuiteError(f"submission '{entry['name']}': every item of 'runs' needs 'seed' and 'values'")


def stage_submission(board: Board, entry: dict[str, Any], replace: bool = False) -> dict[Path, str]:
    """Check `entry` against the board; return the files to write (entry, index) and update `board`."""
    name = entry["name"]
    if name in board.submissions and not replace:
        raise SuiteError(f"submission '{name}' is already on the {board.tier} leaderboard; "
                         f"choose another --name or pass --replace")
    verify_entry(entry, board.protocol)
    if board.protocol is None:
        board.protocol = entry["protocol"]
    text = dumps(entry)
    subs = dict(board.index.get("submissions", {}))
    subs[name] = {"file": f"{name}.json", "sha256": sha256_text(text)}
    board.index = {"tier": board.tier, "protocol": board.protocol,
                   "fingerprint": fingerprint(board.protocol), "submissions": subs}
    board.submissions[name] = entry
    return {board.dir / f"{name}.json": text, board.dir / INDEX: dumps(board.index)}


def commit(files: dict[Path, str]) -> list[Path]:
    """Write every staged file atomically (entries first, then the index, then the pages)."""
    return [write_text_atomic(path, text) for path, text in files.items()]
