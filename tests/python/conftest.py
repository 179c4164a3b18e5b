"""Shared fixtures for the Python binding tests (run by ctest as python.pytest; see
tests/python/CMakeLists.txt for the environment it sets)."""

import os
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
LUBLIN = DATA / "lublin_256.swf"


@pytest.fixture(scope="session")
def cli() -> str:
    """The clustersim program of the same build (ctest passes CLUSTERSIM_CLI)."""
    path = os.environ.get("CLUSTERSIM_CLI")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("CLUSTERSIM_CLI must name the built clustersim program (ctest sets it)")
    return path


def run_cli(cli: str, *args, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([cli, *map(str, args)], capture_output=True, text=True, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"clustersim {' '.join(map(str, args))} failed ({proc.returncode}): {proc.stderr}")
    return proc


def read_group(path, group: str) -> dict:
    """Every column of an HDF5 group, as h5py reads it (independently of the bindings)."""
    with h5py.File(path, "r") as f:
        return {name: ds[()] for name, ds in f[group].items()}


def read_attrs(path, obj: str) -> dict:
    with h5py.File(path, "r") as f:
        return dict(f[obj].attrs)


def assert_same_columns(actual: dict, expected: dict, what: str) -> None:
    """Same column names, dtypes and values (NaN equals NaN)."""
    assert sorted(actual) == sorted(expected), f"{what}: columns differ"
    assert expected, f"{what}: no columns"
    for name, want in expected.items():
        got = np.asarray(actual[name])
        assert got.dtype == want.dtype, f"{what}/{name}: dtype {got.dtype} != {want.dtype}"
        assert np.array_equal(got, want, equal_nan=want.dtype.kind == "f"), f"{what}/{name} differs"
