"""One-off kernel probe: a backend against the fp64 recurrence at shapes the test grids do not hold.

The conformance suite (`pytest -m kernels`) fixes its grid; this prints, for any kind x regime x
dtype at a chosen shape, every tensor's relative RMS error and whether it is within the suite's
tolerance (`kernel_utils.TOLERANCE`). Cases are built by `kernel_utils.make_case` (the seed
defaults to the conformance suite's T*7+D), optionally with a constant log-decay and with the
output gradient zeroed (the final-state gradient alone).

    TRITON_INTERPRET=1 python tests/kernel_probe.py --kinds static --regimes strong --T 63 --D 128 \
        --no-h0                                                  # a conformance GPU case, on CPU
    TRITON_INTERPRET=1 python tests/kernel_probe.py --T 4096 --D 16 --B 1 --H 1 \
        --dtypes float32 float16                                 # long sequences, every kind/regime
    TRITON_INTERPRET=1 python tests/kernel_probe.py --kinds scalar --T 63 --D 128 --log-decay -10 --zero-do

Exit status 1 when any tensor is outside its tolerance.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time

import torch
from kernel_utils import REGIMES, as_dtype, close, make_case, reference, run_case

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


def probe(a, kind: str, regime: str) -> list[tuple[str, bool, dict]]:
    """[(dtype, passed, {tensor: rel-RMS})] of one kind and regime."""
    seed = a.seed if a.seed is not None else a.T * 7 + a.D
    base = make_case(kind, regime, B=a.B, T=a.T, H=a.H, K=a.D, V=a.D, dtype=torch.float32, h0=a.h0,
                     device=a.device, seed=seed, grid=torch.bfloat16)
    if a.log_decay is not None and base.g is not None:
        base = dataclasses.replace(base, g=torch.full_like(base.g, a.log_decay))
    if a.zero_do:
        base = dataclasses.replace(base, do=torch.zeros_like(base.do))
    ref = reference(base)
    out_rows = []
    for name in a.dtypes:
        dt = DTYPES[name]
        out = run_case(as_dtype(base, dt), a.backend)
        verdicts = {n: close(ref[n], out[n], dt) for n in ref if out.get(n) is not None}
        out_rows.append((name, all(v[0] for v in verdicts.values()), {n: v[1] for n, v in verdicts.items()}))
    return out_rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", default="triton")
    ap.add_argument("--kinds", nargs="+", default=["static", "scalar", "vector"])
    ap.add_argument("--regimes", nargs="+", default=list(REGIMES), choices=list(REGIMES))
    ap.add_argument("--dtypes", nargs="+", default=["float32"], choices=list(DTYPES))
    ap.add_argument("--B", type=int, default=2)
    ap.add_argument("--T", type=int, default=63)
    ap.add_argument("--H", type=int, default=2)
    ap.add_argument("--D", type=int, default=16, help="head dim (K = V)")
    ap.add_argument("--seed", type=int, default=None, help="default T*7+D, as in the conformance suite")
    ap.add_argument("--no-h0", dest="h0", action="store_false", help="no initial state")
    ap.add_argument("--log-decay", type=float, default=None, help="this log-decay on every row instead")
    ap.add_argument("--zero-do", action="store_true", help="zero output gradient: the final-state one alone")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = ap.parse_args(argv)
    ok = True
    for kind in a.kinds:
        for regime in a.regimes:
            t0 = time.perf_counter()
            for name, passed, errs in probe(a, kind, regime):
                worst = max(errs, key=errs.get)
                print(f"{kind:6} {regime:6} {name:8} {'ok  ' if passed else 'FAIL'} worst {worst} "
                      f"{errs[worst]:.1e}  " + " ".join(f"{n} {e:.1e}" for n, e in errs.items()), flush=True)
                ok &= passed
            print(f"       ({time.perf_counter() - t0:.0f} s)", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
