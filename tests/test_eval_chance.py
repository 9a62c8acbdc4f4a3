"""A random-init micro model scores near chance on every multiple-choice task.

Metric: acc_norm where the task has it (plain acc favours the answer with the fewest tokens
under a near-uniform model, and answer length correlates with the gold label in ARC and
OpenBookQA), else acc. Chance = mean of 1/#choices; BoolQ's label-blind range is [P(no), P(yes)]
since such a model may answer one way throughout. Bound: 4 binomial standard errors.

    pytest tests/test_eval_chance.py         (~40 s on 2 cores)
"""

from __future__ import annotations

import math

import pytest

from eval_support import eval_data_dir, micro_model, tokenizer
from suite.eval.lm import DecaySuiteLM
from suite.eval.run import lm_eval_results, task_manager

N = 200
MC = ("piqa", "hellaswag", "winogrande", "arc_easy", "arc_challenge", "boolq", "openbookqa")


@pytest.fixture(scope="module")
def results():
    tm = task_manager(str(eval_data_dir()), None)
    lm = DecaySuiteLM(model=micro_model("tnl", seed=1), tokenizer=tokenizer(), max_length=32,
                      batch_size=64)
    return lm_eval_results(lm, list(MC), tm, limit=N, bootstrap_iters=0)["results"]


def chance_range(name: str) -> tuple[float, float, int]:
    tm = task_manager(str(eval_data_dir()), None)
    task = tm.load([name])["tasks"][name]
    docs = list(task.eval_docs)[:N]
    if name == "boolq":
        yes = sum(int(task.doc_to_target(d)) for d in docs) / len(docs)
        return min(yes, 1 - yes), max(yes, 1 - yes), len(docs)
    p = sum(1 / len(task.doc_to_choice(d)) for d in docs) / len(docs)
    return p, p, len(docs)


@pytest.mark.parametrize("name", MC)
def test_random_model_is_near_chance(results, name):
    res = results[name]
    acc = res.get("acc_norm,none", res["acc,none"])
    lo, hi, n = chance_range(name)
    se = math.sqrt(max(lo * (1 - lo), hi * (1 - hi)) / n)
    assert lo - 4 * se <= acc <= hi + 4 * se, f"{name}: {acc:.3f} outside [{lo:.3f}, {hi:.3f}] +- 4 SE"
    assert res["sample_len"] == n
