"""`capture_log_decay(model)`: record each layer's raw log-decay during a forward (spec §12.1).

    with capture_log_decay(model) as rec:
        model(ids)
    rec[0]   # layer 0: fp32 [B, T, D_lambda] (vector: D = d, scalar: D = H) or [H] (static)

Taken before the vector reshape and the LRPE duplication. Successive forwards inside one context
(e.g. token-by-token decoding) are concatenated along T. Layers without decay record nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def capture_log_decay(model: torch.nn.Module) -> Iterator[dict[int, torch.Tensor]]:
    record: dict[int, torch.Tensor] = {}
    mixers = [b.mixer for b in model.blocks]
    for m in mixers:
        m.capture = record
    try:
        yield record
    finally:
        for m in mixers:
            m.capture = None
