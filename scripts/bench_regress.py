#!/usr/bin/env python3
"""The CI speed guard: runs the regression benchmarks (bench/regression/), normalises each
time by the calibration benchmark run in the same process, and compares those ratios with the
committed baseline (bench/regression/baseline.json). Exit 1 when a benchmark is more than
--max-slowdown (default 2) times slower than its baseline ratio, 2 on a usage or input error.

    scripts/bench_regress.py --exe build/bench/clustersim_regression_bench           # check
    scripts/bench_regress.py --exe build/bench/clustersim_regression_bench --update  # new baseline
    scripts/bench_regress.py --results run.json        # check a saved Google Benchmark JSON

Each benchmark's time is the minimum CPU time per iteration over the repetitions (the least
disturbed by other processes); CPU time rather than wall time for the same reason. Only the
Python standard library is used.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BASELINE = os.path.normpath(os.path.join(HERE, "..", "bench", "regression", "baseline.json"))
CALIBRATION = "BM_Calibration"


class Failure(Exception):
    pass


def run_benchmarks(exe: str, min_time: float, repetitions: int) -> dict:
    if not os.access(exe, os.X_OK):
        raise Failure(f"{exe}: not an executable (build the clustersim_regression_bench target)")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = [exe, "--benchmark_format=json", f"--benchmark_min_time={min_time}",
           f"--benchmark_repetitions={repetitions}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise Failure(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def times_of(results: dict, source: str) -> dict:
    """Benchmark name -> minimum CPU time per iteration (ns) over its repetitions."""
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    best = {}
    for b in results.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration":
            continue  # mean / median / stddev rows
        name = b["run_name"] if "run_name" in b else b["name"]
        name = name.split("/")[0]
        t = float(b["cpu_time"]) * scale[b.get("time_unit", "ns")]
        best[name] = min(t, best.get(name, float("inf")))
    if CALIBRATION not in best:
        raise Failure(f"{source}: no {CALIBRATION} result; the ratios need it")
    return best


def ratios_of(times: dict) -> dict:
    cal = times[CALIBRATION]
    return {name: t / cal for name, t in sorted(times.items()) if name != CALIBRATION}


def compare(ratios: dict, baseline: dict, max_slowdown: float) -> tuple:
    """Rows (name, baseline ratio, ratio, slowdown, verdict) and the names that failed."""
    rows, failed = [], []
    for name, base in sorted(baseline["ratios"].items()):
        if name not in ratios:
            rows.append((name, base, None, None, "MISSING"))
            failed.append(name)
            continue
        slowdown = ratios[name] / base
        verdict = "ok" if slowdown <= max_slowdown else f"SLOWER than {max_slowdown:g}x"
        if slowdown > max_slowdown:
            failed.append(name)
        rows.append((name, base, ratios[name], slowdown, verdict))
    for name in sorted(set(ratios) - set(baseline["ratios"])):
        rows.append((name, None, ratios[name], None, "new (not in the baseline)"))
    return rows, failed


def print_table(rows, calibration_ns):
    print(f"calibration ({CALIBRATION}): {calibration_ns / 1e6:.2f} ms CPU per iteration")
    print(f"{'benchmark':24s} {'baseline':>10s} {'now':>10s} {'now/base':>9s}  verdict")
    for name, base, now, slowdown, verdict in rows:
        def f(v, spec):
            return format(v, spec) if v is not None else "-".rjust(int(spec.split(".")[0]))
        print(f"{name:24s} {f(base, '10.4f')} {f(now, '10.4f')} {f(slowdown, '9.2f')}  {verdict}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", help="the clustersim_regression_bench program to run")
    ap.add_argument("--results", help="a saved Google Benchmark JSON file to check instead of running")
    ap.add_argument("--baseline", default=DEFAULT_BASELINE)
    ap.add_argument("--update", action="store_true", help="write the measured ratios as the new baseline")
    ap.add_argument("--max-slowdown", type=float, default=2.0)
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per benchmark per repetition")
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--save", help="also write the raw benchmark JSON here")
    args = ap.parse_args(argv)
    try:
        if bool(args.exe) == bool(args.results):
            raise Failure("give exactly one of --exe and --results")
        if not args.max_slowdown > 1:
            raise Failure(f"--max-slowdown must be > 1, got {args.max_slowdown}")
        if args.exe:
            results = run_benchmarks(args.exe, args.min_time, args.repetitions)
            source = args.exe
        else:
            try:
                with open(args.results) as fh:
                    results = json.load(fh)
            except (OSError, json.JSONDecodeError) as e:
                raise Failure(f"{args.results}: {e}")
            source = args.results
        if args.save:
            with open(args.save, "w") as fh:
                json.dump(results, fh, indent=1)
        times = times_of(results, source)
        ratios = ratios_of(times)
        if args.update:
            ctx = results.get("context", {})
            baseline = {
                "about": "CPU time of each benchmark over BM_Calibration's, minimum over repetitions "
                         "(scripts/bench_regress.py --update writes this file)",
                "measured": datetime.date.today().isoformat(),
                "host": {"machine": platform.machine(), "cpus": ctx.get("num_cpus"),
                         "mhz_per_cpu": ctx.get("mhz_per_cpu")},
                "calibration_ms": round(times[CALIBRATION] / 1e6, 4),
                "ratios": {k: round(v, 6) for k, v in ratios.items()},
            }
            with open(args.baseline, "w") as fh:
                json.dump(baseline, fh, indent=2)
                fh.write("\n")
            print(f"wrote {args.baseline}")
            print_table([(n, None, r, None, "baseline") for n, r in ratios.items()], times[CALIBRATION])
            return 0
        try:
            with open(args.baseline) as fh:
                baseline = json.load(fh)
            baseline["ratios"]
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as e:
            raise Failure(f"{args.baseline}: cannot read the baseline ({e!r}); refresh it with --update")
        rows, failed = compare(ratios, baseline, args.max_slowdown)
        print_table(rows, times[CALIBRATION])
        if failed:
            print(f"FAILED: {', '.join(failed)} (more than {args.max_slowdown:g}x the baseline's ratio, or missing)")
            return 1
        print(f"all {len(rows)} benchmarks within {args.max_slowdown:g}x of the baseline")
        return 0
    except Failure as e:
        print(f"bench_regress: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
