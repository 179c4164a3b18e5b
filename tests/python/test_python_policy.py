"""Policies written in Python: the same schedules as the C++ policies they re-implement, every
decision validated by the engine, errors that surface in Python with their traceback."""

import h5py
import numpy as np
import pytest

import clustersim as cs
from conftest import LUBLIN


@pytest.fixture(scope="module")
def lublin():
    return cs.read_swf(LUBLIN)


class PyFcfs(cs.Policy):
    """FCFS: start queued jobs in arrival order; the first that does not fit blocks."""

    name = "py-fcfs"

    def schedule(self, view, decisions):
        for job in view.queue():
            if not decisions.try_start(job):
                break


class PySjf(cs.Policy):
    """SJF: shortest requested time first, ties by arrival; the first that does not fit blocks."""

    def schedule(self, view, decisions):
        q = view.queue_jobs()
        for job in q["id"][np.lexsort((q["id"], q["walltime"]))]:
            if not decisions.try_start(job):
                break


class PyRoundRobin(cs.Policy):
    """FCFS order, tasks placed round-robin over the nodes (the C++ `rr`)."""

    def schedule(self, view, decisions):
        for job in view.queue():
            if not decisions.try_start(job, "round-robin"):
                break


def same_schedule(a, b):
    order_a, order_b = np.argsort(a.jobs["index"]), np.argsort(b.jobs["index"])
    for col in ("start", "end", "first_node", "num_nodes"):
        np.testing.assert_array_equal(a.jobs[col][order_a], b.jobs[col][order_b], err_msg=col)


@pytest.mark.parametrize("python_policy, builtin", [(PyFcfs, "fcfs"), (PySjf, "sjf")])
def test_a_python_policy_gives_the_builtin_schedule_on_the_lublin_trace(lublin, python_policy, builtin):
    py = cs.run(lublin, policy=python_policy(), sample_interval=0)
    cpp = cs.run(lublin, policy=builtin, sample_interval=0)
    assert py.summary["finished"] == cpp.summary["finished"] == 10000
    same_schedule(py, cpp)
    assert py.summary == cpp.summary


def test_a_placement_strategy_from_python_gives_the_rr_schedule(lublin):
    w = lublin.take(2000)
    nodes = cs.Cluster.homogeneous(64, cs.Resources(cores=4))
    py = cs.run(w, cluster=nodes, policy=PyRoundRobin(), sample_interval=0)
    cpp = cs.run(w, cluster=nodes, policy="rr", sample_interval=0)
    same_schedule(py, cpp)
    assert len(set(py.jobs["first_node"])) > 32  # round-robin spreads the jobs


def test_the_policy_name_and_reset_reach_the_run(lublin, tmp_path):
    class Recording(PyFcfs):
        name = "recording"

        def __init__(self):
            super().__init__()
            self.resets, self.calls, self.saw = [], 0, set()

        def reset(self, view):
            self.resets.append((view.num_jobs, view.now, view.arrived))

        def schedule(self, view, decisions):
            self.calls += 1
            self.saw.update(k for k, v in view.reasons.items() if v)
            super().schedule(view, decisions)

    p = Recording()
    w = lublin.take(200)
    r = cs.run(w, policy=p, out=tmp_path / "r.h5")
    assert p.resets == [(200, w[0].submit, 0)]  # the engine starts at the first arrival
    assert p.calls == r.decision_points > 0
    assert p.saw == {"arrivals", "finishes"}
    with h5py.File(r.path) as f:
        assert f["meta"].attrs["policy_name"] == "recording"


def test_the_view_shows_the_queue_running_jobs_and_free_resources(lublin):
    seen = []

    class Inspecting(PyFcfs):
        def schedule(self, view, decisions):
            super().schedule(view, decisions)
            running = view.running()
            jobs = view.jobs(running)
            # Free cores are the pool minus what the running jobs hold.
            assert view.free.cores == view.capacity.cores - jobs["cores"].sum()
            assert np.all(jobs["state"] == 2) and np.all(np.isfinite(jobs["start"]))
            # Running jobs come ordered by expected end (start + estimate).
            assert np.all(np.diff(jobs["expected_end"]) >= 0)
            assert np.allclose(jobs["expected_end"], jobs["start"] + jobs["walltime"])
            q = view.queue_jobs()
            assert np.all(np.diff(q["submit"]) >= 0) and np.all(q["submit"] <= view.now)
            if len(q["id"]):
                head = view.job(q["id"][0])
                assert head.tasks == q["tasks"][0] and not view.fits_now(q["id"][0])
                assert view.state(q["id"][0]) == "queued" and view.placement(q["id"][0]) == []
            for j in running[:1]:
                assert view.placement(j) == [(0, view.job(j).tasks)]
                assert view.record(j).state == "running"
            seen.append(len(q["id"]))

    cs.run(lublin.take(2000), policy=Inspecting(), sample_interval=0)
    assert max(seen) > 10  # the queue did build up, so the checks above ran on real queues


def test_wake_at_calls_the_policy_back_at_that_time(lublin):
    class Sleepy(cs.Policy):
        """Starts nothing until woken up 1000 s after the first call."""

        def __init__(self):
            super().__init__()
            self.wake = None
            self.woken_at = []

        def schedule(self, view, decisions):
            if self.wake is None:
                self.wake = view.now + 1000
                decisions.wake_at(self.wake)
            if view.reasons["wakeup"]:
                self.woken_at.append(view.now)
            if view.now >= self.wake:
                for job in view.queue():
                    if not decisions.try_start(job):
                        break

    p = Sleepy()
    r = cs.run(lublin.take(50), policy=p, sample_interval=0)
    assert p.woken_at == [p.wake]
    assert r.summary["finished"] == 50 and np.nanmin(r.jobs["start"]) == p.wake


@pytest.mark.parametrize(
    "decide, message",
    [
        (lambda v, d: (lambda j: [d.start(j), d.start(j)])(v.queue()[0]),
         r"start job \d+ \(index 0\) at t=.* refused: it is running, not queued"),
        (lambda v, d: d.start(10**6), r"start job .*1000000.* refused: no such job"),
        (lambda v, d: d.start(-1), r"start job -1 refused: no such job"),
        (lambda v, d: d.preempt(v.queue()[0]), r"preempt job .* refused: it is queued, not running"),
        (lambda v, d: d.wake_at(v.now), r"wake_at: time .* is not after now"),
        (lambda v, d: d.start(v.queue()[0], [(0, 10**4)]), r"start job .* refused: the placement has 10000 tasks, the job \d+$"),
        (lambda v, d: d.start(v.queue()[0], "best-fit"), r"placement strategy 'best-fit' refused"),
    ],
    ids=["twice", "no-such-job", "negative-id", "preempt-queued", "wake-in-the-past", "wrong-task-count", "bad-strategy"],
)
def test_an_invalid_decision_raises_decision_error(lublin, tmp_path, decide, message):
    class Invalid(cs.Policy):
        def schedule(self, view, decisions):
            decide(view, decisions)

    out = tmp_path / "refused.h5"
    with pytest.raises(cs.DecisionError, match=message) as info:
        cs.run(lublin.take(20), policy=Invalid(), out=out)
    assert isinstance(info.value, RuntimeError)
    # The traceback goes through the policy's schedule().
    assert any(entry.name == "schedule" for entry in info.traceback)
    # The run file was closed properly: readable, marked incomplete.
    with h5py.File(out) as f:
        assert f["meta"].attrs["run_complete"] == 0


def test_a_job_that_does_not_fit_is_refused_by_start_but_not_by_try_start(lublin):
    outcomes = []

    class Greedy(cs.Policy):
        def schedule(self, view, decisions):
            for job in view.queue():
                if not view.fits_now(job):
                    assert decisions.try_start(job) is False
                    with pytest.raises(cs.DecisionError, match="does not fit now"):
                        decisions.start(job)
                    outcomes.append(job)
                    return
                decisions.start(job)

    r = cs.run(lublin.take(500), policy=Greedy(), sample_interval=0)
    assert outcomes and r.summary["finished"] == 500  # the policy caught the error and went on


class PolicyBug(Exception):
    pass


def test_an_exception_in_a_python_policy_propagates_with_its_traceback(lublin, tmp_path):
    class Buggy(cs.Policy):
        def __init__(self):
            super().__init__()
            self.calls = 0

        def schedule(self, view, decisions):
            self.calls += 1
            if self.calls == 5:
                self.pick_job(view)
            PyFcfs.schedule(self, view, decisions)

        def pick_job(self, view):
            raise PolicyBug(f"no job to pick at t={view.now}")

    out = tmp_path / "bug.h5"
    with pytest.raises(PolicyBug, match=r"no job to pick at t=") as info:
        cs.run(lublin.take(100), policy=Buggy(), out=out)
    names = [entry.name for entry in info.traceback]
    assert names[-2:] == ["schedule", "pick_job"]
    with h5py.File(out) as f:  # closed, with what was written so far
        assert f["meta"].attrs["run_complete"] == 0
        assert len(f["jobs/id"]) == len(f["jobs/start"])


def test_a_view_kept_after_its_call_is_refused(lublin):
    class Keeper(PyFcfs):
        def schedule(self, view, decisions):
            self.view, self.decisions = view, decisions
            super().schedule(view, decisions)

    p = Keeper()
    cs.run(lublin.take(10), policy=p)
    with pytest.raises(RuntimeError, match="no longer valid"):
        p.view.queue()
    with pytest.raises(RuntimeError, match="no longer valid"):
        p.decisions.try_start(0)


def test_a_policy_must_define_schedule(lublin):
    class Empty(cs.Policy):
        pass

    with pytest.raises(TypeError, match="must define schedule"):
        cs.run(lublin.take(10), policy=Empty())
    with pytest.raises(TypeError, match="registry name .* or a clustersim.Policy"):
        cs.run(lublin.take(10), policy=42)
    with pytest.raises(cs.InputError, match="parameters are for registry policies"):
        cs.run(lublin.take(10), policy=PyFcfs(), params={"order": "sjf"})
