"""`DataConfig`: the `data:` section of a tier file (`baselines/tiers/<tier>.yaml`).

    from suite.tiers import load_section
    from suite.data.config import DataConfig
    cfg = load_section("tiny", "data", DataConfig)

Fields (defaults in brackets):
    corpus          `default` (the embedded corpus), a local .txt/.jsonl/.json/.parquet file, or
                    `hf:<dataset id>` streamed through `datasets` (needs the hub) [default]
    corpus_config   datasets config name for a hub corpus, e.g. sample-10BT [None]
    text_key        column holding the text (jsonl, parquet, hub) [text]
    max_documents   documents read from a hub corpus, None = all [None]
    tokenizer       `train` (byte-level BPE on the training split) or a tokenizer.json path [train]
    vocab_size      vocabulary of a trained tokenizer, special tokens <|pad|> (id 0, never in
                    the data) and <|endoftext|> (id 1) [4096]
    min_frequency   BPE merge threshold [2]
    seq_len         training sequence length L [256]
    val_fraction    share of each source's text held out for validation, by document [0.02]
    test_fraction   the same for the test split [0.02]
    train_bytes     cap on training text (documents in split order), None = all [None]
    eval_bytes      cap on validation and test text each, None = all [None]
"""

from __future__ import annotations

from dataclasses import dataclass

from suite.errors import SuiteError


@dataclass(frozen=True)
class DataConfig:
    corpus: str = "default"
    corpus_config: str | None = None
    text_key: str = "text"
    max_documents: int | None = None
    tokenizer: str = "train"
    vocab_size: int = 4096
    min_frequency: int = 2
    seq_len: int = 256
    val_fraction: float = 0.02
    test_fraction: float = 0.02
    train_bytes: int | None = None
    eval_bytes: int | None = None

    def validate(self, source: str) -> None:
        if not 0 < self.val_fraction < 0.5 or not 0 < self.test_fraction < 0.5:
            raise SuiteError(f"{source}: keys 'val_fraction' and 'test_fraction' must be in (0, 0.5)")
        if self.vocab_size < 258 and self.tokenizer == "train":
            raise SuiteError(f"{source}: key 'vocab_size' must be >= 258 (256 bytes + special), got {self.vocab_size}")
        if self.seq_len < 2:
            raise SuiteError(f"{source}: key 'seq_len' must be >= 2, got {self.seq_len}")
