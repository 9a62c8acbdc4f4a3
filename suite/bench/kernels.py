"""Kernel benchmark: forward and forward+backward medians per shape, kind and backend.

GPU, protocol `timer: events` (the default): `triton.testing.do_bench` (CUDA events, L2 flushed
before every rep) after a warm-up that lets autotuning finish; the time includes what the host
adds where it cannot enqueue launches as fast as the GPU runs them (Python, autograd). `timer:
graph`: the same call captured once in a CUDA graph, each rep an L2 flush and one replay between
two events, so the time is the GPU's alone (`capture`, `_graph_time`). CPU: a wall clock
(`time.perf_counter`) over `cpu_reps` runs after one warm-up run. Each row: median and 20th-80th
percentile (linear interpolation; `ms_p20`, `ms_p80`) and its `timer` (events, graph, wall). A
backend gets a time at a shape only if it passes its correctness gate there (`adapters.check`:
fp64 reference on a slice of the same shape). Rates are reported against the compulsory work
(kernels-notes §5.2, §8): FLOPs of the chunked algorithm (C = 64) and the bytes of reading every
input and writing every output once, against the measured ceilings of the GPU
(`suite.bench.ceilings`; on CPU and on a GPU without its own, the H200's).

    from suite.bench.kernels import measure
    rows = measure(protocol, device, shapes=[...])
"""

from __future__ import annotations

import statistics
import time

import torch
from tqdm import tqdm

from suite.bench import adapters
from suite.bench.ceilings import STORED
from suite.bench.protocol import BenchProtocol, parse_shape

CEILINGS = {k: STORED["h200"][k] for k in ("hbm_TBps", "bf16_TFLOPs")}  # H200, measured (kernels-notes §8.1)
FLOOR_C = 64


def work(shape: dict, kind: str, mode: str, dtype_bytes: int, backend: str) -> tuple[float, float]:
    """(FLOPs, compulsory bytes) of one call (kernels-notes §8.3-8.4)."""
    B, T, H, K, V = (shape[x] for x in "BTHKV")
    n = B * T * H
    if backend == "sdpa":
        flops = 2 * B * H * T * T * (K + V)  # causal: half of 4 B H T^2 D
        qkvo = n * (2 * K + 2 * V) * dtype_bytes
        return (flops, qkvo) if mode == "fwd" else (3.5 * flops, qkvo + n * (2 * K + 3 * V) * dtype_bytes)
    flops = n * (4 * K * V + 2 * FLOOR_C * K + 2 * FLOOR_C * V)
    gate = {"none": 0, "static": 0, "scalar": 4, "vector": 4 * K}[kind]  # fp32 gate per token-head
    fwd_bytes = n * ((2 * K + 2 * V) * dtype_bytes + gate)
    if mode == "fwd":
        return flops, fwd_bytes
    bwd_bytes = n * ((4 * K + 3 * V) * dtype_bytes + 2 * gate)  # read q k v do g; write dq dk dv dg
    return 3 * flops, fwd_bytes + bwd_bytes


def _gpu_time(fn, p: BenchProtocol, grad_to_none) -> list[float]:
    import triton.testing

    for _ in range(3):  # autotune + compile outside the timed region
        fn()
    torch.cuda.synchronize()
    return list(triton.testing.do_bench(fn, warmup=p.warmup_ms, rep=p.rep_ms,
                                        grad_to_none=grad_to_none, quantiles=[0.5, 0.2, 0.8]))


def capture(fn, leaves) -> torch.cuda.CUDAGraph:
    """A CUDA graph of one call of `fn`. Autotuning and compiles run first, eagerly; then two
    calls on a side stream, as capture requires. The gradients of `leaves` are set to None
    before capture, so that the captured backward writes them rather than adding to them.
    `fn` must not keep the autograd graph of its output alive (return nothing, or a detached
    output): a warm-up call's gradient-accumulation nodes would then enter the capture with the
    default stream they ran on, and the capture fails (NOTES.md v31)."""
    for _ in range(3):
        fn()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(2):
            _clear_grads(leaves)
            fn()
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    _clear_grads(leaves)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return graph


def _clear_grads(leaves) -> None:
    for t in leaves or ():
        t.grad = None


def _replays_ms(graph, flush: torch.Tensor, n: int) -> list[float]:
    """ms of `n` replays of `graph`, L2 flushed (outside the timed span) before each."""
    ev = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(n)]
    for start, end in ev:
        flush.zero_()
        start.record()
        graph.replay()
        end.record()
    torch.cuda.synchronize()
    return [start.elapsed_time(end) for start, end in ev]


def _graph_time(fn, p: BenchProtocol, leaves) -> list[float]:
    """[median, p20, p80] ms of graph replays: a warm-up of `warmup_ms`, then `rep_ms` worth of
    reps, counted from five replays, as do_bench counts its calls."""
    import numpy as np

    graph = capture(fn, leaves)
    flush = torch.empty(256 * 2**20 // 4, dtype=torch.int32, device="cuda")  # do_bench's 256 MB
    est = max(statistics.median(_replays_ms(graph, flush, 5)), 1e-3)
    _replays_ms(graph, flush, max(1, int(p.warmup_ms / est)))
    ts = _replays_ms(graph, flush, max(5, int(p.rep_ms / est)))
    del graph
    return [statistics.median(ts), *(float(x) for x in np.percentile(ts, [20, 80]))]


def _cpu_time(fn, p: BenchProtocol) -> list[float]:
    import numpy as np

    fn()
    ts = []
    for _ in range(p.cpu_reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return [statistics.median(ts), *(float(x) for x in np.percentile(ts, [20, 80]))]


def time_one(backend, shape, kind, mode, p, device) -> list[float]:
    """[median, p20, p80] ms of one (backend, shape, kind, mode)."""
    dtype = adapters.dtype_of(p.dtype_for(device.type))
    grad = mode == "fwdbwd"
    q, k, v, g = adapters.make_inputs(shape, kind, dtype, device, grad)
    fn = adapters.backend_fn(backend, kind, shape["K"] ** -0.5)
    if grad:
        do = torch.randn_like(v)
        leaves = [t for t in (q, k, v, g) if t is not None]

        def run():
            fn(q, k, v, g).backward(do)
    else:
        leaves = None

        def run():
            with torch.no_grad():
                fn(q, k, v, g)
    if device.type == "cuda":
        return (_graph_time if p.timer == "graph" else _gpu_time)(run, p, leaves)
    return _cpu_time(run, p)


def _row(backend, name, kind, mode, p, device, checks, ceilings) -> dict:
    shape = parse_shape(name)
    dtype = adapters.dtype_of(p.dtype_for(device.type))
    ck_key = (backend, kind, mode, shape["K"], shape["V"], min(shape["T"], p.check_tokens))
    if ck_key not in checks:
        try:
            checks[ck_key] = adapters.check(backend, shape, kind, dtype, device, mode, p.check_tokens)
        except Exception as exc:  # noqa: BLE001 - a crash is a failed check, recorded
            checks[ck_key] = {"passed": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    row = {"shape": name, "kind": kind if backend != "sdpa" else "softmax", "backend": backend,
           "mode": mode, "dtype": p.dtype_for(device.type), "check": checks[ck_key],
           "timer": p.timer if device.type == "cuda" else "wall"}
    if not checks[ck_key]["passed"]:
        return row
    try:
        with adapters.configs_used(backend) as used:
            med, lo, hi = time_one(backend, shape, kind, mode, p, device)
    except Exception as exc:  # noqa: BLE001 - e.g. out of memory at one shape: recorded
        row["error"] = f"{type(exc).__name__}: {exc}"[:300]
        return row
    if used:  # the configs that ran (autotuned or pinned), first use first
        row["configs"] = list(dict.fromkeys(used))
    flops, nbytes = work(shape, kind, mode, dtype.itemsize, backend)
    if device.type != "cuda":
        row["reps"] = p.cpu_reps
    row.update(ms=med, ms_p20=lo, ms_p80=hi, TFLOPs=flops / med / 1e9, TBps=nbytes / med / 1e9,
               GFLOP=flops / 1e9, MB=nbytes / 1e6,
               floor_ms=max(nbytes / ceilings["hbm_TBps"] / 1e9, flops / ceilings["bf16_TFLOPs"] / 1e9))
    row["x_floor"] = med / row["floor_ms"]
    return row


def plan(p: BenchProtocol, device: torch.device, shapes, backends) -> list[tuple]:
    """(backend, shape, kind, mode) to run; sdpa once per shape (no decay kinds)."""
    out = []
    for name in shapes:
        for b in backends:
            if not adapters.available(b, device):
                continue
            for kind in (p.kinds if b != "sdpa" else p.kinds[:1]):
                if adapters.computes(b, kind):
                    out.extend((b, name, kind, m) for m in p.modes)
    return out


def measure(p: BenchProtocol, device: torch.device, shapes=None, backends=None, on_row=None,
            ceilings: dict | None = None) -> list[dict]:
    """Rows for every planned (backend, shape, kind, mode), with the correctness gate applied;
    `on_row(rows)` is called after each row (the CLI rewrites its results files). Floors against
    `ceilings` (hbm_TBps, bf16_TFLOPs; default the H200's)."""
    ceilings = ceilings or CEILINGS
    on_gpu = device.type == "cuda"
    shapes = list(shapes or ((list(p.shapes) + list(p.sweep)) if on_gpu else p.cpu_shapes))
    backends = list(backends or (p.backends if on_gpu else p.cpu_backends))
    checks: dict = {}
    rows = []
    for b, name, kind, mode in tqdm(plan(p, device, shapes, backends), desc="bench", unit="case"):
        rows.append(_row(b, name, kind, mode, p, device, checks, ceilings))
        if on_row is not None:
            on_row(rows)
        if on_gpu:
            torch.cuda.empty_cache()
    return rows
