"""`cmake --install` puts a working package in a site-packages layout under the prefix."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import LUBLIN


def test_the_installed_package_imports_and_runs(tmp_path):
    build = os.environ.get("CLUSTERSIM_BUILD_DIR")
    if not build:
        pytest.skip("CLUSTERSIM_BUILD_DIR (set by ctest) names the build tree to install from")
    prefix = tmp_path / "prefix"
    subprocess.run([shutil.which("cmake") or "cmake", "--install", build, "--prefix", str(prefix),
                    "--component", "python"], check=True, capture_output=True, timeout=120)
    site = prefix / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    installed = sorted(p.name for p in (site / "clustersim").iterdir())
    assert {"__init__.py", "analysis.py", "plots.py"} <= set(installed)
    assert any(name.startswith("_clustersim.") and name.endswith(".so") for name in installed)
    code = ("import clustersim as cs; r = cs.run(cs.read_swf(%r).take(100), policy='easy'); "
            "print(cs.__file__); print(r.summary['finished'])" % str(LUBLIN))
    env = dict(os.environ, PYTHONPATH=str(site))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    path, finished = proc.stdout.split()
    assert path == str(site / "clustersim" / "__init__.py") and finished == "100"
