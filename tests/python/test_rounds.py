"""Round-based scheduling from Python: the lp and rr-timeshare policies, and leases from a
Python policy."""
import os

import pytest

import clustersim as cs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(ROOT, "data", "clusters", "gavel-heterogeneous.toml")


def test_lp_objectives_run_a_dl_workload():
    w = cs.generate_dl(jobs=120, jobs_per_hour=6, seed=11)
    c = cs.read_cluster_spec(SPEC)
    for objective in ("throughput", "max-min", "makespan"):
        r = cs.run(w, c, policy="lp", params={"objective": objective, "round": "360"},
                   throughputs=cs.gavel_throughputs(), engine=cs.EngineConfig(restore_delay=10))
        assert r.summary["finished"] == 120, objective
    rr = cs.run(w, c, policy="rr-timeshare", throughputs=cs.gavel_throughputs())
    assert rr.summary["finished"] == 120


class PythonRoundRobin(cs.Policy):
    """Each 10 s round, the two jobs that ran least recently hold the 2-GPU node."""
    round_interval = 10

    def __init__(self):
        super().__init__()
        self.last = {}
        self.round = 0
        self.changes = []

    def schedule(self, view, decisions):
        if not view.reasons["round"]:
            return
        jobs = sorted(list(view.queue()) + list(view.running()), key=lambda j: (self.last.get(j, -1), j))[:2]
        for j in jobs:
            self.last[j] = self.round
        self.round += 1
        self.changes.append(decisions.apply([(int(j), [(0, 1)]) for j in jobs]))


def test_a_python_policy_renews_leases_each_round():
    # Three 1-GPU jobs of 20 s on one 2-GPU node: rounds at 0 (jobs 0, 1), 10 (2, 0), 20 (1, 2):
    # job 0 finishes at 20, jobs 1 and 2 at 30 (the same schedule as rr-timeshare's test).
    w = cs.Workload.from_jobs([cs.Job(trace_id=i + 1, submit=0, runtime=20, walltime=20, tasks=1,
                                      per_task=cs.Resources(cores=0, gpu_milli=1000)) for i in range(3)])
    c = cs.Cluster.homogeneous(1, cs.Resources(cores=0, gpu_milli=2000))
    p = PythonRoundRobin()
    r = cs.run(w, c, policy=p)
    assert list(r.jobs["end"]) == [20, 30, 30]
    assert p.changes[0] == {"kept": 0, "started": 2, "migrated": 0, "preempted": 0}
    assert p.changes[1]["preempted"] == 1


def test_bad_leases_are_decision_errors():
    class Twice(cs.Policy):
        round_interval = 10

        def schedule(self, view, decisions):
            decisions.apply([(0, [(0, 1)]), (0, [(0, 1)])])

    w = cs.Workload.from_arrays(submit=[0], runtime=[5], tasks=[1])
    with pytest.raises(cs.DecisionError, match="in the allocation twice"):
        cs.run(w, cs.Cluster.homogeneous(1, cs.Resources(cores=2)), policy=Twice())
