"""The evaluation protocol: the `eval:` section of a tier file (`baselines/tiers/<tier>.yaml`).

    from suite.tiers import load_section
    from suite.eval.protocol import EvalProtocol
    proto = load_section("tiny", "eval", EvalProtocol)

Fields (defaults in brackets):
    tasks                lm-eval task names or tags [decay_suite: the 8 benchmarks + corpus_heldout]
    limit                documents per task, None = all [None]
    batch_size           scoring batch size [16]
    bootstrap_iters      lm-eval bootstrap iterations for standard errors (seeded) [1000]
    length_multipliers   held-out contexts as multiples of the training length L [1, 2, 4]
    heldout_tokens       test-split tokens scored at every context (rounded down to 4L) [65536]
    decay_text_tokens    tokens of the test split used for decay statistics [2048]
    recall               the associative-recall probe (`RecallProtocol`, see suite.eval.recall)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suite.errors import SuiteError


@dataclass(frozen=True)
class RecallProtocol:
    enabled: bool = True
    seed: int = 0
    vocab_size: int = 64          # tokens 0..vocab_size-1: keys in the lower half, values above
    seq_len: int = 64
    train_pairs: tuple[int, ...] = (2, 4, 8)      # KV pairs per training sequence (uniform mix)
    eval_pairs: tuple[int, ...] = (2, 4, 8)
    steps: int = 300
    batch_size: int = 32
    lr: float = 3e-3
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 2
    glu_dim: int | None = 128
    backend: str | None = None   # kernel backend (None: the device's default)
    eval_examples: int = 256      # sequences per eval_pairs value
    distance_buckets: tuple[int, ...] = (8, 16, 32)   # upper bounds of key-to-query distance

    def validate(self, source: str) -> None:
        need = 2 * max(self.train_pairs + self.eval_pairs) + 2
        if self.seq_len < need:
            raise SuiteError(f"{source}: key 'recall.seq_len' must be >= {need} for the given pairs")
        if self.vocab_size < 2 * max(self.train_pairs + self.eval_pairs) + 2:
            raise SuiteError(f"{source}: key 'recall.vocab_size' too small for the given pairs")


@dataclass(frozen=True)
class EvalProtocol:
    tasks: tuple[str, ...] = ("decay_suite",)
    limit: int | None = None
    batch_size: int = 16
    bootstrap_iters: int = 1000
    length_multipliers: tuple[int, ...] = (1, 2, 4)
    heldout_tokens: int = 65536
    decay_text_tokens: int = 2048
    recall: RecallProtocol = field(default_factory=RecallProtocol)

    def validate(self, source: str) -> None:
        if not self.tasks:
            raise SuiteError(f"{source}: key 'tasks' must name at least one task or tag")
        if any(m < 1 for m in self.length_multipliers) or not self.length_multipliers:
            raise SuiteError(f"{source}: key 'length_multipliers' must be positive integers")
        if self.limit is not None and self.limit < 1:
            raise SuiteError(f"{source}: key 'limit' must be a positive integer or null")
