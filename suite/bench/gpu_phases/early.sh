# GPU phases of suite/bench/gpu_session.sh: main, configs, final and v2 to v11. Each phase_NAME is one call's work
# (`bash suite/bench/gpu_session.sh NAME`), its description above it; NOTES.md's version of the same
# name says what it measured. Sourced by gpu_session.sh (helpers: lib.sh).

# v3a     fla rows at the anchor and 1.45B shapes (fla's first backward autotunes for minutes)
phase_v3a() {  # fla's first calls autotune for minutes on a fresh machine: one call for the fla rows
    b() { local n=$1 t=$2; shift 2; timeout "$t" python3 -m suite.cli bench --no-sweep --out "$OUT/$n" "$@" \
      > "$OUT/$n.log" 2>&1; echo "== $n rc=$?"; grep "|" "$OUT/$n/"*/kernels.md | tail -n 12; }
    b bench_anchor 330 --shapes B8_T4096_H16_D128 --backends fla sdpa --kinds scalar vector
    b bench_1p45b 220 --shapes B8_T2048_H32_D64 --kinds scalar vector
}

# v3b     fla conformance (bf16, D=64, T <= 500, not vector) + every pinned Triton config
phase_v3b() {
    conf conformance_fla_bf16 200 --backend fla -k "bfloat16 and (-63- or -500-) and -64- and not vector"
    conf conformance_triton_configs 300 --backend triton -k test_triton_config
}

# v3c     pytest-benchmark baseline + triton fp16/fp32 conformance + T sweep and SDPA rows
phase_v3c() {
    timeout 150 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py --benchmark-only -k "not fla" \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    echo "== pytest-benchmark rc=$?"; tail -n 22 "$OUT/pytest_bench.log"
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_f16f32 200 --backend triton -k "(float16 or float32) and not -4096- and test_conformance"
    timeout 110 python3 -m suite.cli bench --shapes B2_T16384_H16_D128 B8_T4096_H16_D128 --kinds scalar \
      --backends triton sdpa --out "$OUT/bench_sweep" > "$OUT/bench_sweep.log" 2>&1
    echo "== sweep rc=$?"; grep "|" "$OUT/bench_sweep/"*/kernels.md | tail -n 12
}

# v3d     the dg fix's cases (static/scalar, T=63, D=128, every dtype) + its regression test
phase_v3d() {  # the cases of the dg fix (v2.1), and its regression test
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_fix 140 --backend triton \
      -k "strong_constant or ((static or scalar) and -63- and -128-)"
}

# v4a     vector conformance of v2.2 (all dtypes) + baseline compare + T = 4096 conformance
phase_v4a() {  # v2.1/v2.2 kernels: GPU correctness of the changed vector path first, then speed vs the v2 baseline
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_vector 220 --backend triton -k "vector and not -4096- and test_conformance"
    timeout 150 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py \
      --benchmark-only -k "not fla" --benchmark-storage=baselines/bench/h200 --benchmark-compare \
      --benchmark-compare-fail=median:10% --benchmark-columns=median,iqr > "$OUT/pytest_compare.log" 2>&1
    echo "== compare rc=$?"; tail -n 22 "$OUT/pytest_compare.log"
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_4096 180 --backend triton -k "-4096- and bfloat16 and test_conformance"
}

# v4b     fla conformance with its Hopper guard bypassed (fp64 decides)
phase_v4b() {
    SUITE_FLA_BYPASS_HOPPER_GUARD=1 conf conformance_fla_bf16 280 --backend fla -k "bfloat16 and (-63- or -500-) and -64-"
}

# v4c     every pinned Triton config; `CONFIG_SHARD=I/N` runs configs I, I+N, ... only,
#           `CONFIG_K=EXPR` only those pytest -k EXPR selects; CONF_LIMIT seconds (default 290)
phase_v4c() {
    conf conformance_triton_configs "${CONF_LIMIT:-290}" --backend triton --config-shard "${CONFIG_SHARD:-0/1}" \
      -k "test_triton_config${CONFIG_K:+ and ($CONFIG_K)}"
}

# v5a     static log-decay gradient from the state's derivative (static_grad.py): conformance of
#           the static kind at T = 1024 and 4096 (triton, chunked; bf16, fp32), then its cost:
#           suite bench static vs scalar at the anchor and the 160M shape (triton)
phase_v5a() {
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_long_t 300 --backend triton --backend chunked \
      -k "static and (-1024- or -4096-) and (bfloat16 or float32) and test_conformance"
    timeout 200 python3 -m suite.cli bench --no-sweep --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds static scalar --backends triton --out "$OUT/bench_static" > "$OUT/bench_static.log" 2>&1
    echo "== bench_static rc=$?"; grep "|" "$OUT/bench_static/"*/kernels.md | tail -n 12
}

# v7a     split forward (fwd.py: state pass + chunk-parallel output): conformance of its pinned
#           configs, per-config autotune times (gpu_tune), bench at 160M (ours, fla, SDPA) and the anchor
phase_v7a() {  # split forward schedule: GPU correctness of its configs, per-config times, the 160M and anchor rows
    conf conformance_triton_split 190 --backend triton -k "test_triton_config and split"
    timeout 110 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds scalar vector > "$OUT/gpu_tune_v7.log" 2>&1; echo "== gpu_tune rc=$?"; tail -n 30 "$OUT/gpu_tune_v7.log"
    bench bench_160m 130 --shapes B32_T2048_H12_D64 --kinds scalar vector --backends triton fla sdpa
    bench bench_anchor 140 --shapes B8_T4096_H16_D128 --kinds scalar vector --backends triton sdpa
}

# v7b     v5a's long-T static conformance; forward rows (ours, fla, SDPA) at the anchor and 160M;
#           default-config bf16 conformance at T = 63
phase_v7b() {  # v5a's long-T static conformance; forward rows again (no states under no_grad since v7), fla beside
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_long_t 240 --backend triton --backend chunked \
      -k "static and (-1024- or -4096-) and (bfloat16 or float32) and test_conformance"
    bench bench_anchor_fwd 120 --shapes B8_T4096_H16_D128 --kinds scalar vector --backends triton fla sdpa --modes fwd
    bench bench_160m_fwd 90 --shapes B32_T2048_H12_D64 --kinds scalar vector --backends triton fla sdpa --modes fwd
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_v7 100 --backend triton -k "bfloat16 and -63- and test_conformance"
    (cd "$OUT" && tar czf bench_v7b.tgz bench_*/ && rm -rf bench_*/)
}

# v7c     the split forward's passes alone (gpu_tune --passes); pytest-benchmark compare against the
#           stored baseline, saving this run beside it
phase_v7c() {  # the split forward's two passes alone; pytest-benchmark compare against the stored baseline
    timeout 150 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds scalar vector --passes > "$OUT/gpu_tune_passes.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_passes.log" | tail -n 24
    timeout 220 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py \
      --benchmark-only -k "not fla" --benchmark-storage=baselines/bench/h200 --benchmark-compare \
      --benchmark-compare-fail=median:10% --benchmark-columns=median,iqr \
      --benchmark-save=kernels_v7 > "$OUT/pytest_compare_v7.log" 2>&1
    echo "== compare rc=$?"; tail -n 22 "$OUT/pytest_compare_v7.log"
    (cd baselines/bench/h200 && tar czf "$OUT/baseline_v7.tgz" .)
}

# v7d     bench at the anchor (ours, SDPA) and the 160M scalar rows with fla's fwd+bwd in the same run
phase_v7d() {  # the anchor's rows (ours, SDPA) and the 160M scalar rows beside fla's forward+backward, one run each
    bench bench_anchor 150 --shapes B8_T4096_H16_D128 --kinds scalar vector --backends triton sdpa
    bench bench_160m_fla 230 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    (cd "$OUT" && tar czf bench_v7d.tgz bench_*/ && rm -rf bench_*/)
}

# v7e     static (gradient from static_grad.py) beside scalar decay, ours, at 160M and the anchor
phase_v7e() {  # what the static gradient from the state's derivative costs: static beside scalar, ours
    bench bench_static 230 --shapes B32_T2048_H12_D64 B8_T4096_H16_D128 --kinds static scalar --backends triton
    (cd "$OUT" && tar czf bench_v7e.tgz bench_*/ && rm -rf bench_*/)
}

# v7f     every pinned config, SHARDS (8) conformance processes at once on one GPU (compile-bound);
#           CONFIG_K / CONF_LIMIT as in v4c; the reports come back in one tarball
phase_v7f() {  # every pinned config, SHARDS (default 8) pytest processes at once on the one GPU: the cases
        # are compile-bound (each config compiles its kernels per kind, D and dtype), the host has 16 cores
    shards v7f "${CONF_LIMIT:-540}"
}

# v8a     backward with dv in a pass of its own (dv_split configs): per-config times (gpu_tune),
#           their pinned conformance (8 shards), the 160M rows (ours, fla) in one run
phase_v8a() {  # backward with dv in a pass of its own (bwd.py, step 3): per-config times at the anchor and
        # 160M, the GPU conformance of its pinned configs, the 160M rows beside fla in one run
    timeout 150 python3 -m suite.bench.gpu_tune --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 \
      --kinds scalar vector > "$OUT/gpu_tune_v8.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v8.log" | tail -n 16
    CONFIG_K="dv" shards v8a 180
    bench bench_160m 170 --shapes B32_T2048_H12_D64 --kinds scalar vector --backends triton fla
    (cd "$OUT" && tar czf bench_v8a.tgz bench_*/ && rm -rf bench_*/)
}

# v8b     the kept dv_split configs' conformance per (config, kind); 160M scalar rows beside
#           fla's; the anchor's rows (ours)
phase_v8b() {  # the dv_split configs kept: their pinned conformance per (config, kind); 160M scalar rows
        # beside fla's in one run; the anchor's rows (ours)
    CONFIG_K="dv" shards v8b 150
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    bench bench_anchor 140 --shapes B8_T4096_H16_D128 --kinds scalar vector --backends triton
    (cd "$OUT" && tar czf bench_v8b.tgz bench_*/ && rm -rf bench_*/)
}

# v8d     pytest-benchmark compare alone (v8c's ran on a host still busy with compiles)
phase_v8d() {  # pytest-benchmark compare alone on a quiet host (v8c's followed timed-out compiles), saved
    compare kernels_v8
}

# v9a     the static log-decay gradient as a Triton sweep: static conformance at T = 1024 and
#           4096 (triton, bf16, fp32), static beside scalar forward+backward (ours)
phase_v9a() {  # the static log-decay gradient as a Triton sweep (static_dg.py): static conformance (triton,
        # bf16 and fp32, T = 1024 and 4096), then its cost beside scalar decay at 160M and the anchor
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_sweep 110 --backend triton \
      -k "static and (-1024- or -4096-) and (bfloat16 or float32) and test_conformance"
    timeout 60 python3 -m suite.bench.gpu_tune --static-dg > "$OUT/gpu_tune_static_dg.log" 2>&1
    echo "== static dg rc=$?"; grep "static dg" "$OUT/gpu_tune_static_dg.log"
    bench bench_static 130 --shapes B32_T2048_H12_D64 B8_T4096_H16_D128 --kinds static scalar \
      --backends triton --modes fwdbwd
    (cd "$OUT" && tar czf bench_v9a.tgz bench_*/ && rm -rf bench_*/)
}

# v9b     the static sweep's conformance at T = 4096 (D = 64), its time alone per block size
phase_v9b() {  # the static sweep at T = 4096 (v9a's conformance ran out of time at T = 1024), then its time alone
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_static_sweep_4096 70 --backend triton \
      -k "static and -4096- and -64- and (bfloat16 or float32) and test_conformance"
    timeout 30 python3 -m suite.bench.gpu_tune --static-dg > "$OUT/gpu_tune_static_dg.log" 2>&1
    echo "== static dg rc=$?"; grep "static dg" "$OUT/gpu_tune_static_dg.log"
}

# v10a    v10 kernels (shared chunk prologue, sub-chunk split forward, static sweep on 64 x 64
#           tiles): GPU correctness in parallel processes (default configs bf16 T = 63 / 1024,
#           static T = 1024 / 4096, the sub-chunk configs pinned), then per-config times
phase_v10a() {  # correctness first, in processes side by side (compile-bound), then times on a quiet host
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
}

# v10b    the split passes at B2_T16384_H16_D128; bench: the anchor's rows (ours, every kind), the
#           160M scalar rows beside fla in one run
phase_v10b() {  # the split passes at T = 16384, where the state pass's chain is longest; the anchor's rows
         # (ours, every kind); the 160M scalar rows beside fla's in one run; one tarball back
    timeout 120 python3 -m suite.bench.gpu_tune --shapes B2_T16384_H16_D128 --kinds vector --passes \
      > "$OUT/gpu_tune_v10b_t16k.log" 2>&1; echo "== gpu_tune rc=$?"
    grep -v -i warn "$OUT/gpu_tune_v10b_t16k.log" | tail -n 12
    bench bench_anchor 200 --shapes B8_T4096_H16_D128 --kinds static scalar vector --backends triton
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v10b.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v10c    the split configs pinned; static rows at 160M; pytest-benchmark compare, saved as kernels_v10
phase_v10c() {  # after the sub-chunk configs went again: the split configs pinned (the output kernel's
         # opening changed), the 160M static rows (64 x 64 sweep), pytest-benchmark compare
    CONFIG_K="split" shards v10c 200
    bench bench_static_160m 120 --shapes B32_T2048_H12_D64 --kinds static --backends triton --modes fwdbwd
    compare kernels_v10
    scrub
    (cd "$OUT" && tar czf v10c.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v10d    pytest-benchmark at 10 calls per round (one sync): baseline saved, then compared against
phase_v10d() {  # pytest-benchmark with CALLS (10) calls per round: a new baseline, then a compare against it
    pb 200 --benchmark-save=kernels_v10_calls10 > "$OUT/pytest_bench_v10d.log" 2>&1
    echo "== baseline rc=$?"; grep "test_kernel_speed\[" "$OUT/pytest_bench_v10d.log" | tail -n 8
    pb 150 --benchmark-compare --benchmark-compare-fail=median:10% > "$OUT/pytest_compare_v10d.log" 2>&1
    echo "== compare rc=$?"; grep "test_kernel_speed\[\|failed\|regressed" "$OUT/pytest_compare_v10d.log" | tail -n 20
    (cd baselines/bench/h200 && tar czf "$OUT/baseline_v10d.tgz" .)
}

# v11a    Nsight Compute on the anchor's launches (gpu_profile.py workloads): time, occupancy,
#           throughput and the stall reasons per kernel, with the configs of the timed run pinned;
#           one tarball back
phase_v11a() {  # where each launch's time goes (ncu reads the counters on this runtime; clocks left alone)
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
}

# v11b    the scalar backward's chunk pass over 64-channel K-blocks (configs *-k64): their
#           conformance pinned (bf16 and fp32, D = 128, every scalar-family kind), the vector dv
#           pass after its new arguments, per-config times (gpu_tune) and Nsight Compute again
phase_v11b() {  # correctness of the new configs first (processes side by side, autotune off), then times
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
}

# v11c    bench: the anchor's scalar and static rows, the 160M scalar rows beside fla in one run
phase_v11c() {  # the rows: anchor scalar and static (ours), 160M scalar beside fla
    bench bench_anchor 180 --shapes B8_T4096_H16_D128 --kinds static scalar --backends triton
    bench bench_160m_fla 240 --shapes B32_T2048_H12_D64 --kinds scalar --backends triton fla
    scrub
    (cd "$OUT" && tar czf v11c.tgz bench_*/ ./*.log && rm -rf bench_*/ ./*.log)
}

# v11d    pytest-benchmark compare against the calls-10 baseline, saved as kernels_v11
phase_v11d() {  # the gate against v10d's calls-10 baseline, this run saved beside it
    compare kernels_v11
}

# v8c     pinned conformance of the split-forward and dv_split configs; pytest-benchmark compare
phase_v8c() {  # pinned conformance of the split-forward and dv_split configs (autotune off); pytest-benchmark
        # compare against the stored baseline, saving this run beside it
    CONFIG_K="split or dv" shards v8c 200
    compare kernels_v8
}

# v2d     160M-shape bench (ours, fla, SDPA), SDPA at the anchor, fla conformance (T=63, D=64)
phase_v2d() {
    b() { local n=$1 t=$2; shift 2; timeout "$t" python3 -m suite.cli bench --no-sweep --out "$OUT/$n" "$@" \
      > "$OUT/$n.log" 2>&1; echo "== $n rc=$?"; grep "|" "$OUT/$n/"*/kernels.md | tail -n 12; }
    b bench_160m 250 --shapes B32_T2048_H12_D64 --kinds scalar
    b bench_sdpa 30 --shapes B8_T4096_H16_D128 --backends sdpa
    b bench_160m_vec 40 --shapes B32_T2048_H12_D64 --kinds vector --backends triton
    conf conformance_fla_bf16 110 --backend fla -k "bfloat16 and -63- and -64-"
}

# v2c     static check, three-shape bench, fla conformance (T <= 500), fp16/fp32, baseline
phase_v2c() {
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_static 60 --backend triton -k "static and bfloat16 and not -4096-"
    timeout 270 python3 -m suite.cli bench --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 B8_T2048_H32_D64 \
      --no-sweep --out "$OUT/bench" > "$OUT/bench.log" 2>&1; echo "== bench rc=$?"
    grep "|" "$OUT/bench/"*/kernels.md | tail -n 45
    conf conformance_fla_bf16 80 --backend fla -k "bfloat16 and (-63- or -500-)"
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_f16f32 80 --backend triton -k "(float16 or float32) and (-63- or -500-) and test_conformance"
    timeout 70 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py --benchmark-only \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    echo "== pytest-benchmark rc=$?"; tail -n 22 "$OUT/pytest_bench.log"
}

# v2a     conformance (triton, bf16, T < 4096) + autotune timings per config + suite bench at the
#           three named shapes (ours, fla, SDPA) + conformance (fla, bf16, T < 4096)
phase_v2a() {
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_bf16 210 --backend triton -k "bfloat16 and not -4096-"
    timeout 120 python3 -m suite.bench.gpu_tune > "$OUT/tune.log" 2>&1; echo "== tune rc=$?"; cat "$OUT/tune.log"
    timeout 200 python3 -m suite.cli bench --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 B8_T2048_H32_D64 \
      --no-sweep --out "$OUT/bench" > "$OUT/bench.log" 2>&1; echo "== bench rc=$?"
    grep "|" "$OUT/bench.log" | tail -n 60
    conf conformance_fla_bf16 100 --backend fla -k "bfloat16 and not -4096-"
}

# v2b     conformance (triton, fp16/fp32) + every pinned config + T sweep + pytest-benchmark baseline
phase_v2b() {
    SUITE_TRITON_NO_AUTOTUNE=1 conf conformance_triton_f16f32 150 --backend triton -k "(float16 or float32) and not -4096- and test_conformance"
    conf conformance_triton_configs 200 --backend triton -k test_triton_config
    timeout 120 python3 -m suite.cli bench --shapes B2_T16384_H16_D128 --out "$OUT/bench_sweep" > "$OUT/bench_sweep.log" 2>&1
    echo "== sweep rc=$?"; grep "|" "$OUT/bench_sweep.log" | tail -n 40
    timeout 100 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py --benchmark-only \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    echo "== pytest-benchmark rc=$?"; tail -n 30 "$OUT/pytest_bench.log"
}

# main    (a) correctness of the default Triton configs over kinds x dtypes x head dims x T
#               against the fp64 recurrence (gpu_check --part matrix, autotune off),
#           (b) `suite bench` at B8_T4096_H16_D128 and B32_T2048_H12_D64 (ours, fla, SDPA),
#               each backend gated by its own fp64 check on a slice of the shape
phase_main() {
    SUITE_TRITON_NO_AUTOTUNE=1 timeout 130 python3 -m suite.bench.gpu_check --part matrix \
      --out "$OUT/check.json" --budget-s 110 > "$OUT/check.log" 2>&1
    grep -c " ok" "$OUT/check.log"; grep "FAIL\|cases" "$OUT/check.log" | head -n 30
    timeout 250 python3 -m suite.cli bench --shapes B8_T4096_H16_D128 B32_T2048_H12_D64 --no-sweep \
      --out "$OUT/bench" > "$OUT/bench.log" 2>&1
    grep "|" "$OUT/bench.log" | tail -n 40
}

# configs every pinned config (gpu_check --part configs)
phase_configs() {
    timeout 400 python3 -m suite.bench.gpu_check --part configs --out "$OUT/configs.json" --budget-s 380 \
      > "$OUT/configs.log" 2>&1; grep -c " ok" "$OUT/configs.log"; grep "FAIL\|cases" "$OUT/configs.log" | head -n 40
}

# final   conformance suite (triton, fla) + bench sweep + third shape + pytest-benchmark baseline
phase_final() {
    timeout 200 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/test_conformance.py -m kernels --backend triton \
      --backend fla -k "not 4096" --conformance-report "$OUT/conformance.json" > "$OUT/conformance.log" 2>&1
    tail -n 25 "$OUT/conformance.log"
    timeout 200 python3 -m suite.cli bench --shapes B8_T2048_H32_D64 B32_T1024_H16_D128 B16_T2048_H16_D128 \
      B4_T8192_H16_D128 B2_T16384_H16_D128 --no-sweep --out "$OUT/bench" > "$OUT/bench.log" 2>&1
    grep "|" "$OUT/bench.log" | tail -n 40
    timeout 100 python3 -m pytest -q -p no:cacheprovider -p no:warnings tests/bench/test_kernel_speed.py --benchmark-only \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    tail -n 30 "$OUT/pytest_bench.log"
}
