#!/usr/bin/env bash
# stop_signal_test.sh CLI DIR: a long run writing HDF5 (flushes every 0.2 s) is sent SIGTERM
# once its file holds job rows; it must exit with 143 and one line saying what it kept, and
# its file must open and hold the rows written before the signal, every /jobs column the same
# length, no job twice, and run_complete = 0.
set -u
cli=$1; dir=$2
out="$dir/stopped_by_sigterm.h5"
rm -f "$out"
"$cli" run --synthetic lublin --jobs 5000000 --policy fcfs --flush-seconds 0.2 --out "$out" -q 2> "$dir/stop.err" &
pid=$!
# Wait (up to 60 s, however loaded the machine) until a flush has put job rows in the file.
rows_now() {
  HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c '
import sys, h5py
try:
    with h5py.File(sys.argv[1], "r") as f: print(len(f["jobs/id"]))
except Exception:
    print(0)' "$out" 2> /dev/null || echo 0
}
for _ in $(seq 1 300); do
  [ -f "$out" ] && [ "$(rows_now)" -gt 0 ] && break
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.2
done
kill -TERM "$pid"
wait "$pid"; code=$?
if [ "$code" != 143 ]; then echo "expected exit 143, got $code"; cat "$dir/stop.err"; exit 1; fi
grep -q "terminated (SIGTERM); every record written so far is kept" "$dir/stop.err" || { cat "$dir/stop.err"; exit 1; }
HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 - "$out" <<'PY'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as f:
    ids = f["jobs/id"][:]
    lengths = {name: len(f["jobs"][name]) for name in f["jobs"]}
    assert len(set(lengths.values())) == 1, lengths
    assert 0 < len(ids) < 5_000_000, len(ids)
    assert len(np.unique(ids)) == len(ids)
    assert f["meta"].attrs["run_complete"] == 0
    assert len(f["timeseries/time"]) > 0
    print(f"ok: {len(ids)} job rows kept")
PY
