#!/usr/bin/env bash
# sweep_mpi_test.sh CLI DIR EXPERIMENT: the same sweep run by one process and by two MPI ranks
# (mpirun --allow-run-as-root --oversubscribe -np 2) gives identical point files (every /jobs,
# /jobs_rejected and /timeseries column, every /summary attribute and the /meta attributes but
# the wall time), and both ranks ran points.
set -u
cli=$1; dir=$2; exp=$3
rm -rf "$dir/sweep-one" "$dir/sweep-two"
"$cli" sweep "$exp" --output "$dir/sweep-one" -q > "$dir/sweep-one.log" 2>&1 || { echo "one process failed:"; cat "$dir/sweep-one.log"; exit 1; }
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
mpirun --allow-run-as-root --oversubscribe -np 2 "$cli" sweep "$exp" --output "$dir/sweep-two" -q > "$dir/sweep-two.log" 2>&1 \
  || { echo "two ranks failed:"; cat "$dir/sweep-two.log"; exit 1; }
grep -q "on 2 ranks" "$dir/sweep-two.log" || { echo "not run on 2 ranks:"; cat "$dir/sweep-two.log"; exit 1; }
HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 - "$dir/sweep-one" "$dir/sweep-two" <<'PY'
import csv, os, sys
import h5py
import numpy as np
one, two = sys.argv[1], sys.argv[2]
rows = {name: list(csv.DictReader(open(os.path.join(d, "index.csv")))) for name, d in (("one", one), ("two", two))}
assert [r["point"] for r in rows["one"]] == [r["point"] for r in rows["two"]], "the indexes list different points"
assert all(r["status"] == "ok" for r in rows["one"] + rows["two"]), "a point did not run"
assert {r["rank"] for r in rows["two"]} == {"0", "1"}, f"ranks that ran points: {sorted({r['rank'] for r in rows['two']})}"
metrics = [c for c in rows["one"][0] if c not in ("wall_s", "run_wall_s", "rank")]
for a, b in zip(rows["one"], rows["two"]):
    for c in metrics:
        assert a[c] == b[c], f"index {a['point']}.{c}: {a[c]} != {b[c]}"
for r in rows["one"]:
    name = r["point"] + ".h5"
    with h5py.File(os.path.join(one, "points", name), "r") as fa, h5py.File(os.path.join(two, "points", name), "r") as fb:
        for group in ("jobs", "jobs_rejected", "timeseries"):
            assert sorted(fa[group]) == sorted(fb[group]), f"{name}/{group}: columns differ"
            for col in fa[group]:
                x, y = fa[group][col][()], fb[group][col][()]
                assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f"{name}/{group}/{col} differs"
        for obj in ("summary", "meta"):
            ka, kb = dict(fa[obj].attrs), dict(fb[obj].attrs)
            ka.pop("wall_time_s", None); kb.pop("wall_time_s", None)
            assert sorted(ka) == sorted(kb), f"{name}/{obj}: attributes differ"
            for k in ka:
                assert np.array_equal(np.asarray(ka[k]), np.asarray(kb[k])), f"{name}/{obj}.{k}: {ka[k]} != {kb[k]}"
print(f"ok: {len(rows['one'])} points identical with 1 process and 2 ranks")
PY
