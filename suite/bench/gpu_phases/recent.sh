# GPU phases of suite/bench/gpu_session.sh: v19 on, and gate. Each phase_NAME is one call's work
# (`bash suite/bench/gpu_session.sh NAME`), its description above it; NOTES.md's version of the same
# name says what it measured. Sourced by gpu_session.sh (helpers: lib.sh).

# v19a    the H200 table's anchor rows of the tree's kernels: ceilings, the vector rows beside fla
#           (BENCH_LIMIT, default 330 s: fla autotunes its backward on a fresh machine), then the
#           scalar and static rows (ours); SDPA=1: SDPA in the vector rows' run too (v19a and
#           v19b), so that the table's x SDPA column pairs ours with it at the named shapes
phase_v19a() {  # the anchor's rows of this tree: ceilings, vector beside fla, scalar and static
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v19a.json"
    bench bench_anchor_vector "${BENCH_LIMIT:-330}" --shapes B8_T4096_H16_D128 --kinds vector --backends triton fla \
      ${SDPA:+sdpa}
    bench bench_anchor 150 --shapes B8_T4096_H16_D128 --kinds static scalar --backends triton
    scrub
    (cd "$OUT" && tar czf v19a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v19b    the D = 64 scalar rows beside fla: 160M, then 1.45B (issue 6's 2x); the vector rows
#           (ours) at both D = 64 shapes
phase_v19b() {  # the D = 64 scalar rows beside fla, one shape per bench call
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla ${SDPA:+sdpa}
    bench bench_1p45b_fla 240 --shapes B8_T2048_H32_D64 --kinds scalar --backends triton fla ${SDPA:+sdpa}
    bench bench_d64_vector 120 --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds vector --backends triton
    scrub
    (cd "$OUT" && tar czf v19b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v19d    the T sweep at D = 128 (T = 1k, 2k, 8k, 16k; the anchor is v19a's), ours and SDPA
phase_v19d() {  # the T sweep (protocol.SWEEP but the anchor), ours and causal SDPA
    bench bench_sweep 500 --shapes B32_T1024_H16_D128 B16_T2048_H16_D128 B4_T8192_H16_D128 \
      B2_T16384_H16_D128 --kinds scalar vector --backends triton sdpa
    scrub
    (cd "$OUT" && tar czf v19d.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v19e    SDPA at the three named shapes; fla's scalar rows at the anchor beside ours
phase_v19e() {  # the rows v19a-v19d leave out of a full table: SDPA at the three named shapes, fla's
         # scalar rows at the anchor (beside ours, one run)
    bench bench_sdpa 120 --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 B8_T2048_H32_D64 --backends sdpa
    bench bench_anchor_scalar_fla 330 --shapes B8_T4096_H16_D128 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v19e.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v19f    the D = 64 scalar step's pieces and per-config times (gpu_tune)
phase_v19f() {  # the D = 64 scalar step's pieces (gpu_tune: per-config times, training forward, backward)
    timeout 200 python3 -m suite.bench.gpu_tune --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds scalar \
      > "$OUT/gpu_tune_v19f.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v19f.log" | grep "ms" | cut -c1-400 | tail -n 40
    scrub
}

# v19h    a first pytest-benchmark baseline for this GPU (baselines/bench/<gpu>/, saved as
#           kernels_v18); AGAIN=1: then the gate against it at once (unchanged kernels must pass)
phase_v19h() {  # a first stored baseline on a GPU without one (saved as kernels_v18); AGAIN=1: the gate
         # against it at once, which unchanged kernels must pass (v10d did the same on the H200)
    mkdir -p "$BL"
    pb "${PB_LIMIT:-170}" --benchmark-save=kernels_v18 > "$OUT/pytest_save_kernels_v18.log" 2>&1
    echo "== save rc=$?"; grep -v "^ \|^Trace\|^  File" "$OUT/pytest_save_kernels_v18.log" | tail -n 14
    (cd "$BL" && tar czf "$OUT/baseline_kernels_v18.tgz" .)
    if [ -n "${AGAIN:-}" ]; then PB_COMPARE_LIMIT=${PB_LIMIT:-170} compare kernels_v18_again; fi
    scrub
}

# v22a    v22 (NOTES.md): the D = 64 scalar step's per-config times with the register-capped
#           configs among the candidates (gpu_tune, pending on: they were pending when it ran,
#           admitted since); their conformance, pinned (CONF_LIMIT, default 180 s); the 160M
#           scalar rows beside fla (BENCH_LIMIT)
phase_v22a() {  # v22's register caps
    export SUITE_TRITON_PENDING=1
    d64_tune v22a "${TUNE_LIMIT:-150}"
    CONFIG_K="r168" SHARDS=${SHARDS:-6} SUITE_TRITON_PENDING= shards v22a "${CONF_LIMIT:-180}"
    bench bench_160m_fla "${BENCH_LIMIT:-240}" --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v22a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v22b    the 1.45B scalar rows beside fla, pending on; the 160M step's launches under Nsight
#           Compute as the autotuner picks them (registers, occupancy, time per launch)
phase_v22b() {  # the 1.45B rows with the capped configs among the candidates; the 160M step profiled
    SUITE_TRITON_PENDING=1 bench bench_1p45b_fla "${BENCH_LIMIT:-240}" --shapes B8_T2048_H32_D64 --kinds scalar \
      --backends triton fla
    SUITE_TRITON_PENDING=1 PROFILE_W="scalar-train-160m" bash "$0" v11a
    scrub
    (cd "$OUT" && tar czf v22b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v25a    v25 (NOTES.md): the D = 64 scalar step's per-config times with the chunk pass over 2 or 4
#           chunks per program among the candidates (gpu_tune, pending on: they were pending when
#           it ran, admitted since); their conformance, pinned (CONF_LIMIT, default 150 s; the
#           admitted two, `c2 or c4`); the D = 64 scalar rows beside fla and SDPA (BENCH_LIMIT,
#           default 200 s; 0 skips them)
phase_v25a() {  # v25's chunks per program
    export SUITE_TRITON_PENDING=1
    pending_d64 v25a "c2 or c4"
    bench bench_d64_fla "${BENCH_LIMIT:-200}" --shapes B32_T2048_H12_D64 \
      B8_T2048_H32_D64 --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v25a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v25b    v25's configs admitted (pending off): the D = 64 scalar rows beside fla and SDPA in one
#           run (BENCH_LIMIT, default 200 s), then the pytest-benchmark gate against this GPU's
#           newest stored run, saved as NAME (default kernels_v25; PB_COMPARE_LIMIT, default 300 s)
phase_v25b() {  # v25's configs admitted: the D = 64 scalar rows beside fla and SDPA; the gate
    bench bench_d64_fla "${BENCH_LIMIT:-200}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds scalar \
      --backends triton fla sdpa
    [ "${PB_COMPARE_LIMIT:-300}" = 0 ] || PB_COMPARE_LIMIT=${PB_COMPARE_LIMIT:-300} compare "${NAME:-kernels_v25}"
    scrub
    (cd "$OUT" && tar czf v25b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v26a    v26 (NOTES.md): the D = 64 scalar step's per-config times with the chunk pass carrying
#           dS over its cpp chunks among the candidates (gpu_tune, pending on; TUNE_LIMIT, default
#           150 s), then those configs pinned (conformance; CONF_LIMIT, default 150 s); v26 was
#           rejected and its configs removed: run it from a checkout of eddca9c
phase_v26a() {  # v26's carried state gradient
    pending_d64 v26a carry
    scrub
    (cd "$OUT" && tar czf v26a.tgz ./*.log && rm -f ./*.log)
}

# v27a    v27 (NOTES.md): v26a with v27's configs too (the D = 64 picks without bounds checks,
#           `even`): the step's per-config times with every pending config among the candidates
#           (gpu_tune; TUNE_LIMIT, default 150 s), then the `carry` and `even` configs pinned
#           (conformance; CONF_LIMIT, default 150 s)
phase_v27a() {  # v26's and v27's pending configs timed and pinned
    pending_d64 v27a "carry or even"
    scrub
    (cd "$OUT" && tar czf v27a.tgz ./*.log && rm -f ./*.log)
}

# v27b    the D = 64 scalar rows beside fla and SDPA with the pending configs among the autotuner's
#           candidates (SUITE_TRITON_PENDING=1; BENCH_LIMIT, default 420 s: fla autotunes on a fresh
#           machine); each row records the configs it ran
phase_v27b() {  # the D = 64 rows, pending configs among the candidates
    SUITE_TRITON_PENDING=1 bench bench_d64_pending "${BENCH_LIMIT:-420}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 \
      --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v27b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v27h    v27's uncapped forward (`fwd-scalar-bt64-bv64-w4-s2-even`, still pending) pinned on the
#           scalar and static kinds (conformance, two processes; CONF_LIMIT, default 200 s: v27a's limit
#           cut them before T = 1024, the only length of the GPU grid where `even` drops the bounds
#           checks); the coverage table of the two reports
phase_v27h() {  # v27's uncapped forward pinned on two kinds
    CONFIG_K="fwd-scalar-bt64-bv64-w4-s2-even and not none" SHARDS=2 shards v27h "${CONF_LIMIT:-200}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v27h.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v27h.md"
    rm -rf "$OUT/cov"
}

# v27i    v27h's T = 1024 cases alone (`--config-T 1024`; CONF_LIMIT, default 330 s): v27h's 200 s
#           reached only T = 63 again, where the cases compile-bound each (D, dtype) first
phase_v27i() {  # v27h's T = 1024 cases alone: v27h (200 s) reached only T = 63
    CONF_ARGS="--config-T 1024" CONFIG_K="fwd-scalar-bt64-bv64-w4-s2-even and not none" SHARDS=2 \
      shards v27i "${CONF_LIMIT:-330}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v27i.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v27i.md"
    rm -rf "$OUT/cov"
}

# v28a    v28 (NOTES.md): the D = 64 scalar step's per-config times (gpu_tune, pending configs among
#           the candidates; TUNE_LIMIT, default 150 s each) on this tree's 64-row chunks, then with
#           the 128-row backward pinned (its forward from the 128-row candidates); then the two
#           128-row configs pinned (conformance, six processes; CONF_LIMIT, default 250 s);
#           rejected and its configs removed: run it from a checkout of 566e0a2
phase_v28a() {  # the D = 64 step on 128-row chunks beside the 64-row one, then its configs pinned
    SUITE_TRITON_PENDING=1 d64_tune v28a_bt64 "${TUNE_LIMIT:-150}"
    SUITE_TRITON_CONFIG=bwd-scalar-bt128-bv64-w8-s2-dv64-k64-dvw8-dhdv-even SUITE_TRITON_PENDING=1 \
      d64_tune v28a_bt128 "${TUNE_LIMIT:-150}"
    CONFIG_K="bt128" SHARDS=6 SUITE_TRITON_PENDING= shards v28a "${CONF_LIMIT:-250}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v28a.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v28a.md"
    rm -rf "$OUT/cov"
    scrub
    (cd "$OUT" && tar czf v28a.tgz ./*.log && rm -f ./*.log)
}

# v28b    the D = 128 scalar rows of the H100 table on this tree, where v27's uncapped `even` forward
#           is a candidate since v27i: the anchor beside fla (BENCH_LIMIT, default 280 s), the T sweep
#           beside SDPA (SWEEP_LIMIT, default 200 s)
phase_v28b() {  # the D = 128 scalar rows on this tree
    bench bench_anchor_scalar_fla "${BENCH_LIMIT:-280}" --shapes B8_T4096_H16_D128 --kinds scalar --backends triton fla
    bench bench_sweep_scalar "${SWEEP_LIMIT:-200}" --shapes B32_T1024_H16_D128 B16_T2048_H16_D128 \
      B4_T8192_H16_D128 B2_T16384_H16_D128 --kinds scalar --backends triton sdpa
    scrub
    (cd "$OUT" && tar czf v28b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v29a    v29 (NOTES.md): the scalar step's per-config times at the anchor and the 160M shape with
#           v29's pending configs among the candidates (gpu_tune; TUNE_LIMIT, default 200 s), then
#           those configs pinned at D = 128 (conformance, twelve processes, `--config-D 128`;
#           CONF_LIMIT, default 280 s)
phase_v29a() {  # v29's pending configs timed at the anchor and 160M, then pinned at D = 128
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
}

# v29b    v29's pending configs pinned at D = 64 (`--config-D 64`; CONF_LIMIT, default 280 s);
#           v29 is settled (one config admitted, three removed): run v29a/v29b from a checkout of
#           29f9aac to time the removed ones
phase_v29b() {  # v29's pending configs pinned at D = 64
    CONF_ARGS="--config-D 64" CONFIG_K="rows-even or dhdv-even" SHARDS=12 SUITE_TRITON_PENDING= \
      shards v29b "${CONF_LIMIT:-280}"
    mkdir -p "$OUT/cov" && tar xzf "$OUT/configs_v29b.tgz" -C "$OUT/cov"
    python3 -m suite.bench.coverage "$OUT/cov" | tee "$OUT/coverage_v29b.md"
    rm -rf "$OUT/cov"
}

# v24h    the targets measured on this tree, in one call of a few minutes (H200): the
#           ceilings, the anchor's static, scalar and vector rows (ours beside SDPA; fla's vector
#           backward autotunes for minutes on a fresh machine, so fla is left to v19a), then the
#           D = 64 scalar rows beside fla and SDPA (D64_LIMIT, default 220 s; 0 skips them: fla
#           autotunes each case for 20-40 s on a fresh machine, so a second call on the warm one
#           with D64_LIMIT alone gives the whole run)
phase_v24h() {  # the targets on this tree
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v24h.json"
    bench bench_anchor "${BENCH_LIMIT:-200}" --shapes B8_T4096_H16_D128 --kinds static scalar vector --backends triton sdpa
    bench bench_d64_fla "${D64_LIMIT:-220}" --shapes B32_T2048_H12_D64 \
      B8_T2048_H32_D64 --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v24h.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v30a    the graph timer (`suite bench --timer graph`, NOTES v30): its GPU test (a replay leaves the
#           eager step's gradients), then the scalar rows at the three named shapes, ours, fla and
#           SDPA, timed as CUDA-graph replays (GRAPH_LIMIT, default 300 s: fla autotunes on a fresh
#           machine), then the same rows eager (EAGER_LIMIT, default 150 s), one machine, back to back
phase_v30a() {  # graph-timed rows beside eager ones
    graph_test v30a
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v30a.json"
    bench bench_graph "${GRAPH_LIMIT:-300}" --timer graph --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 \
      B8_T4096_H16_D128 --kinds scalar --backends triton fla sdpa
    bench bench_eager "${EAGER_LIMIT:-150}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 \
      B8_T4096_H16_D128 --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v30a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v30b    the graph timer's GPU test, then the pytest-benchmark gate against this GPU's newest
#           stored run, saved as NAME (default kernels_v29), then the vector rows (ours) at the
#           three named shapes as graph replays (GRAPH_LIMIT, default 120 s)
phase_v30b() {  # the graph timer's GPU test, the gate, vector rows as graph replays
    graph_test v30b
    compare "${NAME:-kernels_v29}"
    bench bench_graph_vector "${GRAPH_LIMIT:-120}" --timer graph --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      B8_T2048_H32_D64 --kinds vector --backends triton
    scrub
    (cd "$OUT" && tar czf v30b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v31a    this tree's H200 table in three calls on one warm machine: the graph timer's GPU test,
#           the ceilings, the scalar rows at the three named shapes as graph replays beside fla and
#           SDPA (GRAPH_LIMIT, default 420 s; fla autotunes for minutes on a fresh machine)
phase_v31a() {  # this tree's H200 table, first of three calls on one warm machine
    graph_test v31a
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v31a.json"
    bench bench_graph "${GRAPH_LIMIT:-420}" --timer graph --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 \
      B8_T4096_H16_D128 --kinds scalar --backends triton fla sdpa
    scrub
    (cd "$OUT" && tar czf v31a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v31b    the eager rows: the anchor (ours, every kind; SDPA), D = 64 (scalar beside fla and SDPA;
#           static and vector, ours), the T sweep (ours, SDPA)
phase_v31b() {  # the second: the eager rows of this tree's kernels (fla's autotune picks cached by v31a)
    bench bench_anchor "${ANCHOR_LIMIT:-110}" --shapes B8_T4096_H16_D128 --kinds static scalar vector --backends triton sdpa
    bench bench_d64_fla "${D64_LIMIT:-120}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds scalar \
      --backends triton fla sdpa
    bench bench_d64 "${D64_OURS_LIMIT:-100}" --shapes B32_T2048_H12_D64 B8_T2048_H32_D64 --kinds static vector \
      --backends triton
    bench bench_sweep "${SWEEP_LIMIT:-200}" --shapes B32_T1024_H16_D128 B16_T2048_H16_D128 B4_T8192_H16_D128 \
      B2_T16384_H16_D128 --kinds scalar vector --backends triton sdpa
    scrub
    (cd "$OUT" && tar czf v31b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v31c    the anchor's vector rows beside fla's, then the gate saved as NAME (default kernels_v30;
#           PB_COMPARE_LIMIT=0 skips it)
phase_v31c() {  # the third: the anchor's vector rows beside fla's (fla autotunes for minutes), then the gate
    bench bench_anchor_vector_fla "${FLA_LIMIT:-330}" --shapes B8_T4096_H16_D128 --kinds vector --backends triton fla
    [ "${PB_COMPARE_LIMIT:-220}" = 0 ] || compare "${NAME:-kernels_v30}"
    scrub
    (cd "$OUT" && tar czf v31c.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v32a    v32 (NOTES.md): the vector forward as one sweep with one anchor per chunk, prepared without a
#           GPU: the vector step's per-config times at the anchor and the 160M shape with v32's
#           pending forwards among the candidates (gpu_tune; TUNE_LIMIT, default 240 s), then the
#           three pinned, every case of the GPU grid (conformance, one process per config and head
#           dim, autotune off; CONF_LIMIT, default 240 s) and their coverage
phase_v32a() {  # v32's pending forwards timed at the anchor and 160M, then pinned (conformance)
    SUITE_TRITON_PENDING=1 timeout "${TUNE_LIMIT:-240}" python3 -m suite.bench.gpu_tune \
      --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 --kinds vector > "$OUT/gpu_tune_v32a.log" 2>&1
    echo "== gpu_tune v32a rc=$?"; grep -v -i warn "$OUT/gpu_tune_v32a.log" | grep "ms" | cut -c1-900 | tail -n 16
    local c d
    for c in fwd-vector-bt32-bv128-w8-s2-anchor-even fwd-vector-bt32-bv64-w4-s2-anchor-even \
             fwd-vector-bt32-bv64-w4-s2-anchor-r168-even; do
      for d in 128 64; do  # a config not admitted at d skips at once (test_triton_config)
        SUITE_TRITON_NO_AUTOTUNE=1 bg conf "v32a_${c}_d$d" "${CONF_LIMIT:-240}" --backend triton \
          --config-D "$d" -k "test_triton_config and $c"
      done
    done
    wait
    pkill -f ptxas || true
    python3 -m suite.bench.coverage "$OUT" --family vector | tee "$OUT/coverage_v32a.md"
    (cd "$OUT" && tar czf configs_v32a.tgz v32a_*.json && rm -f v32a_*.json)
    scrub
    (cd "$OUT" && tar czf v32a.tgz ./*.log && rm -f ./*.log)
}

# gate    the pytest-benchmark gate alone (this GPU's newest stored run; NAME: the name it is saved as)
phase_gate() {  # the pytest-benchmark gate alone against this GPU's newest stored run, saved as ${NAME:-gate}
    compare "${NAME:-gate}"
    scrub
}

# v19c    the pytest-benchmark gate against the newest stored baseline, saved as kernels_v18; then
#           v18a's two step timings (this tree, then .whl/base.tgz's kernels) on the same machine
phase_v19c() {  # the gate, saved as kernels_v18; then v18a's step timings on this machine
    compare kernels_v18
    TUNE_LIMIT=${TUNE_LIMIT:-150} tune_beside_base v19c
    scrub
    (cd "$OUT" && tar czf v19c.tgz ./*.log && rm -f ./*.log)
}
