"""Tokenizers: byte-level BPE trained with `tokenizers`, or a pretrained tokenizer.json by path.

    tok = train_tokenizer(texts, vocab_size=4096)      # deterministic; id 0 <|pad|>, id 1 <|endoftext|>
    tok = load_tokenizer("path/to/tokenizer.json")
    nbytes = token_byte_lengths(tok)                    # np.int64 [vocab]: UTF-8 bytes per token

Byte-level BPE round-trips text exactly, so the bytes of a token sequence are the bytes of the text
it came from; the end-of-text separator between documents counts as one byte (it stands for the
document boundary). Nothing is fetched from a hub: a pretrained tokenizer is a local file.

Id 0 is a padding token that no text ever encodes to (spec Q9): the model keeps embedding row 0
at zero with no gradient (`padding_idx=0`, the official code's quirk). A real token there, e.g. the
document separator, puts an all-zero vector in the residual stream at every separator; each
RMSNorm then scales the gradient by sqrt(d / eps) (about 7,000 at d=512) on its way down, and
at 8 layers the gradient overflows to inf and NaN in the first step (seen in the small tier).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

from suite.errors import SuiteError

PAD = "<|pad|>"
EOT = "<|endoftext|>"


def train_tokenizer(texts: Iterable[str], vocab_size: int, min_frequency: int = 2,
                    length: int | None = None) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=[PAD, EOT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    tok.train_from_iterator(texts, trainer, length=length)
    if (tok.token_to_id(PAD), tok.token_to_id(EOT)) != (0, 1):
        raise SuiteError(f"trained tokenizer put {PAD} at id {tok.token_to_id(PAD)} and {EOT} at "
                         f"{tok.token_to_id(EOT)}, expected 0 and 1")
    return tok


def load_tokenizer(spec: str | Path) -> Tokenizer:
    path = Path(spec)
    if not path.is_file():
        raise SuiteError(f"tokenizer '{spec}' not found: data.tokenizer must be 'train' or a tokenizer.json path")
    try:
        return Tokenizer.from_file(str(path))
    except Exception as exc:  # noqa: BLE001 (tokenizers raises a plain Exception for bad JSON)
        raise SuiteError(f"{path}: not a valid tokenizer.json ({exc})") from None


def eot_id(tok: Tokenizer) -> int:
    idx = tok.token_to_id(EOT)
    return 0 if idx is None else int(idx)


def token_byte_lengths(tok: Tokenizer) -> np.ndarray:
    """UTF-8 bytes each token id stands for (byte-level alphabet: one character = one byte)."""
    alphabet = set(pre_tokenizers.ByteLevel.alphabet())
    special = {t.content for t in tok.get_added_tokens_decoder().values() if t.special}
    vocab = tok.get_vocab(with_added_tokens=True)
    out = np.zeros(max(vocab.values()) + 1, dtype=np.int64)
    for piece, idx in vocab.items():
        if piece in special:
            out[idx] = 1
        elif set(piece) <= alphabet:
            out[idx] = len(piece)
        else:
            out[idx] = len(tok.decode([idx]).encode("utf-8"))
    return out
