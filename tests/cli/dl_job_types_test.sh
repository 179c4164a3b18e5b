#!/usr/bin/env bash
# dl_job_types_test.sh CLI SOURCE_DIR: the openb pods replayed with --dl-job-types on the Gavel
# spec (docs/dl.md). Every pod finishes (none rejected), the same --seed gives the same table,
# another seed another one (the job types differ), and the counts are reported.
set -u
cli=$1; src=$2
run() {
  "$cli" compare --trace "$src/tests/data/alibaba-gpu-v2023/openb_pod_list_default.csv" --cpu-unit cores \
    --cluster-spec "$src/data/clusters/gavel-heterogeneous.toml" --dl-job-types --restore-delay 10 \
    --policies hetero-greedy,las "$@" 2>&1
}
fail() { echo "$1"; shift; printf '%s\n' "$@"; exit 1; }
# The policy rows without the wall-time column (last), which differs from run to run.
table() { grep -E '^(hetero-greedy|las) ' <<<"$1" | sed -E 's/ +[0-9.]+$//'; }
a=$(run --seed 1) || fail "seed 1 failed" "$a"
b=$(run --seed 1) || fail "seed 1 (again) failed" "$b"
c=$(run --seed 2) || fail "seed 2 failed" "$c"
grep -Eq '^hetero-greedy +8152 ' <<<"$a" || fail "expected 8152 finished jobs for hetero-greedy" "$a"
grep -Eq '^las +8152 ' <<<"$a" || fail "expected 8152 finished jobs for las" "$a"
grep -q 'rejected' <<<"$a" && fail "no job may be rejected" "$a"
grep -Eq '^dl-job-types: 7064 GPU jobs given a job type \(seed 1: 3078 fractional GPU totals rounded up, 0 ' <<<"$a" ||
  fail "expected the counts line" "$a"
[ "$(table "$a")" = "$(table "$b")" ] || fail "the same seed gave different tables" "$a" "$b"
[ "$(table "$a")" != "$(table "$c")" ] ||
  fail "seeds 1 and 2 gave the same table" "$a" "$c"
echo "ok: dl-job-types replay of the openb pods"
