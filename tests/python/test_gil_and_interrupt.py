"""The GIL is released while C++ simulates (runs in parallel threads are independent), Ctrl-C
stops a long run with KeyboardInterrupt (leaving a closed, readable run file), and the progress
callback is called as documented."""

import _thread
import signal
import threading
import time

import h5py
import pytest

import clustersim as cs
from conftest import LUBLIN


@pytest.fixture(scope="module")
def long_run_args():
    """A run that takes about ten seconds uninterrupted: 2,000 jobs sampled 10 million times."""
    w = cs.lublin(jobs=2000, machine_procs=256, seed=1)
    return dict(workload=w, policy="easy", sample_interval=w.span / 1e7)


def test_ctrl_c_stops_a_long_run_with_keyboard_interrupt(tmp_path, long_run_args):
    out = tmp_path / "interrupted.h5"
    timer = threading.Timer(0.3, _thread.interrupt_main)  # what Ctrl-C does: SIGINT to the main thread
    t0 = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            cs.run(**long_run_args, out=out)
    finally:
        timer.cancel()
    elapsed = time.monotonic() - t0
    assert elapsed < 2.0, f"the run stopped {elapsed - 0.3:.2f} s after Ctrl-C"
    with h5py.File(out) as f:  # closed properly, holding what was simulated so far
        assert f["meta"].attrs["run_complete"] == 0
        samples = len(f["timeseries/time"])
        assert 0 < samples < 1e7
        assert len(f["timeseries/utilisation"]) == samples
    # The module is still usable after an interrupted run.
    assert cs.run(cs.read_swf(LUBLIN).take(100)).summary["finished"] == 100


def test_a_signal_raised_from_the_progress_callback_stops_the_run(tmp_path, long_run_args):
    calls = []

    def progress(done, total, now):
        calls.append((done, total, now))
        signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        cs.run(**long_run_args, out=tmp_path / "stopped.h5", progress=progress, progress_every=100)
    assert calls[0][:2] == (100, 2000) and len(calls) == 1


def test_progress_is_reported_every_n_jobs_and_at_the_end():
    calls = []
    w = cs.read_swf(LUBLIN).take(1000)
    cs.run(w, policy="easy", progress=lambda done, total, now: calls.append((done, total, now)), progress_every=300)
    assert [c[:2] for c in calls] == [(300, 1000), (600, 1000), (900, 1000), (1000, 1000)]
    assert [c[2] for c in calls] == sorted(c[2] for c in calls)


def test_an_exception_in_the_progress_callback_propagates():
    def progress(done, total, now):
        raise ArithmeticError("progress bar broke")

    with pytest.raises(ArithmeticError, match="progress bar broke"):
        cs.run(cs.read_swf(LUBLIN).take(500), progress=progress, progress_every=100)


def test_the_gil_is_released_while_cpp_simulates(long_run_args):
    # A Python thread keeps counting while the main thread runs a pure C++ simulation; with the
    # GIL held for the whole run it could not count at all.
    args = dict(long_run_args, sample_interval=long_run_args["workload"].span / 1e6)
    counts, stop = [0], threading.Event()

    def count():
        while not stop.is_set():
            counts[0] += 1

    t = threading.Thread(target=count)
    t.start()
    try:
        time.sleep(0.05)
        before = counts[0]
        r = cs.run(**args)
        during = counts[0] - before
    finally:
        stop.set()
        t.join()
    assert r.wall_seconds > 0.1
    assert during > 10000, f"the counting thread advanced only {during} times in {r.wall_seconds:.2f} s"


def test_runs_in_parallel_threads_give_the_sequential_results(tmp_path):
    w = cs.read_swf(LUBLIN).take(4000)
    policies = ["fcfs", "sjf", "easy", "easy-sjf"]
    parallel, errors = {}, []

    def go(policy):
        try:
            parallel[policy] = cs.run(w, policy=policy, out=tmp_path / f"{policy}.h5", sample_interval=60)
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=go, args=(p,)) for p in policies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for p in policies:
        sequential = cs.run(w, policy=p, sample_interval=60)
        for col in ("start", "end"):
            assert (parallel[p].jobs[col] == sequential.jobs[col]).all(), (p, col)
        assert len(parallel[p].timeseries["time"]) == len(sequential.timeseries["time"]) > 1000
