"""DL clusters from Python: specs, traces, the generator, the speed model, failures."""
import os
import subprocess

import pytest

import clustersim as cs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(ROOT, "data", "clusters", "gavel-heterogeneous.toml")
OPENB = os.path.join(ROOT, "tests", "data", "alibaba-gpu-v2023")
CLI = os.environ.get("CLUSTERSIM_CLI")


def test_dl_run_matches_the_cli_table():
    # The same Gavel-style workload and cluster from Python and from the CLI give the same JCT.
    w = cs.generate_dl(jobs=200, jobs_per_hour=4, seed=3)
    cols = w.arrays()
    assert len(cols["trace_id"]) == 200
    assert set(cols["tasks"]) <= {1, 2, 4, 8}
    cluster = cs.read_cluster_spec(SPEC)
    r = cs.run(w, cluster, policy="hetero-greedy", throughputs=cs.gavel_throughputs(),
               engine=cs.EngineConfig(restore_delay=10))
    assert r.summary["finished"] == 200
    assert 0 < r.summary["gpu_utilisation"] <= 1
    assert "gpu_utilisation_V100" in r.summary
    assert r.summary["finish_time_fairness_mean"] >= 0
    if CLI:
        out = subprocess.run([CLI, "run", "--synthetic", "dl", "--jobs", "200", "--jobs-per-hour", "4", "--seed", "3",
                              "--cluster-spec", SPEC, "--policy", "hetero-greedy", "--restore-delay", "10"],
                             capture_output=True, text=True, check=True).stdout
        row = [line for line in out.splitlines() if line.startswith("hetero-greedy")][0].split()
        assert float(row[3]) == pytest.approx(r.summary["turnaround_mean_s"], abs=0.05)


def test_openb_trace_and_cluster_from_python():
    w = cs.read_trace(os.path.join(OPENB, "openb_pod_list_default.csv"))
    c = cs.read_cluster_spec(os.path.join(OPENB, "openb_node_list_all_node.csv"))
    r = cs.run(w, c, policy="fgd")
    assert r.summary["jobs"] == 8152
    assert r.summary["finished"] == 8152


def test_kept_gpu_shares_run_at_the_colocated_throughputs_as_in_the_cli():
    # The openb pods with job types, their GPU shares kept, on the Gavel cluster (whole cores):
    # Python gives the CLI's numbers, with co-location and without it.
    pods_path = os.path.join(OPENB, "openb_pod_list_default.csv")
    pods = cs.read_trace(pods_path, cpu_unit="cores")
    dl, counts = cs.assign_dl_job_types(pods, seed=1, keep_shares=True)
    assert counts["converted"] + counts["without_gpus"] == 8152
    assert counts["kept_shares"] > 0 and counts["rounded_up"] == 0  # every share kept: none rounded up
    shares = dl.arrays()["gpu_milli_per_task"]
    assert ((shares > 0) & (shares < 1000)).sum() == counts["kept_shares"]
    cluster = cs.read_cluster_spec(SPEC)
    engine = cs.EngineConfig(check_invariants=True)  # every rate re-planned as a GPU's jobs change
    jct = {}
    for colocation in (True, False):
        r = cs.run(dl, cluster, policy="best-fit", throughputs=cs.gavel_throughputs(), colocation=colocation,
                   engine=engine, sample_interval=0)
        assert r.summary["finished"] == 8152
        jct[colocation] = r.summary["turnaround_mean_s"]
        if CLI:
            out = subprocess.run([CLI, "run", "--trace", pods_path, "--cpu-unit", "cores", "--dl-job-types",
                                  "--dl-keep-shares", "--cluster-spec", SPEC, "--policy", "best-fit",
                                  "--sample-interval", "0"] + ([] if colocation else ["--ignore-colocation"]),
                                 capture_output=True, text=True, check=True)
            assert f"{counts['kept_shares']} GPU shares kept" in out.stdout + out.stderr
            row = [line for line in out.stdout.splitlines() if line.startswith("best-fit")][0].split()
            assert float(row[3]) == pytest.approx(jct[colocation], abs=0.05)
    assert jct[True] != jct[False]
    with pytest.raises(cs.InputError, match="trace setting 'cpu-units': unknown"):
        cs.read_trace(pods_path, cpu_units="cores")


def test_failures_from_python_lose_no_job():
    w = cs.generate_dl(jobs=100, jobs_per_hour=2, seed=5)
    c = cs.read_cluster_spec(SPEC)
    engine = cs.EngineConfig(checkpoint_interval=600, on_node_failure="requeue", check_invariants=True)
    r = cs.run(w, c, policy="las", throughputs=cs.gavel_throughputs(), engine=engine,
               mtbf_hours=200, mttr_hours=2, failure_seed=7)
    assert r.summary["finished"] == 100
    assert r.summary["kills"] > 0
    again = cs.run(w, c, policy="las", throughputs=cs.gavel_throughputs(), engine=engine,
                   mtbf_hours=200, mttr_hours=2, failure_seed=7)
    assert again.summary == r.summary  # a seed gives the same run


def test_bad_dl_arguments_are_input_errors():
    with pytest.raises(cs.InputError, match="on_node_failure"):
        cs.EngineConfig(on_node_failure="explode")
    with pytest.raises(cs.InputError, match="mttr_hours"):
        cs.run(cs.generate_dl(jobs=5), cs.read_cluster_spec(SPEC), mtbf_hours=1, mttr_hours=0)
    with pytest.raises(ValueError, match="trace format 'filly'"):
        cs.read_trace(os.path.join(OPENB, "openb_pod_list_default.csv"), format="filly")
