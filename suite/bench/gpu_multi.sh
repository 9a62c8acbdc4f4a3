#!/usr/bin/env bash
# The multi-GPU calls: `bash suite/bench/gpu_multi.sh PHASE` from the repo root on a machine with
# 4 H200s (m1a/m1b: 2), with $OUT set, data/small prepared here and carried
# (`suite prepare --tier small --out data/small`), and the fla-core wheel in .whl/ (carried).
# Everything a phase writes is packed into $OUT/<phase>.tgz (checkpoints left out).
#   m1  the small tier (gla, seed 0) on 1 GPU [GPU 0], then on 2 GPUs with DDP and with FSDP2
#       [GPUs 1,2], at the same global batch and data order; beside them on GPU 3 the kernel
#       phase v4a (vector conformance, pytest-benchmark compare, T = 4096), and on GPU 0 after
#       its run the fla conformance (phase v4b), each on its own GPU
#   m1a, m1b  the same runs on a 2-GPU machine in two calls (each fits the 10-minute limit):
#       m1a the 1-GPU run [GPU 0] and beside it phase v4c on GPU 1 for the configs CONFIG_K selects
#       (if set); m1b DDP then FSDP2 [GPUs 0,1] and dist_match against m1a's run, taken from this
#       machine if it stayed warm, else from the repo (results/bench/h200/distributed/runs/small)
#   m1c  two controls for m1a/m1b, one GPU each: the 1-GPU run again with micro-batch 16 instead
#       of 32 (the same sums in another order, the kind of difference FSDP2 makes) [GPU 0], and
#       with seed 1 (the seed spread of the final metrics) [GPU 1]; dist_match of all four runs
#       against m1a's (the multi-GPU runs taken from results/bench/h200/distributed/runs)
#   m1d, m1e  to settle FSDP2's curve (m1b: 2.4 % at step 190, the only logged step above 1 %):
#       m1d FSDP2 again [GPUs 0,1] (is it deterministic run to run?); m1e two more one-GPU
#       controls, micro-batch 8 [GPU 0] and seed 2 [GPU 1]; each ends with dist_match of every
#       run in results/bench/h200/distributed/runs plus its own against the 1-GPU reference
#   m2  scaling benchmark of the 160M preset at 1, 2 and 4 GPUs, DDP and FSDP2, machine otherwise idle
#   m3  every pinned Triton config against fp64 (phase v4c), four shards over the four GPUs
# m1 ends with `python -m suite.bench.dist_match` on its runs (curve and metric agreement).
set -u
export PYTHONUNBUFFERED=1 NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
export TRITON_CACHE_DIR=$PWD/.cache/triton TRITON_CACHE_AUTOTUNING=1 PYTHONPATH=$PWD
OUT=${OUT:-/tmp/out}; W=/tmp/multi; mkdir -p "$OUT" "$W"
START=$(date +%s); LIMIT=${LIMIT:-560}
left() { local s=$(( START + LIMIT - $(date +%s) )); echo $(( s > 1 ? s : 1 )); }  # seconds left (timeout 0 = none)
pack() { tar czf "$OUT/$1.tgz" --exclude=ckpt -C "$W" . ; ls -la "$OUT"; }
nvidia-smi --query-gpu=index,name,clocks.sm,clocks.mem,temperature.gpu --format=csv > "$W/gpu.txt"
nvidia-smi topo -m > "$W/topo.txt" 2>&1
python3 -c "import torch, triton; print('torch', torch.__version__, 'triton', triton.__version__, \
'gpus', torch.cuda.device_count())" | tee "$W/versions.txt"
train() {  # train GPUS NAME TIMEOUT [ARGS...]: the small tier's gla seed 0 into $W/runs/NAME/gla/0
  local gpus=$1 name=$2 t=$3; shift 3
  local n=$(( $(tr -cd , <<< "$gpus" | wc -c) + 1 )) cmd=(python3 -m suite.cli)
  [ "$n" -gt 1 ] && cmd=(python3 -m torch.distributed.run --standalone --nproc-per-node "$n" -m suite.cli)
  CUDA_VISIBLE_DEVICES=$gpus timeout "$t" "${cmd[@]}" train --variant gla --tier small --seed 0 \
    --data data/small --out "$W/runs/$name/gla/0" "$@" > "$W/train_$name.log" 2>&1
  echo "== train $name rc=$? at $(( $(date +%s) - START )) s"; tail -c 300 "$W/train_$name.log" | tr '\r' '\n' | tail -n 2
}
match() {  # match REF RUN...: dist_match of the runs against REF (paths relative to $W or absolute)
  local ref=$1; shift
  (cd "$W" && python3 -m suite.bench.dist_match --ref "$ref" --upto 200 --out distributed.json --runs "$@")
}
kernel_phase() {  # kernel_phase GPU PHASE TIMEOUT: a phase of gpu_session.sh on one GPU
  CUDA_VISIBLE_DEVICES=$1 OUT="$W/$2" timeout "$3" bash suite/bench/gpu_session.sh "$2" > "$W/$2.log" 2>&1
  echo "== kernel phase $2 rc=$? at $(( $(date +%s) - START )) s"; grep "^== \|passed\|failed" "$W/$2.log" | head -n 12
}
scaling() {  # scaling GPUS: the 160M preset (paper tier), DDP and FSDP2, at len(GPUS) GPUs
  local gpus=$1 n=$(( $(tr -cd , <<< "$1" | wc -c) + 1 ))
  local args=(bench --what scaling --tier paper --variants gla mamba2-scalar softmax --parallel ddp fsdp2
              --steps 30 --warmup 10 --out "$W/bench")
  if [ "$n" -eq 1 ]; then CUDA_VISIBLE_DEVICES=$gpus timeout "$(left)" python3 -m suite.cli "${args[@]}"
  else CUDA_VISIBLE_DEVICES=$gpus timeout "$(left)" \
    python3 -m torch.distributed.run --standalone --nproc-per-node "$n" -m suite.cli "${args[@]}" --world "$n"; fi \
    > "$W/scaling_$n.log" 2>&1
  echo "== scaling world $n rc=$? at $(( $(date +%s) - START )) s"
}
case "${1:-}" in
  m1)
    { train 0 small 360; kernel_phase 0 v4b "$(left)"; } &
    { train 1,2 small-2gpu-ddp 270; train 1,2 small-2gpu-fsdp2 "$(left)" --fsdp; } &
    kernel_phase 3 v4a "$(left)" &
    wait
    match runs/small/gla/0 runs/small-2gpu-ddp/gla/0 runs/small-2gpu-fsdp2/gla/0
    pack m1
    ;;
  m1a)
    train 0 small 540 &
    [ -n "${CONFIG_K:-}" ] && CONF_LIMIT=$(( $(left) - 20 )) kernel_phase 1 v4c "$(left)" &
    wait; pack m1a
    ;;
  m1b)
    ref=$W/runs/small/gla/0; [ -f "$ref/curve.csv" ] || ref=$PWD/results/bench/h200/distributed/runs/small/gla/0
    train 0,1 small-2gpu-ddp 270; train 0,1 small-2gpu-fsdp2 "$(left)" --fsdp
    match "$ref" runs/small-2gpu-ddp/gla/0 runs/small-2gpu-fsdp2/gla/0
    pack m1b
    ;;
  m1c)
    R=$PWD/results/bench/h200/distributed/runs
    sed 's/micro_batch_size: 32/micro_batch_size: 16/' baselines/tiers/small.yaml > baselines/tiers/small-mb16.yaml
    train 0 small-mb16 540 --tier small-mb16 & train 1 small-seed1 540 --seed 1 & wait
    match "$R/small/gla/0" "$R/small-2gpu-ddp/gla/0" "$R/small-2gpu-fsdp2/gla/0" runs/small-mb16/gla/0 runs/small-seed1/gla/0
    pack m1c
    ;;
  m1d)
    R=$PWD/results/bench/h200/distributed/runs
    train 0,1 small-2gpu-fsdp2-again "$(left)" --fsdp
    match "$R/small/gla/0" "$R"/small-*/gla/0 runs/small-2gpu-fsdp2-again/gla/0
    pack m1d
    ;;
  m1e)
    R=$PWD/results/bench/h200/distributed/runs
    sed 's/micro_batch_size: 32/micro_batch_size: 8/' baselines/tiers/small.yaml > baselines/tiers/small-mb8.yaml
    train 0 small-mb8 "$(left)" --tier small-mb8 & train 1 small-seed2 "$(left)" --seed 2 & wait
    match "$R/small/gla/0" "$R"/small-*/gla/0 runs/small-mb8/gla/0 runs/small-seed2/gla/0
    pack m1e
    ;;
  m2)
    for gpus in ${GPUS:-0 0,1 0,1,2,3}; do scaling "$gpus"; done   # GPUS="0,1 0,1,2,3": some only
    cat "$W"/bench/*/scaling.md; pack m2
    ;;
  m3)
    for g in 0 1 2 3; do
      CUDA_VISIBLE_DEVICES=$g CONFIG_SHARD=$g/4 OUT="$W/v4c_$g" timeout "$(left)" \
        bash suite/bench/gpu_session.sh v4c > "$W/v4c_$g.log" 2>&1 &
    done
    wait; grep -h "^== \|passed\|failed" "$W"/v4c_*.log; pack m3
    ;;
  *) echo "usage: $0 m1|m1a|m1b|m1c|m1d|m1e|m2|m3"; exit 2 ;;
esac
