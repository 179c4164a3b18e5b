"""scripts/bench_regress.py, the CI speed guard, on hand-made Google Benchmark results: the
ratios to the calibration benchmark, the 2x rule, missing benchmarks and bad input."""

import json
import subprocess
import sys

from conftest import REPO

SCRIPT = REPO / "scripts" / "bench_regress.py"


def results(**cpu_ms):
    """A Google Benchmark JSON document: each benchmark with three repetitions (the minimum
    is the given time) plus the aggregate rows the script must ignore."""
    rows = []
    for name, ms in cpu_ms.items():
        for extra in (0.3, 0.0, 0.1):
            rows.append({"name": name, "run_name": name, "run_type": "iteration", "cpu_time": ms + extra,
                         "real_time": 99.0, "time_unit": "ms"})
        rows.append({"name": name + "_mean", "run_name": name, "run_type": "aggregate", "cpu_time": 0.001,
                     "time_unit": "ms"})
    return {"context": {"num_cpus": 2}, "benchmarks": rows}


def check(tmp_path, doc, *args):
    path = tmp_path / "run.json"
    path.write_text(json.dumps(doc))
    return subprocess.run([sys.executable, str(SCRIPT), "--results", str(path), *map(str, args)],
                          capture_output=True, text=True)


def test_ratios_within_twice_the_baseline_pass_and_beyond_fail(tmp_path):
    base = tmp_path / "baseline.json"
    made = check(tmp_path, results(BM_Calibration=10, BM_A=5, BM_B=20), "--baseline", base, "--update")
    assert made.returncode == 0, made.stderr
    assert json.loads(base.read_text())["ratios"] == {"BM_A": 0.5, "BM_B": 2.0}
    # A machine twice as fast: every time halves, the ratios do not move.
    ok = check(tmp_path, results(BM_Calibration=5, BM_A=2.5, BM_B=10), "--baseline", base)
    assert ok.returncode == 0, ok.stdout
    assert "all 2 benchmarks within 2x" in ok.stdout
    # BM_A at 1.9x its ratio passes; BM_B at 2.1x fails, and the table names it.
    slow = check(tmp_path, results(BM_Calibration=10, BM_A=9.5, BM_B=42), "--baseline", base)
    assert slow.returncode == 1
    assert "FAILED: BM_B" in slow.stdout and "BM_A" not in slow.stdout.split("FAILED:")[1]
    assert "1.90  ok" in slow.stdout and "2.10  SLOWER" in slow.stdout


def test_a_missing_benchmark_fails_and_bad_input_is_a_usage_error(tmp_path):
    base = tmp_path / "baseline.json"
    check(tmp_path, results(BM_Calibration=10, BM_A=5), "--baseline", base, "--update")
    missing = check(tmp_path, results(BM_Calibration=10), "--baseline", base)
    assert missing.returncode == 1 and "MISSING" in missing.stdout
    no_cal = check(tmp_path, results(BM_A=5), "--baseline", base)
    assert no_cal.returncode == 2 and "no BM_Calibration" in no_cal.stderr
    absent = check(tmp_path, results(BM_Calibration=10, BM_A=5), "--baseline", tmp_path / "none.json")
    assert absent.returncode == 2 and "none.json" in absent.stderr and "--update" in absent.stderr


def test_the_committed_baseline_covers_the_regression_set():
    baseline = json.loads((REPO / "bench" / "regression" / "baseline.json").read_text())
    source = (REPO / "bench" / "regression" / "regression_bench.cpp").read_text()
    declared = {line.split("(")[1].split(")")[0] for line in source.splitlines() if line.startswith("BENCHMARK(")}
    assert set(baseline["ratios"]) == declared - {"BM_Calibration"}
