"""Autotune report of the Triton backend on a GPU: per-config times and the split of a step.

For each decay family at the named shapes, runs the forward (no grad), the training forward
(states saved) and the backward through `suite.kernels.attend(backend="triton")` with autotune
on, then prints every timed config (`tuning.TIMINGS`) and the medians of the three pieces
(`triton.testing.do_bench`, ms). With --host it also times the training forward as a caller
sees it, median µs over 200 calls: the time to return (host work and launches, no sync) and to
return and synchronise; the gap between the latter and do_bench's kernel time is host work. The
same for a training step (forward, then backward), against the training forward + backward,
and the step's do_bench median; each through Triton's launch path and the direct one
(suite/kernels/triton/launch.py). --profile adds a cProfile of the step.
With --passes it times the split forward's state pass and output pass alone, per split config.
With --sweeps it times only the two state sweeps (the split forward's state pass, the backward's
state-gradient sweep) per block size and warps. With --static-dg it times only the static
log-decay gradient (Triton sweep per chunk and block size, and the torch version).
A development aid for NOTES.md; `suite bench` is the benchmark.

    python -m suite.bench.gpu_tune [--shapes B8_T4096_H16_D128 ...] [--kinds scalar vector] [--host [--profile]] [--passes]
    python -m suite.bench.gpu_tune --sweeps [--shapes ...] [--kinds ...]
    python -m suite.bench.gpu_tune --static-dg
"""

from __future__ import annotations

import argparse

import torch

from suite.bench import adapters
from suite.bench.protocol import parse_shape


def split_times(shape: str, kind: str):
    """Median ms of forward (no grad), training forward, and backward alone; the forward and a
    training step (forward + backward) as callables."""
    from triton.testing import do_bench

    from suite.kernels import attend

    dims = parse_shape(shape)
    q, k, v, g = adapters.make_inputs(dims, kind, torch.bfloat16, torch.device("cuda"), grad=True)
    scale = dims["K"] ** -0.5

    def fwd():
        return attend(q, k, v, g, scale=scale, backend="triton")[0]

    with torch.no_grad():
        t_fwd = do_bench(fwd, warmup=10, rep=50)
    t_train_fwd = do_bench(fwd, warmup=10, rep=50)
    o = fwd()
    do = torch.randn_like(o)
    t_bwd = do_bench(lambda: torch.autograd.grad(o, (q, k, v, g), do, retain_graph=True), warmup=10, rep=50)

    def step():  # one training step as `suite bench` times it: forward, then backward into fresh grads
        for t in (q, k, v, g):
            if t is not None:
                t.grad = None
        fwd().backward(do)
    return {"fwd": t_fwd, "train_fwd": t_train_fwd, "bwd": t_bwd}, fwd, step


def step_pieces(shape: str, kind: str) -> dict:
    """The training step's pieces as callables, for their host times: the backend's forward and
    backward launch code called directly (`run_forward`, `run_backward`: no autograd, no input
    checks), and the backward through autograd (`torch.autograd.grad`)."""
    from suite.kernels import attend
    from suite.kernels.triton.autograd import run_backward, run_forward

    dims = parse_shape(shape)
    q, k, v, g = adapters.make_inputs(dims, kind, torch.bfloat16, torch.device("cuda"), grad=True)
    scale = dims["K"] ** -0.5
    o, _, states, bt = run_forward(q, k, v, g, None, scale, kind, save=True, store_ht=False)
    do = torch.randn_like(o)
    saved = {"q": q, "k": k, "v": v, "g": g, "states": states, "has_h0": False, "h0_shape": None, "ieee": False}
    o_grad = attend(q, k, v, g, scale=scale, backend="triton")[0]
    return {
        "run_forward": lambda: run_forward(q, k, v, g, None, scale, kind, save=True, store_ht=False),
        "run_backward": lambda: run_backward(saved, do, None, scale, kind, bt),
        "autograd.grad": lambda: torch.autograd.grad(o_grad, (q, k, v, g), do, retain_graph=True),
    }


def pass_times(shape: str, kind: str) -> dict[str, tuple[float, float]]:
    """Median ms of the split forward's two passes alone, per split config of `kind`'s family:
    {config name: (state pass, output pass)}; inference (no states kept for a backward)."""
    from triton.testing import do_bench

    from suite.kernels.triton import fwd as tf
    from suite.kernels.triton import tuning
    from suite.kernels.triton.autograd import KIND_ID, _family

    dims = parse_shape(shape)
    q, k, v, g = adapters.make_inputs(dims, kind, torch.bfloat16, torch.device("cuda"), grad=False)
    B, T, H, K = q.shape
    o = torch.empty_like(v)
    out = {}
    for cfg in tuning.autotune_configs("fwd", _family(kind), max(K, v.shape[-1])):
        if not cfg["split"]:
            continue
        states = q.new_empty(B, H, -(-T // cfg["BT"]), K, v.shape[-1])
        t_state = do_bench(lambda c=cfg, s=states: tf.state_pass(k, v, g, None, KIND_ID[kind], cfg=c,
                                                                  states=s, ht=None), warmup=10, rep=50)
        t_out = do_bench(lambda c=cfg, s=states: tf.output_pass(q, k, v, g, dims["K"] ** -0.5, KIND_ID[kind],
                                                                 cfg=c, states=s, o=o), warmup=10, rep=50)
        out[cfg["name"]] = (t_state, t_out)
    return out


SWEEP_TILES = ((64, 64), (32, 64), (64, 32), (32, 32), (32, 128), (64, 128), (128, 64))


def sweep_bytes(dims: dict, kind: str, bt: int, bk: int, bv: int) -> int:
    """Bytes one state sweep moves at shape `dims` on [bk, bv] blocks: each program reads its rows
    of the key-side operand (k, or q for the state-gradient sweep) and of the fp32 gate once per
    V-block, of the value-side operand (v, or do) once per K-block, all in bf16 but the gate, and
    writes its state block per chunk (bf16). An upper bound: programs of one head may meet in L2."""
    B, T, H, K, V = (dims[x] for x in "BTHKV")
    n, nk, nv = B * T * H, -(-K // bk), -(-V // bv)
    gate = {"vector": n * K * 4, "scalar": n * 4 * nk, "static": 0, "none": 0}[kind]
    return n * K * 2 * nv + n * V * 2 * nk + gate * nv + B * H * -(-T // bt) * K * V * 2


def sweep_times(shape: str, kind: str, warps=(2, 4, 8)) -> list[tuple[str, int, int, int, float, float]]:
    """Median ms of the two state sweeps alone at the training chunk size, per block and warps
    (printed with `sweep_bytes` and the rate it implies): rows (sweep, BK, BV, warps, ms, max
    |difference| from the default blocks' result, tuning.SWEEP_DEFAULT); sweep is
    "st" (the split forward's state pass) or "dh" (the backward's state-gradient sweep).
    Blocks above the head dim are skipped."""
    from triton.testing import do_bench

    from suite.kernels.triton import bwd as tb
    from suite.kernels.triton import fwd as tf
    from suite.kernels.triton import tuning
    from suite.kernels.triton.autograd import KIND_ID

    dims = parse_shape(shape)
    q, k, v, g = adapters.make_inputs(dims, kind, torch.bfloat16, torch.device("cuda"), grad=False)
    B, T, H, K = q.shape
    V = v.shape[-1]
    bt = tuning.train_bt("vector" if kind == "vector" else "scalar", K, V)
    do = torch.randn_like(v)
    scale = K ** -0.5
    runs = {
        "st": lambda c, s: tf.state_pass(k, v, g, None, KIND_ID[kind], cfg=c, states=s, ht=None),
        "dh": lambda c, s: tb.dh_sweep(q, g, do, None, scale, KIND_ID[kind], cfg=c, dstates=s, dh0=None),
    }
    rows = []
    for sweep, run in runs.items():
        ref = q.new_empty(B, H, -(-T // bt), K, V)
        run({"BT": bt}, ref)
        for bk, bv in SWEEP_TILES:
            if bk > K or bv > V:
                continue
            for w in warps:
                cfg = {"BT": bt, **dict(zip(tuning.SWEEP_KEYS[sweep], (bk, bv, w)))}
                out = torch.full_like(ref, float("nan"))
                run(cfg, out)
                diff = float((out.float() - ref.float()).abs().max())
                ms = do_bench(lambda c=cfg, o=out: run(c, o), warmup=10, rep=50)
                rows.append((sweep, bk, bv, w, ms, diff))
                gb = sweep_bytes(dims, kind, bt, bk, bv) / 1e9
                print(f"{shape} {kind} bt{bt} {sweep} {bk}x{bv} w{w}: {ms:.3f} ms, {gb:.2f} GB ({gb / ms:.2f} TB/s), "
                      f"max|diff| {diff:.2e}", flush=True)
    return rows


def host_times(fwd, calls: int = 200) -> dict[str, float]:
    """Median µs of `fwd()` returning (host launch work) and returning + synchronising."""
    import statistics
    import time

    for _ in range(20):
        fwd()
    torch.cuda.synchronize()
    launch, total = [], []
    for _ in range(calls):
        t0 = time.perf_counter()
        fwd()
        t1 = time.perf_counter()
        torch.cuda.synchronize()
        launch.append(t1 - t0)
        total.append(time.perf_counter() - t0)
    return {"host_launch_us": statistics.median(launch) * 1e6,
            "launch_sync_us": statistics.median(total) * 1e6}


def host_report(label: str, fwd, step, pieces: dict, profile: bool = False) -> None:
    """Print the host times (`host_times`) of the training forward, the step and its `pieces`
    (`step_pieces`), and the step's do_bench median (what `suite bench` reports), launching
    through Triton's path and through the direct one (suite/kernels/triton/launch.py); with
    `profile`, the step's cProfile (the backward's Python, run on autograd's own thread,
    appears in it too: NOTES.md v17)."""
    from triton.testing import do_bench

    from suite.kernels.triton import launch

    for path, on in (("triton path", False), ("direct path", True)):
        with launch.direct(on):
            before = dict(launch.STATS)
            parts = {f"fwd {n}": us for n, us in host_times(fwd).items()}
            parts.update({f"step {n}": us for n, us in host_times(step).items()})
            for name, fn in pieces.items():
                parts[f"{name} host_launch_us"] = host_times(fn)["host_launch_us"]
            parts["step do_bench us"] = do_bench(step, warmup=25, rep=200, return_mode="median") * 1e3
            used = {k: launch.STATS[k] - before[k] for k in before}
        print(f"{label} host, {path} (launches {used}): " + ", ".join(f"{n} {us:.1f}" for n, us in parts.items()),
              flush=True)
    if profile:
        print(host_profile(step), flush=True)


def host_profile(fn, calls: int = 200, top: int = 25) -> str:
    """cProfile of `calls` calls of fn (each synchronised), the `top` rows by own time."""
    import cProfile
    import io
    import pstats

    for _ in range(20):
        fn()
    torch.cuda.synchronize()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        fn()
        torch.cuda.synchronize()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def static_dg_times(shape: str) -> dict[str, float]:
    """Median ms of the static log-decay gradient alone (bf16 inputs, h0 and dht given): the
    Triton sweep per (chunk, block) and the torch version."""
    from triton.testing import do_bench

    from suite.kernels.static_grad import static_decay_grad
    from suite.kernels.triton.static_dg import static_decay_grad_triton

    s = parse_shape(shape)
    B, T, H, K, V = s["B"], s["T"], s["H"], s["K"], s["V"]
    gen = torch.Generator(device="cuda").manual_seed(0)
    q, k = (torch.randn(B, T, H, K, device="cuda", generator=gen).bfloat16() for _ in range(2))
    v, do = (torch.randn(B, T, H, V, device="cuda", generator=gen).bfloat16() for _ in range(2))
    g = -torch.rand(H, device="cuda", generator=gen)
    h0, dht = (torch.randn(B, H, K, V, device="cuda", generator=gen) for _ in range(2))
    out = {f"sweep-bt{bt}-block{blk}": do_bench(
        lambda bt=bt, blk=blk: static_decay_grad_triton(q, k, v, g, h0, do, dht, 0.1, chunk=bt, block=blk))
        for bt, blk in ((64, 32), (64, 64), (32, 32))}
    out["torch"] = do_bench(lambda: static_decay_grad(q, k, v, g, h0, do, dht, 0.1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", nargs="+", default=["B8_T4096_H16_D128", "B32_T2048_H12_D64"])
    ap.add_argument("--kinds", nargs="+", default=["scalar", "vector"])
    ap.add_argument("--host", action="store_true", help="also the host-side time of the forward")
    ap.add_argument("--profile", action="store_true", help="with --host: also a cProfile of the training step")
    ap.add_argument("--passes", action="store_true", help="also each pass of the split forward alone")
    ap.add_argument("--sweeps", action="store_true",
                    help="only the two state sweeps alone, per block size and warps (training chunk size)")
    ap.add_argument("--static-dg", action="store_true",
                    help="only the static log-decay gradient alone: Triton sweep per chunk/block, torch")
    a = ap.parse_args()
    if a.static_dg:
        for shape in a.shapes:
            t = static_dg_times(shape)
            print(f"{shape} static dg: " + ", ".join(f"{n} {ms:.3f} ms" for n, ms in t.items()), flush=True)
        return
    if a.sweeps:
        for shape in a.shapes:
            for kind in a.kinds:
                sweep_times(shape, kind)
        return
    import suite.kernels.triton  # noqa: F401  (registers the backend)
    from suite.kernels.triton import tuning

    for shape in a.shapes:
        for kind in a.kinds:
            t, fwd, step = split_times(shape, kind)
            print(f"{shape} {kind}: " + ", ".join(f"{n} {ms:.3f} ms" for n, ms in t.items()), flush=True)
            if a.host:
                host_report(f"{shape} {kind}", fwd, step, step_pieces(shape, kind), profile=a.profile)
            if a.passes:
                for name, (t_s, t_o) in pass_times(shape, kind).items():
                    print(f"{shape} {kind} {name}: state pass {t_s:.3f} ms, output pass {t_o:.3f} ms", flush=True)
    for key, times in tuning.TIMINGS.items():
        ranked = sorted(times.items(), key=lambda kv: kv[1])
        print(key, " ".join(f"{n}={ms:.3f}" for n, ms in ranked), flush=True)


if __name__ == "__main__":
    main()
