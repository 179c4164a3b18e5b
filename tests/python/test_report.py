"""The report of a sweep (clustersim.report, `clustersim report DIR`): a Markdown table of
every policy with confidence intervals over seeds, a summary CSV and PNG figures."""

import math
import os

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clustersim import report
from conftest import LUBLIN, run_cli

EXPERIMENT = f"""
[experiment]
name = "report-test"
seeds = [1, 2, 3]
[clusters.pool]
procs = 256
[workloads.synth]
synthetic = "lublin"
jobs = 300
[workloads.trace]
trace = "{LUBLIN}"
take = 500
[workloads.broken]
trace = "no-such-trace.swf"
[policies.fcfs]
[policies.easy]
[policies.sjf-backfill]
policy = "easy"
params = {{ order = "sjf" }}
"""
POLICIES = ["fcfs", "easy", "sjf-backfill"]


@pytest.fixture(scope="module")
def sweep(cli, tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    (d / "exp.toml").write_text(EXPERIMENT)
    proc = run_cli(cli, "sweep", d / "exp.toml", "--output", d / "out", "-q", check=False)
    assert proc.returncode == 1, proc.stderr  # the broken workload's 3 points fail
    assert "3 of 15 points failed" in proc.stderr
    return d / "out"


def test_report_has_every_policy_with_intervals_for_seeded_points(sweep):
    path = report.write_report(sweep)
    assert path == os.path.join(sweep, "report", "index.md")
    text = open(path).read()
    assert text.startswith("# report-test")
    table = text[text.index("### bounded_slowdown_mean"):text.index("### bounded_slowdown_p95")]
    assert "| policy | synth | trace |" in table
    for policy in POLICIES:
        row = next(line for line in table.splitlines() if line.startswith(f"| {policy} |"))
        synth, trace = row.split("|")[2:4]
        assert "±" in synth, row   # three seeds: an interval
        assert "±" not in trace, row  # a trace window without random transforms runs once
    assert "## Failed points" in text
    assert "broken__fcfs__pool" in text and "no-such-trace.swf" in text


def test_summary_numbers_are_means_and_t_intervals_over_seeds(sweep):
    report.write_report(sweep)
    summary = pd.read_csv(sweep / "report" / "summary.csv")
    index = pd.read_csv(sweep / "index.csv")
    row = summary[(summary.workload == "synth") & (summary.policy == "easy")].iloc[0]
    values = index[(index.workload == "synth") & (index.policy == "easy")]["wait_mean_s"].to_numpy()
    assert row["n"] == 3
    assert row["wait_mean_s_mean"] == pytest.approx(values.mean())
    half = stats.t.ppf(0.975, 2) * values.std(ddof=1) / math.sqrt(3)
    assert row["wait_mean_s_ci95"] == pytest.approx(half)
    once = summary[(summary.workload == "trace") & (summary.policy == "fcfs")].iloc[0]
    assert once["n"] == 1 and np.isnan(once["wait_mean_s_ci95"])
    assert set(summary.workload) == {"synth", "trace"}  # failed points have no row


def test_figures_are_png_files_linked_from_the_report(sweep, tmp_path):
    path = report.write_report(sweep, tmp_path / "rep")
    text = open(path).read()
    pngs = sorted(p for p in os.listdir(tmp_path / "rep") if p.endswith(".png"))
    assert pngs == ["bars_pool.png", "cdf_pool_synth.png", "cdf_pool_trace.png"]
    for p in pngs:
        data = (tmp_path / "rep" / p).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, p
        assert f"]({p})" in text


def test_clustersim_report_runs_the_same_report(cli, sweep, tmp_path):
    proc = run_cli(cli, "report", sweep, "--out", tmp_path / "cli")
    assert "wrote" in proc.stdout
    report.write_report(sweep, tmp_path / "py")
    assert (tmp_path / "cli" / "index.md").read_text() == (tmp_path / "py" / "index.md").read_text()


def test_a_folder_without_an_index_is_an_error(cli, tmp_path):
    proc = run_cli(cli, "report", tmp_path, check=False)
    assert proc.returncode == 1
    assert "index.csv: no sweep index" in proc.stderr
