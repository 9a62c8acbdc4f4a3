"""`suite eval RUN_DIR` end to end on a freshly trained micro run: the files of the contract,
byte-identical reruns, and clear errors for bad input.

    pytest tests/test_eval_run.py            (~60 s on 2 cores: prepares data, trains one run)
"""

from __future__ import annotations

import json
import shutil

import pytest

from eval_support import eval_data_dir
from suite.cli import main
from suite.errors import SuiteError
from suite.eval.run import evaluate


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("micro")
    data, run = root / "data", root / "runs" / "gla" / "0"
    assert main(["prepare", "--tier", "micro", "--out", str(data)]) == 0
    assert main(["train", "--variant", "gla", "--tier", "micro", "--seed", "0", "--out", str(run),
                 "--data", str(data), "--device", "cpu"]) == 0
    return run


@pytest.fixture(scope="module")
def evaluated(run_dir):
    args = ["eval", str(run_dir), "--limit", "5", "--eval-data", str(eval_data_dir())]
    assert main(args) == 0
    first = {n: (run_dir / n).read_bytes() for n in ("eval.json", "decay_stats.json")}
    assert main(args) == 0
    second = {n: (run_dir / n).read_bytes() for n in ("eval.json", "decay_stats.json")}
    return first, second


def test_rerun_is_byte_identical(evaluated):
    first, second = evaluated
    assert first == second


def test_eval_json_follows_the_contract(evaluated, run_dir):
    ev = json.loads(evaluated[0]["eval.json"])
    assert set(ev) == {"lm_eval", "heldout", "recall", "provenance"}
    assert set(ev["lm_eval"]) == {"results", "versions", "n-shot", "higher_is_better", "n-samples"}
    assert len(ev["lm_eval"]["results"]) == 9
    assert all(r["sample_len"] == 5 for r in ev["lm_eval"]["results"].values())
    seq_len = json.loads((run_dir / "config.json").read_text())["data"]["seq_len"]
    assert ev["heldout"]["contexts"] == [seq_len, 2 * seq_len, 4 * seq_len]
    assert all(len(ev["heldout"][k]) == 3 for k in ("loss", "bits_per_byte", "perplexity"))
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert ev["heldout"]["loss"][0] == pytest.approx(metrics["val_loss"], abs=0.3)  # test vs val
    assert set(ev["recall"]) == {"accuracy", "by_pairs", "by_distance"}
    assert ev["provenance"]["variant"] == "gla" and "run" not in ev["provenance"]


def test_decay_stats_follow_the_contract(evaluated):
    ds = json.loads(evaluated[0]["decay_stats.json"])
    assert [row["layer"] for row in ds["layers"]] == [0, 1]
    assert set(ds["all"]) == {"median", "p25", "p75", "mean", "min", "max", "std",
                              "frac_below_0.5", "frac_above_0.99"}
    assert ds["text"]["source"].endswith("test.txt") and ds["text"]["n_tokens"] == 512


def test_run_without_checkpoint_is_refused(run_dir, tmp_path):
    broken = tmp_path / "run"
    shutil.copytree(run_dir, broken, ignore=shutil.ignore_patterns("ckpt"))
    with pytest.raises(SuiteError, match="model.pt"):
        evaluate(broken, limit=1, recall=False)


def test_unknown_task_fails_before_work(run_dir, capsys):
    assert main(["eval", str(run_dir), "--tasks", "piqa", "nosuchtask", "--no-recall"]) == 2
    assert "unknown task 'nosuchtask'" in capsys.readouterr().err


def test_corrupt_eval_data_names_the_file(run_dir, tmp_path):
    data = tmp_path / "evaldata"
    shutil.copytree(eval_data_dir(), data)
    (data / "piqa" / "validation" / "state.json").write_text("{}")
    with pytest.raises(SuiteError, match="state.json: sha256"):
        evaluate(run_dir, tasks=["piqa"], limit=2, recall=False, eval_data=str(data))
