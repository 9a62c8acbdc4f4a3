"""Plugin discovery and the checks `suite submit` runs before any compute (~40 s on 2 cores).

    pytest tests/test_leaderboard_validate.py

Broken plugins (positive log-decay, NaN at large inputs, wrong shape, no gradient, ...) are real
Decay subclasses written to a module outside the package; each is refused by `suite submit` with
one message and leaves the board byte for byte unchanged.
"""

from __future__ import annotations

import textwrap

import pytest
import torch
from leaderboard_support import EXAMPLES, make_board, snapshot, submit_argv

from suite.cli import main
from suite.errors import SuiteError
from suite.leaderboard.conformance import compare
from suite.leaderboard.validate import validate_submission
from suite.variants import Variant

BAD = '''
import torch, torch.nn.functional as F
from torch import nn
from suite.decay.base import Decay

class Base(Decay):
    kinds = ("vector", "scalar")
    def __init__(self, cfg):
        super().__init__(cfg)
        self.bias = nn.Parameter(torch.full((self.decay_dim,), 2.0))

class Positive(Base):
    def log_decay_from(self, z, lower_bound=None):
        return F.softplus(z + self.bias)

class NaNAtLarge(Base):          # log(sigmoid) instead of logsigmoid: -inf for large inputs
    def log_decay_from(self, z, lower_bound=None):
        return torch.log(torch.sigmoid(z + self.bias)) * (z.abs() < 1e3) + 0.0 * z

class WrongShape(Base):
    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z + self.bias)[..., :1]

class NoGradient(Base):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.unused = nn.Parameter(torch.zeros(3))
    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z + self.bias)

class Detached(Base):
    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z + self.bias).detach()

class Float64(Base):
    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z + self.bias).double()

class NoKind(Base):
    kinds = ("diagonal",)
    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z + self.bias)

class Heavy(Base):                # valid, but many more parameters than the reference
    def __init__(self, cfg):
        super().__init__(cfg)
        self.extra = nn.Parameter(torch.zeros(self.decay_dim, 256))
    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z + self.bias + self.extra.sum(-1))

class Crashes(Base):
    def log_decay_from(self, z, lower_bound=None):
        return F.logsigmoid(z @ torch.ones(3, 3))

class NotADecay:
    pass
'''

REFUSALS = [
    ("Positive", "positive log-decay"),
    ("NaNAtLarge", "non-finite log-decay (NaN or inf) on inputs of magnitude 10000"),
    ("WrongShape", "shape [2, 24, 1], expected [2, 24, 32] for kind vector"),
    ("NoGradient", "parameter 'unused' receives no gradient"),
    ("Detached", "receives no gradient"),
    ("Float64", "dtype torch.float64, expected torch.float32"),
    ("NoKind", "'kinds' must be a non-empty tuple of none, static, scalar, vector"),
    ("Crashes", "raised RuntimeError during the log_decay check"),
    ("NotADecay", "must be a subclass of suite.decay.base.Decay"),
    ("Missing", "cannot be imported"),
]


@pytest.fixture()
def bad_module(tmp_path, monkeypatch):
    (tmp_path / "bad_decays.py").write_text(BAD)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(EXAMPLES))
    return "bad_decays"


@pytest.fixture()
def board(tmp_path):
    return make_board(tmp_path)


@pytest.mark.parametrize("cls, words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_broken_plugin_is_refused_and_board_unchanged(board, bad_module, tmp_path, capsys, cls, words):
    before = snapshot(tmp_path / "results")
    assert main(submit_argv(tmp_path, f"{bad_module}:{cls}", "broken")) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and err.count("\n") == 0, err  # one clear line
    assert snapshot(tmp_path / "results") == before


def test_example_plugin_passes_every_check(bad_module):
    from suite.training.config import ModelSizes

    sizes = ModelSizes(d_model=32, n_layers=2, n_heads=1, glu_dim=64).sizes()
    report = validate_submission(Variant(name="power", decay="my_decay:PowerDecay"), 512, sizes)
    checks = {c["check"]: c for c in report["checks"]}
    assert report["kind"] == "vector" and all(c["ok"] for c in checks.values())
    assert "cpu/chunked" in checks["kernels"]["backends"] and "cpu/recurrent" in checks["kernels"]["backends"]
    assert abs(checks["parameters"]["relative_difference"]) < 0.01
    scalar = validate_submission(Variant(name="power", decay="my_decay:PowerDecay", granularity="scalar"),
                                 512, sizes, backends=["chunked"])
    assert scalar["kind"] == "scalar" and scalar["checks"][3]["reference"] == "gla-scalar"


def test_parameter_difference_is_reported_not_refused(bad_module):
    sizes = {"d_model": 32, "n_layers": 2, "n_heads": 1, "glu_dim": 64}
    report = validate_submission(Variant(name="heavy", decay=f"{bad_module}:Heavy"), 512, sizes,
                                 backends=["recurrent"])
    check = report["checks"][3]
    assert not check["ok"] and "more than 1%, reported on the board" in check["detail"]
    assert check["n_params"] - check["reference_params"] == 2 * (32 * 256 + 32)


def test_validate_only_writes_nothing(board, bad_module, tmp_path, capsys):
    before = snapshot(tmp_path / "results")
    assert main(submit_argv(tmp_path, "my_decay:PowerDecay", "power", "--validate-only")) == 0
    assert "[ok  ] power kernels" in capsys.readouterr().out
    assert snapshot(tmp_path / "results") == before


def test_bad_names_are_refused(board, bad_module, tmp_path, capsys):
    for spec, name, words in (("gla", "x", "built in"), ("my_decay:PowerDecay", "gla", "variant of the grid"),
                              ("my_decay:PowerDecay", "../x", "--name"),
                              ("my_decay:PowerDecay", "alpha", "already on the micro leaderboard")):
        assert main(submit_argv(tmp_path, spec, name)) == 2
        assert words in capsys.readouterr().err


def test_kernel_disagreement_names_the_tensor():
    ref = {"output": torch.ones(4, 4, dtype=torch.float64), "grad decay.bias": torch.ones(4, dtype=torch.float64)}
    out = {"output": torch.ones(4, 4), "grad decay.bias": torch.ones(4) * 1.01}
    with pytest.raises(SuiteError, match="grad decay.bias disagrees with the fp64 recurrent reference"):
        compare(ref, out, "backend 'x'")
    with pytest.raises(SuiteError, match="grad decay.bias is missing"):
        compare(ref, {"output": out["output"]}, "backend 'x'")


def test_entry_point_plugin_is_found_and_listed(tmp_path, monkeypatch, capsys):
    from suite import plugins
    from suite.decay import get_decay

    dist = tmp_path / "power_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: power-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent("""
        [decay_suite.decays]
        power = my_decay:PowerDecay
        gla = my_decay:PowerDecay
        broken = no_such_module:Nope
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(EXAMPLES))
    plugins.plugin_decays(refresh=True)
    try:
        assert get_decay("power").__name__ == "PowerDecay"
        assert get_decay("gla").__name__ != "PowerDecay"  # a built-in is never shadowed
        assert "shadows a built-in" in plugins.plugin_errors()["gla"]
        with pytest.raises(SuiteError, match="no_such_module"):
            get_decay("broken")
        assert main(["list"]) == 0
        rows = [line.split() for line in capsys.readouterr().out.splitlines()]
        assert ["power", "(plugin)", "vector,scalar", "vector,scalar"] == rows[-2][:4]
        assert sum(r[:1] == ["gla"] for r in rows) == 1
    finally:
        monkeypatch.undo()
        plugins.plugin_decays(refresh=True)


def test_tolerance_table_is_the_kernel_tests_one():
    from kernel_utils import TOLERANCE as TESTS_TABLE

    from suite.kernels.testing import TOLERANCE

    assert TOLERANCE == TESTS_TABLE
