"""`suite validate`: params.yaml checks with one clear message. ~5 s on 2 cores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from suite.cli import main
from suite.errors import SuiteError
from suite.report.grid import STUDIES, base_of, study_rows, load_grid
from suite.report.validate import check_params
from suite.tiers import ROOT, tier_names
from suite.variants import load_variant, variant_names

PARAMS = ROOT / "params.yaml"


def _params(tmp_path: Path, **changes) -> Path:
    data = {**yaml.safe_load(PARAMS.read_text()), **changes}
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_repo_params_name_the_fixed_grid():
    data = yaml.safe_load(PARAMS.read_text())
    assert set(data["studies"]) == set(STUDIES)
    assert set(data["variants"]) == {v for names in data["studies"].values() for v in names}
    assert set(data["variants"]) <= set(variant_names())
    assert {"none", "softmax"} <= set(data["studies"]["parameterization"])


def test_base_of_agrees_with_variant_compare_to():
    data = yaml.safe_load(PARAMS.read_text())
    for study in ("sharing", "granularity", "position"):
        for name in data["studies"][study]:
            if base_of(name):
                assert load_variant(name).compare_to == base_of(name), name


def test_unknown_variant_is_one_clear_message(tmp_path: Path, capsys):
    path = _params(tmp_path, variants=["mamba2", "mamba3"],
                   studies={"parameterization": ["mamba2", "mamba3"]})
    with pytest.raises(SuiteError, match="'mamba3': unknown variant"):
        check_params(path)
    assert main(["validate", "--params", str(path), "--out", str(tmp_path / "g.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "key 'variants'" in err[0] and "mamba3" in err[0]
    assert not (tmp_path / "g.json").exists()


def test_unknown_tier_is_one_clear_message(tmp_path: Path):
    with pytest.raises(SuiteError, match="unknown tier 'huge'"):
        check_params(_params(tmp_path, tier="huge"))


@pytest.mark.parametrize("changes,match", [
    ({"seeds": []}, "key 'seeds'"),
    ({"seeds": [0, 0]}, "duplicates"),
    ({"studies": {"parameterization": ["mamba2", "gla"]}, "variants": ["mamba2"]},
     "not in key 'variants'"),
    ({"studies": {"parameterization": ["mamba2"]}, "variants": ["mamba2", "gla"]}, "in no study"),
    ({"studies": {"speed": ["mamba2"]}}, "key 'studies'"),
    ({"claims": {"metric": "val_loss", "floor": 1}}, "unknown key 'floor'"),
])
def test_structural_errors(tmp_path: Path, changes, match):
    with pytest.raises(SuiteError, match=match):
        check_params(_params(tmp_path, **changes))


@pytest.mark.skipif(not tier_names(), reason="no tier files yet")
def test_valid_params_write_the_grid(tmp_path: Path):
    path = _params(tmp_path, tier=tier_names()[0])
    out = tmp_path / "grid.json"
    assert main(["validate", "--params", str(path), "--out", str(out)]) == 0
    grid = load_grid(out)
    assert grid.label("gla-share") == "GLA-Share"
    assert study_rows(grid, "sharing")[:2] == ["mamba2", "mamba2-share"]
    assert json.loads(out.read_text())["variants"][0]["name"] == grid.variants[0]


def test_micro_profile_params_are_consistent():
    micro = ROOT / ".ci" / "micro" / "params.yaml"
    data = yaml.safe_load(micro.read_text())
    assert data["tier"] == "micro" and set(data["studies"]) == set(STUDIES)
    assert set(data["variants"]) <= set(variant_names())
    if "micro" in tier_names():
        check_params(micro)
