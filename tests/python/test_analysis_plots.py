"""clustersim.analysis loads run files (from the CLI or from Python) into pandas, and
clustersim.plots draws them into PNG files."""

import shutil

import h5py
import numpy as np
import pytest
from matplotlib.image import imread

import clustersim as cs
from clustersim import analysis, plots
from conftest import LUBLIN, read_attrs, read_group, run_cli


@pytest.fixture(scope="module")
def run_files(cli, tmp_path_factory):
    """fcfs and easy on the first 3,000 jobs of the Lublin trace, written by the CLI."""
    d = tmp_path_factory.mktemp("runs")
    files = {}
    for policy in ("fcfs", "easy"):
        files[policy] = d / f"{policy}.h5"
        run_cli(cli, "run", "--trace", LUBLIN, "--take", "3000", "--policy", policy, "--quiet", "--out", files[policy])
    return files


def test_load_run_gives_the_file_as_dataframes(run_files):
    path = run_files["easy"]
    run = analysis.load_run(path)
    jobs = read_group(path, "jobs")
    assert run.label == "easy" and run.complete and run.path == str(path)
    assert list(run.jobs.columns) == sorted(jobs) and len(run.jobs) == 3000
    for name, column in jobs.items():
        np.testing.assert_array_equal(run.jobs[name].to_numpy(), column, err_msg=name)
        assert run.jobs[name].dtype == column.dtype
    ts = read_group(path, "timeseries")
    assert len(run.timeseries) == len(ts["time"]) > 100
    summary = {k: v for k, v in read_attrs(path, "summary").items() if k not in ("units", "description")}
    assert run.summary == summary
    assert run.meta["policy_name"] == "easy" and run.meta["trace_name"].startswith("lublin_256.swf")
    assert run.rejected.empty and run.training == {}
    # The per-job table agrees with the summary the C++ side computed.
    assert run.jobs["bounded_slowdown"].mean() == pytest.approx(run.summary["bounded_slowdown_mean"], rel=1e-12)
    assert run.jobs["wait"].quantile(0.9) == pytest.approx(run.summary["wait_p90_s"], rel=1e-12)


def test_load_run_accepts_a_run_result():
    r = cs.run(cs.read_swf(LUBLIN).take(400), policy="sjf")
    run = analysis.load_run(r)
    assert run.label == "sjf" and len(run.jobs) == 400
    np.testing.assert_array_equal(run.jobs["start"].to_numpy(), r.jobs["start"])


def test_load_runs_stacks_runs_with_a_run_column(run_files, tmp_path):
    runs = analysis.load_runs([run_files["fcfs"], run_files["easy"]])
    assert runs.labels == ["fcfs", "easy"]
    assert list(runs.summary.index) == ["fcfs", "easy"]
    assert runs.summary.loc["easy", "bounded_slowdown_mean"] < runs.summary.loc["fcfs", "bounded_slowdown_mean"]
    assert len(runs.jobs) == 6000 and set(runs.jobs["run"]) == {"fcfs", "easy"}
    means = runs.jobs.groupby("run")["wait"].mean()
    assert means["easy"] == pytest.approx(runs.summary.loc["easy", "wait_mean_s"], rel=1e-12)
    assert runs["fcfs"].meta["policy_name"] == "fcfs"
    # Two runs of one policy are told apart by their file names.
    copy = tmp_path / "easy-again.h5"
    shutil.copy(run_files["easy"], copy)
    assert analysis.load_runs([run_files["easy"], copy]).labels == ["easy", "easy-again"]


def test_a_killed_run_file_loads_with_what_it_has(tmp_path):
    class Stop(cs.Policy):
        def schedule(self, view, decisions):
            if view.finished_count >= 50:
                raise RuntimeError("stop here")
            for job in view.queue():
                if not decisions.try_start(job):
                    break

    out = tmp_path / "killed.h5"
    with pytest.raises(RuntimeError, match="stop here"):
        cs.run(cs.read_swf(LUBLIN).take(500), policy=Stop(), out=out)
    run = analysis.load_run(out)
    assert not run.complete and run.summary == {}
    assert 50 <= len(run.jobs) < 500


def png_size(path):
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return imread(path).shape


def test_plots_write_png_figures(run_files, tmp_path):
    runs = analysis.load_runs(run_files.values())
    written = plots.report(runs, tmp_path / "figures")
    assert [p.rsplit("/", 1)[1] for p in written] == ["cdf.png", "timeseries.png"]
    for p in written:
        h, w, _ = png_size(p)
        assert h > 200 and w > 400
    # The CDF figure has one line per run in each panel, each ending at 1.
    fig = plots.cdf(runs, ["wait", "bounded_slowdown"], path=tmp_path / "cdf2.png")
    for ax in fig.axes:
        assert [line.get_label() for line in ax.get_lines()] == ["fcfs", "easy"]
        assert all(line.get_ydata()[-1] == 1.0 for line in ax.get_lines())
    ts = plots.timeseries(runs, "queue_length", smooth_s=3600)
    assert len(ts.axes[0].get_lines()) == 2


def test_learning_curves_are_drawn_from_a_training_group(run_files, tmp_path):
    assert plots.learning_curves(analysis.load_run(run_files["easy"])) is None  # no /training
    path = tmp_path / "learning.h5"
    shutil.copy(run_files["easy"], path)
    with h5py.File(path, "a") as f:  # what a learning policy writes: tables of named scalars per update
        g = f.create_group("training/updates")
        g["update"] = np.arange(50)
        g["return"] = np.linspace(-10, 5, 50)
        g["entropy"] = np.linspace(1.5, 0.3, 50)
    run = analysis.load_run(path)
    assert list(run.training) == ["updates"] and len(run.training["updates"]) == 50
    fig = plots.learning_curves(run, path=tmp_path / "curves.png")
    assert sorted(ax.get_title() for ax in fig.axes) == ["updates/entropy", "updates/return"]
    assert png_size(tmp_path / "curves.png")[1] > 400
    written = plots.report([run], tmp_path / "report")
    assert written[-1].endswith("training_easy.png")


def test_a_training_file_loads_and_draws_its_learning_curve(cli, tmp_path):
    """A `clustersim train --out` file: its learning curve, validation evaluations and test
    table as DataFrames, and the learning-curve figure with the validation points."""
    out = tmp_path / "train.h5"
    run_cli(cli, "train", "--trace", LUBLIN, "--steps", 256, "--window", 8, "--episode-jobs", 32,
            "--param", "num_envs=2", "--param", "rollout=32", "--param", "hidden=8", "--eval-every", 2,
            "--eval-windows", 2, "--test-windows", 2, "--compare", "fcfs,sjf", "--quiet", "--out", out)
    tr = analysis.load_training(out)
    assert tr.complete and tr.meta["kind"] == "training" and tr.meta["algo"] == "ppo"
    # 256 steps in updates of 2 x 32: four records; validation after the 2nd and the 4th.
    assert list(tr.curve["update"]) == [0, 1, 2, 3] and list(tr.curve["steps"]) == [64, 128, 192, 256]
    assert list(tr.validation["steps"]) == [128, 256] and (tr.validation["windows"] == 2).all()
    assert sorted(tr.test["policy"]) == ["fcfs", "ppo", "sjf"]
    fig = plots.learning_curve(out, path=tmp_path / "curve.png", baselines={"sjf": 10.0})
    ax = fig.axes[1]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "validation windows (greedy agent)" in labels and "sjf" in labels
    validation = ax.get_lines()[labels.index("validation windows (greedy agent)")]
    np.testing.assert_array_equal(validation.get_ydata(), tr.validation["mean_bsld"].to_numpy())
    assert imread(tmp_path / "curve.png").shape[0] > 100
    run_file = tmp_path / "run.h5"
    run_cli(cli, "run", "--trace", LUBLIN, "--take", 100, "--policy", "fcfs", "--quiet", "--out", run_file)
    with pytest.raises(ValueError, match="not a training file"):
        analysis.load_training(run_file)


def test_learning_curve_takes_gym_train_records():
    import pandas as pd
    curve = pd.DataFrame({"steps": [100, 200, 300, 400], "mean_return": [-3.0, np.nan, -2.0, -1.0],
                          "episode_metric": [3.0, np.nan, 2.0, 1.0],
                          "validation_bsld": [np.nan, 2.5, np.nan, 1.5], "validation_jct_s": [np.nan, 9.0, np.nan, 8.0]})
    fig = plots.learning_curve(curve, smooth=2)
    metric_lines = {line.get_label(): line for line in fig.axes[1].get_lines()}
    # NaN records (no episode ended) are skipped; the trailing mean is over the valid ones.
    np.testing.assert_array_equal(metric_lines["training episodes"].get_xdata(), [100, 300, 400])
    np.testing.assert_allclose(metric_lines["mean of 2 records"].get_ydata(), [3.0, 2.5, 1.5])
    np.testing.assert_array_equal(metric_lines["validation windows (greedy agent)"].get_ydata(), [2.5, 1.5])
    assert fig.axes[1].get_ylabel() == "episode mean bounded slowdown"
    assert plots.learning_curve(curve, reward="jct").axes[1].get_ylabel() == "episode mean JCT (s)"
    with pytest.raises(ValueError, match="no column 'steps'"):
        plots.learning_curve(curve.drop(columns="steps"))
