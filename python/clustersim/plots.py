"""Figures of runs with matplotlib, drawn on the Agg canvas and saved as PNG.

    from clustersim import analysis, plots
    runs = analysis.load_runs(["fcfs.h5", "easy.h5"])
    plots.cdf(runs, "bounded_slowdown", path="bsld.png")
    plots.timeseries(runs, ["utilisation", "queue_length"], path="load.png")
    plots.report(runs, "figures/")            # every figure above, as PNG files
    plots.learning_curve("train.h5", path="curve.png")  # a training file, or gym.train()'s frame

Figures are matplotlib.figure.Figure objects on an Agg canvas, made without pyplot: nothing
here changes the global backend, so the module works headless, in scripts and in notebooks
(where a returned figure is shown with IPython.display or saved and embedded).
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .analysis import Run, Runs, Training, load_run, load_runs, load_training

__all__ = ["cdf", "timeseries", "learning_curve", "learning_curves", "report"]

_UNITS = {
    "wait": "wait (s)",
    "turnaround": "turnaround (s)",
    "bounded_slowdown": "bounded slowdown",
    "run": "run time (s)",
    "utilisation": "core utilisation (fraction)",
    "queue_length": "queued jobs",
    "running_jobs": "running jobs",
    "used_cores": "cores in use",
    "finished_jobs": "finished jobs",
}


def _as_runs(runs) -> list:
    if isinstance(runs, Runs):
        return runs.runs
    if isinstance(runs, Run):
        return [runs]
    runs = list(runs)
    if runs and not isinstance(runs[0], Run):
        return load_runs(runs).runs
    return runs


def _figure(n_axes: int, width: float = 6.0, height: float = 3.6):
    fig = Figure(figsize=(width * n_axes, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, [fig.add_subplot(1, n_axes, i + 1) for i in range(n_axes)]


def _finish(fig: Figure, path) -> Figure:
    if path is not None:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fig.savefig(path, dpi=110)
    return fig


def cdf(runs, columns: str | Sequence[str] = ("turnaround", "bounded_slowdown"), path=None,
        log: bool = True) -> Figure:
    """Empirical CDF of per-job metrics (finished jobs), one line per run, one panel per column."""
    runs = _as_runs(runs)
    columns = [columns] if isinstance(columns, str) else list(columns)
    fig, axes = _figure(len(columns))
    for ax, col in zip(axes, columns):
        for r in runs:
            jobs = r.jobs
            if col not in jobs or jobs.empty:
                continue
            finished = jobs["state"] == 3 if "state" in jobs else np.ones(len(jobs), bool)
            x = np.sort(jobs.loc[finished, col].to_numpy(dtype=float))
            x = x[np.isfinite(x)]
            if x.size == 0:
                continue
            y = np.arange(1, x.size + 1) / x.size
            ax.step(x, y, where="post", label=r.label)
        if log:
            ax.set_xscale("symlog" if col == "wait" else "log")
        ax.set_xlabel(_UNITS.get(col, col))
        ax.set_ylabel("fraction of jobs")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    return _finish(fig, path)


def _moving_average(t: np.ndarray, y: np.ndarray, window_s: float) -> np.ndarray:
    if window_s <= 0 or t.size < 2:
        return y
    step = float(np.median(np.diff(t)))
    k = int(round(window_s / step)) if step > 0 else 1
    if k <= 1:
        return y
    k = min(k, y.size)
    c = np.cumsum(np.insert(y.astype(float), 0, 0.0))
    out = np.empty(y.size)
    out[k - 1:] = (c[k:] - c[:-k]) / k
    out[:k - 1] = c[1:k] / np.arange(1, k)  # a growing window at the start
    return out


def timeseries(runs, columns: str | Sequence[str] = ("utilisation", "queue_length"), path=None,
               smooth_s: float = 0.0) -> Figure:
    """Time series over simulated time (days), one line per run, one panel per column.
    smooth_s > 0 draws a trailing moving average over that many seconds instead of the samples."""
    runs = _as_runs(runs)
    columns = [columns] if isinstance(columns, str) else list(columns)
    fig, axes = _figure(len(columns))
    for ax, col in zip(axes, columns):
        for r in runs:
            ts = r.timeseries
            if col not in ts or ts.empty:
                continue
            t = ts["time"].to_numpy(dtype=float)
            y = _moving_average(t, ts[col].to_numpy(dtype=float), smooth_s)
            ax.plot(t / 86400.0, y, label=r.label, linewidth=0.8)
        ax.set_xlabel("time (days)")
        ax.set_ylabel(_UNITS.get(col, col) + (f", {smooth_s / 3600:g} h mean" if smooth_s > 0 else ""))
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    return _finish(fig, path)


def learning_curves(run, path=None) -> Figure | None:
    """Every numeric column of the run's /training tables against its row (update or episode);
    None when the run has no /training group (not a learning policy)."""
    if not isinstance(run, Run):
        run = load_run(run)
    series = []
    for table, df in run.training.items():
        x_name = next((c for c in ("step", "update", "episode") if c in df), None)
        x = df[x_name].to_numpy() if x_name else np.arange(len(df))
        for col in df.columns:
            if col != x_name and np.issubdtype(df[col].dtype, np.number):
                series.append((f"{table}/{col}" if table else col, x, df[col].to_numpy(), x_name or "row"))
    if not series:
        return None
    fig, axes = _figure(len(series), width=4.0)
    for ax, (name, x, y, x_name) in zip(axes, series):
        ax.plot(x, y, linewidth=0.8)
        ax.set_title(name, fontsize="small")
        ax.set_xlabel(x_name)
        ax.grid(alpha=0.3)
    return _finish(fig, path)


def _rolling(y: np.ndarray, n: int) -> np.ndarray:
    """Trailing mean over the last n values (fewer at the start); NaNs are skipped."""
    if n <= 1 or len(y) == 0:
        return y
    out = np.empty(len(y))
    for i in range(len(y)):
        w = y[max(0, i - n + 1):i + 1]
        w = w[~np.isnan(w)]
        out[i] = w.mean() if len(w) else np.nan
    return out


def learning_curve(source, path=None, smooth: int = 1, baselines: dict | None = None,
                   reward: str | None = None) -> Figure:
    """The learning curve of a training run against environment steps: the mean episode
    return (left) and the episode metric (right: mean bounded slowdown, or mean JCT for reward
    jct), with the validation evaluations when there are any (a training file's /validation,
    or the validation columns of ``gym.train(eval_every=...)``) and optional horizontal
    ``baselines`` ({label: metric value}, e.g. heuristics' bounded slowdown on the same
    windows).

    ``source``: a training file (path or :class:`Training`) or the DataFrame that
    ``clustersim.gym.train`` returns. ``smooth`` > 1 adds a trailing mean over that many
    records. Episode columns are NaN for records in which no episode ended; they are skipped.
    ``reward``: the training's reward; ``jct`` makes the metric mean JCT. A training file's
    /meta gives it; pass it with a DataFrame trained with reward jct.
    """
    import pandas as pd

    validation = pd.DataFrame()
    if isinstance(source, pd.DataFrame):
        curve = source
    else:
        tr = source if isinstance(source, Training) else load_training(source)
        curve, validation = tr.curve, tr.validation
        reward = reward or tr.meta.get("reward")
    metric = "mean JCT (s)" if reward == "jct" else "mean bounded slowdown"
    for col in ("steps", "mean_return", "episode_metric"):
        if col not in curve:
            raise ValueError(f"learning_curve: the curve has no column {col!r} (columns: {list(curve.columns)})")
    x = curve["steps"].to_numpy(dtype=float)
    fig, axes = _figure(2, width=4.8)
    for ax, col, label in ((axes[0], "mean_return", "mean episode return"),
                           (axes[1], "episode_metric", f"episode {metric}")):
        y = curve[col].to_numpy(dtype=float)
        ok = ~np.isnan(y)
        ax.plot(x[ok], y[ok], linewidth=0.6, alpha=0.5 if smooth > 1 else 1.0, label="training episodes")
        if smooth > 1:
            ax.plot(x[ok], _rolling(y[ok], smooth), linewidth=1.2, label=f"mean of {smooth} records")
        ax.set_xlabel("environment steps")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    v_col = "mean_jct" if metric.startswith("mean JCT") else "mean_bsld"
    if validation.empty and "validation_bsld" in curve:  # gym.train(eval_every=...)'s records
        validation = curve[["steps", "validation_bsld", "validation_jct_s"]].rename(
            columns={"validation_bsld": "mean_bsld", "validation_jct_s": "mean_jct"}).dropna()
    if not validation.empty and v_col in validation:
        axes[1].plot(validation["steps"].to_numpy(dtype=float), validation[v_col].to_numpy(dtype=float),
                     "o-", markersize=3, linewidth=1.0, label="validation windows (greedy agent)")
    for i, (name, value) in enumerate((baselines or {}).items()):
        axes[1].axhline(value, linestyle="--", linewidth=0.9, color=f"C{i + 3}", label=name)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
    return _finish(fig, path)


def report(runs, out_dir, prefix: str = "") -> list:
    """Write the standard figures of `runs` as PNG files in out_dir: CDFs of wait, turnaround
    and bounded slowdown, utilisation and queue length (1-day means), and the learning curves
    of runs that have them. Returns the paths written."""
    runs = _as_runs(runs)
    os.makedirs(out_dir, exist_ok=True)
    written = []

    def out(name):
        p = os.path.join(out_dir, prefix + name)
        written.append(p)
        return p

    cdf(runs, ("wait", "turnaround", "bounded_slowdown"), path=out("cdf.png"))
    timeseries(runs, ("utilisation", "queue_length"), path=out("timeseries.png"), smooth_s=86400.0)
    for r in runs:
        path = os.path.join(out_dir, f"{prefix}training_{r.label}.png")
        if learning_curves(r, path=path) is not None:
            written.append(path)
    return written
