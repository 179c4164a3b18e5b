#!/usr/bin/env bash
# bad_input_test.sh CLI SOURCE_DIR TMP: the command-line rows of docs/bad-input.md, end to end
# (tests/reliability/bad_input_test.cpp checks every flag's message in process; this script the
# program around them). A bad flag, file or experiment key is exit status 1 (2 for a usage
# error) and one line on stderr. A run in which the cluster rejects every job is an error naming
# the first reason and, when it is the likely cause, the CPU unit (a sweep point with it fails);
# a run in which only some are
# rejected reports them and succeeds. The openb node list is read in the pods' CPU unit.
set -u
cli=$1; src=$2; tmp=$3
data=$src/tests/data
pods=$data/alibaba-gpu-v2023/openb_pod_list_default.csv
gavel=$src/data/clusters/gavel-heterogeneous.toml
rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
failed=0

# expect CODE REGEX ARGS...: `clustersim ARGS` exits with CODE, its output matches the extended
# regular expression REGEX, and an error is one line.
expect() {
  local want=$1 regex=$2 out code
  shift 2
  out=$("$cli" "$@" 2>&1)
  code=$?
  if [ "$code" != "$want" ]; then
    printf 'FAIL: exit %s, expected %s: clustersim %s\n%s\n' "$code" "$want" "$*" "$(head -5 <<<"$out")"
  elif ! grep -Eq -- "$regex" <<<"$out"; then
    printf 'FAIL: output does not match /%s/: clustersim %s\n%s\n' "$regex" "$*" "$(head -5 <<<"$out")"
  elif [ "$want" != 0 ] && [ "$(grep -c . <<<"$out")" != 1 ]; then
    printf 'FAIL: an error must be one line: clustersim %s\n%s\n' "$*" "$out"
  else
    return 0
  fi
  failed=$((failed + 1))
}

# A flag's value that does not parse is a usage error; a bad value one of bad input.
expect 2 "^clustersim run: the argument \('many'\) for option '--jobs' is invalid" run --synthetic lublin --jobs many
expect 1 "^clustersim run: error: --sample-interval: expected -1 \(about 1,000 samples\), 0 \(off\) or a period of at most 1e12 s, got -5$" \
  run --synthetic lublin --jobs 20 --sample-interval=-5
# An experiment file is checked whole before any point runs.
printf '[clusters.c]\nprocs = 4\nnodes = 2\n[workloads.w]\nsynthetic = "lublin"\n[policies.fcfs]\n' > "$tmp/two-sizes.toml"
expect 1 "^clustersim sweep: error: .*two-sizes.toml:1: clusters.c: give procs or nodes, not both$" \
  sweep "$tmp/two-sizes.toml" --output "$tmp/never" --dry-run

# openb pods (milli-CPUs by default) on a TOML cluster (whole cores): no pod can run.
expect 1 "^clustersim run: error: all 8152 jobs were rejected: none can ever run on this cluster \(first: job [0-9]+: one task needs \{cores=[0-9]+, .*\}, more than any node offers\); the trace's CPU requests are read in milli-CPUs \(--cpu-unit milli, the default\) and this cluster counts whole cores: give --cpu-unit cores$" \
  run --trace "$pods" --cluster-spec "$gavel" --policy fcfs --sample-interval 0
# The same in a sweep: the point fails with that error in the index, its file is not kept as
# complete, and the sweep exits 1.
printf '[clusters.gavel]\ncluster_spec = "%s"\n[workloads.pods]\ntrace = "%s"\n[policies.fcfs]\n' "$gavel" "$pods" \
  > "$tmp/rejects-all.toml"
out=$("$cli" sweep "$tmp/rejects-all.toml" --output "$tmp/rejects-all" -q 2>&1); code=$?
if [ "$code" != 1 ] || ! grep -q "all 8152 jobs were rejected: none can ever run on this cluster" "$tmp/rejects-all/index.csv" ||
   ! grep -q ",failed," "$tmp/rejects-all/index.csv" || ls "$tmp/rejects-all/points/"*.h5 > /dev/null 2>&1; then
  printf 'FAIL: a sweep point that rejects every job must fail (exit %s)\n%s\n' "$code" "$out"
  failed=$((failed + 1))
fi
# Some jobs too wide for the machine: the run goes on and says how many, as before.
expect 0 "^[0-9]+ jobs rejected \(first: job [0-9]+: it needs [0-9]+ tasks of \{cores=1, gpu_milli=0, mem_mib=0\} but the whole cluster holds at most 128\)$" \
  run --trace "$data/lublin_256.swf" --procs 128 --policy fcfs --sample-interval 0

# The openb node list counts CPUs in the pods' unit: with --cpu-unit cores a 2,000 milli-CPU
# node offers 2 cores and two pods of 1,500 milli-CPUs (2 cores each) run one after the other
# (mean wait 50 s), as in milli-CPUs; read in milli-CPUs, the node would hold both at once.
printf 'sn,cpu_milli,memory_mib,gpu,model\nn0,2000,1024,0,\n' > "$tmp/nodes.csv"
printf 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,creation_time,deletion_time\np0,1500,10,0,0,0,100\np1,1500,10,0,0,0,100\n' \
  > "$tmp/pods.csv"
expect 0 "^fcfs +2 +50.0 " run --trace "$tmp/pods.csv" --cluster-spec "$tmp/nodes.csv" --cpu-unit cores --policy fcfs

if [ "$failed" != 0 ]; then
  echo "$failed checks failed"
  exit 1
fi
echo "ok: bad input is named on one line; a run that rejects every job is an error"
