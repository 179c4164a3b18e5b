#!/usr/bin/env bash
# checkpoint_kill_test.sh CLI DIR: a run writing checkpoints is killed with SIGKILL (nothing
# flushed, nothing cleaned up) after a few checkpoints; `clustersim resume` then finishes it,
# and its HDF5 file must equal, column by column and bit for bit, the file of the same run left
# uninterrupted. A run stopped by SIGTERM writes a checkpoint and says how to resume it.
set -u
cli=$1; dir=$2
whole="$dir/ck_whole.h5"; out="$dir/ck_resumed.h5"; ck="$dir/ck_run.ck"
rm -f "$whole" "$out" "$ck" "$ck.tmp"
args=(run --synthetic lublin --jobs 400000 --procs 256 --policy easy-sjf --param estimate=user-mean2 --seed 4)
"$cli" "${args[@]}" --out "$whole" -q || { echo "the uninterrupted run failed"; exit 1; }

# Checkpoints every 0.3 s; the process is killed once a checkpoint exists that is not the
# first (the one written before the first event).
"$cli" "${args[@]}" --out "$out" --checkpoint "$ck" --checkpoint-every 0.3 -q 2> "$dir/ck.err" &
pid=$!
first=""
for _ in $(seq 1 600); do
  if [ -f "$ck" ]; then
    now=$(stat -c %y "$ck" 2>/dev/null || true)
    if [ -z "$first" ]; then first=$now; elif [ "$now" != "$first" ]; then break; fi
  fi
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.05
done
kill -KILL "$pid" 2> /dev/null || { echo "the run ended before it could be killed"; cat "$dir/ck.err"; exit 1; }
wait "$pid" 2> /dev/null
[ -f "$ck" ] || { echo "no checkpoint left"; exit 1; }

"$cli" resume "$ck" > "$dir/resume.out" 2>&1 || { echo "resume failed"; cat "$dir/resume.out"; exit 1; }
HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 - "$whole" "$out" <<'PY' || exit 1
import sys
import h5py
import numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
assert b["meta"].attrs["run_complete"] == 1
for table in ("jobs", "timeseries", "jobs_rejected"):
    for col in a[table]:
        x, y = a[table][col][:], b[table][col][:]
        assert x.shape == y.shape, (table, col, x.shape, y.shape)
        assert x.tobytes() == y.tobytes(), (table, col)
for k, v in a["summary"].attrs.items():
    w = b["summary"].attrs[k]
    assert (np.asarray(v).tobytes() == np.asarray(w).tobytes()) if np.asarray(v).dtype.kind in "fiu" else v == w, k
print(f"ok: {len(a['jobs/id'])} jobs, resumed file equals the uninterrupted one")
PY

# A completed run removes its checkpoint. SIGTERM: a checkpoint is written at the stop, and the
# message says how to resume.
[ ! -f "$ck" ] || { echo "a completed run left its checkpoint"; exit 1; }
"$cli" run --synthetic lublin --jobs 1000000 --procs 256 --policy easy --seed 4 --checkpoint "$ck" --checkpoint-every 1000 -q \
  2> "$dir/ck_term.err" &
pid=$!
for _ in $(seq 1 300); do [ -f "$ck" ] && break; sleep 0.1; done
sleep 0.2
kill -TERM "$pid"
wait "$pid"; code=$?
[ "$code" = 143 ] || { echo "expected exit 143 after SIGTERM, got $code"; cat "$dir/ck_term.err"; exit 1; }
grep -q "resume with: clustersim resume $ck" "$dir/ck_term.err" || { cat "$dir/ck_term.err"; exit 1; }
"$cli" resume "$ck" > "$dir/resume2.out" 2>&1 || { echo "resume after SIGTERM failed"; cat "$dir/resume2.out"; exit 1; }
[ ! -f "$ck" ] || { echo "the resumed run, complete, left its checkpoint"; exit 1; }
echo "ok: SIGTERM left a checkpoint that resumes"
