"""Checkpoints: one self-checking file, written atomically, refused when corrupt or foreign.

    save_checkpoint(run_dir / "ckpt/last.pt", state)          # state: dict of tensors / plain values
    state = load_checkpoint(run_dir / "ckpt/last.pt", identity)

File layout: b"DECAYSUITE-CKPT-1\\n" + sha256(payload) as 64 hex digits + b"\\n" + payload, where the
payload is `torch.save(state)`. The file is written to a temp name and renamed, so a process killed
at any moment leaves either the previous checkpoint or the new one. Loading checks the header and
the sha256 (a truncated or corrupted file raises SuiteError) and then that `state["identity"]`
(variant, tier, seed, model, train and data configuration) equals the caller's; a mismatch names
the first differing key. Loading never modifies any file.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import torch

from suite.provenance import write_bytes_atomic
from suite.errors import SuiteError

MAGIC = b"DECAYSUITE-CKPT-1\n"


def save_checkpoint(path: str | Path, state: dict[str, Any]) -> Path:
    buf = io.BytesIO()
    torch.save(state, buf)
    payload = buf.getvalue()
    header = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n"
    return write_bytes_atomic(Path(path), header + payload)


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """The state stored in `path`, after checking header and sha256 (no identity check)."""
    path = Path(path)
    data = path.read_bytes()
    head = len(MAGIC) + 65
    if not data.startswith(MAGIC) or len(data) < head:
        raise SuiteError(f"{path}: not a decay-suite checkpoint (bad header); delete it to start the run over")
    want, payload = data[len(MAGIC):head - 1].decode("ascii", "replace"), data[head:]
    if hashlib.sha256(payload).hexdigest() != want:
        raise SuiteError(f"{path}: checkpoint is corrupt or truncated (sha256 mismatch); "
                         f"delete it to start the run over")
    try:
        return torch.load(io.BytesIO(payload), map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 (unpickling errors come in many types)
        raise SuiteError(f"{path}: checkpoint could not be read ({exc.__class__.__name__})") from None


def load_checkpoint(path: str | Path, identity: dict[str, Any]) -> dict[str, Any]:
    state = read_checkpoint(path)
    check_identity(state.get("identity", {}), identity, str(path))
    return state


def check_identity(found: dict[str, Any], want: dict[str, Any], source: str) -> None:
    """SuiteError naming the first key where a stored run identity differs from this run's."""
    for key in list(want) + sorted(set(found) - set(want)):
        a, b = _canon(found.get(key)), _canon(want.get(key))
        if a != b:
            raise SuiteError(f"{source}: belongs to another run ({key} is {_short(a)}, this run has "
                             f"{_short(b)}); use another --out folder or delete it")


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
