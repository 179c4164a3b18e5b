"""The Python rows of the bad-input catalogue (docs/bad-input.md) that no other test covers.
Each bad argument raises InputError (a ValueError), or IndexError / TypeError / ValueError where
the catalogue says so, and the message names the argument, the file and line, or the key."""

import pytest

import clustersim as cs
from conftest import DATA, LUBLIN, REPO

SPEC = REPO / "data" / "clusters" / "gavel-heterogeneous.toml"


def two_jobs() -> cs.Workload:
    return cs.Workload.from_arrays([0.0, 5.0], [10.0, 10.0], [1, 2], machine_procs=4)


def test_from_arrays_refuses_columns_of_other_lengths():
    with pytest.raises(cs.InputError, match=r"^from_arrays: submit, runtime and tasks must have the same length$"):
        cs.Workload.from_arrays([0.0, 1.0], [10.0], [1, 1])
    with pytest.raises(cs.InputError, match=r"^from_arrays: walltime: expected 2 values$"):
        cs.Workload.from_arrays([0.0, 1.0], [10.0, 10.0], [1, 1], walltime=[5.0])
    with pytest.raises(cs.InputError, match=r"^from_arrays: user: expected 2 values$"):
        cs.Workload.from_arrays([0.0, 1.0], [10.0, 10.0], [1, 1], user=[3])


def test_from_arrays_refuses_values_a_job_cannot_hold():
    # Task counts and users are 32-bit in a job: refused, never wrapped.
    with pytest.raises(cs.InputError, match=r"^from_arrays: tasks\[1\]: expected 1 to 2147483647, got 0$"):
        cs.Workload.from_arrays([0.0, 1.0], [10.0, 10.0], [1, 0])
    with pytest.raises(cs.InputError, match=r"^from_arrays: tasks\[0\]: expected 1 to 2147483647, got 4294967297$"):
        cs.Workload.from_arrays([0.0], [10.0], [2**32 + 1])
    with pytest.raises(cs.InputError, match=r"^from_arrays: user\[0\]: expected -1 \(unknown\) to 2147483647, got -5$"):
        cs.Workload.from_arrays([0.0], [10.0], [1], user=[-5])
    with pytest.raises(cs.InputError, match=r"^from_arrays: cores_per_task: expected >= 1, got 0$"):
        cs.Workload.from_arrays([0.0], [10.0], [1], cores_per_task=0)
    # Times: finite, and within the engine's range.
    with pytest.raises(ValueError, match=r"^submit: expected a finite number of seconds$"):
        cs.Workload.from_arrays([float("nan")], [10.0], [1])
    with pytest.raises(ValueError, match=r"^runtime: expected at most 1e12 seconds, got 1000000"):
        cs.Workload.from_arrays([0.0], [1e300], [1])


def test_the_engine_names_a_job_it_cannot_take():
    w = cs.Workload.from_arrays([-5.0], [10.0], [1], machine_procs=4)
    with pytest.raises(cs.InputError, match=r"^workload: job 1 is submitted before time 0$"):
        cs.run(w)


def test_a_run_that_rejects_every_job_raises_and_keeps_its_file(tmp_path):
    # As `clustersim run`: no job fits the 4-processor machine, so the run measured nothing.
    w = cs.Workload.from_arrays([0.0, 5.0], [10.0, 10.0], [8, 6], machine_procs=4)
    out = tmp_path / "all-rejected.h5"
    with pytest.raises(cs.InputError, match=r"^all 2 jobs were rejected: none can ever run on this cluster \(first: job 1: "):
        cs.run(w, out=out)
    assert out.exists()  # the run's records are written before the error
    # One job that fits is enough: the other is reported, not an error.
    ok = cs.run(cs.Workload.from_arrays([0.0, 5.0], [10.0, 10.0], [8, 2], machine_procs=4))
    assert [job for job, _ in ok.rejected] == [1] and ok.summary["finished"] == 1


def test_transforms_name_the_argument():
    w = two_jobs()
    with pytest.raises(cs.InputError, match=r"^filter: expected a callable or a boolean mask of 2 values$"):
        w.filter([True])
    with pytest.raises(cs.InputError, match=r"^scale_load.factor: must be > 0 and finite, got 0$"):
        w.scale_load(0.0)
    with pytest.raises(cs.InputError, match=r"^take_random.n: must be <= the number of jobs \(2"):
        w.take_random(5, seed=1)
    with pytest.raises(cs.InputError, match=r"^time_window: from \(10"):
        w.time_window(10.0, 5.0)


def test_clusters_name_the_bad_size_and_node():
    with pytest.raises(cs.InputError, match=r"^cluster: nodes must be >= 1, got 0$"):
        cs.Cluster.homogeneous(0, cs.Resources(cores=1))
    with pytest.raises(cs.InputError, match=r"^cluster: node type 'node': capacity must be positive"):
        cs.Cluster.homogeneous(2, cs.Resources(cores=0))
    with pytest.raises(cs.InputError, match=r"^cluster: cores must be >= 1, got 0$"):
        cs.Cluster.pool(0)
    c = cs.Cluster()
    with pytest.raises(cs.InputError, match=r"^add_node_type: node type 'x': capacity must be positive"):
        c.add_node_type(cs.NodeType(name="x", capacity=cs.Resources(cores=0)))
    with pytest.raises(cs.InputError, match=r"^add_node_type: node type 'g': gpu_milli must be whole GPUs"):
        c.add_node_type(cs.NodeType(name="g", capacity=cs.Resources(cores=1, gpu_milli=1500), gpu_model="T4"))
    with pytest.raises(IndexError, match=r"^node type 0 out of range$"):
        c.add_nodes(0, 1)
    pool = cs.Cluster.pool(4)
    with pytest.raises(IndexError, match=r"^node 5 out of range \(the cluster has 1 nodes\)$"):
        pool.capacity(5)
    with pytest.raises(cs.InputError, match=r"^placement: expected first-fit or round-robin, got 'best-fit'$"):
        pool.find_placement(1, cs.Resources(cores=1), strategy="best-fit")


def test_files_read_from_python_name_the_file_and_line(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text("[node_types.a]\ncoers = 4\nmemory_gib = 8\ncount = 2\n")
    with pytest.raises(cs.InputError, match=r"spec.toml:2: node_types.a.coers: unknown key \(did you mean 'cores'\?\)$"):
        cs.read_cluster_spec(spec)
    missing = tmp_path / "none.swf"
    with pytest.raises(cs.InputError, match=rf"^{missing}: cannot open: No such file or directory$"):
        cs.read_trace(missing)
    with pytest.raises(cs.InputError, match=r"bad_cluster_log.csv:3: column 4 \(gpu_num\): expected an integer >= 0"):
        cs.read_trace(DATA / "helios" / "bad_cluster_log.csv")
    table = tmp_path / "t.txt"
    table.write_text("x")
    with pytest.raises(cs.InputError, match=r"t.txt: unknown throughput table format \(expected a .json or .csv file\)$"):
        cs.run(two_jobs(), throughputs=table)
    events = tmp_path / "events.csv"
    events.write_text("10,0,explode\n")
    with pytest.raises(cs.InputError, match=r"events.csv:1: column event: expected fail or repair, found 'explode'$"):
        cs.run(two_jobs(), node_events=events)
    events.write_text("10,0,fail\n")
    with pytest.raises(cs.InputError, match=r"^failures: give a failure model \(MTBF/MTTR\) or node events from a file, not both$"):
        cs.run(two_jobs(), mtbf_hours=10, node_events=events, out=tmp_path / "never.h5")


def test_settings_and_run_arguments_name_the_field():
    with pytest.raises(cs.InputError, match=r"^poisson.runtime: expected exponential or lognormal, got 'uniform'$"):
        cs.PoissonConfig(runtime="uniform")
    with pytest.raises(cs.InputError, match=r"^engine.placement: expected first-fit or round-robin, got 'best-fit'$"):
        cs.EngineConfig(placement="best-fit")
    with pytest.raises(ValueError, match=r"^restore_delay: expected a finite number of seconds$"):
        cs.EngineConfig(restore_delay=float("nan"))
    with pytest.raises(cs.InputError, match=r"^SwfOptions.max_jobs: expected >= 0 \(0 = all\), found -1$"):
        cs.read_swf(LUBLIN, cs.SwfOptions(max_jobs=-1))
    with pytest.raises(cs.InputError, match=r"^sample_interval: must be a finite number of seconds"):
        cs.run(two_jobs(), sample_interval=float("nan"))
    with pytest.raises(TypeError, match=r"^policy: expected a registry name \(str\) or a clustersim.Policy instance, got int$"):
        cs.run(two_jobs(), policy=42)

    class Greedy(cs.Policy):
        def schedule(self, view, decisions):
            for job in view.queue():
                decisions.try_start(job)

    with pytest.raises(cs.InputError, match=r"^policy Greedy: parameters are for registry policies"):
        cs.run(two_jobs(), policy=Greedy(), params={"order": "sjf"})
    with pytest.raises(cs.InputError, match=r"^dl.reference_gpu: the throughput table has no GPU type 'a100'$"):
        cs.generate_dl(jobs=5, reference_gpu="a100")
    with pytest.raises(cs.InputError, match=r"^dl.cross_rack_penalty: must be in \[0, 1\)"):
        cs.run(cs.generate_dl(jobs=5), cs.read_cluster_spec(SPEC), throughputs=cs.gavel_throughputs(), cross_rack_penalty=1.5)
