"""The notebooks in experiments/notebooks run headless from start to end, and the numbers they
print are the command-line program's for the same runs: compare_policies.ipynb (policies on a
real trace) and train_ppo.ipynb (PPO trained from Python, then run as a policy by the CLI)."""

import os
import re
import subprocess
import sys

import nbformat
import pytest

from conftest import LUBLIN, REPO, read_attrs, run_cli

NOTEBOOKS = REPO / "experiments" / "notebooks"
NOTEBOOK = NOTEBOOKS / "compare_policies.ipynb"
TRAIN_NOTEBOOK = NOTEBOOKS / "train_ppo.ipynb"


def execute(notebook, d):
    """Runs a notebook headless with nbconvert; returns it (with outputs) and its output folder."""
    env = dict(os.environ, CLUSTERSIM_NOTEBOOK_OUT=str(d / "out"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    # The kernel starts in the notebook's folder: the package path must be absolute.
    env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)
    proc = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--output-dir", str(d),
         "--ExecutePreprocessor.timeout=120", str(notebook)],
        capture_output=True, text=True, env=env, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return nbformat.read(d / notebook.name, as_version=4), d / "out"


def outputs(nb, kind):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == kind]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    return execute(NOTEBOOK, tmp_path_factory.mktemp("notebook"))


@pytest.fixture(scope="module")
def executed_training(tmp_path_factory):
    return execute(TRAIN_NOTEBOOK, tmp_path_factory.mktemp("train-notebook"))


def stream_text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "stream")


def test_the_notebook_runs_without_errors(executed):
    nb, out = executed
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2
    for name in ("fcfs", "sjf", "easy", "easy-sjf", "greedy"):
        assert (out / f"{name}.h5").stat().st_size > 0
    for png in ("cdf.png", "timeseries.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_notebook_prints_the_cli_numbers(cli, executed, tmp_path):
    nb, _ = executed
    printed = dict(re.findall(r"^(\S+)\s+mean bounded slowdown\s+([\d.]+)", stream_text(nb), re.M))
    assert sorted(printed) == sorted(["fcfs", "sjf", "easy", "easy-sjf", "greedy"])
    assert printed["easy"] == "590.05"  # README: EASY's mean bounded slowdown on this trace
    for policy in ("fcfs", "sjf", "easy", "easy-sjf"):
        out = tmp_path / f"{policy}.h5"
        run_cli(cli, "run", "--trace", LUBLIN, "--policy", policy, "--quiet", "--out", out)
        assert printed[policy] == f"{read_attrs(out, 'summary')['bounded_slowdown_mean']:.2f}", policy


def test_the_training_notebook_runs_and_draws_its_learning_curve(executed_training):
    nb, out = executed_training
    assert not outputs(nb, "error")
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert (out / "learning_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "ppo.pt").stat().st_size > 0
    text = stream_text(nb)
    # Every fourth update printed, with a validation evaluation (eval_every=2) on it.
    updates = re.findall(r"^update +(\d+) +steps +(\d+) .* validation +(\d+) s", text, re.M)
    assert [(int(u), int(s)) for u, s, _ in updates] == [(3, 8192), (7, 16384), (11, 24576), (15, 32768), (19, 40960)]


def test_the_trained_model_runs_from_the_cli_with_the_notebook_numbers(cli, executed_training, tmp_path):
    nb, out = executed_training
    windows = re.findall(r"^window (\d+): (.*)$", stream_text(nb), re.M)
    assert len(windows) == 5
    offset, row = windows[0]
    printed = dict((p, v) for p, v in re.findall(r"(\S+) ([\d.]+)", row))
    assert sorted(printed) == ["easy", "fcfs", "ppo", "sjf"]
    # The same window from the command line: --offset K --take 256 (bounded slowdown does not
    # depend on the shift to time 0 the notebook applies).
    for policy, params in (("sjf", []), ("ppo", ["--param", f"model={out / 'ppo.pt'}"])):
        h5 = tmp_path / f"{policy}.h5"
        run_cli(cli, "run", "--trace", LUBLIN, "--offset", offset, "--take", 256, "--policy", policy, *params,
                "--quiet", "--out", h5)
        assert printed[policy] == f"{read_attrs(h5, 'summary')['bounded_slowdown_mean']:.2f}", policy
