"""Health check of the first training steps: where a loss turns NaN, and whether the attention
kernel is right on the activations that the model really feeds it.

    python -m suite.bench.train_health --variant gla --tier small --data data/small \
        --backends triton chunked --precisions bf16 fp32 --steps 4 --out health.json

Part 1, per (backend, precision): the tier's model and optimizer (`suite.bench.train_speed.
build_step`) take `--steps` real steps on the prepared data (micro-batches, clip, AdamW, the
tier's learning-rate schedule), and each step records the loss, the gradient norm before
clipping, the parameters whose gradient is not finite, and the modules whose forward output is
not finite (first few of each). Part 2: layer 0's kernel inputs (q, k, v, log-decay) are captured
from one forward of the freshly built model, and each backend's output and input gradients
(for a random output gradient) are compared with the recurrent reference in float64 on the same
device: relative RMS error and count of non-finite elements per tensor. Prints a table and writes
all numbers to `--out` (temp file + rename).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from pathlib import Path

import torch

from suite.provenance import provenance, write_json_atomic

TENSORS = ("o", "dq", "dk", "dv", "dg")


def _nonfinite_modules(model) -> tuple[list, list]:
    """Forward hooks that list (in call order) the modules whose output has a non-finite value."""
    found, handles = [], []
    for name, mod in model.named_modules():
        if not name or any(True for _ in mod.children()):
            continue

        def hook(_m, _i, out, name=name):
            t = out[0] if isinstance(out, tuple) else out
            if torch.is_tensor(t) and t.is_floating_point() and not torch.isfinite(t).all():
                found.append(name)
        handles.append(mod.register_forward_hook(hook))
    return found, handles


def run_steps(variant: str, tier: str, data: Path, backend: str, precision: str, steps: int,
              device: torch.device, batch: int | None = None) -> list[dict]:
    """Per step: loss, grad norm (pre-clip), non-finite gradients and module outputs."""
    import dataclasses

    from suite.bench.train_speed import build_step
    from suite.data.shards import open_shard, rank_batch
    from suite.training.dist import Ctx
    from suite.training.steps import accumulate_grads

    _, dcfg, t, model, opt, _ = build_step(variant, tier, device, backend=backend)
    t = dataclasses.replace(t, precision=precision, **({"batch_size": batch, "micro_batch_size": batch} if batch else {}))
    shard, ctx = open_shard(data, "train"), Ctx(0, 1, device, False)
    micro = min(t.micro_batch_size or t.batch_size, t.batch_size)
    out = []
    for s in range(steps):
        for g in opt.param_groups:
            g["lr"] = t.lr_at(s)
        rows = rank_batch(shard, 0, s, t.batch_size, dcfg.seq_len, 0, 1)
        found, handles = _nonfinite_modules(model)
        total = accumulate_grads(model, rows, ctx, micro, t.precision)
        for h in handles:
            h.remove()
        bad = [n for n, p in model.named_parameters() if p.grad is not None and not torch.isfinite(p.grad).all()]
        norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip))
        opt.step()
        opt.zero_grad(set_to_none=True)
        out.append({"step": s + 1, "loss": total, "grad_norm": norm, "nonfinite_grads": bad[:6],
                    "n_nonfinite_grads": len(bad), "nonfinite_outputs": list(dict.fromkeys(found))[:6]})
    return out


@contextlib.contextmanager
def _capture_attend(store: list):
    """Record the kernel inputs of the model's first attention call (detached copies)."""
    from suite.model.mixer import DecayAttention

    real = DecayAttention._attend

    def spy(self, q, k, v, g, initial_state, want_state):
        if not store:
            store.append({"q": q.detach().clone(), "k": k.detach().clone(), "v": v.detach().clone(),
                          "g": None if g is None else g.detach().clone(), "scale": 1.0})
        return real(self, q, k, v, g, initial_state, want_state)

    DecayAttention._attend = spy
    try:
        yield store
    finally:
        DecayAttention._attend = real


def kernel_on_activations(variant: str, tier: str, data: Path, backends: list[str], precision: str,
                          device: torch.device) -> dict:
    """Each backend against the float64 recurrence on layer 0's real inputs (one micro-batch)."""
    from suite.bench.train_speed import build_step
    from suite.data.shards import open_shard, rank_batch
    from suite.kernels import attend
    from suite.training.dist import Ctx
    from suite.training.steps import token_nll

    _, dcfg, t, model, _, _ = build_step(variant, tier, device, backend=backends[0])
    rows = rank_batch(open_shard(data, "train"), 0, 0, t.batch_size, dcfg.seq_len, 0, 1)
    x = torch.from_numpy(rows[: min(t.micro_batch_size or 8, 8)]).to(device)
    with _capture_attend([]) as store, torch.no_grad():
        token_nll(model, x, precision, Ctx(0, 1, device, False))
    if not store:
        return {"error": "no attention call (softmax mixer?)"}
    inp = store[0]
    do = torch.randn_like(inp["v"], dtype=torch.float64)
    ref = _grads(attend, inp, do, "recurrent", torch.float64)
    report = {"shape": list(inp["q"].shape), "dtype": str(inp["q"].dtype).replace("torch.", ""),
              "log_decay": _stats(inp["g"]), "backends": {}}
    for b in backends:
        try:
            got = _grads(attend, inp, do, b, None)
        except Exception as exc:  # noqa: BLE001 - a backend that cannot run here is reported, not fatal
            report["backends"][b] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            continue
        report["backends"][b] = {n: {"rel_rms": _rel(got[n], ref[n]), "nonfinite": int((~torch.isfinite(got[n])).sum())}
                                 for n in TENSORS if ref.get(n) is not None}
    return report


def _grads(attend, inp: dict, do: torch.Tensor, backend: str, dtype) -> dict:
    leaves = {n: (inp[n].to(dtype) if dtype else inp[n]).clone().requires_grad_(True)
              for n in ("q", "k", "v", "g") if inp[n] is not None}
    o, _ = attend(leaves["q"], leaves["k"], leaves["v"], leaves.get("g"), scale=inp["scale"], backend=backend)
    o.backward(do.to(o.dtype))
    out = {"o": o.detach().double()}
    out.update({f"d{n}": leaf.grad.double() for n, leaf in leaves.items() if leaf.grad is not None})
    return out


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    d = (a - b).nan_to_num(nan=math.inf).pow(2).mean().sqrt()
    return float(d / b.pow(2).mean().sqrt().clamp_min(1e-300))


def _stats(g) -> dict | None:
    if g is None:
        return None
    g = g.double()
    return {"min": float(g.min()), "mean": float(g.mean()), "max": float(g.max())}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m suite.bench.train_health", description=__doc__.split("\n\n")[0])
    p.add_argument("--variant", default="gla")
    p.add_argument("--tier", default="small")
    p.add_argument("--data", type=Path, default=None, help="prepared data (default data/<tier>)")
    p.add_argument("--backends", nargs="+", default=["triton", "chunked"])
    p.add_argument("--precisions", nargs="+", default=["bf16", "fp32"], choices=("bf16", "fp32"))
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--batch", type=int, default=None, help="sequences per step (default: the tier's batch_size)")
    p.add_argument("--device", default=None)
    p.add_argument("--out", type=Path, default=None)
    a = p.parse_args(argv)
    device = torch.device(a.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    data = a.data or Path("data") / a.tier
    steps = {f"{b}/{pr}": _safe(run_steps, a.variant, a.tier, data, b, pr, a.steps, device, a.batch)
             for b in a.backends for pr in a.precisions}
    kernel = {pr: _safe(kernel_on_activations, a.variant, a.tier, data, a.backends, pr, device)
              for pr in a.precisions}
    _print(steps, kernel)
    if a.out:
        write_json_atomic(a.out, {"variant": a.variant, "tier": a.tier, "steps": steps, "kernel": kernel,
                                  "provenance": provenance(device=device, tier=a.tier, variant=a.variant)})
    return 0


def _safe(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - one failing configuration must not hide the others
        return {"error": f"{type(exc).__name__}: {exc}"[:400]}


def _print(steps: dict, kernel: dict) -> None:
    for key, rows in steps.items():
        if isinstance(rows, dict):
            print(f"{key}: {rows['error']}")
            continue
        for r in rows:
            print(f"{key} step {r['step']}: loss {r['loss']:.4f} grad-norm {r['grad_norm']:.3g} "
                  f"nonfinite grads {r['n_nonfinite_grads']} {r['nonfinite_grads'][:3]} outputs {r['nonfinite_outputs'][:3]}")
    for pr, rep in kernel.items():
        if "error" in rep:
            print(f"kernel {pr}: {rep['error']}")
            continue
        print(f"kernel on layer-0 activations ({pr}, {rep['dtype']} {rep['shape']}, log-decay {rep['log_decay']}):")
        for b, errs in rep["backends"].items():
            cells = errs.get("error") or "  ".join(f"{n} {e['rel_rms']:.2e}/{e['nonfinite']}" for n, e in errs.items())
            print(f"  {b}: {cells}")


if __name__ == "__main__":
    sys.exit(main())
