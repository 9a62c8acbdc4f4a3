"""`BenchProtocol`: the `bench:` section of a tier file (`baselines/tiers/<tier>.yaml`).

    bench:
      shapes: [B8_T4096_H16_D128, B32_T2048_H12_D64, B8_T2048_H32_D64]   # named B_T_H_D shapes
      sweep: [B32_T1024_H16_D128, ..., B2_T16384_H16_D128]                 # T from 1k to 16k
      kinds: [scalar, vector]
      modes: [fwd, fwdbwd]
      backends: [triton, fla, sdpa]        # ours, fla when installed, causal SDPA as context
      dtype: bfloat16
      timer: events                        # GPU: events (do_bench, eager calls) or graph (CUDA-graph replays)
      warmup_ms: 25
      rep_ms: 100
      check_tokens: 512                    # correctness slice: T' = min(T, check_tokens), B' = 1, H' <= 2
      cpu_shapes: [B1_T64_H2_D16]          # tiny shapes timed with a wall clock on CPU
      cpu_backends: [chunked, triton]
      cpu_reps: 5                          # CPU kernel timings: median and p20-p80 of these reps
      cpu_dtype: float32
      train_steps: 5                       # training-step benchmark: timed steps per variant
      train_warmup: 1                      #   after this many untimed ones

Loaded with `suite.tiers.load_section(tier, "bench", BenchProtocol)`; without a tier the
defaults below are the protocol. Also the helpers that read a result row the same way in every
table (`row_timer`, `row_label`, `sdpa_ratio`; no torch, so `suite tables` needs none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from suite.errors import SuiteError

NAMED_SHAPES = ("B8_T4096_H16_D128", "B32_T2048_H12_D64", "B8_T2048_H32_D64")
SWEEP = ("B32_T1024_H16_D128", "B16_T2048_H16_D128", "B8_T4096_H16_D128", "B4_T8192_H16_D128",
         "B2_T16384_H16_D128")
_SHAPE = re.compile(r"^B(\d+)_T(\d+)_H(\d+)_D(\d+)(?:_K(\d+))?$")


@dataclass(frozen=True)
class BenchProtocol:
    shapes: list[str] = NAMED_SHAPES
    sweep: list[str] = SWEEP
    kinds: list[Literal["none", "static", "scalar", "vector"]] = ("scalar", "vector")
    modes: list[Literal["fwd", "fwdbwd"]] = ("fwd", "fwdbwd")
    backends: list[str] = ("triton", "fla", "sdpa")
    dtype: Literal["bfloat16", "float16", "float32"] = "bfloat16"
    timer: Literal["events", "graph"] = "events"
    warmup_ms: int = 25
    rep_ms: int = 100
    check_tokens: int = 512
    cpu_shapes: list[str] = ("B1_T64_H2_D16",)
    cpu_backends: list[str] = ("chunked", "triton")
    cpu_reps: int = 5
    cpu_dtype: Literal["float32", "float16"] = "float32"  # bf16 tl.dot is wrong in the interpreter
    train_steps: int = 5
    train_warmup: int = 1

    def dtype_for(self, device_type: str) -> str:
        return self.dtype if device_type == "cuda" else self.cpu_dtype


def row_timer(row: dict) -> str:
    """How a result row was timed: "events" (eager calls; also rows written before the timer was
    recorded), "graph" (replays of one captured call: host work left out) or "wall" (CPU)."""
    return row.get("timer", "events")


def row_label(row: dict) -> str:
    """The backend as the tables print it: `triton`, or `triton (graph)` for a graph-timed row."""
    return row["backend"] + (" (graph)" if row_timer(row) == "graph" else "")


def sdpa_ratio(row: dict, rows: list[dict]) -> float | None:
    """row's median ms / SDPA's median ms at the same shape and mode, in the same run (merged
    tables: `run`) and with the same timer, None without both."""
    ref = [r["ms"] for r in rows if r["backend"] == "sdpa" and r["shape"] == row["shape"]
           and r["mode"] == row["mode"] and r.get("run") == row.get("run") and "ms" in r
           and row_timer(r) == row_timer(row)]
    return row["ms"] / ref[0] if ref and "ms" in row and ref[0] > 0 else None


def parse_shape(name: str) -> dict[str, int]:
    """'B8_T4096_H16_D128' (optionally '_K256' for a key dim != D) -> dict B, T, H, K, V."""
    m = _SHAPE.match(name)
    if not m:
        raise SuiteError(f"bad bench shape '{name}'; expected B<int>_T<int>_H<int>_D<int>[_K<int>]")
    B, T, H, D, K = (int(x) if x else None for x in m.groups())
    return {"B": B, "T": T, "H": H, "K": K or D, "V": D}
