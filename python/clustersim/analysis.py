"""Load HDF5 run files (docs/hdf5-format.md) into pandas.

    from clustersim import analysis
    run = analysis.load_run("easy.h5")        # or a RunResult
    run.jobs, run.timeseries                  # DataFrames, one row per job / per sample
    run.summary, run.meta                     # dicts of the /summary and /meta attributes
    runs = analysis.load_runs(["fcfs.h5", "easy.h5"])
    runs.summary                              # one row per run, indexed by label
    runs.jobs.groupby("run")["wait"].mean()   # every run's jobs, with a `run` column
    tr = analysis.load_training("train.h5")   # a `clustersim train --out` file
    tr.curve, tr.validation, tr.test          # learning curve, validation evaluations, test table

Only h5py, numpy and pandas are needed: a run file from the command-line program or from
another machine reads the same way as one from clustersim.run().
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable

import h5py
import numpy as np
import pandas as pd

__all__ = ["Run", "Runs", "Training", "load_run", "load_runs", "load_training", "read_table"]


@dataclass
class Run:
    """One run file, loaded."""

    path: str
    label: str  # the policy name, or the file name when that is ambiguous
    meta: dict
    summary: dict  # empty for a file left by a killed run
    jobs: pd.DataFrame
    timeseries: pd.DataFrame
    rejected: pd.DataFrame
    # Learning curves of a learning policy: /training's tables by name ({} when absent).
    training: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether the run ended normally (a killed run leaves run_complete = 0)."""
        return bool(self.meta.get("run_complete", 0))


@dataclass
class Runs:
    """Several runs side by side: every table concatenated with a `run` column."""

    runs: list
    summary: pd.DataFrame  # one row per run, indexed by label
    jobs: pd.DataFrame
    timeseries: pd.DataFrame

    def __getitem__(self, label: str) -> Run:
        for r in self.runs:
            if r.label == label:
                return r
        raise KeyError(label)

    @property
    def labels(self) -> list:
        return [r.label for r in self.runs]


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _attrs(obj) -> dict:
    return {k: _text(v) for k, v in obj.attrs.items() if k != "description"}


def _committed(ds: h5py.Dataset) -> np.ndarray:
    """The committed rows of one column of a run-file table (docs/hdf5-format.md, "Commit
    records and killed runs"): all of it in a closed file; in a file still being written or
    left by a killed run, the rows the table's commit record counts, the last ones from the
    /tail slot it names."""
    def read(d, a, b):
        return (d.asstr() if h5py.check_string_dtype(d.dtype) is not None else d)[a:b]

    record = ds.parent.attrs.get("committed")
    if record is None or record[2] < 0:
        return read(ds, 0, ds.shape[0] if record is None else int(record[0]))
    rows, in_tail, slot = (int(v) for v in record)
    tail = ds.file["/tail" + ds.name]
    c = tail.chunks[0]
    text = h5py.check_string_dtype(ds.dtype)
    if text is not None and text.length is None:  # variable-length text: all rows in /tail
        head = read(tail, 2 * c, 2 * c + rows - in_tail)
    else:
        head = read(ds, 0, rows - in_tail)
    return np.concatenate([np.asarray(head), np.asarray(read(tail, slot * c, slot * c + in_tail))])


def read_table(group: h5py.Group) -> pd.DataFrame:
    """The 1-D datasets of an HDF5 group as DataFrame columns (strings decoded). Reads the
    committed rows, so a file left by a killed run, or one still being written, loads up to
    its last flush."""
    columns = {}
    for name, obj in group.items():
        if not isinstance(obj, h5py.Dataset) or obj.ndim != 1:
            continue
        columns[name] = _committed(obj)
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{group.file.filename}: {group.name}: columns of different lengths {sorted(lengths)}")
    return pd.DataFrame(columns)


def _training(f: h5py.File) -> dict:
    if "training" not in f:
        return {}
    g = f["training"]
    tables = {name: read_table(sub) for name, sub in g.items() if isinstance(sub, h5py.Group)}
    direct = read_table(g)
    if not direct.empty:
        tables[""] = direct
    return tables


def _path_of(source) -> str:
    path = getattr(source, "path", source)  # a RunResult has .path
    return os.fspath(path)


def load_run(source, label: str | None = None) -> Run:
    """Load one run file (a path, or a RunResult) into DataFrames."""
    path = _path_of(source)
    with h5py.File(path, "r") as f:
        meta = _attrs(f["meta"]) if "meta" in f else {}
        # /summary is written last; a run killed while writing it leaves it partial.
        complete = "meta" in f and int(f["meta"].attrs.get("run_complete", 0)) == 1
        summary = _attrs(f["summary"]) if "summary" in f and complete else {}
        summary.pop("units", None)
        return Run(
            path=path,
            label=label or meta.get("policy_name") or os.path.splitext(os.path.basename(path))[0],
            meta=meta,
            summary=summary,
            jobs=read_table(f["jobs"]) if "jobs" in f else pd.DataFrame(),
            timeseries=read_table(f["timeseries"]) if "timeseries" in f else pd.DataFrame(),
            rejected=read_table(f["jobs_rejected"]) if "jobs_rejected" in f else pd.DataFrame(),
            training=_training(f),
        )


def load_runs(sources: Iterable, labels: Iterable[str] | None = None) -> Runs:
    """Load several run files. Labels default to the policy names, or the file names when
    two runs share a policy."""
    sources = list(sources)
    runs = [load_run(s) for s in sources]
    if labels is not None:
        labels = list(labels)
        if len(labels) != len(runs):
            raise ValueError(f"load_runs: {len(runs)} runs but {len(labels)} labels")
        for r, lab in zip(runs, labels):
            r.label = lab
    elif len({r.label for r in runs}) < len(runs):
        for r in runs:
            r.label = os.path.splitext(os.path.basename(r.path))[0]

    def stacked(table: str) -> pd.DataFrame:
        frames = [getattr(r, table).assign(run=r.label) for r in runs]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    summary = pd.DataFrame([r.summary for r in runs], index=pd.Index([r.label for r in runs], name="run"))
    return Runs(runs=runs, summary=summary, jobs=stacked("jobs"), timeseries=stacked("timeseries"))


@dataclass
class Training:
    """One training file (``clustersim train --out``, docs/hdf5-format.md "Training files")."""

    path: str
    meta: dict
    curve: pd.DataFrame       # /training: one row per learning-curve record (update)
    validation: pd.DataFrame  # /validation: one row per evaluation on the validation windows
    test: pd.DataFrame        # /test: one row per policy on the held-out test windows

    @property
    def complete(self) -> bool:
        """Whether training and the test evaluation ended (a killed run leaves 0)."""
        return bool(self.meta.get("run_complete", 0))


def load_training(path) -> Training:
    """Load a training file. Every table reads its committed rows, so the file of a training
    run still going (or killed) loads up to its last record."""
    path = os.fspath(path)
    with h5py.File(path, "r") as f:
        meta = _attrs(f["meta"]) if "meta" in f else {}
        if meta.get("kind") != "training":
            raise ValueError(f"{path}: not a training file (/meta kind is {meta.get('kind')!r}); "
                             "use load_run for run files")

        def table(name):
            return read_table(f[name]) if name in f else pd.DataFrame()

        return Training(path=path, meta=meta, curve=table("training"), validation=table("validation"),
                        test=table("test"))
