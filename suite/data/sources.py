"""Corpus readers: the embedded default, a local file through `datasets`, or a hub dataset.

    docs = read_documents("default", DataConfig())            # list of {"id","source","group","text"}
    docs = read_documents("my.jsonl", cfg)                     # local .txt / .jsonl / .json / .parquet
    stream = hub_documents("hf:HuggingFaceFW/fineweb-edu", cfg)  # iterator (streaming; needs the hub)

A local .txt file gives one document per paragraph (`sample_by="paragraph"`); .jsonl/.json and
.parquet give one document per row (column `text_key`). Empty texts are dropped; a corpus with no
text left is refused.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from suite.data.config import DataConfig
from suite.errors import SuiteError

LOADERS = {".txt": "text", ".jsonl": "json", ".json": "json", ".parquet": "parquet"}


def read_documents(corpus: str, cfg: DataConfig) -> list[dict]:
    """All documents of a finite corpus (the embedded one or a local file)."""
    if corpus == "default":
        from suite.data.corpus import load_default

        docs = load_default()
    else:
        docs = local_documents(Path(corpus), cfg.text_key)
    docs = [d for d in docs if d["text"].strip()]
    if not docs:
        raise SuiteError(f"corpus '{corpus}' holds no text (every document is empty)")
    return docs


def _datasets():
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("HF_UPDATE_DOWNLOAD_COUNTS", "0")
    import datasets

    datasets.disable_progress_bars()
    return datasets


def local_documents(path: Path, text_key: str) -> list[dict]:
    if not path.is_file():
        raise SuiteError(f"corpus path '{path}' not found (give a .txt, .jsonl, .json or .parquet file, "
                         f"'default', or hf:<dataset id>)")
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise SuiteError(f"corpus '{path}': unsupported file type '{path.suffix}'; allowed: {', '.join(LOADERS)}")
    if path.stat().st_size == 0:
        raise SuiteError(f"corpus '{path}' is empty")
    datasets = _datasets()
    kwargs = {"sample_by": "paragraph"} if loader == "text" else {}
    with tempfile.TemporaryDirectory() as cache:
        try:
            ds = datasets.load_dataset(loader, data_files={"train": str(path)}, split="train",
                                       cache_dir=cache, keep_in_memory=True, **kwargs)
        except Exception as exc:  # noqa: BLE001 (datasets raises many types for unreadable files)
            raise SuiteError(f"corpus '{path}' could not be read as {loader} ({exc.__class__.__name__})") from None
        key = "text" if loader == "text" else text_key
        if key not in ds.column_names:
            raise SuiteError(f"corpus '{path}': no column '{key}' (data.text_key); columns: {', '.join(ds.column_names)}")
        texts = ds[key]
    return [{"id": f"{path.stem}/{i:08d}", "source": "local", "group": f"{i:08d}", "text": t or ""}
            for i, t in enumerate(texts)]


def hub_documents(corpus: str, cfg: DataConfig) -> Iterator[dict]:
    """Stream a `datasets` hub corpus (`hf:<id>`), e.g. FineWeb-Edu sample-10BT for the paper tier."""
    import datasets  # not offline: the hub is the source here

    name = corpus.removeprefix("hf:")
    try:
        ds = datasets.load_dataset(name, name=cfg.corpus_config, split="train", streaming=True)
    except Exception as exc:  # noqa: BLE001 (any failure to open the hub dataset)
        raise SuiteError(f"hub corpus '{name}' (config {cfg.corpus_config}) could not be opened "
                         f"({exc.__class__.__name__}: {exc})") from None
    for i, row in enumerate(ds):
        if cfg.max_documents is not None and i >= cfg.max_documents:
            return
        text = row.get(cfg.text_key) or ""
        doc_id = str(row.get("id", i))
        if text.strip():
            yield {"id": doc_id, "source": name, "group": doc_id, "text": text}
