#!/usr/bin/env bash
# train_checkpoint_test.sh CLI DIR DATA: a `clustersim train --checkpoint` killed with SIGKILL
# after some checkpoints, then `clustersim resume`, ends with the HDF5 file (/training except
# its wall-time columns, /validation, /test) and the model file of the same training left
# uninterrupted. SIGTERM writes a checkpoint, says how to resume it, and it resumes to the same
# results; a checkpoint resumed with other settings, and an untrainable-to-checkpoint estimate
# source, are refused with the reason.
set -u
cli=$1; dir=$2; data=$3
whole="$dir/tck_whole.h5"; part="$dir/tck_part.h5"; term="$dir/tck_term.h5"
ck="$dir/tck.ck"; ck2="$dir/tck_term.ck"
rm -f "$whole" "$part" "$term" "${whole%.h5}.pt" "${part%.h5}.pt" "${term%.h5}.pt" "$ck" "$ck2" "$ck.tmp" "$ck2.tmp"
args=(train --trace "$data/lublin_256.swf" --steps 12000 --window 16 --episode-jobs 64
      --param num_envs=4,rollout=32,epochs=2,hidden=16 --eval-every 4 --eval-windows 2 --test-windows 2 --compare fcfs -q)
"$cli" "${args[@]}" --out "$whole" > /dev/null || { echo "the uninterrupted training failed"; exit 1; }

compare() {  # compare FILE: equal to the uninterrupted training's file and model
  HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 - "$whole" "$1" <<'PY' || exit 1
import sys
import h5py
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
assert b["meta"].attrs["run_complete"] == 1, "run_complete"
timing = {"steps_per_s", "sim_s", "inference_s", "update_s", "wall_s"}
for table in ("training", "validation", "test"):
    for col in a[table]:
        if table == "training" and col in timing:
            continue
        x, y = a[table][col][:], b[table][col][:]
        assert x.shape == y.shape, (table, col, x.shape, y.shape)
        same = x.tolist() == y.tolist() if x.dtype.kind == "O" else x.tobytes() == y.tobytes()
        assert same, (table, col, x, y)
# The models: torch archives (zip) whose members are named after the file; the members'
# contents (parameters, metadata, code) must be equal.
import zipfile
def members(path):
    z = zipfile.ZipFile(path)
    return {i.filename.split("/", 1)[1]: z.read(i) for i in z.infolist()}
ma, mb = (members(p[:-3] + ".pt") for p in sys.argv[1:3])
assert ma.keys() == mb.keys(), (sorted(ma), sorted(mb))
assert [k for k in ma if ma[k] != mb[k]] == [], "the models differ"
print(f"ok: {len(a['training/update'])} training rows, {len(a['validation/update'])} validation rows and the model equal")
PY
}

# Checkpoints after every training step; killed once a checkpoint exists that is not the first
# (the one written before training starts).
"$cli" "${args[@]}" --out "$part" --checkpoint "$ck" --checkpoint-every 0.001 > /dev/null 2> "$dir/tck.err" &
pid=$!
first=""; seen=0
for _ in $(seq 1 1200); do
  if [ -f "$ck" ]; then
    now=$(stat -c %y "$ck" 2> /dev/null || true)
    if [ -z "$first" ]; then first=$now; elif [ "$now" != "$first" ]; then seen=$((seen + 1)); first=$now; fi
    [ "$seen" -ge 3 ] && break
  fi
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.05
done
if ! kill -0 "$pid" 2> /dev/null; then echo "the training ended before it could be killed"; cat "$dir/tck.err"; exit 1; fi
kill -KILL "$pid"
wait "$pid" 2> /dev/null
[ -f "$ck" ] || { echo "no checkpoint left"; exit 1; }
"$cli" resume "$ck" > "$dir/tck_resume.out" 2>&1 || { echo "resume failed"; cat "$dir/tck_resume.out"; exit 1; }
compare "$part"
[ ! -f "$ck" ] || { echo "a completed training left its checkpoint"; exit 1; }
echo "ok: the killed training resumed to the uninterrupted one's file and model"

# SIGTERM: a checkpoint of the last step, the resume hint, exit 143.
"$cli" "${args[@]}" --out "$term" --checkpoint "$ck2" --checkpoint-every 1000 > /dev/null 2> "$dir/tck_term.err" &
pid=$!
for _ in $(seq 1 300); do [ -f "$ck2" ] && break; sleep 0.05; done
sleep 0.5
kill -TERM "$pid"
wait "$pid"; code=$?
[ "$code" = 143 ] || { echo "expected exit 143 after SIGTERM, got $code"; cat "$dir/tck_term.err"; exit 1; }
grep -q "resume with: clustersim resume $ck2" "$dir/tck_term.err" || { cat "$dir/tck_term.err"; exit 1; }

# Other settings than the checkpoint's are refused, naming the setting; the checkpoint stays.
"$cli" "${args[@]}" --reward jct --out "$term" --checkpoint "$ck2" --resume "$ck2" > /dev/null 2> "$dir/tck_other.err"
code=$?
[ "$code" = 1 ] && grep -q "training setting 'reward' (checkpoint: bsld, now: jct)" "$dir/tck_other.err" ||
  { echo "a checkpoint resumed with another reward: exit $code"; cat "$dir/tck_other.err"; exit 1; }
"$cli" resume "$ck2" > "$dir/tck_resume2.out" 2>&1 || { echo "resume after SIGTERM failed"; cat "$dir/tck_resume2.out"; exit 1; }
compare "$term"
[ ! -f "$ck2" ] || { echo "the resumed training, complete, left its checkpoint"; exit 1; }
echo "ok: SIGTERM left a checkpoint that resumes to the uninterrupted results"

# The mlp estimate source (a torch predictor) cannot be checkpointed: refused before training.
"$cli" train --trace "$data/lublin_256.swf" --steps 100 --estimate mlp --checkpoint "$dir/tck_mlp.ck" \
  > /dev/null 2> "$dir/tck_mlp.err"
code=$?
[ "$code" = 1 ] && grep -q "estimate mlp: .*cannot be checkpointed" "$dir/tck_mlp.err" ||
  { echo "--estimate mlp with --checkpoint: exit $code"; cat "$dir/tck_mlp.err"; exit 1; }
[ ! -f "$dir/tck_mlp.ck" ] || { echo "a refused training wrote a checkpoint"; exit 1; }
echo "ok: --estimate mlp with --checkpoint is refused"
