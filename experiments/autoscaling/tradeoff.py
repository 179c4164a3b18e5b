#!/usr/bin/python3
"""Cost versus mean wait of autoscaled EASY for a few scaling thresholds (docs/autoscaling.md).

For each trace, runs EASY with every node on (the reference) and EASY with the autoscaler at
several threshold settings, with each forecaster; reads node-hours, cost, energy and the wait
from each run's /summary; writes a CSV and a PNG of the trade-off curves.

    /usr/bin/python3 experiments/autoscaling/tradeoff.py --clustersim build/clustersim \
        --out-dir experiments/autoscaling/results

--quick runs a small version (one trace slice, two settings, one forecaster) for the tests.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRACES = os.path.join(os.path.dirname(ROOT), "shared", "traces")


def find_trace(trace_dir, sub, name):
    """The trace in trace_dir/sub/name (../shared/traces) or trace_dir/name (tests/data)."""
    for path in (os.path.join(trace_dir, sub, name), os.path.join(trace_dir, name)):
        if os.path.exists(path):
            return path
    raise SystemExit(f"tradeoff.py: {name} not found under {trace_dir}")


def workloads(trace_dir):
    """label -> (workload options, cluster options): nodes, so the autoscaler has something to switch."""
    return {
        "nasa-ipsc": (["--trace", find_trace(trace_dir, "pwa-nasa-ipsc", "NASA-iPSC-1993-3.1-cln.swf")],
                      ["--nodes", "128", "--cores-per-node", "1"]),
        "lublin-256": (["--trace", find_trace(trace_dir, "rlscheduler-lublin", "lublin_256.swf")],
                       ["--nodes", "32", "--cores-per-node", "8"]),
        "lublin-synthetic": (["--synthetic", "lublin", "--jobs", "10000", "--machine-procs", "256", "--seed", "1"],
                             ["--nodes", "32", "--cores-per-node", "8"]),
    }


# (scale_out, scale_in, headroom), from generous to tight.
SETTINGS = [
    (0.5, 0.25, 0.5),
    (0.7, 0.35, 0.25),
    (0.9, 0.5, 0.1),
    (1.1, 0.7, 0.0),
    (1.5, 0.9, 0.0),
]
# (label, autoscaler settings besides the thresholds): the three forecasters at the default
# control interval (300 s), and EWMA with a 60 s interval (a quicker reaction).
VARIANTS = [
    ("last", "forecaster=last"),
    ("ewma", "forecaster=ewma"),
    ("mlp", "forecaster=mlp"),
    ("ewma-60s", "forecaster=ewma,interval_s=60"),
]
FIELDS = ["workload", "variant", "scale_out", "scale_in", "headroom", "node_hours", "cost", "energy_kwh",
          "wait_mean_s", "wait_p95_s", "bsld_mean", "utilisation", "makespan_s", "finished", "jobs"]


def run(clustersim, workload, cluster, extra, path):
    cmd = [clustersim, "run", "--policy", "easy", "--quiet", "--sample-interval", "0", "--out", path,
           *workload, *cluster, *extra]
    subprocess.run(cmd, check=True)
    with h5py.File(path, "r") as f:
        s = f["summary"].attrs
        return {"node_hours": float(s["node_hours"]), "cost": float(s["cost"]), "energy_kwh": float(s["energy_kwh"]),
                "wait_mean_s": float(s["wait_mean_s"]), "wait_p95_s": float(s["wait_p95_s"]),
                "bsld_mean": float(s["bounded_slowdown_mean"]), "utilisation": float(s["utilisation"]),
                "makespan_s": float(s["makespan_s"]), "finished": int(s["finished"]), "jobs": int(s["jobs"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clustersim", default=os.path.join(ROOT, "build", "clustersim"))
    ap.add_argument("--out-dir", default=os.path.join(HERE, "results"))
    ap.add_argument("--trace-dir", default=TRACES, help="where the SWF traces are")
    ap.add_argument("--quick", action="store_true", help="a small run for the tests")
    args = ap.parse_args()
    loads, settings, variants = workloads(args.trace_dir), SETTINGS, VARIANTS
    if args.quick:
        nasa = loads["nasa-ipsc"]
        loads = {"nasa-ipsc-2000": (nasa[0] + ["--take", "2000"], nasa[1])}
        settings, variants = [SETTINGS[0], SETTINGS[3]], [VARIANTS[1]]
    os.makedirs(args.out_dir, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (workload, cluster) in loads.items():
            ref = run(args.clustersim, workload, cluster, [], os.path.join(tmp, "static.h5"))
            rows.append({"workload": name, "variant": "static", "scale_out": "", "scale_in": "", "headroom": "",
                         **ref})
            for label, base in variants:
                for out, inn, head in settings:
                    params = f"{base},scale_out={out},scale_in={inn},headroom={head}"
                    r = run(args.clustersim, workload, cluster, ["--autoscale", "--autoscale-param", params],
                            os.path.join(tmp, "auto.h5"))
                    rows.append({"workload": name, "variant": label, "scale_out": out, "scale_in": inn,
                                 "headroom": head, **r})
                    print(f"{name:16s} {label:8s} out={out:<4} in={inn:<4} headroom={head:<4} "
                          f"node-hours {r['node_hours']:10.1f} ({100 * r['node_hours'] / ref['node_hours']:5.1f} %) "
                          f"wait {r['wait_mean_s']:9.1f} s (static {ref['wait_mean_s']:.1f} s)", flush=True)
    csv_path = os.path.join(args.out_dir, "tradeoff.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)

    names = list(loads)
    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4.5), squeeze=False)
    for ax, name in zip(axes[0], names):
        ref = next(r for r in rows if r["workload"] == name and r["variant"] == "static")
        for (label, _), marker in zip(variants, "osD^"):
            pts = [r for r in rows if r["workload"] == name and r["variant"] == label]
            ax.plot([r["wait_mean_s"] for r in pts], [r["node_hours"] for r in pts], marker=marker, label=label)
            for r in pts:
                ax.annotate(f"{r['scale_out']}/{r['scale_in']}", (r["wait_mean_s"], r["node_hours"]), fontsize=7,
                            xytext=(3, 3), textcoords="offset points")
        ax.plot([ref["wait_mean_s"]], [ref["node_hours"]], "k*", markersize=12, label="all nodes on")
        ax.set_title(f"{name}: EASY, autoscaled")
        ax.set_xlabel("mean wait (s)")
        ax.set_ylabel("node-hours (on or booting)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.text(0.5, 0.005, "labels: scale_out / scale_in thresholds", ha="center", fontsize=8)
    fig.tight_layout()
    png_path = os.path.join(args.out_dir, "tradeoff.png")
    fig.savefig(png_path, dpi=120)
    print(f"wrote {csv_path} and {png_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
