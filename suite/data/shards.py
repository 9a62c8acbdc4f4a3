"""Token shards: flat memory-mapped arrays of token ids, and the batches drawn from them.

    with ShardWriter(out / "train.bin", np.uint16) as w: w.add(ids)     # -> count, sha256
    shard = open_shard(data_dir, "train")                                 # np.memmap (meta dtype)
    x = global_batch(shard, seed, step, batch=16, seq_len=256)           # int64 [16, 257]
    x = rank_batch(shard, seed, step, batch=16, seq_len=256, rank=1, world=2)   # rows 8..15

Documents are concatenated, each followed by the end-of-text id. The stream is cut into
non-overlapping windows of L+1 tokens; epoch e visits them in the order of a permutation seeded
by (seed, e). Global row i of step s is window number s*B + i of that sequence, so a batch is a
pure function of (seed, step): the same for every variant and every world size (rank r takes
rows r*B/W .. (r+1)*B/W - 1).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from suite.errors import SuiteError


class ShardWriter:
    """Append token ids to a .bin file while hashing them; `close()` -> (count, sha256)."""

    def __init__(self, path: Path, dtype) -> None:
        self.path, self.dtype = Path(path), np.dtype(dtype)
        self.tmp = self.path.with_name(f".{self.path.name}.tmp")
        self.fh = open(self.tmp, "wb")  # noqa: SIM115 (closed by close() or __exit__)
        self.hash, self.count, self.result = hashlib.sha256(), 0, None

    def add(self, ids) -> None:
        arr = np.asarray(ids, dtype=np.int64)
        if arr.size and (arr.min() < 0 or arr.max() > np.iinfo(self.dtype).max):
            raise SuiteError(f"{self.path}: token id out of range for {self.dtype}")
        data = arr.astype(self.dtype).tobytes()
        self.fh.write(data)
        self.hash.update(data)
        self.count += arr.size

    def close(self) -> tuple[int, str]:
        if self.result is None:
            self.fh.close()
            self.tmp.replace(self.path)
            self.result = (self.count, self.hash.hexdigest())
        return self.result

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.fh.close()
            self.tmp.unlink(missing_ok=True)


def token_dtype(vocab_size: int):
    return np.uint16 if vocab_size <= 65536 else np.uint32


def read_meta(data_dir: str | Path) -> dict:
    path = Path(data_dir) / "meta.json"
    if not path.is_file():
        raise SuiteError(f"{path}: not found; run `suite prepare --tier TIER --out {data_dir}` first")
    return json.loads(path.read_text())


def open_shard(data_dir: str | Path, split: str) -> np.memmap:
    meta = read_meta(data_dir)
    path = Path(data_dir) / f"{split}.bin"
    want = meta["splits"][split]["tokens"]
    if not path.is_file() or path.stat().st_size != want * np.dtype(meta["dtype"]).itemsize:
        raise SuiteError(f"{path}: missing or not {want} tokens as meta.json records; rerun `suite prepare`")
    return np.memmap(path, dtype=meta["dtype"], mode="r")


@lru_cache(maxsize=4)
def _epoch_order(seed: int, epoch: int, n_windows: int) -> np.ndarray:
    return np.random.default_rng([seed, epoch]).permutation(n_windows)


def window_ids(seed: int, step: int, batch: int, n_windows: int) -> np.ndarray:
    """Window numbers of the `batch` global rows of `step` (int64 [batch])."""
    g = step * batch + np.arange(batch, dtype=np.int64)
    epochs, pos = g // n_windows, g % n_windows
    return np.array([_epoch_order(seed, int(e), n_windows)[p] for e, p in zip(epochs, pos)], dtype=np.int64)


def global_batch(shard: np.ndarray, seed: int, step: int, batch: int, seq_len: int,
                 rows: slice = slice(None)) -> np.ndarray:
    """int64 [rows, seq_len + 1]: the windows of `step`, restricted to `rows` of the global batch."""
    n_windows = (len(shard) - 1) // (seq_len + 1)
    if n_windows < 1:
        raise SuiteError(f"training split has {len(shard)} tokens, fewer than one window of {seq_len + 1}")
    starts = window_ids(seed, step, batch, n_windows)[rows] * (seq_len + 1)
    return np.stack([np.asarray(shard[s:s + seq_len + 1], dtype=np.int64) for s in starts])


def rank_batch(shard, seed: int, step: int, batch: int, seq_len: int, rank: int, world: int) -> np.ndarray:
    if batch % world:
        raise SuiteError(f"global batch {batch} is not divisible by the world size {world}")
    per = batch // world
    return global_batch(shard, seed, step, batch, seq_len, slice(rank * per, (rank + 1) * per))


def eval_windows(shard: np.ndarray, seq_len: int, max_tokens: int | None) -> np.ndarray:
    """Non-overlapping evaluation windows int64 [N, seq_len + 1] over the first `max_tokens` tokens."""
    n = len(shard) - 1 if max_tokens is None else min(len(shard) - 1, max_tokens)
    count = n // seq_len
    if count < 1:
        raise SuiteError(f"evaluation split has {len(shard)} tokens, fewer than one window of {seq_len + 1}")
    return np.stack([np.asarray(shard[i * seq_len:i * seq_len + seq_len + 1], dtype=np.int64)
                     for i in range(count)])
