#!/usr/bin/python3
"""Plot fgd_experiment's CSV: GPU allocation ratio against the arrived load, per policy.

Left: when the first task cannot be placed; right: when the last task has arrived (tasks that
do not fit skipped). Lines are the mean over seeds, the bands the min-max range.

    /usr/bin/python3 experiments/fgd/plot_fgd.py fgd.csv fgd.png
"""
import argparse
import collections
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    """{policy: {load: ([ratio at first failure], [ratio at end])}}, in file order."""
    runs = collections.OrderedDict()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            cell = runs.setdefault(row["policy"], collections.OrderedDict()).setdefault(
                int(row["load_percent"]), ([], []))
            cell[0].append(100 * float(row["ratio_at_first_failure"]))
            cell[1].append(100 * float(row["ratio_at_end"]))
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="fgd_experiment --csv output")
    parser.add_argument("png", help="the figure to write")
    args = parser.parse_args()
    runs = load(args.csv)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    titles = ["when the first task cannot be placed", "when the last task has arrived"]
    for k, ax in enumerate(axes):
        for policy, cells in runs.items():
            loads = sorted(cells)
            mean = [sum(cells[x][k]) / len(cells[x][k]) for x in loads]
            lo = [min(cells[x][k]) for x in loads]
            hi = [max(cells[x][k]) for x in loads]
            (line,) = ax.plot(loads, mean, marker="o", markersize=3, label=policy)
            ax.fill_between(loads, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
        all_loads = sorted({x for cells in runs.values() for x in cells})
        ax.plot(all_loads, all_loads, color="grey", linestyle=":", linewidth=1, label="requested")
        ax.set_title("GPU allocation " + titles[k], fontsize=10)
        ax.set_xlabel("requested GPUs (% of cluster)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("allocated GPUs (% of cluster)")
    lo = min(min(min(c[0]) for c in cells.values()) for cells in runs.values())
    axes[0].set_ylim(max(0, lo - 5), 100)
    axes[1].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(args.png, dpi=150)
    print("wrote " + args.png)


if __name__ == "__main__":
    main()
