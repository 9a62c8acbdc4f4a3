# Phases of suite/bench/gpu_session.sh that need no GPU (compile, counts, sweep-counts, summary):
# compiles for Hopper and SASS counts with the Triton here, and summaries of conformance reports.
# Sourced by gpu_session.sh, which runs them before any GPU set-up; each phase_NAME gets the whole
# command line ($1 is the phase's name).

# compile CONFIG [DTYPE] [D] [LIMIT]  (no GPU) compile time and ptxas report of one config for Hopper
phase_compile() {  # compile CONFIG [DTYPE] [D] [LIMIT]: Hopper compile time of one config
  # (kinds static and scalar for the scalar family), no GPU; "not finished" past LIMIT seconds
  timeout "${5:-600}" python3 - "${2:?compile CONFIG}" "${3:-bf16}" "${4:-128}" <<'PY' \
    || echo "${2}: not finished within ${5:-600} s (${3:-bf16}, D = ${4:-128})"
import sys, time
from suite.kernels.triton.resources import compile_config, ptxas_report
from suite.kernels.triton.tuning import config_by_name
cfg, dt, d = config_by_name(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for kind_id in ((1, 2) if cfg["family"] == "scalar" else (3,)):
    t0 = time.time()
    kernel = compile_config(cfg, kind_id, d, d, dt)
    print(f"{cfg['name']} kind {kind_id} {dt} D = {d}: {time.time() - t0:.1f} s", ptxas_report(kernel), flush=True)
PY
}

# counts  (no GPU) per-thread SASS counts of the kernels v18 changed (NOTES v18)
phase_counts() {  # counts: (no GPU) per-thread SASS counts of the vector kernels v18
  # changed, bf16, D = 128 (NOTES v18): the chunk pass of the anchor's training config, both paths
  # and the anchored path alone, then without the gate's gradient (HAS_DG off); the two state
  # sweeps on 32 x 128 blocks, 2 warps; the output pass's anchored path. The same command on an
  # earlier commit's suite/ (PYTHONPATH=DIR of its `git archive`) gives the "before" column.
  python3 - <<'PY'
import triton
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource
from suite.kernels.triton.bwd import bwd_chunk_kernel
from suite.kernels.triton.resources import compile_config, ptxas_report, sass_counts
from suite.kernels.triton.tuning import SWEEP_KEYS, config_by_name
def show(label, k):
    r, c = ptxas_report(k), sass_counts(k)
    print(f"{label}: registers {r['registers']}, spill {r['spill_bytes']} B, "
          + ", ".join(f"{x} {c[x]}" for x in ("SHFL", "BAR", "HMMA", "total")), flush=True)
chunk = config_by_name("bwd-vector-bt32-bv64-w2-s2-dv128-k32-anchor-dh32x128w2")
show("chunk pass, both paths", compile_config(chunk, 3, 128, 128))
show("chunk pass, anchored path", compile_config(chunk, 3, 128, 128, levels=0))
ptr = ("q", "k", "v", "g", "states", "dstates", "do", "dq", "dk", "dv", "dg")
sig = {p: "*fp32" if p in ("g", "dg") else "*bf16" for p in ptr} | {"scale": "fp32", "T": "i32", "NT": "i32", "DGP": "i32"}
cx = dict(H=16, K=128, V=128, BT=32, BK=32, BV=64, KIND=3, LEVELS=0, HAS_DG=False, HAS_DV=False,
          PAIRS=False, IEEE=False, ANCHOR=True)
sig |= {n: "constexpr" for n in cx}
attrs = {(list(sig).index(p),): [["tt.divisibility", 16]] for p in ptr}
show("chunk pass, anchored path, HAS_DG off", triton.compile(
    ASTSource(bwd_chunk_kernel, sig, constexprs=cx, attrs=attrs), target=GPUTarget("cuda", 90, 32),
    options={"num_warps": 2, "num_stages": 2}))
for ps in ("st", "dh"):
    cfg = {"pass": ps, "family": "vector", "BT": 32, "BV": 64, "num_warps": 2, "num_stages": 2, "name": ps,
           **dict(zip(SWEEP_KEYS[ps], (32, 128, 2)))}
    show(f"{ps} sweep 32 x 128, 2 warps", compile_config(cfg, 3, 128, 128))
out = config_by_name("fwd-vector-split-bt32-bv64-w4-s2-anchor")
show("output pass -bt32-bv64-w4-anchor, both paths", compile_config(out, 3, 128, 128))
show("output pass -bt32-bv64-w4-anchor, anchored path", compile_config(out, 3, 128, 128, levels=0))
PY
}

# sweep-counts [D ...]  (no GPU) ptxas and SASS counts of the two state sweeps per block size and warps
phase_sweep_counts() {  # sweep-counts [D ...]: (no GPU) ptxas registers/spills and SASS
  # counts per row of the two state sweeps, per block size and warps (gpu_tune.SWEEP_TILES), bf16,
  # vector at 32-row and scalar at 64-row chunks; first the bytes each blocking moves (sweep_bytes)
  # at the D's named shape (128: the anchor, 64: 160M)
  python3 - "${@:2}" <<'PY'
import sys
from suite.bench.gpu_tune import SWEEP_TILES, sweep_bytes
from suite.bench.protocol import parse_shape
for fam, bt in (("vector", 32), ("scalar", 64)):
    for d in [int(x) for x in sys.argv[1:]] or [128, 64]:
        shape = {128: "B8_T4096_H16_D128", 64: "B32_T2048_H12_D64"}[d]
        for bk, bv in SWEEP_TILES:
            if bk <= d and bv <= d:
                print(f"{fam} {shape} bt{bt} {bk}x{bv}: {sweep_bytes(parse_shape(shape), fam, bt, bk, bv) / 1e9:.2f} GB",
                      flush=True)
from suite.kernels.triton.resources import compile_config, per_row, ptxas_report, sass_counts
from suite.kernels.triton.tuning import SWEEP_KEYS
for fam, kind, bt in (("vector", 3, 32), ("scalar", 2, 64)):
    for d in [int(x) for x in sys.argv[1:]] or [128, 64]:
        for ps in ("st", "dh"):
            for bk, bv in SWEEP_TILES:
                for w in (2, 4, 8) if bk <= d and bv <= d else ():
                    cfg = {"pass": ps, "family": fam, "BT": bt, "BV": 64, "num_warps": w, "num_stages": 2,
                           "name": ps, **dict(zip(SWEEP_KEYS[ps], (bk, bv, w)))}
                    k = compile_config(cfg, kind, d, d, "bf16")
                    r, pr = ptxas_report(k), per_row(sass_counts(k), cfg, d)
                    print(f"{fam} D={d} bt{bt} {ps} {bk}x{bv} w{w}: registers {r['registers']}, spill "
                          f"{r['spill_bytes']} B, per row: instr {pr['instr']}, smem {pr['smem']}, "
                          f"local {pr['local']}", flush=True)
PY
}

# summary DIR  (no GPU) per conformance report in DIR: cases passed, not launchable, worst error,
#                cases by kind (per config across reports: `python -m suite.bench.coverage DIR`)
phase_summary() {  # summary DIR: per conformance report, cases passed and worst rel. RMS by dtype
  python3 - "${2:?summary DIR}" <<'PY'
import json, pathlib, sys
from collections import Counter
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    cases = json.loads(f.read_text())["cases"]
    ok = sum(c["passed"] is True for c in cases)
    oor = sum("OutOfResources" in (c["error"] or "") for c in cases)
    worst = {}
    for c in cases:
        for v in c["errors"].values():
            worst[c["dtype"]] = max(worst.get(c["dtype"], 0.0), v)
    kinds = Counter(c["kind"] for c in cases)  # a run cut short covers the kinds collected first
    print(f"{f.stem}: {ok}/{len(cases)} passed, {oor} not launchable, worst "
          + ", ".join(f"{d} {w:.1e}" for d, w in sorted(worst.items()))
          + "; cases by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))
PY
}
