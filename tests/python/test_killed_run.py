"""A run killed with SIGKILL leaves a file that load_run reads up to its last flush."""
import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from clustersim import analysis

CLI = os.environ.get("CLUSTERSIM_CLI")


@pytest.mark.skipif(not CLI, reason="needs the clustersim program (CLUSTERSIM_CLI)")
def test_load_run_reads_the_committed_rows_of_a_killed_run(tmp_path):
    out = tmp_path / "killed.h5"
    p = subprocess.Popen([CLI, "run", "--synthetic", "lublin", "--jobs", "3000000", "--policy", "fcfs",
                          "--flush-seconds", "0.02", "--out", str(out), "--quiet"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Poll from a child process: HDF5's file locking is fixed when the library starts, and this
    # process may have started it already (with locking on, the file being written is refused).
    poll = ("import h5py, sys\n"
            "try:\n"
            "    f = h5py.File(sys.argv[1], 'r'); print(int(f['jobs'].attrs['committed'][0]))\n"
            "except Exception:\n"
            "    print(0)\n")
    env = dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")
    polls_with_rows = 0
    deadline = time.time() + 60
    try:
        while polls_with_rows < 2 and time.time() < deadline:  # let a few commits of /jobs land
            time.sleep(0.05)
            rows = subprocess.run([sys.executable, "-c", poll, str(out)], env=env, capture_output=True,
                                  text=True).stdout.strip()
            if rows and int(rows) > 0:
                polls_with_rows += 1
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    assert polls_with_rows >= 2, "the run committed no rows in 60 s"
    with h5py.File(out, "r") as f:
        rows = int(f["jobs"].attrs["committed"][0])
        assert f["meta"].attrs["run_complete"] == 0
    run = analysis.load_run(str(out))
    assert not run.complete
    assert run.summary == {}
    assert len(run.jobs) == rows > 0
    ids = run.jobs["id"].to_numpy()
    assert len(set(ids)) == len(ids)  # each job once
    start, end = run.jobs["start"].to_numpy(), run.jobs["end"].to_numpy()
    both = np.isfinite(start) & np.isfinite(end)
    assert both.any() and np.all(end[both] >= start[both])
