#!/usr/bin/env bash
# Micro pipeline check: runs the real dvc.yaml with .ci/micro/params.yaml (micro tier, reduced
# grid) in a temporary copy of the working tree, then checks that
#   1. `dvc repro` runs every stage (validate ... checksums) and `suite verify` passes;
#   2. `dvc status -q` is clean and a second `dvc repro` does nothing;
#   3. a copy without the DVC cache and the cached outputs (what a fresh clone has) is up to date
#      under `dvc repro --allow-missing --dry` and passes `suite verify`;
#   4. with MICRO_RERUN=1: `dvc repro -f` reproduces the same CHECKSUMS (determinism).
# Usage: .ci/pipeline.sh            (inside the activated virtual environment)
#   KEEP_WORK=1   keep the temporary copy;  MICRO_OUT=dir   copy its results/ there.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export DVC_NO_ANALYTICS=1 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
start=$(date +%s)
work="$(mktemp -d)"
if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work copy: $work/repo"; else trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/repo"

# --- copy the working tree (tracked and untracked-but-not-ignored files), no results ---
cd "$repo"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z -co --exclude-standard \
    | grep -zv -e '^results/' -e '^data/' -e '^tasks/data/' -e '^dvc.lock$' \
    | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$work/repo"
else
  tar --exclude=./.venv --exclude=./.git --exclude=./results --exclude=./data \
      --exclude=./.dvc/cache --exclude=./.dvc/tmp --exclude=./tasks/data --exclude=./dvc.lock \
      -cf - . | tar -xf - -C "$work/repo"
fi
mkdir -p "$repo/.cache"
ln -s "$repo/.cache" "$work/repo/.cache"          # share downloaded artifacts (sha256-pinned)
cp "$repo/.ci/micro/params.yaml" "$work/repo/params.yaml"
cd "$work/repo"
git init -q .
export PYTHONPATH="$work/repo"                  # the copy's code, not the editable install's

echo "--- dvc repro (micro)"
dvc repro
suite verify --results results
dvc status -q || { echo "dvc status: pipeline not up to date after repro"; dvc status; exit 1; }
dvc repro > "$work/noop.log" 2>&1 || { cat "$work/noop.log"; exit 1; }
if grep -q "Running stage" "$work/noop.log"; then cat "$work/noop.log"; echo "second dvc repro ran a stage"; exit 1; fi

echo "--- fresh-clone check (no DVC cache, no checkpoints, shards or eval sets)"
mkdir -p "$work/clone"
tar --exclude=./.dvc/cache --exclude=./.dvc/tmp --exclude=./data --exclude=./tasks/data \
    --exclude=./results/ckpt -cf - . | tar -xf - -C "$work/clone"
(cd "$work/clone" && dvc repro --allow-missing --dry > "$work/clone.log" 2>&1) || { cat "$work/clone.log"; exit 1; }
if grep -q "Running stage" "$work/clone.log" || ! grep -q "up to date" "$work/clone.log"; then
  cat "$work/clone.log"; echo "fresh clone: dvc repro --allow-missing would run a stage"; exit 1
fi
(cd "$work/clone" && suite verify --results results)

if [ "${MICRO_RERUN:-0}" = 1 ]; then
  echo "--- dvc repro -f (determinism)"
  cp results/CHECKSUMS.sha256 "$work/first.sha256"
  dvc repro -f
  cp "$work/first.sha256" results/FIRST.sha256
  suite verify --results results --file results/FIRST.sha256
fi
if [ -n "${MICRO_OUT:-}" ]; then mkdir -p "$MICRO_OUT" && cp -r results/. "$MICRO_OUT/"; fi
echo "micro pipeline: ok in $(( $(date +%s) - start )) s"
