#!/bin/bash
# The ctest of fgd_experiment: a reduced run (GPU nodes, 3 loads, 2 seeds) with every check on
# (--check: the engine's invariants at each decision point, every GPU recomputed from the
# placements at the end), run twice: the two CSVs must be identical, and every row must hold
# what is guaranteed (ratios in [0, 1], the ratio at the first failure <= the ratio at the end,
# placed <= tasks, a first failure only when some task was not placed).
# Usage: check_reduced.sh FGD_EXPERIMENT DATA_DIR WORK_DIR
set -euo pipefail
exe=$1 data=$2 work=$3
mkdir -p "$work"
args=(--nodes "$data/openb_node_list_gpu_node.csv" --pods "$data/openb_pod_list_default.csv"
      --loads 70,100,130 --seeds 2 --policies random,best-fit,dot-product,fgd --check --quiet)
"$exe" "${args[@]}" --csv "$work/a.csv" > "$work/a.txt"
"$exe" "${args[@]}" --csv "$work/b.csv" > "$work/b.txt"
if ! cmp -s "$work/a.csv" "$work/b.csv"; then
  echo "FAIL: two runs with the same seeds differ"; diff "$work/a.csv" "$work/b.csv" | head; exit 1
fi
awk -F, '
  NR == 1 { next }
  {
    rows++
    if ($7 < 0 || $7 > 1 || $8 < 0 || $8 > 1) { print "FAIL: ratio out of [0, 1]: " $0; bad = 1 }
    if ($7 > $8) { print "FAIL: ratio at the first failure above the ratio at the end: " $0; bad = 1 }
    if ($5 > $4) { print "FAIL: more placed than tasks: " $0; bad = 1 }
    if (($6 >= 0) != ($5 < $4)) { print "FAIL: first failure " $6 " but " $5 " of " $4 " placed: " $0; bad = 1 }
    if ($6 < 0 && $7 != $8) { print "FAIL: no failure but two ratios: " $0; bad = 1 }
  }
  END {
    if (rows != 4 * 3 * 2) { print "FAIL: expected 24 rows, found " rows; bad = 1 }
    exit bad
  }' "$work/a.csv"
grep -q "when the first task cannot be placed" "$work/a.txt" || { echo "FAIL: no table"; exit 1; }
echo "ok: $(($(wc -l < "$work/a.csv") - 1)) runs, deterministic, invariants held"
