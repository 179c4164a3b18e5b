"""`mpirun -np N clustersim train`: data-parallel PPO. With the whole rollout as one minibatch,
2 ranks of 4 environments compute what 1 rank of 8 does (up to the order of floating-point
sums), and both ranks hold the same parameters after every update."""

import os
import re
import shutil
import subprocess

import h5py
import numpy as np
import pytest

from conftest import LUBLIN

MPIRUN = shutil.which("mpirun")
pytestmark = pytest.mark.skipif(MPIRUN is None, reason="Open MPI's mpirun is not installed")

ARGS = ["--trace", LUBLIN, "--steps", 2048, "--window", 16, "--episode-jobs", 64, "--param", "rollout=64",
        "--param", "hidden=16", "--param", "minibatches=1", "--eval-every", 2, "--eval-windows", 2,
        "--test-windows", 2, "--compare", "sjf"]


def mpirun(cli, ranks, *args):
    env = dict(os.environ, OMPI_MCA_btl_vader_single_copy_mechanism="none", OMPI_MCA_rmaps_base_oversubscribe="1",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return subprocess.run([MPIRUN, "--allow-run-as-root", "--oversubscribe", "-np", str(ranks), cli, *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=180)


def table(path, group):
    with h5py.File(path, "r") as f:
        return {k: v[()] for k, v in f[group].items()}, dict(f["meta"].attrs)


def test_two_ranks_match_one_rank_with_the_same_total_batch(cli, tmp_path):
    two = mpirun(cli, 2, "train", *ARGS, "--param", "num_envs=4", "--out", tmp_path / "two.h5")
    assert two.returncode == 0, two.stderr[-3000:]
    one = mpirun(cli, 1, "train", *ARGS, "--param", "num_envs=8", "--out", tmp_path / "one.h5")
    assert one.returncode == 0, one.stderr[-3000:]

    # Both ranks hold the same parameters (the trainer also compares them after every update).
    sums = re.search(r"parameter checksums of the 2 ranks after the last update: (\w+) (\w+)", two.stdout)
    assert sums and sums.group(1) == sums.group(2), two.stdout

    t2, meta2 = table(tmp_path / "two.h5", "training")
    t1, meta1 = table(tmp_path / "one.h5", "training")
    assert [m["ranks"].decode() if isinstance(m["ranks"], bytes) else m["ranks"] for m in (meta2, meta1)] == ["2", "1"]
    # 2,048 steps of 8 environments x 64: four updates, the same episodes on both.
    np.testing.assert_array_equal(t2["steps"], [512, 1024, 1536, 2048])
    np.testing.assert_array_equal(t2["steps"], t1["steps"])
    np.testing.assert_array_equal(t2["episodes"], t1["episodes"])
    for col in ("mean_return", "episode_metric", "value_loss", "entropy"):
        np.testing.assert_allclose(t2[col], t1[col], rtol=1e-5, err_msg=col)
    for col in ("policy_loss", "approx_kl"):  # means near 0 of terms near 0.1: absolute, float32 sums
        np.testing.assert_allclose(t2[col], t1[col], rtol=0, atol=1e-7, err_msg=col)
    v2, _ = table(tmp_path / "two.h5", "validation")
    v1, _ = table(tmp_path / "one.h5", "validation")
    np.testing.assert_allclose(v2["mean_bsld"], v1["mean_bsld"], rtol=1e-9)


def test_distributed_ddpg_is_refused_with_a_clear_error(cli, tmp_path):
    r = mpirun(cli, 2, "train", "--algo", "ddpg", *ARGS[:10], "--quiet")
    assert r.returncode != 0
    assert "supports ppo and mappo, not ddpg" in r.stderr
