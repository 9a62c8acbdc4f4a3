#!/usr/bin/env bash
# One GPU run of the kernel work: `bash suite/bench/gpu_session.sh PHASE` from the repo root,
# with $OUT set (logs and JSON land there) and the fla-core wheel in .whl/ (carried).
#   compile CONFIG [DTYPE] [D] [LIMIT]  (no GPU) compile time and ptxas report of one config for Hopper
#   sweep-counts [D ...]  (no GPU) ptxas and SASS counts of the two state sweeps per block size and warps
#   counts  (no GPU) per-thread SASS counts of the kernels v18 changed (NOTES v18)
#   summary DIR  (no GPU) per conformance report in DIR: cases passed, not launchable, worst error,
#                cases by kind (per config across reports: `python -m suite.bench.coverage DIR`)
#   main    (a) correctness of the default Triton configs over kinds x dtypes x head dims x T
#               against the fp64 recurrence (gpu_check --part matrix, autotune off),
#           (b) `suite bench` at B8_T4096_H16_D128 and B32_T2048_H12_D64 (ours, fla, SDPA),
#               each backend gated by its own fp64 check on a slice of the shape
#   configs every pinned config (gpu_check --part configs)
#   final   conformance suite (triton, fla) + bench sweep + third shape + pytest-benchmark baseline
#   v2a     conformance (triton, bf16, T < 4096) + autotune timings per config + suite bench at the
#           three named shapes (ours, fla, SDPA) + conformance (fla, bf16, T < 4096)
#   v3a     fla rows at the anchor and 1.45B shapes (fla's first backward autotunes for minutes)
#   v3b     fla conformance (bf16, D=64, T <= 500, not vector) + every pinned Triton config
#   v3c     pytest-benchmark baseline + triton fp16/fp32 conformance + T sweep and SDPA rows
#   v3d     the dg fix's cases (static/scalar, T=63, D=128, every dtype) + its regression test
#   v4a     vector conformance of v2.2 (all dtypes) + baseline compare + T = 4096 conformance
#   v4b     fla conformance with its Hopper guard bypassed (fp64 decides)
#   v4c     every pinned Triton config; `CONFIG_SHARD=I/N` runs configs I, I+N, ... only,
#           `CONFIG_K=EXPR` only those pytest -k EXPR selects; CONF_LIMIT seconds (default 290)
#   v5a     static log-decay gradient from the state's derivative (static_grad.py): conformance of
#           the static kind at T = 1024 and 4096 (triton, chunked; bf16, fp32), then its cost:
#           suite bench static vs scalar at the anchor and the 160M shape (triton)
#   v7a     split forward (fwd.py: state pass + chunk-parallel output): conformance of its pinned
#           configs, per-config autotune times (gpu_tune), bench at 160M (ours, fla, SDPA) and the anchor
#   v7b     v5a's long-T static conformance; forward rows (ours, fla, SDPA) at the anchor and 160M;
#           default-config bf16 conformance at T = 63
#   v7c     the split forward's passes alone (gpu_tune --passes); pytest-benchmark compare against the
#           stored baseline, saving this run beside it
#   v7d     bench at the anchor (ours, SDPA) and the 160M scalar rows with fla's fwd+bwd in the same run
#   v7e     static (gradient from static_grad.py) beside scalar decay, ours, at 160M and the anchor
#   v7f     every pinned config, SHARDS (8) conformance processes at once on one GPU (compile-bound);
#           CONFIG_K / CONF_LIMIT as in v4c; the reports come back in one tarball
#   v8a     backward with dv in a pass of its own (dv_split configs): per-config times (gpu_tune),
#           their pinned conformance (8 shards), the 160M rows (ours, fla) in one run
#   v8b     the kept dv_split configs' conformance per (config, kind); 160M scalar rows beside
#           fla's; the anchor's rows (ours)
#   v8c     pinned conformance of the split-forward and dv_split configs; pytest-benchmark compare
#   v8d     pytest-benchmark compare alone (v8c's ran on a host still busy with compiles)
#   v9a     the static log-decay gradient as a Triton sweep: static conformance at T = 1024 and
#           4096 (triton, bf16, fp32), static beside scalar forward+backward (ours)
#   v9b     the static sweep's conformance at T = 4096 (D = 64), its time alone per block size
#   v10a    v10 kernels (shared chunk prologue, sub-chunk split forward, static sweep on 64 x 64
#           tiles): GPU correctness in parallel processes (default configs bf16 T = 63 / 1024,
#           static T = 1024 / 4096, the sub-chunk configs pinned), then per-config times
#   v10b    the split passes at B2_T16384_H16_D128; bench: the anchor's rows (ours, every kind), the
#           160M scalar rows beside fla in one run
#   v10c    the split configs pinned; static rows at 160M; pytest-benchmark compare, saved as kernels_v10
#   v10d    pytest-benchmark at 10 calls per round (one sync): baseline saved, then compared against
#   v11a    Nsight Compute on the anchor's launches (gpu_profile.py workloads): time, occupancy,
#           throughput and the stall reasons per kernel, with the configs of the timed run pinned;
#           one tarball back
#   v11b    the scalar backward's chunk pass over 64-channel K-blocks (configs *-k64): their
#           conformance pinned (bf16 and fp32, D = 128, every scalar-family kind), the vector dv
#           pass after its new arguments, per-config times (gpu_tune) and Nsight Compute again
#   v11c    bench: the anchor's scalar and static rows, the 160M scalar rows beside fla in one run
#   v11d    pytest-benchmark compare against the calls-10 baseline, saved as kernels_v11
#   v12a    v12 (NOTES.md), configs still `pending`, pinned: the sweep with the scalar decay on its
#           products' rows (also through TMA, on 8 warps, over all of V), the scalar backward over
#           all of V, its dv pass on 8 warps, dv in the state-gradient sweep (dhdv.py):
#           conformance in parallel processes
#   v12v    the same for the vector family's pending configs (8 warps; states through TMA)
#   v12av   v12a and v12v in one call (T in 63 and 1024 for bf16), for a session short of device time
#   v12f    v12av's fp32 runs alone (CONF_LIMIT seconds each, default 300), one tarball
#   v12s    v12's scalar-family configs pinned on the `scalar` kind alone (the other pass not autotuned)
#   v12t    v12's scalar-family configs in fp32: each at D = 64, the backward ones at D = 128
#   v12u    v12t's gaps (fp32 static at D = 64; the 32-row forward's scalar kind), fewer processes
#   v12w    the v12 scalar-family cases earlier runs' time limits cut off
#   v12g    fp32 conformance of v12b's scalar winners (rows forward, dhdv backward), per config and T
#   v12b    per-config times (gpu_tune) with the pending configs, Nsight Compute on the anchor's launches
#   v12c    bench: the anchor's rows (ours, every decayed kind), the 160M scalar rows beside fla
#   v12d    pytest-benchmark compare against kernels_v11, saved as kernels_v12
#   v16d    the same gate with v15-v16 admitted, saved as kernels_v16
#   v13a    v13 (NOTES.md): the vector configs that score a chunk from one anchor, pinned
#           (conformance: bf16 T = 63 / 1024, every regime; fp32 T = 63 / 500)
#   v13b    their times: gpu_tune (16-row training step with the anchor among the candidates, then
#           the 32-row step pinned), the split forward's passes alone, Nsight Compute on vector-fwd
#   v13c    bench: the anchor's vector rows, ours (pending on) beside fla, in one run
#   v14a    v14 (NOTES.md): this GPU's ceilings (python -m suite.bench.ceilings); the split forward's state pass and the backward's state-gradient sweep
#           alone, per block size and warps (gpu_tune --sweeps), anchor and 160M shapes
#   v14b    V14="CONFIG ...": those configs pinned (conformance), then their times (gpu_tune, pending on)
#   v14c    this GPU's ceilings; the anchor's vector rows (ours, fla) with v14's configs admitted
#   v16r    the 1.45B layer shape's scalar rows (ours, fla)
#   v17a    direct launches (launch.py): host times through both launch paths (gpu_tune --host
#           --profile, 1.45B and 160M scalar); the default configs' matrix; bf16 conformance
#   v17b    direct launches: the 1.45B and 160M scalar rows beside fla, ours through Triton's path
#           too; the 1.45B step's host times; on an H200 the gate, saved as kernels_v17
#   v18a    v18 (NOTES.md): the vector gate's sums in the chunk-parallel kernels as products with
#           triangles. Per-config times and the pieces of the vector step (gpu_tune --passes) at
#           the anchor, for this tree and for the kernels before it (.whl/base.tgz, a `git archive`
#           of the previous commit's suite/) on one machine; then the anchor's vector rows (ours)
#   v18b    v18's correctness: every vector config pinned (8 processes, T = 63 / 1024, D = 64 / 128,
#           bf16 / fp32, weak / strong gates) beside the default configs' matrix (gpu_check)
#   v19a    the H200 table's anchor rows of the tree's kernels: ceilings, the vector rows beside fla
#           (BENCH_LIMIT, default 330 s: fla autotunes its backward on a fresh machine), then the
#           scalar and static rows (ours); SDPA=1: SDPA in the vector rows' run too (v19a and
#           v19b), so that the table's x SDPA column pairs ours with it at the named shapes
#   v19b    the D = 64 scalar rows beside fla: 160M, then 1.45B (issue 6's 2x); the vector rows
#           (ours) at both D = 64 shapes
#   v19e    SDPA at the three named shapes; fla's scalar rows at the anchor beside ours
#   v19f    the D = 64 scalar step's pieces and per-config times (gpu_tune)
#   v19d    the T sweep at D = 128 (T = 1k, 2k, 8k, 16k; the anchor is v19a's), ours and SDPA
#   v19h    a first pytest-benchmark baseline for this GPU (baselines/bench/<gpu>/, saved as
#           kernels_v18); AGAIN=1: then the gate against it at once (unchanged kernels must pass)
#   v22a    v22 (NOTES.md): the D = 64 scalar step's per-config times with the register-capped
#           configs among the candidates (gpu_tune, pending on: they were pending when it ran,
#           admitted since); their conformance, pinned (CONF_LIMIT, default 180 s); the 160M
#           scalar rows beside fla (BENCH_LIMIT)
#   v22b    the 1.45B scalar rows beside fla, pending on; the 160M step's launches under Nsight
#           Compute as the autotuner picks them (registers, occupancy, time per launch)
#   v25a    v25 (NOTES.md): the D = 64 scalar step's per-config times with the chunk pass over 2 or 4
#           chunks per program among the candidates (gpu_tune, pending on: they were pending when
#           it ran, admitted since); their conformance, pinned (CONF_LIMIT, default 150 s; the
#           admitted two, `c2 or c4`); the D = 64 scalar rows beside fla and SDPA (BENCH_LIMIT,
#           default 200 s; 0 skips them)
#   v25b    v25's configs admitted (pending off): the D = 64 scalar rows beside fla and SDPA in one
#           run (BENCH_LIMIT, default 200 s), then the pytest-benchmark gate against this GPU's
#           newest stored run, saved as NAME (default kernels_v25; PB_COMPARE_LIMIT, default 300 s)
#   v26a    v26 (NOTES.md): the D = 64 scalar step's per-config times with the chunk pass carrying
#           dS over its cpp chunks among the candidates (gpu_tune, pending on; TUNE_LIMIT, default
#           150 s), then those configs pinned (conformance; CONF_LIMIT, default 150 s); v26 was
#           rejected and its configs removed: run it from a checkout of eddca9c
#   v27a    v27 (NOTES.md): v26a with v27's configs too (the D = 64 picks without bounds checks,
#           `even`): the step's per-config times with every pending config among the candidates
#           (gpu_tune; TUNE_LIMIT, default 150 s), then the `carry` and `even` configs pinned
#           (conformance; CONF_LIMIT, default 150 s)
#   v27b    the D = 64 scalar rows beside fla and SDPA with the pending configs among the autotuner's
#           candidates (SUITE_TRITON_PENDING=1; BENCH_LIMIT, default 420 s: fla autotunes on a fresh
#           machine); each row records the configs it ran
#   v27h    v27's uncapped forward (`fwd-scalar-bt64-bv64-w4-s2-even`, still pending) pinned on the
#           scalar and static kinds (conformance, two processes; CONF_LIMIT, default 200 s: v27a's limit
#           cut them before T = 1024, the only length of the GPU grid where `even` drops the bounds
#           checks); the coverage table of the two reports
#   v27i    v27h's T = 1024 cases alone (`--config-T 1024`; CONF_LIMIT, default 330 s): v27h's 200 s
#           reached only T = 63 again, where the cases compile-bound each (D, dtype) first
#   v28a    v28 (NOTES.md): the D = 64 scalar step's per-config times (gpu_tune, pending configs among
#           the candidates; TUNE_LIMIT, default 150 s each) on this tree's 64-row chunks, then with
#           the 128-row backward pinned (its forward from the 128-row candidates); then the two
#           128-row configs pinned (conformance, six processes; CONF_LIMIT, default 250 s);
#           rejected and its configs removed: run it from a checkout of 566e0a2
#   v28b    the D = 128 scalar rows of the H100 table on this tree, where v27's uncapped `even` forward
#           is a candidate since v27i: the anchor beside fla (BENCH_LIMIT, default 280 s), the T sweep
#           beside SDPA (SWEEP_LIMIT, default 200 s)
#   v29a    v29 (NOTES.md): the scalar step's per-config times at the anchor and the 160M shape with
#           v29's pending configs among the candidates (gpu_tune; TUNE_LIMIT, default 200 s), then
#           those configs pinned at D = 128 (conformance, twelve processes, `--config-D 128`;
#           CONF_LIMIT, default 280 s)
#   v29b    v29's pending configs pinned at D = 64 (`--config-D 64`; CONF_LIMIT, default 280 s);
#           v29 is settled (one config admitted, three removed): run v29a/v29b from a checkout of
#           29f9aac to time the removed ones
#   v24h    the issue's targets measured on this tree, in one call of a few minutes (H200): the
#           ceilings, the anchor's static, scalar and vector rows (ours beside SDPA; fla's vector
#           backward autotunes for minutes on a fresh machine, so fla is left to v19a), then the
#           D = 64 scalar rows beside fla and SDPA (D64_LIMIT, default 220 s; 0 skips them: fla
#           autotunes each case for 20-40 s on a fresh machine, so a second call on the warm one
#           with D64_LIMIT alone gives the whole run)
#   v30a    the graph timer (`suite bench --timer graph`, NOTES v30): its GPU test (a replay leaves the
#           eager step's gradients), then the scalar rows at the three named shapes, ours, fla and
#           SDPA, timed as CUDA-graph replays (GRAPH_LIMIT, default 300 s: fla autotunes on a fresh
#           machine), then the same rows eager (EAGER_LIMIT, default 150 s), one machine, back to back
#   v30b    the graph timer's GPU test, then the pytest-benchmark gate against this GPU's newest
#           stored run, saved as NAME (default kernels_v29), then the vector rows (ours) at the
#           three named shapes as graph replays (GRAPH_LIMIT, default 120 s)
#   v31a    this tree's H200 table in three calls on one warm machine: the graph timer's GPU test,
#           the ceilings, the scalar rows at the three named shapes as graph replays beside fla and
#           SDPA (GRAPH_LIMIT, default 420 s; fla autotunes for minutes on a fresh machine)
#   v31b    the eager rows: the anchor (ours, every kind; SDPA), D = 64 (scalar beside fla and SDPA;
#           static and vector, ours), the T sweep (ours, SDPA)
#   v31c    the anchor's vector rows beside fla's, then the gate saved as NAME (default kernels_v30;
#           PB_COMPARE_LIMIT=0 skips it)
#   gate    the pytest-benchmark gate alone (this GPU's newest stored run; NAME: the name it is saved as)
#   v19c    the pytest-benchmark gate against the newest stored baseline, saved as kernels_v18; then
#           v18a's two step timings (this tree, then .whl/base.tgz's kernels) on the same machine
#   v2d     160M-shape bench (ours, fla, SDPA), SDPA at the anchor, fla conformance (T=63, D=64)
#   v2c     static check, three-shape bench, fla conformance (T <= 500), fp16/fp32, baseline
#   v2b     conformance (triton, fp16/fp32) + every pinned config + T sweep + pytest-benchmark baseline
set -u
if [ "${1:-}" = compile ]; then  # compile CONFIG [DTYPE] [D] [LIMIT]: Hopper compile time of one config
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
  exit 0
fi
if [ "${1:-}" = counts ]; then  # counts: (no GPU) per-thread SASS counts of the vector kernels v18
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
  exit 0
fi
if [ "${1:-}" = sweep-counts ]; then  # sweep-counts [D ...]: (no GPU) ptxas registers/spills and SASS
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
  exit 0
fi
if [ "${1:-}" = summary ]; then  # summary DIR: per conformance report, cases passed and worst rel. RMS by dtype
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
  exit
fi
export PYTHONUNBUFFERED=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
# compiled kernels and autotune picks persist across the calls of one warm machine (ignored path)
export TRITON_CACHE_DIR=$PWD/.cache/triton TRITON_CACHE_AUTOTUNING=1
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu --format=csv | tee "$OUT/gpu.txt"
python3 -c "import torch, triton, fla; print('torch', torch.__version__, 'triton', triton.__version__, 'fla ok')"
scrub() {  # the logs under $OUT without this machine's paths (they are committed as they come back)
  find "$OUT" -name "*.log" -exec sed -i -e "s#$OUT#\$OUT#g" -e "s#$PWD/#./#g" \
    -e "s#[^ \"']*/site-packages/#<site-packages>/#g" -e "s#/tmp/site/#<packages>/#g" \
    -e "s#/tmp/base_kernels#<previous kernels>#g" {} +
}
conf() {  # conf NAME TIMEOUT PYTEST-ARGS...: one conformance run with its own JSON report
  local name=$1 t=$2; shift 2
  timeout "$t" python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/test_conformance.py -m kernels "$@" \
    --conformance-report "$OUT/$name.json" > "$OUT/$name.log" 2>&1
  echo "== $name rc=$?"; tail -n 4 "$OUT/$name.log"; grep -m 12 "^FAILED" "$OUT/$name.log"
}
bench() {  # bench NAME TIMEOUT SUITE-BENCH-ARGS...: one `suite bench` run into $OUT/NAME;
           # TIMEOUT 0 skips it (for `timeout`, 0 would mean no limit)
  local n=$1 t=$2; shift 2
  [ "$t" = 0 ] && { echo "== $n skipped (limit 0)"; return 0; }
  timeout "$t" python3 -m suite.cli bench --no-sweep --out "$OUT/$n" "$@" > "$OUT/$n.log" 2>&1
  echo "== $n rc=$?"; grep "|" "$OUT/$n/"*/kernels.md | tail -n 12
}
shards() {  # shards TAG LIMIT: pinned-config conformance, SHARDS (8) processes at once, one tarball;
            # autotune off: a pinned backward config fixes BT, and timing every forward config of
            # that BT per case made the cases compile-bound (v8b: 6 scalar cases in 150 s).
            # CONF_ARGS: more pytest options (--config-T, --config-D: a part of each pair's grid).
            # One call at a time: its end stops every ptxas on the machine
  local n=${SHARDS:-8} tag=$1 i
  for i in $(seq 0 $((n - 1))); do
    # shellcheck disable=SC2086  # CONF_ARGS is a list of options
    SUITE_TRITON_NO_AUTOTUNE=1 timeout "$2" python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/test_conformance.py \
      -m kernels --backend triton --config-shard "$i/$n" -k "test_triton_config${CONFIG_K:+ and ($CONFIG_K)}" \
      ${CONF_ARGS:-} --conformance-report "$OUT/configs_${tag}_shard$i.json" > "$OUT/configs_${tag}_shard$i.log" 2>&1 &
  done
  wait
  pkill -f ptxas || true  # compiles a timed-out shard left behind (they loaded the host in v8c)
  for i in $(seq 0 $((n - 1))); do echo "== shard $tag $i/$n"; tail -n 2 "$OUT/configs_${tag}_shard$i.log"; done
  (cd "$OUT" && tar czf "configs_$tag.tgz" configs_"${tag}"_shard* && rm -f configs_"${tag}"_shard*)
}
# this GPU's stored pytest-benchmark runs (baselines/bench/<gpu>/): one folder per GPU model
BL=baselines/bench/$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1 \
  | sed -E 's/.*(H200|H100|A100|L40S).*/\1/' | tr 'A-Z ' 'a-z_')
pb() {  # pb TIMEOUT ARGS...: the pytest-benchmark rows (PB_K, default: not fla, whose eager rows move
       # with the host and whose autotuning takes minutes on a fresh machine; PB_K=graph: every
       # graph-replay row, fla's too) with this GPU's stored baselines at hand
  timeout "$1" python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py \
    --benchmark-only -k "${PB_K:-not fla}" --benchmark-storage="$BL" --benchmark-columns=median,iqr "${@:2}"
}
graph_test() {  # graph_test TAG: the graph timer's GPU test (a replay leaves the eager step's gradients)
  timeout 120 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/test_bench_kernels.py -m gpu \
    > "$OUT/pytest_gpu_$1.log" 2>&1; echo "== gpu test rc=$?"; tail -n 3 "$OUT/pytest_gpu_$1.log"
}
compare() {  # compare NAME: pytest-benchmark rows against the newest stored run, saved as NAME
  pb "${PB_COMPARE_LIMIT:-220}" --benchmark-compare --benchmark-compare-fail=median:10% --benchmark-save="$1" \
    > "$OUT/pytest_compare_$1.log" 2>&1
  echo "== compare rc=$?"; grep -v "^ \|^Trace\|^  File" "$OUT/pytest_compare_$1.log" | tail -n 26
  (cd "$BL" && tar czf "$OUT/baseline_$1.tgz" .)
}
bg() {  # bg CMD...: CMD in the background, at most MAXP (default 10) at once: sixteen conformance
        # processes ran one H100 out of memory (v12t), ten did not (v12u); each CMD's own time
        # limit starts when it starts, so a phase of more than MAXP runs takes longer
  while [ "$(jobs -rp | wc -l)" -ge "${MAXP:-10}" ]; do wait -n; done
  "$@" &
}
pin() {  # pin CONFIG NAME TIMEOUT K: CONFIG pinned for a whole conformance process (pytest -k K,
         # narrowed by KIND_K); the other pass runs its first candidate, not autotuned (autotuning
         # it per case made v12av's runs compile-bound: none of them reached the `scalar` kind)
  SUITE_TRITON_NO_AUTOTUNE=1 SUITE_TRITON_CONFIG=$1 conf "$2" "$3" --backend triton -k "$4${KIND_K:+ and $KIND_K}"
}
V12_FWD="fwd-scalar-bt64-bv64-w4-s2-rows fwd-scalar-bt64-bv64-w4-s2-rows-tma fwd-scalar-bt64-bv64-w8-s2-rows
  fwd-scalar-bt32-bv128-w8-s2-rows"
V12_BWD="bwd-scalar-bt64-bv128-w4-s2-dv128-k64 bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv
  bwd-scalar-bt64-bv64-w4-s2-dv128-k64-dvw8 bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dvw8-dhdv
  bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv-tma bwd-scalar-bt64-bv64-w8-s2-dv128-k64-dvw8"
v12_scalar() {  # v12_scalar BF16-K: the scalar family's pending configs pinned, one background run each
  local SC="not vector and test_conformance" c
  for c in $V12_FWD $V12_BWD; do
    [ "${V12_DT:-}" = fp32 ] ||
      bg pin "$c" "v12_${c}_bf16" 300 "bfloat16 and $1 and $SC"
  done
  for c in fwd-scalar-bt64-bv64-w4-s2-rows fwd-scalar-bt64-bv64-w4-s2-rows-tma \
      bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv bwd-scalar-bt64-bv128-w4-s2-dv128-k64; do
    bg pin "$c" "v12_${c}_fp32" "${CONF_LIMIT:-300}" "float32 and (-63- or -500-) and $SC"
  done
}
v12_vector() {  # v12_vector BF16-K: the same for the vector family's pending configs
  local VC="vector and test_conformance" c
  for c in fwd-vector-split-bt16-bv128-w4-s2-tma fwd-vector-split-bt16-bv128-w8-s2 \
      fwd-vector-split-bt16-bv128-w8-s2-tma bwd-vector-bt16-bv64-w8-s2-dv128 bwd-vector-bt16-bv64-w8-s2-dv128-dvw8 \
      bwd-vector-bt16-bv64-w4-s2-dv128-k64; do
    [ "${V12_DT:-}" = fp32 ] ||
      bg pin "$c" "v12_${c}_bf16" 300 "bfloat16 and $1 and $VC"
    bg pin "$c" "v12_${c}_fp32" "${CONF_LIMIT:-300}" "float32 and (-63- or -500-) and $VC"
  done
}
V13_ANCHOR="fwd-vector-split-bt16-bv128-w4-s2-anchor fwd-vector-split-bt32-bv64-w4-s2-anchor
  fwd-vector-split-bt32-bv128-w8-s2-anchor bwd-vector-bt16-bv64-w4-s2-dv128-anchor
  bwd-vector-bt16-bv64-w4-s2-dv128-k64-anchor bwd-vector-bt32-bv64-w8-s2-anchor
  bwd-vector-bt32-bv64-w4-s2-dv128-k64-anchor"
v13_anchor() {  # v13_anchor: the anchor configs pinned, one background run per config and dtype
  local VC="vector and test_conformance" c
  for c in $V13_ANCHOR; do
    bg pin "$c" "v13_${c}_bf16" "${CONF_LIMIT:-300}" "bfloat16 and (-63- or -1024-) and $VC"
    bg pin "$c" "v13_${c}_fp32" "${CONF_LIMIT:-300}" "float32 and (-63- or -500-) and $VC"
  done
}
d64_tune() {  # d64_tune TAG LIMIT: gpu_tune on the D = 64 scalar step into gpu_tune_TAG.log
  timeout "$2" python3 -m suite.bench.gpu_tune --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds scalar \
    > "$OUT/gpu_tune_$1.log" 2>&1
  echo "== gpu_tune $1 rc=$?"; grep -v -i warn "$OUT/gpu_tune_$1.log" | grep "ms" | cut -c1-900 | tail -n 12
}
pending_d64() {  # pending_d64 TAG K: d64_tune with the pending configs among the candidates (TUNE_LIMIT,
                # default 150 s), then the configs pytest -k K selects pinned, SHARDS (6) processes
                # (CONF_LIMIT, default 150 s)
  SUITE_TRITON_PENDING=1 d64_tune "$1" "${TUNE_LIMIT:-150}"
  CONFIG_K="$2" SHARDS=${SHARDS:-6} SUITE_TRITON_PENDING= shards "$1" "${CONF_LIMIT:-150}"
}
tune_beside_base() {  # tune_beside_base TAG: gpu_tune on the vector step at the anchor (--passes), this
                      # tree's suite package, then .whl/base.tgz's (a `git archive` of an earlier commit)
  local base=/tmp/base_kernels root which
  rm -rf "$base"; mkdir -p "$base" && tar xzf .whl/base.tgz -C "$base"
  for which in new base; do
    root=$PWD; [ "$which" = base ] && root=$base
    (cd "$root" && PYTHONPATH=/tmp/site:$root timeout "${TUNE_LIMIT:-170}" python3 -m suite.bench.gpu_tune \
      --shapes B8_T4096_H16_D128 --kinds vector --passes) > "$OUT/gpu_tune_$1_$which.log" 2>&1
    echo "== gpu_tune $which rc=$?"; grep -v -i warn "$OUT/gpu_tune_$1_$which.log" | grep "ms" | tail -n 40
  done
}
anchor_vector_rows() {  # anchor_vector_rows TAG: the anchor's vector rows, ours beside fla (BENCH_LIMIT
                        # seconds, default 300), then one tarball TAG.tgz of the rows and the log
  bench bench_anchor_vector "${BENCH_LIMIT:-300}" --shapes B8_T4096_H16_D128 --kinds vector --backends triton fla
  scrub
  (cd "$OUT" && tar czf "$1.tgz" bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}
v12_wait() {  # v12_wait TAG: wait for the runs above, then one tarball of their logs and reports
  wait; pkill -f ptxas || true
  scrub
  (cd "$OUT" && tar czf "$1.tgz" ./*.log ./*.json && rm -f ./*.log ./*.json)
}
case "${1:-main}" in
  v3a)  # fla's first calls autotune for minutes on a fresh machine: one call for the fla rows
    b() { local n=$1 t=$2; shift 2; timeout "$t" python3 -m suite.cli bench --no-sweep --out "$OUT/$n" "$@" \
      > "$OUT/$n.log" 2>&1; echo "== $n rc=$?"; grep "|" "$OUT/$n/"*/kernels.md | tail -n 12; }
    b bench_anchor 330 --shapes B8_T4096_H16_D128 --backends fla sdpa --kinds scalar vector
    b bench_1p45b 220 --shapes B8_T2048_H32_D64 --kinds scalar vector
    ;;
  v3b)
    conf conformance_fla_bf16 200 --backend fla -k "bfloat16 and (-63- or -500-) and -64- and not vector"
    conf conformance_triton_configs 300 --backend triton -k test_triton_config
    ;;
  v3c)
    timeout 150 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py --benchmark-only -k "not fla" \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    echo "== pytest-benchmark rc=$?"; tail -n 22 "$OUT/pytest_bench.log"
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_f16f32 200 --backend triton -k "(float16 or float32) and not -4096- and test_conformance"
    timeout 110 python3 -m suite.cli bench --shapes B2_T16384_H16_D128 B8_T4096_H16_D128 --kinds scalar \
      --backends triton sdpa --out "$OUT/bench_sweep" > "$OUT/bench_sweep.log" 2>&1
    echo "== sweep rc=$?"; grep "|" "$OUT/bench_sweep/"*/kernels.md | tail -n 12
    ;;
  v3d)  # the cases of the dg fix (v2.1), and its regression test
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_fix 140 --backend triton \
      -k "strong_constant or ((static or scalar) and -63- and -128-)"
    ;;
  v4a)  # v2.1/v2.2 kernels: GPU correctness of the changed vector path first, then speed vs the v2 baseline
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_vector 220 --backend triton -k "vector and not -4096- and test_conformance"
    timeout 150 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py \
      --benchmark-only -k "not fla" --benchmark-storage=baselines/bench/h200 --benchmark-compare \
      --benchmark-compare-fail=median:10% --benchmark-columns=median,iqr > "$OUT/pytest_compare.log" 2>&1
    echo "== compare rc=$?"; tail -n 22 "$OUT/pytest_compare.log"
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_4096 180 --backend triton -k "-4096- and bfloat16 and test_conformance"
    ;;
  v4b)
    SUITE_FLA_BYPASS_HOPPER_GUARD=1 conf conformance_fla_bf16 280 --backend fla -k "bfloat16 and (-63- or -500-) and -64-"
    ;;
  v4c)
    conf conformance_triton_configs "${CONF_LIMIT:-290}" --backend triton --config-shard "${CONFIG_SHARD:-0/1}" \
      -k "test_triton_config${CONFIG_K:+ and ($CONFIG_K)}"
    ;;
  v5a)
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_long_t 300 --backend triton --backend chunked \
      -k "static and (-1024- or -4096-) and (bfloat16 or float32) and test_conformance"
    timeout 200 python3 -m suite.cli bench --no-sweep --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds static scalar --backends triton --out "$OUT/bench_static" > "$OUT/bench_static.log" 2>&1
    echo "== bench_static rc=$?"; grep "|" "$OUT/bench_static/"*/kernels.md | tail -n 12
    ;;
  v7a)  # split forward schedule: GPU correctness of its configs, per-config times, the 160M and anchor rows
    conf conformance_triton_split 190 --backend triton -k "test_triton_config and split"
    timeout 110 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds scalar vector > "$OUT/gpu_tune_v7.log" 2>&1; echo "== gpu_tune rc=$?"; tail -n 30 "$OUT/gpu_tune_v7.log"
    bench bench_160m 130 --shapes B32_T2048_H12_D64 --kinds scalar vector --backends triton fla sdpa
    bench bench_anchor 140 --shapes B8_T4096_H16_D128 --kinds scalar vector --backends triton sdpa
    ;;
  v7b)  # v5a's long-T static conformance; forward rows again (no states under no_grad since v7), fla beside
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_long_t 240 --backend triton --backend chunked \
      -k "static and (-1024- or -4096-) and (bfloat16 or float32) and test_conformance"
    bench bench_anchor_fwd 120 --shapes B8_T4096_H16_D128 --kinds scalar vector --backends triton fla sdpa --modes fwd
    bench bench_160m_fwd 90 --shapes B32_T2048_H12_D64 --kinds scalar vector --backends triton fla sdpa --modes fwd
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_v7 100 --backend triton -k "bfloat16 and -63- and test_conformance"
    (cd "$OUT" && tar czf bench_v7b.tgz bench_*/ && rm -rf bench_*/)
    ;;
  v7c)  # the split forward's two passes alone; pytest-benchmark compare against the stored baseline
    timeout 150 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds scalar vector --passes > "$OUT/gpu_tune_passes.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_passes.log" | tail -n 24
    timeout 220 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py \
      --benchmark-only -k "not fla" --benchmark-storage=baselines/bench/h200 --benchmark-compare \
      --benchmark-compare-fail=median:10% --benchmark-columns=median,iqr \
      --benchmark-save=kernels_v7 > "$OUT/pytest_compare_v7.log" 2>&1
    echo "== compare rc=$?"; tail -n 22 "$OUT/pytest_compare_v7.log"
    (cd baselines/bench/h200 && tar czf "$OUT/baseline_v7.tgz" .)
    ;;
  v7d)  # the anchor's rows (ours, SDPA) and the 160M scalar rows beside fla's forward+backward, one run each
    bench bench_anchor 150 --shapes B8_T4096_H16_D128 --kinds scalar vector --backends triton sdpa
    bench bench_160m_fla 230 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    (cd "$OUT" && tar czf bench_v7d.tgz bench_*/ && rm -rf bench_*/)
    ;;
  v7e)  # what the static gradient from the state's derivative costs: static beside scalar, ours
    bench bench_static 230 --shapes B32_T2048_H12_D64 B8_T4096_H16_D128 --kinds static scalar --backends triton
    (cd "$OUT" && tar czf bench_v7e.tgz bench_*/ && rm -rf bench_*/)
    ;;
  v7f)  # every pinned config, SHARDS (default 8) pytest processes at once on the one GPU: the cases
        # are compile-bound (each config compiles its kernels per kind, D and dtype), the host has 16 cores
    shards v7f "${CONF_LIMIT:-540}"
    ;;
  v8a)  # backward with dv in a pass of its own (bwd.py, step 3): per-config times at the anchor and
        # 160M, the GPU conformance of its pinned configs, the 160M rows beside fla in one run
    timeout 150 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds scalar vector > "$OUT/gpu_tune_v8.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v8.log" | tail -n 16
    CONFIG_K="dv" shards v8a 180
    bench bench_160m 170 --shapes B32_T2048_H12_D64 --kinds scalar vector --backends triton fla
    (cd "$OUT" && tar czf bench_v8a.tgz bench_*/ && rm -rf bench_*/)
    ;;
  v8b)  # the dv_split configs kept: their pinned conformance per (config, kind); 160M scalar rows
        # beside fla's in one run; the anchor's rows (ours)
    CONFIG_K="dv" shards v8b 150
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    bench bench_anchor 140 --shapes B8_T4096_H16_D128 --kinds scalar vector --backends triton
    (cd "$OUT" && tar czf bench_v8b.tgz bench_*/ && rm -rf bench_*/)
    ;;
  v8d)  # pytest-benchmark compare alone on a quiet host (v8c's followed timed-out compiles), saved
    compare kernels_v8
    ;;
  v9a)  # the static log-decay gradient as a Triton sweep (static_dg.py): static conformance (triton,
        # bf16 and fp32, T = 1024 and 4096), then its cost beside scalar decay at 160M and the anchor
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_sweep 110 --backend triton \
      -k "static and (-1024- or -4096-) and (bfloat16 or float32) and test_conformance"
    timeout 60 python3 -m suite.bench.gpu_tune --static-dg > "$OUT/gpu_tune_static_dg.log" 2>&1
    echo "== static dg rc=$?"; grep "static dg" "$OUT/gpu_tune_static_dg.log"
    bench bench_static 130 --shapes B32_T2048_H12_D64 B8_T4096_H16_D128 --kinds static scalar \
      --backends triton --modes fwdbwd
    (cd "$OUT" && tar czf bench_v9a.tgz bench_*/ && rm -rf bench_*/)
    ;;
  v9b)  # the static sweep at T = 4096 (v9a's conformance ran out of time at T = 1024), then its time alone
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_sweep_4096 70 --backend triton \
      -k "static and -4096- and -64- and (bfloat16 or float32) and test_conformance"
    timeout 30 python3 -m suite.bench.gpu_tune --static-dg > "$OUT/gpu_tune_static_dg.log" 2>&1
    echo "== static dg rc=$?"; grep "static dg" "$OUT/gpu_tune_static_dg.log"
    ;;
  v10a)  # correctness first, in processes side by side (compile-bound), then times on a quiet host
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_v10 260 --backend triton \
      -k "bfloat16 and (-63- or -1024-) and not static and test_conformance" &
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_v10_1024 260 --backend triton \
      -k "static and -1024- and test_conformance" &
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_v10_4096 260 --backend triton \
      -k "static and -4096- and (bfloat16 or float32) and test_conformance" &
    SHARDS=4 CONFIG_K="x2 or x4" shards v10a 260 &
    wait; pkill -f ptxas || true
    timeout 150 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds vector --passes > "$OUT/gpu_tune_v10.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v10.log" | tail -n 24
    timeout 40 python3 -m suite.bench.gpu_tune --static-dg > "$OUT/gpu_tune_static_dg_v10.log" 2>&1
    echo "== static dg rc=$?"; grep "static dg" "$OUT/gpu_tune_static_dg_v10.log"
    ;;
  v10b)  # the split passes at T = 16384, where the state pass's chain is longest; the anchor's rows
         # (ours, every kind); the 160M scalar rows beside fla's in one run; one tarball back
    timeout 120 python3 -m suite.bench.gpu_tune --shapes B2_T16384_H16_D128 --kinds vector --passes \
      > "$OUT/gpu_tune_v10b_t16k.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v10b_t16k.log" | tail -n 12
    bench bench_anchor 200 --shapes B8_T4096_H16_D128 --kinds static scalar vector --backends triton
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v10b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v10c)  # after the sub-chunk configs went again: the split configs pinned (the output kernel's
         # opening changed), the 160M static rows (64 x 64 sweep), pytest-benchmark compare
    CONFIG_K="split" shards v10c 200
    bench bench_static_160m 120 --shapes B32_T2048_H12_D64 --kinds static --backends triton --modes fwdbwd
    compare kernels_v10
    scrub
    (cd "$OUT" && tar czf v10c.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v10d)  # pytest-benchmark with CALLS (10) calls per round: a new baseline, then a compare against it
    pb 200 --benchmark-save=kernels_v10_calls10 > "$OUT/pytest_bench_v10d.log" 2>&1
    echo "== baseline rc=$?"; grep "test_kernel_speed\[" "$OUT/pytest_bench_v10d.log" | tail -n 8
    pb 150 --benchmark-compare --benchmark-compare-fail=median:10% > "$OUT/pytest_compare_v10d.log" 2>&1
    echo "== compare rc=$?"; grep "test_kernel_speed\[\|failed\|regressed" "$OUT/pytest_compare_v10d.log" | tail -n 20
    (cd baselines/bench/h200 && tar czf "$OUT/baseline_v10d.tgz" .)
    ;;
  v11a)  # where each launch's time goes (ncu reads the counters on this runtime; clocks left alone)
    NCU=${NCU:-ncu}  # Nsight Compute: on the PATH, or named by $NCU
    W=${PROFILE_W:-scalar-train vector-fwd vector-state64 vector-train}  # or the workloads named
    timeout 150 python3 -m suite.bench.gpu_profile $W > "$OUT/profile_v11a_times.log" 2>&1
    echo "== times rc=$?"; grep "median" "$OUT/profile_v11a_times.log"
    # the profile pins the configs the timed run chose, when it timed every workload (gpu_profile doc)
    PIN=""; [ "$(grep -c 'do_bench median' "$OUT/profile_v11a_times.log")" -eq "$(echo $W | wc -w)" ] \
      && PIN="--configs-from $OUT/profile_v11a_times.log"
    timeout 400 "$NCU" --clock-control none --profile-from-start off --section SpeedOfLight \
      --section Occupancy --section LaunchStats --section WarpStateStats \
      --metrics "regex:smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio" \
      python3 -m suite.bench.gpu_profile $PIN $W > "$OUT/ncu_v11a.log" 2>&1
    echo "== ncu rc=$?"
    grep -E "^  [a-z_]+kernel|Duration|Registers Per|Achieved Occupancy|Memory Throughput|Compute \(SM\) T|Warp Cycles Per Issued|stalled_(barrier|long_scoreboard|short_scoreboard|wait|math_pipe_throttle|mio_throttle|lg_throttle|not_selected|no_instruction|dispatch_stall)_" \
      "$OUT/ncu_v11a.log" | sed -e 's/smsp__average_warps_issue_stalled_//' -e 's/_per_issue_active.ratio//' -e 's/  */ /g'
    scrub
    (cd "$OUT" && tar czf v11a.tgz ./*.log && rm -f ./*.log)
    ;;
  v11b)  # correctness of the new configs first (processes side by side, autotune off), then times
    K128="-128- and not vector and test_conformance"
    SUITE_TRITON_CONFIG=bwd-scalar-bt64-bv64-w4-s2-dv64-k64 conf v11_k64_dv64_bf16 260 --backend triton \
      -k "bfloat16 and $K128" &
    SUITE_TRITON_CONFIG=bwd-scalar-bt64-bv64-w4-s2-dv128-k64 conf v11_k64_dv128_bf16 260 --backend triton \
      -k "bfloat16 and $K128" &
    SUITE_TRITON_CONFIG=bwd-scalar-bt64-bv64-w4-s2-dv64-k64 conf v11_k64_dv64_fp32 260 --backend triton \
      -k "float32 and (-63- or -500-) and $K128" &
    SUITE_TRITON_CONFIG=bwd-scalar-bt64-bv64-w4-s2-dv128-k64 conf v11_k64_dv128_fp32 260 --backend triton \
      -k "float32 and (-63- or -500-) and $K128" &
    SUITE_TRITON_CONFIG=bwd-vector-bt16-bv64-w4-s2-dv128 conf v11_vector_dv128 260 --backend triton \
      -k "vector and -128- and (-63- or -1024-) and test_conformance" &
    wait; pkill -f ptxas || true
    timeout 120 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 --kinds scalar \
      > "$OUT/gpu_tune_v11b.log" 2>&1; echo "== gpu_tune rc=$?"; grep -v -i warn "$OUT/gpu_tune_v11b.log" | tail -n 8
    NCU=${NCU:-ncu}  # Nsight Compute: on the PATH, or named by $NCU
    timeout 120 "$NCU" --clock-control none --profile-from-start off --section SpeedOfLight \
      --section LaunchStats --section Occupancy python3 -m suite.bench.gpu_profile scalar-train \
      > "$OUT/ncu_v11b.log" 2>&1; echo "== ncu rc=$?"
    grep -E "^  [a-z_]+kernel|Duration|DRAM Throughput|Registers Per" "$OUT/ncu_v11b.log" | sed -e 's/  */ /g'
    scrub
    (cd "$OUT" && tar czf v11b.tgz ./*.log ./*.json && rm -f ./*.log ./*.json)
    ;;
  v12a)  # the v12 configs pinned (autotune off; they are `pending`), in parallel processes
    v12_scalar "(-64- or -128-)"; v12_wait v12a
    ;;
  v12v)  # v12a for the vector family's pending configs (8 warps, the output pass's states through TMA)
    v12_vector "(-63- or -1024- or -4096-)"; v12_wait v12v
    ;;
  v12av)  # v12a + v12v at once, bf16 at T = 63 and 1024 only (22 processes on 16 cores, one tarball)
    v12_scalar "(-63- or -1024-)"; v12_vector "(-63- or -1024-)"; v12_wait v12av
    ;;
  v12f)  # v12av's fp32 runs alone (10 processes; behind v12av's bf16 compiles they timed out)
    V12_DT=fp32; v12_scalar x; v12_vector x; v12_wait v12f
    ;;
  v12s)  # the v12 scalar-family configs on the `scalar` kind (all v12av's runs timed out before it):
          # bf16 T = 63 / 1024, fp32 T = 63 / 500
    KIND_K="-scalar-" v12_scalar "(-63- or -1024-)"; v12_wait v12s
    ;;
  v12t)  # v12's scalar family in fp32 where v12f/v12g/v12s left gaps: every config at D = 64 (all
         # kinds), the backward configs at D = 128 (a forward pinned at 64 rows hangs there: its
         # step's backward is the fused 64-row pass, which does not finish compiling in fp32 at D = 128)
    FP="float32 and (-63- or -500-) and not vector and test_conformance"
    for c in $V12_FWD $V12_BWD; do bg pin "$c" "v12t_${c}_d64" "${CONF_LIMIT:-420}" "$FP and -64-"; done
    set -- $V12_BWD
    for c in $1 $2; do bg pin "$c" "v12t_${c}_d128s" "${CONF_LIMIT:-420}" "$FP and -128- and -static-"; done
    for c in $3 $4 $5 $6; do bg pin "$c" "v12t_${c}_d128" "${CONF_LIMIT:-420}" "$FP and -128-"; done
    v12_wait v12t
    ;;
  v12u)  # v12t's gaps, ten processes (v12t's sixteen ran the GPU out of memory): the static kind
         # in fp32 at D = 64 for every config, the scalar kind for the 32-row forward
    FP="float32 and (-63- or -500-) and -64- and not vector and test_conformance"
    for c in $V12_FWD $V12_BWD; do bg pin "$c" "v12u_${c}_d64s" "${CONF_LIMIT:-300}" "$FP and -static-"; done
    wait; set -- $V12_FWD
    pin "$4" "v12u_${4}_d64k" "${CONF_LIMIT:-200}" "$FP and -scalar-"
    v12_wait v12u
    ;;
  v12w)  # the cases earlier runs' time limits cut off: bf16 static at T = 1024, D = 128, strong decay;
         # fp32 kind `none` for three backward configs
    SC="not vector and test_conformance"; set -- $V12_BWD
    for c in $1 $2 $3 $5 $6 fwd-scalar-bt64-bv64-w8-s2-rows; do
      bg pin "$c" "v12w_${c}_bf16s" "${CONF_LIMIT:-200}" "bfloat16 and -1024- and -128- and -static- and -strong- and $SC"
    done
    for c in $4 $5; do bg pin "$c" "v12w_${c}_d64n" "${CONF_LIMIT:-200}" "float32 and (-63- or -500-) and -64- and -none- and $SC"; done
    bg pin "$6" "v12w_${6}_d128n" "${CONF_LIMIT:-200}" "float32 and (-63- or -500-) and -128- and -none- and $SC"
    v12_wait v12w
    ;;
  v12g)  # fp32 conformance of the scalar configs that win in v12b, one process per config and T
    for c in fwd-scalar-bt64-bv64-w4-s2-rows fwd-scalar-bt64-bv64-w4-s2-rows-tma bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv; do
      for t in 63 500; do
        bg pin "$c" "v12_${c}_fp32_t$t" "${CONF_LIMIT:-300}" "float32 and -$t- and not vector and test_conformance"
      done
    done; v12_wait v12g
    ;;
  v12b)  # per-config times with the pending configs among the candidates, then Nsight Compute
    export SUITE_TRITON_PENDING=1
    timeout 240 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds scalar vector > "$OUT/gpu_tune_v12b.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v12b.log" | tail -n 12
    NCU=${NCU:-ncu}
    timeout 200 "$NCU" --clock-control none --profile-from-start off --section SpeedOfLight \
      --section LaunchStats --section Occupancy python3 -m suite.bench.gpu_profile scalar-train vector-fwd \
      > "$OUT/ncu_v12b.log" 2>&1; echo "== ncu rc=$?"
    grep -E "^  [a-z_]+kernel|Duration|DRAM Throughput|Registers Per" "$OUT/ncu_v12b.log" | sed -e 's/  */ /g'
    scrub
    (cd "$OUT" && tar czf v12b.tgz ./*.log && rm -f ./*.log)
    ;;
  v12c)  # v11c's rows (and the anchor's vector rows) on the v12 code, pending configs among the candidates
    export SUITE_TRITON_PENDING=1
    bench bench_anchor 240 --shapes B8_T4096_H16_D128 --kinds static scalar vector --backends triton
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v12c.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v16d)  # the gate against the newest stored baseline with v15-v16 admitted, saved as kernels_v16
    compare kernels_v16
    ;;
  v12d)  # the gate against v11's baseline, pending configs among the candidates, saved as kernels_v12
    export SUITE_TRITON_PENDING=1
    compare kernels_v12
    ;;
  v13a)  # the anchor configs pinned (autotune off; they are `pending`), 14 processes
    v13_anchor; v12_wait v13a
    ;;
  v13b)  # gpu_tune with the anchor configs among the candidates (16-row step), the 32-row step
         # pinned by its backward config, the split passes alone; then Nsight Compute on vector-fwd
    export SUITE_TRITON_PENDING=1
    timeout 200 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds vector --passes > "$OUT/gpu_tune_v13b_bt16.log" 2>&1; echo "== gpu_tune bt16 rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v13b_bt16.log" | tail -n 16
    SUITE_TRITON_CONFIG=bwd-vector-bt32-bv64-w4-s2-dv128-k64-anchor timeout 150 python3 -m suite.bench.gpu_tune \
      --shapes B8_T4096_H16_D128 --kinds vector > "$OUT/gpu_tune_v13b_bt32.log" 2>&1; echo "== gpu_tune bt32 rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v13b_bt32.log" | tail -n 8
    NCU=${NCU:-ncu}
    timeout 150 "$NCU" --clock-control none --profile-from-start off --section SpeedOfLight \
      --section LaunchStats --section Occupancy python3 -m suite.bench.gpu_profile vector-fwd \
      > "$OUT/ncu_v13b.log" 2>&1; echo "== ncu rc=$?"
    grep -E "^  [a-z_]+kernel|Duration|DRAM Throughput|Registers Per" "$OUT/ncu_v13b.log" | sed -e 's/  */ /g'
    scrub
    (cd "$OUT" && tar czf v13b.tgz ./*.log && rm -f ./*.log)
    ;;
  v13c)  # the anchor's vector rows, ours with the anchor configs among the candidates, beside fla
    export SUITE_TRITON_PENDING=1
    anchor_vector_rows v13c
    ;;
  v14c)  # after v14's admission: this GPU's ceilings, then the anchor's vector rows beside fla
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v14c.json"
    anchor_vector_rows v14c
    ;;
  v14a)  # this GPU's copy bandwidth and bf16 matmul rate; the two state sweeps alone per block size
         # and warps, at the training chunk size; then the step with v14's pending configs among the
         # candidates (gpu_tune, vector)
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v14a.json"
    timeout "${SWEEP_LIMIT:-240}" python3 -m suite.bench.gpu_tune --sweeps --shapes B8_T4096_H16_D128 \
      B32_T2048_H12_D64 --kinds vector scalar > "$OUT/gpu_tune_v14a_sweeps.log" 2>&1; echo "== sweeps rc=$?"
    # per (shape, kind, sweep): the 64 x 64 blocks on 4 warps, then the three fastest
    grep " ms, " "$OUT/gpu_tune_v14a_sweeps.log" | sort -k1,1 -k2,2 -k4,4 -k7,7n \
      | awk '{k=$1" "$2" "$4} k!=p {n=0; p=k} / 64x64 w4:/ || n++ < 3'
    export SUITE_TRITON_PENDING=1
    timeout "${TUNE_LIMIT:-170}" python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds vector > "$OUT/gpu_tune_v14a.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v14a.log" | tail -n 12
    scrub
    ;;
  v14b)  # V14="CONFIG ...": each pinned (conformance of its family's kinds, bf16 T = 63 / 1024,
          # fp32 T = 63 / 500), then gpu_tune with them among the candidates (pending on)
    for c in ${V14:?V14=CONFIG...}; do
      case $c in *vector*) KK="vector and test_conformance" ;; *) KK="not vector and test_conformance" ;; esac
      bg pin "$c" "v14_${c}_bf16" "${CONF_LIMIT:-240}" "bfloat16 and (-63- or -1024-) and $KK"
      bg pin "$c" "v14_${c}_fp32" "${CONF_LIMIT:-240}" "float32 and (-63- or -500-) and $KK"
    done
    wait; pkill -f ptxas || true
    export SUITE_TRITON_PENDING=1
    timeout "${TUNE_LIMIT:-200}" python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds ${TUNE_KINDS:-vector} > "$OUT/gpu_tune_v14b.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v14b.log" | tail -n 16
    v12_wait v14b
    ;;
  v17a)  # the direct launch path (launch.py): host times and the step's do_bench median through
         # Triton's path and the direct one, 1.45B and 160M scalar, and a cProfile of the step
         # (gpu_tune --host --profile); then correctness with direct launches: the default configs'
         # matrix (gpu_check, autotune off), the autotuned bf16 conformance at T = 63 and 1024
    timeout "${TUNE_LIMIT:-200}" python3 -m suite.bench.gpu_tune --shapes B8_T2048_H32_D64 B32_T2048_H12_D64 \
      --kinds scalar --host --profile > "$OUT/gpu_tune_v17a_host.log" 2>&1; echo "== gpu_tune rc=$?"
    grep " host\| ms, " "$OUT/gpu_tune_v17a_host.log" | head -n 12
    SUITE_TRITON_NO_AUTOTUNE=1 timeout 130 python3 -m suite.bench.gpu_check --part matrix \
      --out "$OUT/check_v17a.json" --budget-s 110 > "$OUT/check_v17a.log" 2>&1
    echo "== check ok: $(grep -c " ok" "$OUT/check_v17a.log")"; grep "FAIL\|cases" "$OUT/check_v17a.log" | head -n 20
    conf conformance_v17a_direct "${CONF_LIMIT:-200}" --backend triton -k "bfloat16 and (-63- or -1024-)"
    scrub
    (cd "$OUT" && tar czf v17a.tgz ./*.log ./*.json && rm -f ./*.log ./*.json)
    ;;
  v19a)  # the anchor's rows of this tree (header): ceilings, vector beside fla, scalar and static
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v19a.json"
    bench bench_anchor_vector "${BENCH_LIMIT:-330}" --shapes B8_T4096_H16_D128 --kinds vector --backends triton fla \
      ${SDPA:+sdpa}
    bench bench_anchor 150 --shapes B8_T4096_H16_D128 --kinds static scalar --backends triton
    scrub
    (cd "$OUT" && tar czf v19a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v19b)  # the D = 64 scalar rows beside fla, one shape per bench call (header)
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla ${SDPA:+sdpa}
    bench bench_1p45b_fla 240 --shapes B8_T2048_H32_D64 --kinds scalar --backends triton fla ${SDPA:+sdpa}
    bench bench_d64_vector 120 --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds vector --backends triton
    scrub
    (cd "$OUT" && tar czf v19b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v19d)  # the T sweep (protocol.SWEEP but the anchor), ours and causal SDPA (header)
    bench bench_sweep 500 --shapes B32_T1024_H16_D128 B16_T2048_H16_D128 B4_T8192_H16_D128 \
      B2_T16384_H16_D128 --kinds scalar vector --backends triton sdpa
    scrub
    (cd "$OUT" && tar czf v19d.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v19e)  # the rows v19a-v19d leave out of a full table: SDPA at the three named shapes, fla's
         # scalar rows at the anchor (beside ours, one run)
    bench bench_sdpa 120 --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 B8_T2048_H32_D64 --backends sdpa
    bench bench_anchor_scalar_fla 330 --shapes B8_T4096_H16_D128 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v19e.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v19f)  # the D = 64 scalar step's pieces (gpu_tune: per-config times, training forward, backward)
    timeout 200 python3 -m suite.bench.gpu_tune --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds scalar \
      > "$OUT/gpu_tune_v19f.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v19f.log" | grep "ms" | cut -c1-400 | tail -n 40
    scrub
    ;;
  v19h)  # a first stored baseline on a GPU without one (saved as kernels_v18); AGAIN=1: the gate
         # against it at once, which unchanged kernels must pass (v10d did the same on the H200)
    mkdir -p "$BL"
    pb "${PB_LIMIT:-170}" --benchmark-save=kernels_v18 > "$OUT/pytest_save_kernels_v18.log" 2>&1
    echo "== save rc=$?"; grep -v "^ \|^Trace\|^  File" "$OUT/pytest_save_kernels_v18.log" | tail -n 14
    (cd "$BL" && tar czf "$OUT/baseline_kernels_v18.tgz" .)
    if [ -n "${AGAIN:-}" ]; then PB_COMPARE_LIMIT=${PB_LIMIT:-170} compare kernels_v18_again; fi
    scrub
    ;;
  v22a)  # v22's register caps (header)
    export SUITE_TRITON_PENDING=1
    d64_tune v22a "${TUNE_LIMIT:-150}"
    CONFIG_K="r168" SHARDS=${SHARDS:-6} SUITE_TRITON_PENDING= shards v22a "${CONF_LIMIT:-180}"
    bench bench_160m_fla "${BENCH_LIMIT:-240}" --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v22a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v22b)  # the 1.45B rows with the capped configs among the candidates; the 160M step profiled (header)
    SUITE_TRITON_PENDING=1 bench bench_1p45b_fla "${BENCH_LIMIT:-240}" --shapes B8_T2048_H32_D64 --kinds scalar \
      --backends triton fla
    SUITE_TRITON_PENDING=1 PROFILE_W="scalar-train-160m" bash "$0" v11a
    scrub
    (cd "$OUT" && tar czf v22b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v25a)  # v25's chunks per program (header)
    export SUITE_TRITON_PENDING=1
    pending_d64 v25a "c2 or c4"
    bench bench_d64_fla "${BENCH_LIMIT:-200}" --shapes B32_T2048_H12_D64 \
      B8_T2048_H32_D64 --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v25a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v25b)  # v25's configs admitted: the D = 64 scalar rows beside fla and SDPA; the gate (header)
    bench bench_d64_fla "${BENCH_LIMIT:-200}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds scalar \
      --backends triton fla sdpa
    [ "${PB_COMPARE_LIMIT:-300}" = 0 ] || PB_COMPARE_LIMIT=${PB_COMPARE_LIMIT:-300} compare "${NAME:-kernels_v25}"
    scrub
    (cd "$OUT" && tar czf v25b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v26a)  # v26's carried state gradient (header)
    pending_d64 v26a carry
    scrub
    (cd "$OUT" && tar czf v26a.tgz ./*.log && rm -f ./*.log)
    ;;
  v27a)  # v26's and v27's pending configs timed and pinned (header)
    pending_d64 v27a "carry or even"
    scrub
    (cd "$OUT" && tar czf v27a.tgz ./*.log && rm -f ./*.log)
    ;;
  v27b)  # the D = 64 rows, pending configs among the candidates (header)
    SUITE_TRITON_PENDING=1 bench bench_d64_pending "${BENCH_LIMIT:-420}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 \
      --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v27b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v27h)  # v27's uncapped forward pinned on two kinds (header)
    CONFIG_K="fwd-scalar-bt64-bv64-w4-s2-even and not none" SHARDS=2 shards v27h "${CONF_LIMIT:-200}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v27h.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v27h.md"
    rm -rf "$OUT/cov"
    ;;
  v27i)  # v27h's T = 1024 cases alone: v27h (200 s) reached only T = 63 (header)
    CONF_ARGS="--config-T 1024" CONFIG_K="fwd-scalar-bt64-bv64-w4-s2-even and not none" SHARDS=2 \
      shards v27i "${CONF_LIMIT:-330}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v27i.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v27i.md"
    rm -rf "$OUT/cov"
    ;;
  v28a)  # the D = 64 step on 128-row chunks beside the 64-row one, then its configs pinned (header)
    SUITE_TRITON_PENDING=1 d64_tune v28a_bt64 "${TUNE_LIMIT:-150}"
    SUITE_TRITON_CONFIG=bwd-scalar-bt128-bv64-w8-s2-dv64-k64-dvw8-dhdv-even SUITE_TRITON_PENDING=1 \
      d64_tune v28a_bt128 "${TUNE_LIMIT:-150}"
    CONFIG_K="bt128" SHARDS=6 SUITE_TRITON_PENDING= shards v28a "${CONF_LIMIT:-250}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v28a.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v28a.md"
    rm -rf "$OUT/cov"
    scrub
    (cd "$OUT" && tar czf v28a.tgz ./*.log && rm -f ./*.log)
    ;;
  v28b)  # the D = 128 scalar rows on this tree (header)
    bench bench_anchor_scalar_fla "${BENCH_LIMIT:-280}" --shapes B8_T4096_H16_D128 --kinds scalar --backends triton fla
    bench bench_sweep_scalar "${SWEEP_LIMIT:-200}" --shapes B32_T1024_H16_D128 B16_T2048_H16_D128 \
      B4_T8192_H16_D128 B2_T16384_H16_D128 --kinds scalar --backends triton sdpa
    scrub
    (cd "$OUT" && tar czf v28b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v29a)  # v29's pending configs timed at the anchor and 160M, then pinned at D = 128 (header)
    SUITE_TRITON_PENDING=1 timeout "${TUNE_LIMIT:-200}" python3 -m suite.bench.gpu_tune \
      --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 --kinds scalar > "$OUT/gpu_tune_v29a.log" 2>&1
    echo "== gpu_tune v29a rc=$?"; grep -v -i warn "$OUT/gpu_tune_v29a.log" | grep "ms" | cut -c1-900 | tail -n 12
    CONF_ARGS="--config-D 128" CONFIG_K="rows-even or dhdv-even" SHARDS=12 SUITE_TRITON_PENDING= \
      shards v29a "${CONF_LIMIT:-280}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v29a.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v29a.md"
    rm -rf "$OUT/cov"
    scrub
    (cd "$OUT" && tar czf v29a.tgz ./*.log && rm -f ./*.log)
    ;;
  v29b)  # v29's pending configs pinned at D = 64 (header)
    CONF_ARGS="--config-D 64" CONFIG_K="rows-even or dhdv-even" SHARDS=12 SUITE_TRITON_PENDING= \
      shards v29b "${CONF_LIMIT:-280}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v29b.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v29b.md"
    rm -rf "$OUT/cov"
    ;;
  v24h)  # the targets on this tree (header)
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v24h.json"
    bench bench_anchor "${BENCH_LIMIT:-200}" --shapes B8_T4096_H16_D128 --kinds static scalar vector --backends triton sdpa
    bench bench_d64_fla "${D64_LIMIT:-220}" --shapes B32_T2048_H12_D64 \
      B8_T2048_H32_D64 --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v24h.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v30a)  # graph-timed rows beside eager ones (header)
    graph_test v30a
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v30a.json"
    bench bench_graph "${GRAPH_LIMIT:-300}" --timer graph --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 \
      B8_T4096_H16_D128 --kinds scalar --backends triton fla sdpa
    bench bench_eager "${EAGER_LIMIT:-150}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 \
      B8_T4096_H16_D128 --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v30a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v30b)  # the graph timer's GPU test, the gate, vector rows as graph replays (header)
    graph_test v30b
    compare "${NAME:-kernels_v29}"
    bench bench_graph_vector "${GRAPH_LIMIT:-120}" --timer graph --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      B8_T2048_H32_D64 --kinds vector --backends triton
    scrub
    (cd "$OUT" && tar czf v30b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v31a)  # this tree's H200 table, first of three calls on one warm machine (header)
    graph_test v31a
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v31a.json"
    bench bench_graph "${GRAPH_LIMIT:-420}" --timer graph --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 \
      B8_T4096_H16_D128 --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v31a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v31b)  # the second: the eager rows of this tree's kernels (fla's autotune picks cached by v31a)
    bench bench_anchor "${ANCHOR_LIMIT:-110}" --shapes B8_T4096_H16_D128 --kinds static scalar vector --backends triton sdpa
    bench bench_d64_fla "${D64_LIMIT:-120}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds scalar \
      --backends triton fla sdpa
    bench bench_d64 "${D64_OURS_LIMIT:-100}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds static vector \
      --backends triton
    bench bench_sweep "${SWEEP_LIMIT:-200}" --shapes B32_T1024_H16_D128 B16_T2048_H16_D128 B4_T8192_H16_D128 \
      B2_T16384_H16_D128 --kinds scalar vector --backends triton sdpa
    scrub
    (cd "$OUT" && tar czf v31b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v31c)  # the third: the anchor's vector rows beside fla's (fla autotunes for minutes), then the gate
    bench bench_anchor_vector_fla "${FLA_LIMIT:-330}" --shapes B8_T4096_H16_D128 --kinds vector --backends triton fla
    [ "${PB_COMPARE_LIMIT:-220}" = 0 ] || compare "${NAME:-kernels_v30}"
    scrub
    (cd "$OUT" && tar czf v31c.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  gate)  # the pytest-benchmark gate alone against this GPU's newest stored run, saved as ${NAME:-gate}
    compare "${NAME:-gate}"
    scrub
    ;;
  v19c)  # the gate, saved as kernels_v18; then v18a's step timings on this machine (header)
    compare kernels_v18
    TUNE_LIMIT=${TUNE_LIMIT:-150} tune_beside_base v19c
    scrub
    (cd "$OUT" && tar czf v19c.tgz ./*.log && rm -f ./*.log)
    ;;
  v18a)  # v18's times beside the previous kernels', one machine (header)
    tune_beside_base v18a
    bench bench_anchor_vector "${BENCH_LIMIT:-150}" --shapes B8_T4096_H16_D128 --kinds vector --backends triton
    scrub
    (cd "$OUT" && tar czf v18a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v18b)  # v18's correctness: every vector config pinned, beside the default configs' matrix
    SUITE_TRITON_NO_AUTOTUNE=1 timeout 250 python3 -m suite.bench.gpu_check --part matrix \
      --out "$OUT/check_v18b.json" --budget-s 230 > "$OUT/check_v18b.log" 2>&1 &
    CONFIG_K="vector" SHARDS=${SHARDS:-7} shards v18b "${CONF_LIMIT:-330}"
    wait
    echo "== check ok: $(grep -c " ok" "$OUT/check_v18b.log")"; grep "FAIL\|cases" "$OUT/check_v18b.log" | head -n 20
    scrub
    (cd "$OUT" && tar czf v18b_check.tgz ./*.log ./*.json && rm -f ./*.log ./*.json)
    ;;
  v17b)  # with direct launches: the 1.45B and 160M scalar rows beside fla; ours again through
         # Triton's launch path (SUITE_TRITON_DIRECT=0); the 1.45B step's host times; on an H200
         # also the gate against the newest stored baseline, saved as kernels_v17
    bench bench_1p45b_fla 180 --shapes B8_T2048_H32_D64 --kinds scalar --backends triton fla
    bench bench_160m_fla 150 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    SUITE_TRITON_DIRECT=0 bench bench_d64_triton_path 100 --shapes B8_T2048_H32_D64 B32_T2048_H12_D64 \
      --kinds scalar --backends triton
    timeout 110 python3 -m suite.bench.gpu_tune --shapes B8_T2048_H32_D64 --kinds scalar --host \
      > "$OUT/gpu_tune_v17b_host.log" 2>&1; echo "== gpu_tune rc=$?"; grep " host" "$OUT/gpu_tune_v17b_host.log"
    scrub
    (cd "$OUT" && tar czf v17b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    if nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200; then compare kernels_v17; fi
    ;;
  v16r)  # the 1.45B layer shape's scalar rows beside fla (the second D = 64 shape of issue 6's 2x)
    bench bench_1p45b_fla "${BENCH_LIMIT:-240}" --shapes B8_T2048_H32_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v16r.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v11c)  # the rows: anchor scalar and static (ours), 160M scalar beside fla
    bench bench_anchor 180 --shapes B8_T4096_H16_D128 --kinds static scalar --backends triton
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v11c.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
    ;;
  v11d)  # the gate against v10d's calls-10 baseline, this run saved beside it
    compare kernels_v11
    ;;
  v8c)  # pinned conformance of the split-forward and dv_split configs (autotune off); pytest-benchmark
        # compare against the stored baseline, saving this run beside it
    CONFIG_K="split or dv" shards v8c 200
    compare kernels_v8
    ;;
  v2d)
    b() { local n=$1 t=$2; shift 2; timeout "$t" python3 -m suite.cli bench --no-sweep --out "$OUT/$n" "$@" \
      > "$OUT/$n.log" 2>&1; echo "== $n rc=$?"; grep "|" "$OUT/$n/"*/kernels.md | tail -n 12; }
    b bench_160m 250 --shapes B32_T2048_H12_D64 --kinds scalar
    b bench_sdpa 30 --shapes B8_T4096_H16_D128 --backends sdpa
    b bench_160m_vec 40 --shapes B32_T2048_H12_D64 --kinds vector --backends triton
    conf conformance_fla_bf16 110 --backend fla -k "bfloat16 and -63- and -64-"
    ;;
  v2c)
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_static 60 --backend triton -k "static and bfloat16 and not -4096-"
    timeout 270 python3 -m suite.cli bench --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 B8_T2048_H32_D64 \
      --no-sweep --out "$OUT/bench" > "$OUT/bench.log" 2>&1; echo "== bench rc=$?"
    grep "|" "$OUT/bench/"*/kernels.md | tail -n 45
    conf conformance_fla_bf16 80 --backend fla -k "bfloat16 and (-63- or -500-)"
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_f16f32 80 --backend triton -k "(float16 or float32) and (-63- or -500-) and test_conformance"
    timeout 70 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py --benchmark-only \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    echo "== pytest-benchmark rc=$?"; tail -n 22 "$OUT/pytest_bench.log"
    ;;
  v2a)
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_bf16 210 --backend triton -k "bfloat16 and not -4096-"
    timeout 120 python3 -m suite.bench.gpu_tune > "$OUT/tune.log" 2>&1; echo "== tune rc=$?"; cat "$OUT/tune.log"
    timeout 200 python3 -m suite.cli bench --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 B8_T2048_H32_D64 \
      --no-sweep --out "$OUT/bench" > "$OUT/bench.log" 2>&1; echo "== bench rc=$?"
    grep "|" "$OUT/bench.log" | tail -n 60
    conf conformance_fla_bf16 100 --backend fla -k "bfloat16 and not -4096-"
    ;;
  v2b)
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_f16f32 150 --backend triton -k "(float16 or float32) and not -4096- and test_conformance"
    conf conformance_triton_configs 200 --backend triton -k test_triton_config
    timeout 120 python3 -m suite.cli bench --shapes B2_T16384_H16_D128 --out "$OUT/bench_sweep" > "$OUT/bench_sweep.log" 2>&1
    echo "== sweep rc=$?"; grep "|" "$OUT/bench_sweep.log" | tail -n 40
    timeout 100 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py --benchmark-only \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    echo "== pytest-benchmark rc=$?"; tail -n 30 "$OUT/pytest_bench.log"
    ;;
  main)
    SUITE_TRITON_NO_AUTOTUNE=1 timeout 130 python3 -m suite.bench.gpu_check --part matrix \
      --out "$OUT/check.json" --budget-s 110 > "$OUT/check.log" 2>&1
    grep -c " ok" "$OUT/check.log"; grep "FAIL\|cases" "$OUT/check.log" | head -n 30
    timeout 250 python3 -m suite.cli bench --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 --no-sweep \
      --out "$OUT/bench" > "$OUT/bench.log" 2>&1
    grep "|" "$OUT/bench.log" | tail -n 40
    ;;
  configs)
    timeout 400 python3 -m suite.bench.gpu_check --part configs --out "$OUT/configs.json" --budget-s 380 \
      > "$OUT/configs.log" 2>&1; grep -c " ok" "$OUT/configs.log"; grep "FAIL\|cases" "$OUT/configs.log" | head -n 40
    ;;
  final)
    timeout 200 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/test_conformance.py -m kernels --backend triton \
      --backend fla -k "not 4096" --conformance-report "$OUT/conformance.json" > "$OUT/conformance.log" 2>&1
    tail -n 25 "$OUT/conformance.log"
    timeout 200 python3 -m suite.cli bench --shapes B8_T2048_H32_D64 B32_T1024_H16_D128 B16_T2048_H16_D128 \
      B4_T8192_H16_D128 B2_T16384_H16_D128 --no-sweep --out "$OUT/bench" > "$OUT/bench.log" 2>&1
    grep "|" "$OUT/bench.log" | tail -n 40
    timeout 100 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py --benchmark-only \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    tail -n 30 "$OUT/pytest_bench.log"
    ;;
esac
scrub
