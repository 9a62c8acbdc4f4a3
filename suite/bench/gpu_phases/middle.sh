# GPU phases of suite/bench/gpu_session.sh: v12 to v18. Each phase_NAME is one call's work
# (`bash suite/bench/gpu_session.sh NAME`), its description above it; NOTES.md's version of the same
# name says what it measured. Sourced by gpu_session.sh (helpers: lib.sh).

# v12a    v12 (NOTES.md), configs still `pending`, pinned: the sweep with the scalar decay on its
#           products' rows (also through TMA, on 8 warps, over all of V), the scalar backward over
#           all of V, its dv pass on 8 warps, dv in the state-gradient sweep (dhdv.py):
#           conformance in parallel processes
phase_v12a() {  # the v12 configs pinned (autotune off; they are `pending`), in parallel processes
    v12_scalar "(-64- or -128-)"; v12_wait v12a
}

# v12v    the same for the vector family's pending configs (8 warps; states through TMA)
phase_v12v() {  # v12a for the vector family's pending configs (8 warps, the output pass's states through TMA)
    v12_vector "(-63- or -1024- or -4096-)"; v12_wait v12v
}

# v12av   v12a and v12v in one call (T in 63 and 1024 for bf16), for a session short of device time
phase_v12av() {  # v12a + v12v at once, bf16 at T = 63 and 1024 only (22 processes on 16 cores, one tarball)
    v12_scalar "(-63- or -1024-)"; v12_vector "(-63- or -1024-)"; v12_wait v12av
}

# v12f    v12av's fp32 runs alone (CONF_LIMIT seconds each, default 300), one tarball
phase_v12f() {  # v12av's fp32 runs alone (10 processes; behind v12av's bf16 compiles they timed out)
    V12_DT=fp32; v12_scalar x; v12_vector x; v12_wait v12f
}

# v12s    v12's scalar-family configs pinned on the `scalar` kind alone (the other pass not autotuned)
phase_v12s() {  # the v12 scalar-family configs on the `scalar` kind (all v12av's runs timed out before it):
          # bf16 T = 63 / 1024, fp32 T = 63 / 500
    KIND_K="-scalar-" v12_scalar "(-63- or -1024-)"; v12_wait v12s
}

# v12t    v12's scalar-family configs in fp32: each at D = 64, the backward ones at D = 128
phase_v12t() {  # v12's scalar family in fp32 where v12f/v12g/v12s left gaps: every config at D = 64 (all
         # kinds), the backward configs at D = 128 (a forward pinned at 64 rows hangs there: its
         # step's backward is the fused 64-row pass, which does not finish compiling in fp32 at D = 128)
    FP="float32 and (-63- or -500-) and not vector and test_conformance"
    for c in $V12_FWD $V12_BWD; do bg pin "$c" "v12t_${c}_d64" "${CONF_LIMIT:-420}" "$FP and -64-"; done
    set -- $V12_BWD
    for c in $1 $2; do bg pin "$c" "v12t_${c}_d128s" "${CONF_LIMIT:-420}" "$FP and -128- and -static-"; done
    for c in $3 $4 $5 $6; do bg pin "$c" "v12t_${c}_d128" "${CONF_LIMIT:-420}" "$FP and -128-"; done
    v12_wait v12t
}

# v12u    v12t's gaps (fp32 static at D = 64; the 32-row forward's scalar kind), fewer processes
phase_v12u() {  # v12t's gaps, ten processes (v12t's sixteen ran the GPU out of memory): the static kind
         # in fp32 at D = 64 for every config, the scalar kind for the 32-row forward
    FP="float32 and (-63- or -500-) and -64- and not vector and test_conformance"
    for c in $V12_FWD $V12_BWD; do bg pin "$c" "v12u_${c}_d64s" "${CONF_LIMIT:-300}" "$FP and -static-"; done
    wait; set -- $V12_FWD
    pin "$4" "v12u_${4}_d64k" "${CONF_LIMIT:-200}" "$FP and -scalar-"
    v12_wait v12u
}

# v12w    the v12 scalar-family cases earlier runs' time limits cut off
phase_v12w() {  # the cases earlier runs' time limits cut off: bf16 static at T = 1024, D = 128, strong decay;
         # fp32 kind `none` for three backward configs
    SC="not vector and test_conformance"; set -- $V12_BWD
    for c in $1 $2 $3 $5 $6 fwd-scalar-bt64-bv64-w8-s2-rows; do
      bg pin "$c" "v12w_${c}_bf16s" "${CONF_LIMIT:-200}" "bfloat16 and -1024- and -128- and -static- and -strong- and $SC"
    done
    for c in $4 $5; do bg pin "$c" "v12w_${c}_d64n" "${CONF_LIMIT:-200}" "float32 and (-63- or -500-) and -64- and -none- and $SC"; done
    bg pin "$6" "v12w_${6}_d128n" "${CONF_LIMIT:-200}" "float32 and (-63- or -500-) and -128- and -none- and $SC"
    v12_wait v12w
}

# v12g    fp32 conformance of v12b's scalar winners (rows forward, dhdv backward), per config and T
phase_v12g() {  # fp32 conformance of the scalar configs that win in v12b, one process per config and T
    for c in fwd-scalar-bt64-bv64-w4-s2-rows fwd-scalar-bt64-bv64-w4-s2-rows-tma bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv; do
      for t in 63 500; do
        bg pin "$c" "v12_${c}_fp32_t$t" "${CONF_LIMIT:-300}" "float32 and -$t- and not vector and test_conformance"
      done
    done; v12_wait v12g
}

# v12b    per-config times (gpu_tune) with the pending configs, Nsight Compute on the anchor's launches
phase_v12b() {  # per-config times with the pending configs among the candidates, then Nsight Compute
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
}

# v12c    bench: the anchor's rows (ours, every decayed kind), the 160M scalar rows beside fla
phase_v12c() {  # v11c's rows (and the anchor's vector rows) on the v12 code, pending configs among the candidates
    export SUITE_TRITON_PENDING=1
    bench bench_anchor 240 --shapes B8_T4096_H16_D128 --kinds static scalar vector --backends triton
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v12c.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v16d    the same gate with v15-v16 admitted, saved as kernels_v16
phase_v16d() {  # the gate against the newest stored baseline with v15-v16 admitted, saved as kernels_v16
    compare kernels_v16
}

# v12d    pytest-benchmark compare against kernels_v11, saved as kernels_v12
phase_v12d() {  # the gate against v11's baseline, pending configs among the candidates, saved as kernels_v12
    export SUITE_TRITON_PENDING=1
    compare kernels_v12
}

# v13a    v13 (NOTES.md): the vector configs that score a chunk from one anchor, pinned
#           (conformance: bf16 T = 63 / 1024, every regime; fp32 T = 63 / 500)
phase_v13a() {  # the anchor configs pinned (autotune off; they are `pending`), 14 processes
    v13_anchor; v12_wait v13a
}

# v13b    their times: gpu_tune (16-row training step with the anchor among the candidates, then
#           the 32-row step pinned), the split forward's passes alone, Nsight Compute on vector-fwd
phase_v13b() {  # gpu_tune with the anchor configs among the candidates (16-row step), the 32-row step
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
}

# v13c    bench: the anchor's vector rows, ours (pending on) beside fla, in one run
phase_v13c() {  # the anchor's vector rows, ours with the anchor configs among the candidates, beside fla
    export SUITE_TRITON_PENDING=1
    anchor_vector_rows v13c
}

# v14c    this GPU's ceilings; the anchor's vector rows (ours, fla) with v14's configs admitted
phase_v14c() {  # after v14's admission: this GPU's ceilings, then the anchor's vector rows beside fla
    python3 -m suite.bench.ceilings | tee "$OUT/ceilings_v14c.json"
    anchor_vector_rows v14c
}

# v14a    v14 (NOTES.md): this GPU's ceilings (python -m suite.bench.ceilings); the split forward's state pass and the backward's state-gradient sweep
#           alone, per block size and warps (gpu_tune --sweeps), anchor and 160M shapes
phase_v14a() {  # this GPU's copy bandwidth and bf16 matmul rate; the two state sweeps alone per block size
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
}

# v14b    V14="CONFIG ...": those configs pinned (conformance), then their times (gpu_tune, pending on)
phase_v14b() {  # V14="CONFIG ...": each pinned (conformance of its family's kinds, bf16 T = 63 / 1024,
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
}

# v17a    direct launches (launch.py): host times through both launch paths (gpu_tune --host
#           --profile, 1.45B and 160M scalar); the default configs' matrix; bf16 conformance
phase_v17a() {  # the direct launch path (launch.py): host times and the step's do_bench median through
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
}

# v18a    v18 (NOTES.md): the vector gate's sums in the chunk-parallel kernels as products with
#           triangles. Per-config times and the pieces of the vector step (gpu_tune --passes) at
#           the anchor, for this tree and for the kernels before it (.whl/base.tgz, a `git archive`
#           of the previous commit's suite/) on one machine; then the anchor's vector rows (ours)
phase_v18a() {  # v18's times beside the previous kernels', one machine
    tune_beside_base v18a
    bench bench_anchor_vector "${BENCH_LIMIT:-150}" --shapes B8_T4096_H16_D128 --kinds vector --backends triton
    scrub
    (cd "$OUT" && tar czf v18a.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v18b    v18's correctness: every vector config pinned (8 processes, T = 63 / 1024, D = 64 / 128,
#           bf16 / fp32, weak / strong gates) beside the default configs' matrix (gpu_check)
phase_v18b() {  # v18's correctness: every vector config pinned, beside the default configs' matrix
    SUITE_TRITON_NO_AUTOTUNE=1 timeout 250 python3 -m suite.bench.gpu_check --part matrix \
      --out "$OUT/check_v18b.json" --budget-s 230 > "$OUT/check_v18b.log" 2>&1 &
    CONFIG_K="vector" SHARDS=${SHARDS:-7} shards v18b "${CONF_LIMIT:-330}"
    wait
    echo "== check ok: $(grep -c " ok" "$OUT/check_v18b.log")"; grep "FAIL\|cases" "$OUT/check_v18b.log" | head -n 20
    scrub
    (cd "$OUT" && tar czf v18b_check.tgz ./*.log ./*.json && rm -f ./*.log ./*.json)
}

# v17b    direct launches: the 1.45B and 160M scalar rows beside fla, ours through Triton's path
#           too; the 1.45B step's host times; on an H200 the gate, saved as kernels_v17
phase_v17b() {  # with direct launches: the 1.45B and 160M scalar rows beside fla; ours again through
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
}

# v16r    the 1.45B layer shape's scalar rows (ours, fla)
phase_v16r() {  # the 1.45B layer shape's scalar rows beside fla (the second D = 64 shape of issue 6's 2x)
    bench bench_1p45b_fla "${BENCH_LIMIT:-240}" --shapes B8_T2048_H32_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v16r.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}
