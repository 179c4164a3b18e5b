"""The report of a sweep (``clustersim sweep FILE``): a self-contained folder with a Markdown
summary and PNG figures, made from the sweep's index.csv and its point files.

    /usr/bin/python3 -m clustersim.report results/headline            # or: clustersim report results/headline
    /usr/bin/python3 -m clustersim.report results/headline --out somewhere/

    from clustersim import report
    report.write_report("results/headline")                            # -> results/headline/report/

What it writes (docs/experiments.md):

- ``index.md``: for each cluster and each metric of the index, a table of policies (rows) x
  workloads (columns) whose cells are the mean over seeds with a 95 % confidence interval
  (Student's t with n - 1 degrees of freedom; no interval for a point run once), then the
  failed points with their errors;
- ``summary.csv``: the same numbers, one row per cluster x workload x policy (``*_mean``,
  ``*_ci95``, ``n``), and ``points.csv``, a copy of the sweep's index (one row per point);
- ``bars_<cluster>.png``: the means of the headline metrics per workload and policy, with the
  intervals as error bars;
- ``cdf_<cluster>_<workload>.png``: the CDF of bounded slowdown and wait of every policy, for
  the first seed (clustersim.plots.cdf).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tomllib

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy import stats

from . import analysis, plots

__all__ = ["summarise", "write_report", "main"]

_KEYS = ["cluster", "workload", "policy"]
# Index columns before the metrics (experiments/sweep.cpp, write_index).
_FIXED = ["point", "cluster", "workload", "policy", "policy_name", "params", "seed", "status", "error", "wall_s",
          "run_wall_s", "rank", "jobs", "finished"]


def read_index(sweep_dir) -> pd.DataFrame:
    path = os.path.join(sweep_dir, "index.csv")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no sweep index (run `clustersim sweep FILE` first)")
    return pd.read_csv(path, dtype={"point": str, "cluster": str, "workload": str, "policy": str, "error": str},
                       keep_default_na=True)


def metric_columns(index: pd.DataFrame) -> list:
    return [c for c in index.columns if c not in _FIXED]


def _ci95(values: np.ndarray) -> float:
    """Half-width of the 95 % confidence interval of the mean (t distribution); NaN for n < 2."""
    n = len(values)
    if n < 2:
        return math.nan
    return float(stats.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / math.sqrt(n))


def summarise(index: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster x workload x policy (in the sweep's order) over its finished points:
    n, and for every metric its mean over seeds and the CI half-width (``<metric>_ci95``)."""
    done = index[index["status"].isin(["ok", "skipped"])]
    rows = []
    for key, group in done.groupby(_KEYS, sort=False):
        row = dict(zip(_KEYS, key))
        row["n"] = len(group)
        for m in metric_columns(index):
            v = group[m].to_numpy(dtype=float)
            row[m + "_mean"] = float(np.mean(v))
            row[m + "_ci95"] = _ci95(v)
        rows.append(row)
    return pd.DataFrame(rows)


def _number(v: float) -> str:
    if not np.isfinite(v):
        return "-"
    return f"{v:.0f}" if abs(v) >= 1000 else f"{v:.4g}"


def _cell(mean: float, ci: float) -> str:
    return _number(mean) + ("" if not np.isfinite(ci) else f" ± {_number(ci)}")


def _order(values) -> list:
    return list(dict.fromkeys(values))


def _bars(summary: pd.DataFrame, cluster: str, metrics: list, path: str) -> None:
    part = summary[summary["cluster"] == cluster]
    workloads, policies = _order(part["workload"]), _order(part["policy"])
    fig = Figure(figsize=(max(4.5, 1.2 * len(workloads) * len(policies) / 2.5) * len(metrics) / 1.6, 3.8),
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(1, len(metrics), i + 1) for i in range(len(metrics))]
    width = 0.8 / max(1, len(policies))
    x = np.arange(len(workloads))
    for ax, m in zip(axes, metrics):
        for i, policy in enumerate(policies):
            rows = part[part["policy"] == policy].set_index("workload").reindex(workloads)
            means = rows[m + "_mean"].to_numpy(dtype=float)
            ci = rows[m + "_ci95"].to_numpy(dtype=float)  # NaN (a point run once): no error bar
            ax.bar(x + (i - (len(policies) - 1) / 2) * width, means, width, yerr=ci, capsize=2, label=policy)
        positive = part[m + "_mean"].to_numpy(dtype=float)
        positive = positive[np.isfinite(positive) & (positive > 0)]
        if positive.size and positive.max() / positive.min() > 100:
            ax.set_yscale("log")
        ax.set_xticks(x, workloads, rotation=20 if len(workloads) > 3 else 0)
        ax.set_title(m, fontsize="medium")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize="small")
    fig.savefig(path, dpi=110)


def _headline_metrics(metrics: list) -> list:
    """The metrics the bar figure shows: the means of the distributions, and utilisation."""
    chosen = [m for m in metrics if m.endswith("_mean") or m.endswith("_mean_s") or m == "utilisation"]
    return chosen[:4] or metrics[:4]


def write_report(sweep_dir, out_dir=None) -> str:
    """Writes the report of the sweep in `sweep_dir` into `out_dir` (default: sweep_dir/report)
    and returns the path of its index.md."""
    sweep_dir = os.fspath(sweep_dir)
    out_dir = os.fspath(out_dir) if out_dir is not None else os.path.join(sweep_dir, "report")
    os.makedirs(out_dir, exist_ok=True)
    index = read_index(sweep_dir)
    metrics = metric_columns(index)
    summary = summarise(index)
    summary.to_csv(os.path.join(out_dir, "summary.csv"), index=False)
    shutil.copyfile(os.path.join(sweep_dir, "index.csv"), os.path.join(out_dir, "points.csv"))

    name, description = os.path.basename(os.path.abspath(sweep_dir)), ""
    experiment = os.path.join(sweep_dir, "experiment.toml")
    if os.path.exists(experiment):
        with open(experiment, "rb") as f:
            table = tomllib.load(f).get("experiment", {})
        name, description = table.get("name", name), table.get("description", "")

    failed = index[index["status"] == "failed"]
    seeds = sorted({int(s) for s in index["seed"].dropna()})
    lines = [f"# {name}", ""]
    if description:
        lines += [description, ""]
    lines += [f"{len(index)} points ({len(index) - len(failed)} finished, {len(failed)} failed)"
              + (f"; seeds {', '.join(map(str, seeds))}" if seeds else "")
              + ". Each cell: the mean over seeds ± the half-width of its 95 % confidence interval "
              "(Student's t); a cell without ± is a point run once (a workload, policy and cluster that "
              "do not depend on the seed). Wait and turnaround (JCT) in seconds.", ""]
    for cluster in _order(summary["cluster"]) if not summary.empty else []:
        part = summary[summary["cluster"] == cluster]
        workloads, policies = _order(part["workload"]), _order(part["policy"])
        lines += [f"## Cluster `{cluster}`", ""]
        for m in metrics:
            lines += [f"### {m}", "", "| policy | " + " | ".join(workloads) + " |",
                      "|---|" + "---:|" * len(workloads)]
            for policy in policies:
                cells = []
                for w in workloads:
                    row = part[(part["policy"] == policy) & (part["workload"] == w)]
                    cells.append(_cell(row[m + "_mean"].iloc[0], row[m + "_ci95"].iloc[0]) if len(row) else "")
                lines.append(f"| {policy} | " + " | ".join(cells) + " |")
            lines.append("")
        bars = f"bars_{cluster}.png"
        _bars(summary, cluster, _headline_metrics(metrics), os.path.join(out_dir, bars))
        lines += [f"![means per workload and policy, cluster {cluster}]({bars})", ""]
        for w in workloads:
            points = index[(index["cluster"] == cluster) & (index["workload"] == w)
                           & index["status"].isin(["ok", "skipped"])]
            first = points[points["seed"].isna() | (points["seed"] == points["seed"].min())]
            files = [os.path.join(sweep_dir, "points", p + ".h5") for p in first["point"]]
            if not files:
                continue
            runs = analysis.load_runs(files, labels=list(first["policy"]))
            cdf = f"cdf_{cluster}_{w}.png"
            plots.cdf(runs, ("bounded_slowdown", "wait"), path=os.path.join(out_dir, cdf))
            seed = "" if first["seed"].isna().all() else f", seed {int(first['seed'].min())}"
            lines += [f"![CDF of bounded slowdown and wait, {w} on {cluster}{seed}]({cdf})", ""]
    if len(failed):
        lines += ["## Failed points", "", "| point | error |", "|---|---|"]
        for _, r in failed.iterrows():
            lines.append(f"| {r['point']} | {str(r['error']).replace('|', '/')} |")
        lines.append("")
    path = os.path.join(out_dir, "index.md")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="clustersim report",
                                     description="Write the report of a sweep: a Markdown summary table with "
                                                 "confidence intervals over seeds, and PNG figures.")
    parser.add_argument("sweep_dir", help="the sweep's output folder (holds index.csv and points/)")
    parser.add_argument("--out", help="the report folder (default: SWEEP_DIR/report)")
    args = parser.parse_args(argv)
    try:
        path = write_report(args.sweep_dir, args.out)
    except (OSError, ValueError) as e:
        print(f"clustersim report: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
