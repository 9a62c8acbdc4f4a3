"""The grid: every variant YAML exists and loads strictly; every registered decay is covered by a
variant and a README row; `suite list` shows them.

    pytest tests/test_variants.py
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suite.cli import main
from suite.config import load_yaml
from suite.decay import DECAYS
from suite.errors import SuiteError
from suite.variants import STUDIES, Variant, load_variant, variant_names

README = Path(__file__).resolve().parent.parent / "suite" / "decay" / "README.md"
SCALAR4 = ("mamba2", "gla", "hgrn2", "lightnet")
GRID = {
    "parameterization": ["mamba2", "mamba2-no-a", "mamba2-no-dt", "mamba2-no-a-no-dt", "gla", "hgrn2",
                         "lightnet", "lssp"] + [f"simple-{p}" for p in ("0.8", "0.9", "0.95", "0.99")],
    "reference": ["none", "softmax"],
    "sharing": [f"{n}-share" for n in SCALAR4],
    "granularity": [f"{n}-scalar" for n in SCALAR4] + ["tnl", "tnl-l"]
    + [f"simple-scalar-{p}" for p in ("0.8", "0.9", "0.95", "0.99")],
    "position": [f"{n}-scalar-{pe}" for pe in ("lrpe", "rope") for n in SCALAR4]
    + [f"{n}-{pe}" for pe in ("lrpe", "rope") for n in ("tnl", "tnl-l")],
}
ALL = [n for names in GRID.values() for n in names]


def test_grid_has_forty_variants():
    assert len(ALL) == 40 and len(set(ALL)) == 40


@pytest.mark.parametrize("name", ALL)
def test_grid_variant_yaml_exists_and_is_coherent(name):
    v = load_variant(name)
    assert v.name == name and v.label and v.study in STUDIES and name in GRID[v.study]
    if v.compare_to is not None:
        assert load_variant(v.compare_to).name == v.compare_to
    if v.mixer == "softmax":
        assert v.decay == "none" and v.pe == "rope"
        return
    assert v.decay in DECAYS
    assert (v.share == "key") == name.endswith("-share")
    assert (v.granularity == "scalar") == ("scalar" in name or v.decay in ("tnl", "tnl-l"))
    assert v.pe == next((pe for pe in ("lrpe", "rope") if name.endswith(pe)), "none")
    if v.decay == "simple":
        assert v.options == {"p": float(name.rsplit("-", 1)[1])}


def test_every_variant_file_is_in_the_grid_or_valid():
    for name in variant_names():
        load_variant(name)  # strict: unknown keys or bad values fail
    assert set(ALL) <= set(variant_names())


@pytest.mark.parametrize("name", DECAYS.names())
def test_every_decay_has_a_readme_row_and_a_variant(name):
    rows = re.findall(r"^\| `([^`]+)` \|", README.read_text(), flags=re.MULTILINE)
    assert name in rows, f"suite/decay/README.md has no row for decay '{name}'"
    assert any(load_variant(v).decay == name for v in variant_names()), f"no variant uses '{name}'"


def test_every_decay_documents_its_source():
    for name in DECAYS.names():
        doc = __import__(DECAYS.get(name).__module__, fromlist=["_"]).__doc__ or ""
        assert "l_t" in doc or "l_{" in doc or "no decay" in doc.lower(), name


def test_strict_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("mixer: decay\ndecay: gla\ngranularty: scalar\n")
    with pytest.raises(SuiteError, match="unknown key 'granularty'; allowed keys"):
        load_yaml(Variant, bad)
    bad.write_text("decay: tnl\ngranularity: vector\n")
    with pytest.raises(SuiteError, match="granularity scalar"):
        load_yaml(Variant, bad)
    bad.write_text("decay: gla\npe: rotary\n")
    with pytest.raises(SuiteError, match="'none', 'lrpe', 'rope', 'rope_half'"):
        load_yaml(Variant, bad)
    with pytest.raises(SuiteError, match="unknown variant 'nope'.*known: gla"):
        load_variant("nope")


def test_suite_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in DECAYS.names():
        assert re.search(rf"^{re.escape(name)}\s", out, flags=re.MULTILINE), name
    assert re.search(r"^tnl\s+static\s+scalar\s+none\s", out, flags=re.MULTILINE)
    assert main(["list", "--grid"]) == 0
    out = capsys.readouterr().out
    for study, names in GRID.items():
        block = out.split(f"## {study} ")[1].split("## ")[0]
        assert all(re.search(rf"^{re.escape(n)}\s", block, flags=re.MULTILINE) for n in names), study
    assert re.search(r"^gla-share\s+decay\s+gla\s+vector\s+key\s+none\s+GLA-Share", out, flags=re.MULTILINE)
