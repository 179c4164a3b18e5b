#!/usr/bin/env python3
"""The runtime-predictor table of docs/predictors.md, reproducibly.

Runs the BM_PredictorTable rows of the benchmark binary (bench/predict_bench.cpp: one full
replay per trace x requested times x policy x estimate source, reporting the accuracy of the
estimates and the mean bounded slowdown), cross-checks the bounded slowdown of every raw-trace
row with `clustersim run`, and prints a Markdown table; then the BM_EasyPredictReplay timings.

    python3 experiments/predictors/table.py [--build build-pred] [--no-timing]

Both traces come from tests/data (byte-identical to ../shared/traces). Neither has requested
times (SWF field 9 is -1), so their "requested time" is the runtime: the rows marked "x1" are
the traces as they are; the rows marked "x5" give each job walltime = ceil(runtime x U[1, 5))
from a seeded generator (as the workload generators' estimate_factor), so that requested
times, predictions and the oracle differ.
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRACES = {"nasa": "NASA-iPSC-1993-3.1-cln.swf", "lublin": "lublin_256.swf"}
SOURCES = ["requested", "user_mean2", "mlp", "runtime"]


def bench(build, flt, *extra):
    out = subprocess.run([str(build / "bench" / "clustersim_bench"), f"--benchmark_filter={flt}",
                          "--benchmark_format=json", *extra], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["benchmarks"]


def cli_bsld(build, trace, policy, source):
    out = subprocess.run([str(build / "clustersim"), "run", "--trace", str(ROOT / "tests" / "data" / trace),
                          "--policy", policy, "--param", f"estimate={source.replace('_', '-')}"],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith(policy + " "):
            return float(line.split()[4])
    raise RuntimeError(f"no summary line for {policy} in:\n{out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build-pred", help="build directory (default build-pred)")
    ap.add_argument("--no-timing", action="store_true", help="skip the replay-time benchmark")
    args = ap.parse_args()
    build = (ROOT / args.build).resolve()

    rows = {}
    for b in bench(build, "BM_PredictorTable"):
        m = re.match(r"BM_PredictorTable/(nasa|lublin)(_f5)?_(easy_sjf|easy)_(requested|user_mean2|mlp|runtime)", b["name"])
        rows[(m[1], "x5" if m[2] else "x1", m[3].replace("_", "-"), m[4])] = b

    print("| trace | requested | source | MAE (s) | accuracy | under | bsld easy | bsld easy-sjf |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for trace in TRACES:
        for est in ("x1", "x5"):
            for src in SOURCES:
                e, s = rows[(trace, est, "easy", src)], rows[(trace, est, "easy-sjf", src)]
                if est == "x1":  # the CLI on the same trace must agree
                    for policy, b in (("easy", e), ("easy-sjf", s)):
                        got = cli_bsld(build, TRACES[trace], policy, src)
                        if abs(got - b["bsld"]) > 0.01 * max(1.0, abs(got)):
                            sys.exit(f"{trace} {policy} {src}: CLI bsld {got} != bench {b['bsld']}")
                print(f"| {trace} | {est} | {src.replace('_', '-')} | {e['mae_s']:.0f} | {e['accuracy']:.3f} | "
                      f"{e['under']:.3f} | {e['bsld']:.2f} | {s['bsld']:.2f} |")
    if not args.no_timing:
        print()
        # The machine may be shared: the minimum CPU time of 5 repetitions, interleaved so that
        # a busy spell does not fall on one benchmark only.
        print("| EASY on 10,000 Lublin-1 jobs (x5) | CPU (ms), min of 5 | vs requested |")
        print("|---|---:|---:|")
        cpu = {}
        for b in bench(build, "BM_EasyPredictReplay", "--benchmark_repetitions=5",
                       "--benchmark_enable_random_interleaving=true"):
            if b.get("run_type", "iteration") == "iteration":
                name = b["run_name"].split("/min_time")[0]
                cpu[name] = min(cpu.get(name, float("inf")), b["cpu_time"])
        base = cpu["BM_EasyPredictReplay/requested"]
        for name in sorted(cpu, key=lambda n: ("NoTraining" in n, n != "BM_EasyPredictReplay/requested", n)):
            print(f"| {name} | {cpu[name]:.2f} | {cpu[name] / base:.2f}x |")


if __name__ == "__main__":
    main()
