"""`suite verify`: recompute results/CHECKSUMS.sha256 and name every file that differs.

Exit status 0 when every listed file exists and hashes as listed (same rules as `suite
checksums`), 1 otherwise, printing one line per problem ("MISMATCH path" / "MISSING path").

    suite verify [--results results] [--file results/CHECKSUMS.sha256]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from suite.errors import SuiteError
from suite.report.checksums import NAME, file_digest

_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results", default="results", help="results root")
    parser.add_argument("--file", default=None, help=f"default: <results>/{NAME}")


def run(args: argparse.Namespace) -> int:
    path = Path(args.file or Path(args.results) / NAME)
    problems, n = verify(path)
    for line in problems:
        print(line, file=sys.stderr)
    print(f"{path}: {n - len(problems)}/{n} files verified"
          + (f", {len(problems)} problem(s)" if problems else ""))
    return 1 if problems else 0


def read_listing(path: Path) -> list[tuple[str, str]]:
    if not path.is_file():
        raise SuiteError(f"{path}: checksum file not found; run `suite checksums` first")
    entries = []
    for no, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise SuiteError(f"{path}: line {no} is not '<sha256>  <path>': {line[:60]!r}")
        entries.append((m.group(1), m.group(2)))
    return entries


def verify(path: Path) -> tuple[list[str], int]:
    """(problems, number of listed files); paths are relative to the checksum file's folder."""
    root = path.parent
    problems = []
    entries = read_listing(path)
    for digest, rel in entries:
        target = root / rel
        if not target.is_file():
            problems.append(f"MISSING {rel}")
        elif file_digest(target) != digest:
            problems.append(f"MISMATCH {rel}")
    return problems, len(entries)
