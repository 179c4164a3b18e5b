"""Workloads and clusters from Python: the trace as the SWF file states it, the statistics the
CLI prints, transforms, and workloads built from numpy columns."""

import numpy as np
import pytest

import clustersim as cs
from conftest import LUBLIN, run_cli


@pytest.fixture(scope="module")
def lublin():
    return cs.read_swf(LUBLIN)


def swf_records(path):
    rows = [line.split() for line in open(path) if line.strip() and not line.startswith(";")]
    return np.array(rows, dtype=float)


def test_the_jobs_are_the_swf_fields(lublin):
    rec = swf_records(LUBLIN)  # every record of this trace is valid and has procs, runtime > 0
    a = lublin.arrays()
    assert len(lublin) == len(rec) == 10000 and lublin.machine.processors == 256
    order = np.lexsort((rec[:, 0], rec[:, 1]))  # arrival order: submit, then job number
    np.testing.assert_array_equal(a["trace_id"], rec[order, 0])
    np.testing.assert_array_equal(a["submit"], rec[order, 1])
    np.testing.assert_array_equal(a["runtime"], rec[order, 3])
    np.testing.assert_array_equal(a["tasks"], np.where(rec[order, 4] > 0, rec[order, 4], rec[order, 7]))
    np.testing.assert_array_equal(a["walltime"], np.where(rec[order, 8] > 0, rec[order, 8], rec[order, 3]))
    np.testing.assert_array_equal(a["cores_per_task"], 1)
    first = lublin[0]
    assert (first.trace_id, first.submit, first.tasks) == (a["trace_id"][0], a["submit"][0], a["tasks"][0])
    assert lublin[-1].trace_id == a["trace_id"][-1]
    with pytest.raises(IndexError):
        lublin[10000]


def test_describe_is_what_clustersim_info_prints(cli, lublin):
    out = run_cli(cli, "info", LUBLIN).stdout
    assert out == f"{lublin.name}\n{lublin.describe()}"
    stats = lublin.stats()
    assert stats["jobs"] == 10000 and stats["machine_procs"] == 256
    assert stats["span"] == lublin.span and 0 < stats["offered_load"]


def test_transforms(lublin):
    part = lublin.take(100, offset=50)
    assert len(part) == 100 and part[0].trace_id == lublin[50].trace_id
    assert "take(" in part.name
    scaled = part.scale_load(2.0)
    assert scaled.span == pytest.approx(part.span / 2, abs=1e-6)
    window = lublin.time_window(0, 86400)
    assert len(window) == int(np.sum(lublin.arrays()["submit"] < 86400))
    shifted = part.shift_to_zero()
    assert shifted[0].submit == 0.0
    big = lublin.arrays()["tasks"] >= 64
    by_mask = lublin.filter(big)
    by_callable = lublin.filter(lambda job: job.tasks >= 64)
    assert len(by_mask) == len(by_callable) == int(big.sum())
    np.testing.assert_array_equal(by_mask.arrays()["trace_id"], by_callable.arrays()["trace_id"])
    assert lublin.take_random(20, seed=3).arrays()["trace_id"].tolist() == \
        lublin.take_random(20, seed=3).arrays()["trace_id"].tolist()


def test_arrays_round_trip_through_from_arrays_and_swf_text(lublin):
    part = lublin.take(300)
    a = part.arrays()
    again = cs.Workload.from_arrays(a["submit"], a["runtime"], a["tasks"], walltime=a["walltime"],
                                    trace_id=a["trace_id"], user=a["user"], machine_procs=256)
    b = again.arrays()
    for col in ("trace_id", "submit", "runtime", "walltime", "tasks", "user"):
        np.testing.assert_array_equal(a[col], b[col], err_msg=col)
    parsed = cs.parse_swf(part.to_swf_text(), "copy")
    np.testing.assert_array_equal(parsed.arrays()["submit"], a["submit"])
    # The same jobs give the same run.
    r1, r2 = cs.run(part, policy="easy"), cs.run(again, policy="easy")
    np.testing.assert_array_equal(r1.jobs["start"], r2.jobs["start"])


def test_jobs_from_python_objects(tmp_path):
    jobs = [cs.Job(trace_id=i + 1, submit=10.0 * i, runtime=100.0, walltime=200.0, tasks=2) for i in range(5)]
    w = cs.Workload.from_jobs(jobs[::-1], name="five", machine_procs=4)
    assert [j.trace_id for j in w] == [1, 2, 3, 4, 5]  # sorted by arrival
    r = cs.run(w, policy="fcfs")
    # 4 cores, 2 per job: two jobs at a time, each 100 s.
    np.testing.assert_array_equal(np.sort(r.jobs["start"]), [0, 10, 100, 110, 200])
    path = tmp_path / "five.swf"
    w.write_swf(path)
    assert len(cs.read_swf(path)) == 5


def test_generators_are_deterministic():
    a = cs.lublin(jobs=300, machine_procs=128, seed=4).arrays()
    b = cs.generate_lublin(cs.LublinConfig(jobs=300, machine_procs=128, seed=4)).arrays()
    c = cs.lublin(jobs=300, machine_procs=128, seed=5).arrays()
    np.testing.assert_array_equal(a["runtime"], b["runtime"])
    assert not np.array_equal(a["runtime"], c["runtime"])
    assert a["tasks"].max() <= 128
    p = cs.poisson(jobs=200, mean_interarrival_s=10.0, runtime="lognormal", seed=2)
    assert len(p) == 200 and cs.PoissonConfig(runtime="lognormal").runtime == "lognormal"


def test_clusters():
    c = cs.Cluster()
    v100 = c.add_node_type(cs.NodeType(name="v100", capacity=cs.Resources(cores=32, gpu_milli=4000, mem_mib=256000),
                                       gpu_model="V100"))
    cpu = c.add_node_type(cs.NodeType(name="cpu", capacity=cs.Resources(cores=64, mem_mib=512000)))
    assert c.add_nodes(v100, 4) == 0 and c.add_nodes(cpu, 2, rack=1) == 4
    assert c.num_nodes == 6 and c.nodes_of_type(cpu) == 2 and c.rack(5) == 1
    assert c.total_capacity == cs.Resources(cores=4 * 32 + 2 * 64, gpu_milli=16000, mem_mib=4 * 256000 + 2 * 512000)
    assert c.free_matrix().shape == (6, 3) and c.free_matrix()[0].tolist() == [32, 4000, 256000]
    assert c.why_never_fits(1, cs.Resources(gpu_milli=8000)) is not None
    assert c.find_placement(3, cs.Resources(cores=30, gpu_milli=1000)) == [(0, 1), (1, 1), (2, 1)]
    assert "4 x v100" in c.describe()
    with pytest.raises(IndexError):
        c.capacity(6)
    pool = cs.Cluster.pool(256)
    assert pool.num_nodes == 1 and pool.total_capacity.cores == 256


def test_policy_registry_lists_what_the_cli_lists(cli):
    out = run_cli(cli, "policies").stdout
    names = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert cs.policy_names() == names
    easy = next(p for p in cs.policies() if p.name == "easy")
    assert easy.description in out
    assert {(p.name, p.default) for p in easy.params} == {("order", "fcfs"), ("backfill", "easy"),
                                                          ("placement", "first-fit"), ("estimate", "requested"),
                                                          ("reservation", "estimate")}


def test_the_package_exports_what_it_lists():
    for name in cs.__all__:
        assert getattr(cs, name) is not None, name
    assert cs.DecisionError.__module__ == "clustersim" and issubclass(cs.InputError, ValueError)
