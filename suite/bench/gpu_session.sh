#!/usr/bin/env bash
# One device call of the kernel work: `bash suite/bench/gpu_session.sh PHASE` from the repo root,
# with $OUT set (logs and JSON land there) and the fla-core wheel in .whl/ (carried).
#   main    (a) correctness of the default Triton configs over kinds x dtypes x head dims x T
#               against the fp64 recurrence (gpu_check --part matrix, autotune off),
#           (b) `suite bench` at B8_T4096_H16_D128 and B32_T2048_H12_D64 (ours, fla, SDPA),
#               each backend gated by its own fp64 check on a slice of the shape
#   configs every pinned config (gpu_check --part configs)
#   final   conformance suite (triton, fla) + bench sweep + third shape + pytest-benchmark baseline
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu --format=csv | tee "$OUT/gpu.txt"
python3 -c "import torch, triton, fla; print('torch', torch.__version__, 'triton', triton.__version__, 'fla ok')"
case "${1:-main}" in
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
    timeout 200 python3 -m pytest -q -p no:cacheprovider tests/test_conformance.py -m kernels --backend triton \
      --backend fla -k "not 4096" --conformance-report "$OUT/conformance.json" > "$OUT/conformance.log" 2>&1
    tail -n 25 "$OUT/conformance.log"
    timeout 200 python3 -m suite.cli bench --shapes B8_T2048_H32_D64 B32_T1024_H16_D128 B16_T2048_H16_D128 \
      B4_T8192_H16_D128 B2_T16384_H16_D128 --no-sweep --out "$OUT/bench" > "$OUT/bench.log" 2>&1
    grep "|" "$OUT/bench.log" | tail -n 40
    timeout 100 python3 -m pytest -q -p no:cacheprovider tests/bench/test_kernel_speed.py --benchmark-only \
      --benchmark-storage="$OUT/bl" --benchmark-save=kernels --benchmark-columns=median,iqr > "$OUT/pytest_bench.log" 2>&1
    tail -n 30 "$OUT/pytest_bench.log"
    ;;
esac
