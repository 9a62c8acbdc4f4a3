"""Provenance: what produced a result, embedded in every result file the suite writes.

`provenance(config=..., seed=..., backend=...)` returns a JSON-ready dict with the suite version,
git commit (and whether the tree was dirty), a digest of the suite's source files (the code itself,
where git cannot say: a copy without .git or with a stale one, uncommitted changes), library
versions, device and the caller's extras.
`write_json_atomic(path, obj)` writes any result through a temporary file and a rename, so a
killed process never leaves a half-written file.

Volatile fields (host name, time) are kept under the single key "run" so that byte-identical
comparisons can drop it: `stable(prov)` returns the provenance without it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import torch

import suite

_PACKAGES = ("torch", "triton", "lm-eval", "datasets", "tokenizers", "dvc", "fla-core")


def git_state(root: str | Path | None = None) -> dict[str, Any]:
    """The commit of the working tree (None outside git) and whether tracked files differ."""
    cwd = Path(root) if root else Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"],
            cwd=cwd, capture_output=True, text=True, timeout=10,
        )
        sha = head.stdout.strip() if head.returncode == 0 else ""  # no commit yet / not a repo
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd, capture_output=True, text=True, timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": sha or None, "dirty": bool(dirty) if sha else None}


def source_digest(root: str | Path | None = None) -> str:
    """sha256 over the .py files under `root` (default: the suite package), each as its relative
    path and its bytes, length-prefixed, in path order; compiled caches are left out."""
    root = Path(root) if root else Path(suite.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        rel, data = path.relative_to(root).as_posix().encode(), path.read_bytes()
        h.update(b"%d:%s%d:" % (len(rel), rel, len(data)))
        h.update(data)
    return h.hexdigest()


@functools.cache
def _suite_digest() -> str:
    """The suite package's digest, read once per process: the code it imported, not later edits."""
    return source_digest()


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version(), "suite": suite.__version__}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def device_info(device: str | torch.device | None = None) -> dict[str, Any]:
    dev = torch.device(device) if device is not None else torch.device("cpu")
    info: dict[str, Any] = {"type": dev.type}
    if dev.type == "cuda" and torch.cuda.is_available():
        info["name"] = torch.cuda.get_device_name(dev)
        info["capability"] = list(torch.cuda.get_device_capability(dev))
    else:
        info["name"] = platform.processor() or platform.machine()
    return info


def provenance(**extra: Any) -> dict[str, Any]:
    """Provenance of a result; `extra` (config, seed, backend, tier, ...) is embedded as given."""
    prov = {
        "git": {**git_state(), "code_sha256": _suite_digest()},
        "versions": versions(),
        "device": device_info(extra.pop("device", None)),
        "run": {"host": platform.node(), "pid": os.getpid()},
    }
    prov.update(extra)
    return prov


def stable(prov: dict[str, Any]) -> dict[str, Any]:
    """The provenance without volatile fields (for byte-identical comparisons)."""
    return {k: v for k, v in prov.items() if k != "run"}


def write_json_atomic(path: str | Path, obj: Any) -> Path:
    """Write `obj` as sorted, indented JSON through a temp file + rename (never half-written)."""
    text = json.dumps(obj, indent=2, sort_keys=True, allow_nan=True) + "\n"
    return write_text_atomic(path, text)


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_bytes_atomic(path, text.encode())


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write `data` through a temp file in the same folder + fsync + rename (mode 0644)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
