"""Workloads of the Triton backend for a hardware profiler: each runs once warm, inside a
profiler range, so that `ncu --profile-from-start off` sees exactly its kernels.

Workloads (bf16, autotune on; the autotune and compile launches happen before the range):
    scalar-train   anchor scalar decay, training forward + backward
    scalar-train-160m  the same at the paper's 160M layer shape (B32_T2048_H12_D64)
    vector-fwd     anchor vector decay, forward without grad
    vector-state64 anchor vector decay, the split forward's state pass alone at BT = 64
    vector-train   anchor vector decay, training forward + backward

A development aid for NOTES.md (where the time of each launch goes); `suite bench` is the
benchmark. Without ncu it prints each workload's do_bench median and the configs the autotuner
chose for it. Under ncu the autotuner's own timings are perturbed and it may choose other configs
than a timed run does (NOTES v27); `--configs-from LOG` pins, per workload, the configs that a
run without ncu printed to LOG, so that the profile is of the kernels that were timed:

    python -m suite.bench.gpu_profile scalar-train vector-fwd > times.log
    ncu --clock-control none --profile-from-start off --section SpeedOfLight \
        --section WarpStateStats python -m suite.bench.gpu_profile --configs-from times.log \
        scalar-train vector-fwd
"""

from __future__ import annotations

import argparse
import contextlib
import re
from pathlib import Path

import torch

from suite.bench import adapters
from suite.bench.protocol import parse_shape
from suite.errors import SuiteError

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


def line(name: str, ms: float, used: list[str]) -> str:
    """What main() prints for one workload; `recorded_configs` reads it back."""
    return f"{name}: do_bench median {ms:.3f} ms; configs {' '.join(used)}"


_LINE = re.compile(r"^([\w-]+): do_bench median [\d.]+ ms; configs ?(.*)$")


def recorded_configs(log: Path) -> dict[str, list[str]]:
    """workload -> the config names main() printed for it in `log` (the last line of each)."""
    if not log.is_file():
        raise SuiteError(f"{log}: no such file; expected the output of a gpu_profile run without ncu")
    out = {}
    for text in log.read_text().splitlines():
        m = _LINE.match(text.strip())
        if m:
            out[m.group(1)] = m.group(2).split()
    return out


def pins(names: list[str]) -> list[dict]:
    """The configs of `names`, at most one per (pass, family): what `tuning.pinned` can hold."""
    from suite.kernels.triton import tuning

    cfgs = [tuning.config_by_name(n) for n in names]
    seen = {}
    for c in cfgs:
        key = (c["pass"], c["family"])
        if seen.setdefault(key, c["name"]) != c["name"]:
            raise SuiteError(f"configs {seen[key]} and {c['name']} are both {key[0]} configs of the "
                             f"{key[1]} family; one workload can pin only one of each")
    return cfgs


def _profile(name: str, pinned: list[dict]) -> tuple[float, list[str]]:
    """do_bench median (ms) of one workload, then one run inside the profiler range; with the
    configs chosen (or pinned), each name once, in launch order."""
    from triton.testing import do_bench

    from suite.kernels.triton import tuning

    with contextlib.ExitStack() as stack:
        for cfg in pinned:
            stack.enter_context(tuning.pinned(cfg))
        used = stack.enter_context(tuning.recording())
        run = WORKLOADS[name]()
        ms = do_bench(run, warmup=10, rep=50)  # compiles, autotunes, warms up
        torch.cuda.synchronize()
        torch.cuda.cudart().cudaProfilerStart()
        run()
        torch.cuda.synchronize()
        torch.cuda.cudart().cudaProfilerStop()
    return ms, list(dict.fromkeys(used))


def _pins_by_workload(log: Path | None, workloads: list[str]) -> dict[str, list[dict]]:
    """workload -> the configs to pin for it: those `log` records (every workload must have a
    line there), or none without a log."""
    if log is None:
        return {name: [] for name in workloads}
    recorded = recorded_configs(log)
    missing = [name for name in workloads if name not in recorded]
    if missing:
        raise SuiteError(f"{log}: no line for workload {', '.join(missing)}; it has "
                         f"{', '.join(recorded) or 'none'} (lines '<workload>: do_bench median ...')")
    return {name: pins(recorded[name]) for name in workloads}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workloads", nargs="+", choices=sorted(WORKLOADS))
    ap.add_argument("--configs-from", type=Path, metavar="LOG",
                    help="pin each workload's configs as a run without ncu printed them to LOG")
    a = ap.parse_args(argv)
    try:
        pinned = _pins_by_workload(a.configs_from, a.workloads)
    except SuiteError as exc:
        print(f"error: {exc}")
        return 2
    import suite.kernels.triton  # noqa: F401  (registers the backend)

    for name in a.workloads:
        ms, used = _profile(name, pinned[name])
        print(line(name, ms, used), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
