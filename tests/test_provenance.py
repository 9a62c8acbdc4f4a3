"""suite/provenance.py: the source digest that names the code behind a result.

    pytest tests/test_provenance.py

A GPU run's copy of the repository may carry no .git, or a stale one, so its git commit can name
an older commit than the code it ran; the digest of the suite's .py files names the code itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import suite
from suite.provenance import provenance, source_digest


def _package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("x = 1\n")
    (root / "sub" / "mod.py").write_text("def f():\n    return 2\n")
    return root


def test_digest_follows_the_source_and_nothing_else(tmp_path):
    root = _package(tmp_path)
    base = source_digest(root)
    assert len(base) == 64 and base == source_digest(root)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    assert source_digest(copy) == base  # where the tree lies does not count
    (root / "sub" / "__pycache__").mkdir()
    (root / "sub" / "__pycache__" / "mod.cpython-311.py").write_text("cache")
    (root / "notes.md").write_text("not code")
    assert source_digest(root) == base
    (root / "sub" / "mod.py").write_text("def f():\n    return 3\n")  # one byte
    assert source_digest(root) != base
    (root / "sub" / "mod.py").write_text("def f():\n    return 2\n")
    assert source_digest(root) == base
    (root / "sub" / "mod.py").rename(root / "sub" / "other.py")  # same bytes, other path
    assert source_digest(root) != base


def test_digest_keeps_path_and_content_apart(tmp_path):
    """One file a.py holding "b.py", or two empty files a.py and b.py: the same bytes in a row,
    told apart by the length prefixes."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a.py").write_text("b.py")
    (two / "a.py").write_text("")
    (two / "b.py").write_text("")
    assert source_digest(one) != source_digest(two)


def test_provenance_records_the_suite_digest():
    git = provenance()["git"]
    assert git["code_sha256"] == source_digest(Path(suite.__file__).resolve().parent)
    assert set(git) == {"commit", "dirty", "code_sha256"}
