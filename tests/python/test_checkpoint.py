"""Checkpoints from Python (docs/checkpoints.md): a run stopped by an exception after writing
checkpoints resumes from the last one to the file an uninterrupted run writes, column by column;
a policy that cannot be checkpointed is refused up front, naming it."""

import h5py
import numpy as np
import pytest

import clustersim as cs


def workload() -> cs.Workload:
    return cs.lublin(jobs=3000, machine_procs=64, seed=5, estimate_factor=3.0)


class Stop(Exception):
    pass


def test_a_stopped_run_resumes_to_the_uninterrupted_file(tmp_path):
    whole = tmp_path / "whole.h5"
    cs.run(workload(), policy="easy-sjf", params={"estimate": "user-mean2"}, out=whole)

    out, ck = tmp_path / "resumed.h5", tmp_path / "run.ck"

    def stop_midway(done, total, now_s):
        if done >= total // 2:
            raise Stop()

    # A checkpoint after every decision point; the progress callback stops the run midway.
    with pytest.raises(Stop):
        cs.run(workload(), policy="easy-sjf", params={"estimate": "user-mean2"}, out=out, checkpoint=ck,
               checkpoint_every=1e-9, progress=stop_midway, progress_every=100)
    assert ck.exists()
    r = cs.run(workload(), policy="easy-sjf", params={"estimate": "user-mean2"}, out=out, resume=ck)
    assert r.summary["finished"] == 3000
    with h5py.File(whole, "r") as a, h5py.File(out, "r") as b:
        assert b["meta"].attrs["run_complete"] == 1
        for table in ("jobs", "timeseries"):
            for col in a[table]:
                assert a[table][col][:].tobytes() == b[table][col][:].tobytes(), (table, col)
        for k, v in a["summary"].attrs.items():
            if np.asarray(v).dtype.kind in "fiu":
                assert np.asarray(v).tobytes() == np.asarray(b["summary"].attrs[k]).tobytes(), k


def test_a_policy_that_cannot_be_checkpointed_is_refused(tmp_path):
    with pytest.raises(cs.InputError, match=r"^policy lp cannot be checkpointed"):
        cs.run(cs.lublin(jobs=50, machine_procs=16, seed=1), policy="lp", checkpoint=tmp_path / "x.ck")
    assert not (tmp_path / "x.ck").exists()
