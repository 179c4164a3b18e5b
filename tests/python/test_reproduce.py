"""clustersim.reproduce: the RLScheduler profile from Python gives the paper's numbers."""
import os

import pytest

import clustersim as cs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LUBLIN = os.path.join(ROOT, "tests", "data", "lublin_256.swf")

# Zhang et al., SC'20, the heuristics on Lublin-1 (docs/rlscheduler.md).
PUBLISHED = {
    ("fcfs", False): ("7273.77", "0.657"), ("fcfs", True): ("235.82", "0.868"),
    ("sjf", False): ("277.35", "0.762"), ("sjf", True): ("73.31", "0.778"),
    ("f1", False): ("258.37", "0.816"), ("f1", True): ("75.07", "0.840"),
}


def test_published_table_from_python():
    r = cs.reproduce("rlscheduler", trace=LUBLIN)
    assert r["starts"] == [1981, 2756, 4299, 8850, 3316, 2714, 5228, 7762, 4022, 7085]
    assert r["jobs_loaded"] == 10000
    assert len(r["cells"]) == 6
    for cell in r["cells"]:
        bsld, util = PUBLISHED[(cell["score"], cell["backfill"])]
        assert f"{cell['bounded_slowdown']:.2f}" == bsld
        assert f"{cell['utilisation']:.3f}" == util
        assert len(cell["windows"]) == 10
        w = cell["windows"][0]
        assert w["starts"].shape == (1024,)
        assert w["first_index"] == 1981
    assert "7273.77" in r["text"]


def test_experiment_file_and_csv(tmp_path):
    r = cs.reproduce_experiment(os.path.join(ROOT, "experiments", "rlscheduler-lublin.toml"))
    assert {c["score"] for c in r["cells"]} == {"fcfs", "sjf", "f1", "wfp3", "unicep"}
    csv = tmp_path / "w.csv"
    cs.reproduce("rlscheduler", trace=LUBLIN, scores=["f1"], windows=2, csv=str(csv))
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("score,backfill,window,first_index")
    assert len(lines) == 1 + 2 * 2  # header + (no backfill, backfill) x 2 windows


def test_bad_requests_raise_input_errors():
    with pytest.raises(cs.InputError, match="valid: fcfs, sjf, f1, wfp3, unicep"):
        cs.reproduce("rlscheduler", trace=LUBLIN, scores=["lifo"])
    with pytest.raises(ValueError, match="unknown profile 'gavel'"):
        cs.reproduce("gavel", trace=LUBLIN)
    with pytest.raises(cs.InputError, match="needs more than 10001 loaded jobs"):
        cs.reproduce("rlscheduler", trace=LUBLIN, window_jobs=5000)
