#!/usr/bin/env bash
# One GPU call of the kernel work: `bash suite/bench/gpu_session.sh PHASE [ARGS...]` from the repo
# root, with $OUT set (logs and JSON land there) and the fla-core wheel in .whl/ (carried).
#
# Each phase is a function phase_PHASE in suite/bench/gpu_phases/, with its description above it:
#   nogpu.sh   compile, counts, sweep-counts, summary: no GPU, run before any set-up
#   early.sh   main (the default), configs, final, v2a to v11d
#   middle.sh  v12a to v18b
#   recent.sh  v19a on, and gate (the pytest-benchmark gate alone)
#   lib.sh     the helpers the phases share (bench, conf, shards, compare, scrub, ...)
# A phase's name is the version of the kernels in suite/kernels/triton/NOTES.md whose measurements
# it made; NOTES.md's section 5 lists the next ones to run. `bash suite/bench/gpu_session.sh list`
# prints every phase with the first line of its description.
set -u
here=$(dirname "${BASH_SOURCE[0]}")/gpu_phases
phase=${1:-main}
[ $# -gt 0 ] || set -- main
if [ "$phase" = list ]; then
  awk '/^$/ {first = ""} /^# / && first == "" {first = substr($0, 3)} /^phase_[a-z0-9_]*\(\) \{/ {print first}' \
    "$here"/{nogpu,early,middle,recent}.sh
  exit 0
fi
fn=phase_${phase//-/_}
# shellcheck source=/dev/null  # the phase files are read at run time
. "$here/nogpu.sh"
if declare -F "$fn" > /dev/null; then  # a phase without a GPU: no set-up
  "$fn" "$@"; exit $?
fi
for f in lib early middle recent; do
  # shellcheck source=/dev/null
  . "$here/$f.sh"
done
if ! declare -F "$fn" > /dev/null; then
  echo "gpu_session.sh: unknown phase '$phase'; \`bash suite/bench/gpu_session.sh list\` prints the phases" >&2
  exit 2
fi
export PYTHONUNBUFFERED=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
# compiled kernels and autotune picks persist across the calls of one warm machine (ignored path)
export TRITON_CACHE_DIR=$PWD/.cache/triton TRITON_CACHE_AUTOTUNING=1
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu --format=csv | tee "$OUT/gpu.txt"
python3 -c "import torch, triton, fla; print('torch', torch.__version__, 'triton', triton.__version__, 'fla ok')"
# this GPU's stored pytest-benchmark runs (baselines/bench/<gpu>/): one folder per GPU model
BL=baselines/bench/$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1 \
  | sed -E 's/.*(H200|H100|A100|L40S).*/\1/' | tr 'A-Z ' 'a-z_')
"$fn" "$@"
scrub
