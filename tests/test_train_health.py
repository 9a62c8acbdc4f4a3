"""suite.bench.train_health: first-step health of training and the kernel on real activations."""

from __future__ import annotations

import json
import math

import torch
from train_support import prepare_micro

from suite.bench.train_health import _nonfinite_modules, main


def test_micro_steps_are_finite_and_kernels_match_the_reference(tmp_path, capsys):
    data = prepare_micro(tmp_path / "micro")
    out = tmp_path / "health.json"
    assert main(["--variant", "gla", "--tier", "micro", "--data", str(data), "--backends", "chunked", "recurrent",
                 "--precisions", "fp32", "--steps", "2", "--device", "cpu", "--out", str(out)]) == 0
    rep = json.loads(out.read_text())
    for key in ("chunked/fp32", "recurrent/fp32"):
        steps = rep["steps"][key]
        assert [s["step"] for s in steps] == [1, 2]
        assert all(math.isfinite(s["loss"]) and s["n_nonfinite_grads"] == 0 and not s["nonfinite_outputs"] for s in steps)
    a, b = rep["steps"]["chunked/fp32"], rep["steps"]["recurrent/fp32"]
    assert abs(a[0]["loss"] - b[0]["loss"]) < 1e-4 * a[0]["loss"]
    errs = rep["kernel"]["fp32"]["backends"]["chunked"]
    assert set(errs) == {"o", "dq", "dk", "dv", "dg"} and all(e["rel_rms"] < 1e-5 and e["nonfinite"] == 0 for e in errs.values())
    assert "kernel on layer-0 activations" in capsys.readouterr().out


def test_nonfinite_outputs_are_named_in_call_order():
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 4), torch.nn.Tanh(), torch.nn.Linear(4, 4))
    with torch.no_grad():
        model[0].weight.fill_(1.0), model[0].bias.zero_()
        model[1].weight[0, 0] = math.nan  # NaN from module 1 on: tanh and the last linear keep it
    found, handles = _nonfinite_modules(model)
    model(torch.ones(1, 4))
    for h in handles:
        h.remove()
    assert found == ["1", "2", "3"]
