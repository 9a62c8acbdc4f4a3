"""Workloads of the Triton backend for a hardware profiler: each runs once warm, inside a
profiler range, so that `ncu --profile-from-start off` sees exactly its kernels.

Workloads (bf16, autotune on; the autotune and compile launches happen before the range):
    scalar-train   anchor scalar decay, training forward + backward
    scalar-train-160m  the same at the paper's 160M layer shape (B32_T2048_H12_D64)
    vector-fwd     anchor vector decay, forward without grad
    vector-state64 anchor vector decay, the split forward's state pass alone at BT = 64
    vector-train   anchor vector decay, training forward + backward

    ncu --clock-control none --profile-from-start off --section SpeedOfLight \
        --section WarpStateStats python -m suite.bench.gpu_profile scalar-train vector-fwd

A development aid for NOTES.md (where the time of each launch goes); `suite bench` is the
benchmark. Without ncu it prints each workload's do_bench median instead.
"""

from __future__ import annotations

import argparse

import torch

from suite.bench import adapters
from suite.bench.protocol import parse_shape

ANCHOR = "B8_T4096_H16_D128"


def _inputs(kind: str, grad: bool, shape: str = ANCHOR):
    dims = parse_shape(shape)
    return adapters.make_inputs(dims, kind, torch.bfloat16, torch.device("cuda"), grad=grad)


def _train(kind: str, shape: str = ANCHOR):
    """fwd + bwd of `kind` at `shape`, as a closure."""
    from suite.kernels import attend

    q, k, v, g = _inputs(kind, grad=True, shape=shape)
    do = torch.randn(q.shape[:3] + (v.shape[-1],), device="cuda", dtype=torch.bfloat16)

    def run():
        o = attend(q, k, v, g, scale=q.shape[-1] ** -0.5, backend="triton")[0]
        torch.autograd.grad(o, (q, k, v, g), do)
    return run


def _vector_fwd():
    from suite.kernels import attend

    q, k, v, g = _inputs("vector", grad=False)
    return lambda: attend(q, k, v, g, scale=q.shape[-1] ** -0.5, backend="triton")


def _vector_state64():
    from suite.kernels.triton import fwd as tf
    from suite.kernels.triton import tuning
    from suite.kernels.triton.autograd import KIND_ID

    q, k, v, g = _inputs("vector", grad=False)
    cfg = next(c for c in tuning.autotune_configs("fwd", "vector") if c["split"] and c["BT"] == 64)
    B, T, H, K = k.shape
    states = k.new_empty(B, H, T // 64, K, v.shape[-1])
    return lambda: tf.state_pass(k, v, g, None, KIND_ID["vector"], cfg=cfg, states=states, ht=None)


WORKLOADS = {"scalar-train": lambda: _train("scalar"), "vector-fwd": _vector_fwd,
             "scalar-train-160m": lambda: _train("scalar", "B32_T2048_H12_D64"),
             "vector-state64": _vector_state64, "vector-train": lambda: _train("vector")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workloads", nargs="+", choices=sorted(WORKLOADS))
    a = ap.parse_args()
    import suite.kernels.triton  # noqa: F401  (registers the backend)
    from triton.testing import do_bench

    for name in a.workloads:
        run = WORKLOADS[name]()
        ms = do_bench(run, warmup=10, rep=50)  # compiles, autotunes, warms up
        torch.cuda.synchronize()
        torch.cuda.cudart().cudaProfilerStart()
        run()
        torch.cuda.synchronize()
        torch.cuda.cudart().cudaProfilerStop()
        print(f"{name}: do_bench median {ms:.3f} ms", flush=True)


if __name__ == "__main__":
    main()
