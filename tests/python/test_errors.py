"""Bad input raises clustersim.InputError, a ValueError, with the same text (file:line: field,
option or key, "did you mean") that the command-line program prints."""

import pytest

import clustersim as cs
from conftest import LUBLIN, REPO, run_cli

BAD_SWF = REPO / "tests" / "cli" / "bad.swf"


def cli_error(cli, *args) -> str:
    proc = run_cli(cli, *args, check=False)
    assert proc.returncode == 1, proc.stderr
    prefix = f"clustersim {args[0]}: error: "
    assert proc.stderr.startswith(prefix), proc.stderr
    return proc.stderr[len(prefix):].strip()


def test_a_malformed_trace_line_is_a_value_error_naming_file_line_and_field(cli):
    with pytest.raises(ValueError) as info:
        cs.read_swf(BAD_SWF)
    assert isinstance(info.value, cs.InputError)
    assert str(info.value).startswith(f"{BAD_SWF}:2: field 4 (run time):")
    assert str(info.value) == cli_error(cli, "run", "--trace", BAD_SWF, "--procs", "4")


def test_a_lenient_read_skips_and_counts_the_malformed_line():
    w = cs.read_swf(BAD_SWF, cs.SwfOptions(strict=False))
    assert len(w) == 1 and w.skipped == {"malformed line": 1}
    assert w.warnings and "bad.swf:2" in w.warnings[0]


def test_a_missing_trace_names_the_path(cli, tmp_path):
    missing = tmp_path / "no-such-trace.swf"
    with pytest.raises(cs.InputError) as info:
        cs.read_swf(missing)
    assert str(info.value) == cli_error(cli, "run", "--trace", missing)


def test_policy_errors_have_the_cli_text(cli):
    w = cs.read_swf(LUBLIN).take(10)
    with pytest.raises(ValueError, match=r"unknown policy 'eazy' \(did you mean 'easy'\?\)") as info:
        cs.run(w, policy="eazy")
    assert str(info.value) == cli_error(cli, "run", "--trace", LUBLIN, "--policy", "eazy")
    with pytest.raises(ValueError) as info:
        cs.run(w, policy="easy", params={"order": "lifo"})
    assert str(info.value) == cli_error(cli, "run", "--trace", LUBLIN, "--policy", "easy", "--param", "order=lifo")
    with pytest.raises(ValueError, match=r"unknown parameter 'ordr'.*did you mean 'order'"):
        cs.run(w, policy="easy", params={"ordr": "sjf"})


def test_an_unwritable_output_is_refused_before_the_run(cli):
    w = cs.read_swf(LUBLIN).take(10)
    with pytest.raises(cs.InputError) as info:
        cs.run(w, out="/nonexistent-dir/run.h5")
    assert str(info.value) == cli_error(cli, "run", "--trace", LUBLIN, "--out", "/nonexistent-dir/run.h5")


def test_settings_and_transforms_name_the_field():
    with pytest.raises(TypeError, match=r"LublinConfig\(\): unknown field 'jbos' \(did you mean 'jobs'\?\)"):
        cs.LublinConfig(jbos=10)
    with pytest.raises(cs.InputError, match=r"lublin.machine_procs: must be >= 1, got 0"):
        cs.lublin(machine_procs=0)
    with pytest.raises(cs.InputError, match="procs"):
        cs.SwfOptions(procs="most")
    with pytest.raises(cs.InputError, match="engine.round_interval: must be >= 0"):
        cs.run(cs.read_swf(LUBLIN).take(10), engine=cs.EngineConfig(round_interval=-5))
    with pytest.raises(cs.InputError, match=r"take: jobs \[20000, 20010\) out of range: the workload has 10000 jobs"):
        cs.read_swf(LUBLIN).take(10, offset=20000)
    with pytest.raises(cs.InputError, match="no machine size"):
        cs.run(cs.Workload.from_arrays([0.0], [10.0], [1]))
