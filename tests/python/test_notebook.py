"""experiments/notebooks/compare_policies.ipynb runs headless from start to end, and the numbers
it prints are the command-line program's for the same runs."""

import os
import re
import subprocess
import sys

import nbformat
import pytest

from conftest import LUBLIN, REPO, read_attrs, run_cli

NOTEBOOK = REPO / "experiments" / "notebooks" / "compare_policies.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    d = tmp_path_factory.mktemp("notebook")
    env = dict(os.environ, CLUSTERSIM_NOTEBOOK_OUT=str(d / "out"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    # The kernel starts in the notebook's folder: the package path must be absolute.
    env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)
    proc = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--output-dir", str(d),
         "--ExecutePreprocessor.timeout=120", str(NOTEBOOK)],
        capture_output=True, text=True, env=env, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return nbformat.read(d / NOTEBOOK.name, as_version=4), d / "out"


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
