#!/usr/bin/env bash
# run.sh FUZZER SEED_CORPUS WORK_DIR SECONDS: a bounded libFuzzer run. New inputs go to
# WORK_DIR/corpus (the seed corpus in the repository is only read); a crash, a leak, an
# undefined behaviour or a hang (> 10 s on one input) fails the run and leaves the input in
# WORK_DIR/artifacts/.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" 2>&1 | tail -n 25
