"""`suite kernel-sources`: the kernel code that can run on this machine, hashed. Training,
evaluation and the bench stage depend on its record in dvc.yaml instead of on all of suite/kernels.

    suite kernel-sources --out results/kernel_sources.json     # the dvc stage `kernel-sources`
    suite kernel-sources --device cpu                           # print the record, write nothing

A backend's own code (`EXCLUSIVE`: the Triton package, the fla adapter) can change a result only
where that backend can run. The record lists every file under suite/kernels with its sha256,
except the own code of the backends that are not available on the device (on a machine without
CUDA: triton/ and fla.py), plus the device and the available backends. Editing Triton kernels on
a CPU machine therefore reruns this stage (seconds) and leaves the record, and so every training
run, as it was; editing shared code (chunked.py, the package's __init__.py) or moving to a
machine where another backend runs changes the record and reruns what depends on it. The record
holds no time or path, so equal inputs write a byte-equal file (DVC then stops there).
Under `TRITON_INTERPRET=1` (the tests' setting) the Triton backend can run on CPU, so its code is
in the record there: run the pipeline without that variable, or expect every run to rerun.
`tests/test_kernel_sources.py` checks that no shared module imports a backend's own code.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

KERNELS = Path(__file__).resolve().parents[1] / "kernels"
# backend -> its own code under suite/kernels (a folder or a file); nothing else imports it
EXCLUSIVE: dict[str, tuple[str, ...]] = {"triton": ("triton",), "fla": ("fla.py",)}
# files DVC does not hash either (.dvcignore): notes and caches
IGNORED_SUFFIXES = (".md", ".pyc")


def is_under(rel: str, parts: list[str] | tuple[str, ...]) -> bool:
    """Whether `rel` (relative to suite/kernels) is one of `parts` or inside one of them."""
    return any(rel == p or rel.startswith(p + "/") for p in parts)


def source_files(skip: list[str], root: Path = KERNELS) -> dict[str, str]:
    """{path relative to suite/kernels: sha256} of every file outside the parts in `skip`."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if (path.is_file() and "__pycache__" not in path.parts and not rel.endswith(IGNORED_SUFFIXES)
                and not is_under(rel, skip)):
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def record(device: str) -> dict:
    """The stage's output: device, available backends, excluded parts, files and one digest."""
    from suite.kernels import available_backends

    backends = available_backends(device)
    excluded = sorted(p for name, parts in EXCLUSIVE.items() if name not in backends for p in parts)
    files = source_files(excluded)
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    return {"device": device, "backends": backends, "excluded": excluded, "files": files, "digest": digest}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, help="where to write the record (default: print it)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default=None,
                        help="the device to hash for (default: cuda when available, else cpu)")


def run(args: argparse.Namespace) -> int:
    from suite.provenance import write_json_atomic
    from suite.training.dist import pick_device  # the device training picks when none is named

    device = pick_device(args.device).type  # refuses cuda without CUDA, in one sentence
    rec = record(device)
    if args.out is None:
        print(json.dumps(rec, indent=2, sort_keys=True))
    else:
        write_json_atomic(args.out, rec)
        print(f"{args.out}: {len(rec['files'])} files for {device} "
              f"(excluded: {', '.join(rec['excluded']) or 'none'}), digest {rec['digest'][:12]}")
    return 0
