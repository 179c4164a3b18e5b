"""A run from Python writes the same run file as the same run from the command line: every
/jobs and /timeseries column and every /summary attribute, byte for byte in value."""

import numpy as np
import pytest

import clustersim as cs
from conftest import LUBLIN, assert_same_columns, read_attrs, read_group, run_cli

# (CLI arguments, the same run from Python)
CASES = {
    "easy": (
        ["--trace", LUBLIN, "--policy", "easy"],
        lambda out: cs.run(cs.read_swf(LUBLIN), policy="easy", out=out),
    ),
    "fcfs": (
        ["--trace", LUBLIN, "--policy", "fcfs"],
        lambda out: cs.run(cs.read_swf(LUBLIN), policy="fcfs", out=out),
    ),
    "easy-order-sjf-transformed": (
        ["--trace", LUBLIN, "--policy", "easy", "--param", "order=sjf",
         "--offset", "500", "--take", "2000", "--load-scale", "1.5", "--sample-interval", "600"],
        lambda out: cs.run(cs.read_swf(LUBLIN).take(2000, offset=500).scale_load(1.5),
                           policy="easy", params={"order": "sjf"}, sample_interval=600, out=out),
    ),
    "rr-on-nodes": (
        ["--trace", LUBLIN, "--take", "1500", "--policy", "rr", "--nodes", "64", "--cores-per-node", "4"],
        lambda out: cs.run(cs.read_swf(LUBLIN).take(1500),
                           cluster=cs.Cluster.homogeneous(64, cs.Resources(cores=4)), policy="rr", out=out),
    ),
    "lublin-generator": (
        ["--synthetic", "lublin", "--jobs", "800", "--seed", "7", "--estimate-factor", "3", "--policy", "easy-sjf"],
        lambda out: cs.run(cs.lublin(jobs=800, machine_procs=256, seed=7, estimate_factor=3.0),
                           policy="easy-sjf", out=out),
    ),
    "poisson-generator": (
        ["--synthetic", "poisson", "--jobs", "600", "--seed", "3", "--mean-interarrival", "30",
         "--policy", "sjf"],
        lambda out: cs.run(cs.poisson(jobs=600, machine_procs=256, seed=3, mean_interarrival_s=30.0),
                           policy="sjf", out=out),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_python_run_writes_the_same_file_as_the_cli(cli, tmp_path, case):
    args, python_run = CASES[case]
    cli_file, py_file = tmp_path / "cli.h5", tmp_path / "py.h5"
    run_cli(cli, "run", *args, "--quiet", "--out", cli_file)
    result = python_run(py_file)

    expected_jobs = read_group(cli_file, "jobs")
    assert len(expected_jobs["id"]) > 0
    assert_same_columns(read_group(py_file, "jobs"), expected_jobs, "/jobs")
    assert_same_columns(read_group(py_file, "timeseries"), read_group(cli_file, "timeseries"), "/timeseries")
    assert_same_columns(read_group(py_file, "jobs_rejected"), read_group(cli_file, "jobs_rejected"), "/jobs_rejected")
    # The RunResult's arrays are the file's columns, with the file's dtypes.
    assert_same_columns(result.jobs, expected_jobs, "RunResult.jobs")
    assert_same_columns(result.timeseries, read_group(cli_file, "timeseries"), "RunResult.timeseries")

    cli_summary = read_attrs(cli_file, "summary")
    for key, value in result.summary.items():
        assert cli_summary[key] == value, f"summary {key}: {value} != CLI {cli_summary[key]}"
    assert read_attrs(py_file, "summary") == cli_summary
    py_meta, cli_meta = read_attrs(py_file, "meta"), read_attrs(cli_file, "meta")
    for key in ("policy_name", "policy_params", "cluster_description", "trace_name", "format_version"):
        assert py_meta[key] == cli_meta[key], key
    assert py_meta["run_complete"] == 1


def test_trace_checksum_is_the_one_the_cli_writes(cli, tmp_path):
    cli_file = tmp_path / "cli.h5"
    run_cli(cli, "run", "--trace", LUBLIN, "--take", "10", "--quiet", "--out", cli_file)
    assert read_attrs(cli_file, "meta")["trace_checksum"] == cs.file_checksum(LUBLIN)
    r = cs.run(cs.read_swf(LUBLIN).take(10), trace_checksum=cs.file_checksum(LUBLIN), seed=5,
               config_text="my experiment", out=tmp_path / "py.h5")
    meta = read_attrs(r.path, "meta")
    assert meta["trace_checksum"] == cs.file_checksum(LUBLIN)
    assert meta["seed"] == 5 and meta["config_text"] == "my experiment"


def test_a_run_without_out_uses_a_temporary_file_removed_with_the_result():
    import gc
    import os

    r = cs.run(cs.read_swf(LUBLIN).take(300), policy="easy")
    path = r.path
    assert r.temporary and os.path.exists(path)
    assert len(r.jobs["id"]) == 300 and r.summary["finished"] == 300
    del r
    gc.collect()
    assert not os.path.exists(path)


def test_result_counts_and_repr():
    r = cs.run(cs.read_swf(LUBLIN).take(1000), policy="easy", sample_interval=0)
    assert r.events == 2000  # one arrival and one finish per job, no samples
    assert 0 < r.decision_points <= 2000 and r.wall_seconds > 0
    assert len(r.timeseries["time"]) == 0  # sampling off
    assert r.policy == "easy" and "policy='easy'" in repr(r)
    # Every job appears once in /jobs, in the order jobs ended.
    assert sorted(r.jobs["index"]) == list(range(1000))
    assert np.all(np.diff(r.jobs["end"]) >= 0)
