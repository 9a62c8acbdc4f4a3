# Helpers of suite/bench/gpu_session.sh's phases: conformance and bench runs into $OUT, pinned-config
# shards, the pytest-benchmark gate, scrubbing the logs of this machine's paths. Sourced by
# gpu_session.sh after its set-up ($OUT, the Triton cache, fla on PYTHONPATH, BL: this GPU's
# stored pytest-benchmark runs).

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
