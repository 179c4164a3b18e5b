#!/usr/bin/env bash
# sweep_resume_test.sh CLI DIR SMALL_EXPERIMENT FAILING_EXPERIMENT:
# 1. a sweep run again after two of its point files were deleted (and a stale .part left)
#    runs exactly those two and skips the others, whose files are not rewritten;
# 2. a sweep stopped by SIGTERM exits 143 keeping its finished points, and run again it
#    completes, skipping those;
# 3. a sweep with a failing point records the error in the index, completes the others and
#    exits 1 saying how many failed.
set -u
cli=$1; dir=$2; small=$3; failing=$4
py() { HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 "$@"; }
status_counts() {  # "ok=N skipped=M failed=K" from an index
  py -c 'import csv, sys, collections
c = collections.Counter(r["status"] for r in csv.DictReader(open(sys.argv[1])))
print(" ".join(f"{k}={c[k]}" for k in ("ok", "skipped", "failed")))' "$1"
}
mtimes() { py -c 'import os, sys; d = sys.argv[1]; print("\n".join(f"{f} {os.stat(os.path.join(d, f)).st_mtime_ns}" for f in sorted(os.listdir(d))))' "$1"; }

# 1. Deleted points are run again, the others skipped.
out="$dir/sweep-resume"
rm -rf "$out"
"$cli" sweep "$small" --output "$out" -q > /dev/null || { echo "first sweep failed"; exit 1; }
n=$(ls "$out/points" | wc -l)
rm "$out/points/synth__fcfs__pool__s1.h5" "$out/points/lublin-window__rr__nodes__s2.h5"
echo "left by a killed sweep" > "$out/points/synth__fcfs__pool__s1.h5.part"
before=$(mtimes "$out/points")
"$cli" sweep "$small" --output "$out" > "$out.log" 2>&1 || { echo "resumed sweep failed"; cat "$out.log"; exit 1; }
got=$(status_counts "$out/index.csv")
[ "$got" = "ok=2 skipped=$((n - 2)) failed=0" ] || { echo "resume: expected ok=2 skipped=$((n - 2)), got $got"; exit 1; }
grep -q "synth__fcfs__pool__s1: ok" "$out.log" || { cat "$out.log"; exit 1; }
after=$(mtimes "$out/points" | grep -v -e synth__fcfs__pool__s1 -e lublin-window__rr__nodes__s2)
[ "$(grep -v -e synth__fcfs__pool__s1 -e lublin-window__rr__nodes__s2 <<<"$before")" = "$after" ] \
  || { echo "a finished point was rewritten"; diff <(echo "$before") <(echo "$after"); exit 1; }
[ ! -e "$out/points/synth__fcfs__pool__s1.h5.part" ] || { echo "stale .part left"; exit 1; }
echo "ok: resumed sweep ran the 2 missing points and skipped $((n - 2))"

# 2. SIGTERM in the middle; the rerun completes.
slow="$dir/sweep-slow.toml"
cat > "$slow" <<'TOML'
[experiment]
seeds = [1]
[workloads.big]
synthetic = "lublin"
jobs = 300000
[policies.fcfs]
[policies.sjf]
[policies.easy]
[policies.easy-sjf]
[policies.rr]
[policies.easy-ordered-sjf]
policy = "easy"
params = { order = "sjf" }
TOML
out="$dir/sweep-stopped"
rm -rf "$out"
"$cli" sweep "$slow" --output "$out" > "$out.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  ls "$out/points/"*.h5 > /dev/null 2>&1 && break
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1
done
kill -TERM "$pid"
wait "$pid"; code=$?
[ "$code" = 143 ] || { echo "stopped sweep: expected exit 143, got $code"; cat "$out.log"; exit 1; }
grep -q "terminated (SIGTERM); every finished point is kept" "$out.log" || { cat "$out.log"; exit 1; }
kept=$(ls "$out/points/"*.h5 | wc -l)
[ "$kept" -ge 1 ] && [ "$kept" -lt 6 ] || { echo "expected 1-5 finished points, found $kept"; exit 1; }
ls "$out/points/"*.part > /dev/null 2>&1 && { echo "a partial file was left"; exit 1; }
"$cli" sweep "$slow" --output "$out" -q > "$out.log2" 2>&1 || { echo "rerun failed"; cat "$out.log2"; exit 1; }
got=$(status_counts "$out/index.csv")
[ "$got" = "ok=$((6 - kept)) skipped=$kept failed=0" ] || { echo "after SIGTERM: expected skipped=$kept, got $got"; exit 1; }
echo "ok: SIGTERM kept $kept finished points; the rerun ran the other $((6 - kept))"

# 3. A failing point.
out="$dir/sweep-failing"
rm -rf "$out"
"$cli" sweep "$failing" --output "$out" > "$out.log" 2>&1; code=$?
[ "$code" = 1 ] || { echo "failing point: expected exit 1, got $code"; cat "$out.log"; exit 1; }
grep -q "2 of 4 points failed" "$out.log" || { cat "$out.log"; exit 1; }
grep -q "point malformed__fcfs__small failed: .*bad.swf:2: field 4" "$out.log" || { cat "$out.log"; exit 1; }
got=$(status_counts "$out/index.csv")
[ "$got" = "ok=2 skipped=0 failed=2" ] || { echo "failing point: got $got"; exit 1; }
grep -q '^malformed__easy__small,small,malformed,easy,easy,,,failed,.*bad.swf:2: field 4' "$out/index.csv" \
  || { cat "$out/index.csv"; exit 1; }
echo "ok: the failing points are in the index with their error, the others complete"
