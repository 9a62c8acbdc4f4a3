"""dvc.yaml / params.yaml: the pipeline parses, lists the expected stages in order, and a bad
tier or variant stops `dvc repro` at the first stage. Runs the real DVC in a temporary copy of
the repository (git init there). ~40 s on 2 cores."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from suite.tiers import ROOT

pytest.importorskip("dvc")
DVC = [sys.executable, "-m", "dvc"]
COPY = ("dvc.yaml", "params.yaml", ".dvcignore", ".dvc/config", ".dvc/.gitignore", "suite",
        "baselines", "pyproject.toml")
STUB_TIER = {s: {} for s in ("model", "data", "train", "eval", "bench")}


def _copy(dst: Path) -> Path:
    for rel in COPY:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dst / rel, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)
    tier = dst / "baselines" / "tiers" / f"{_params()['tier']}.yaml"
    data = yaml.safe_load(tier.read_text()) if tier.exists() else {}
    if set(STUB_TIER) - set(data):  # sections not written yet: stubs, so the DAG can be read
        tier.parent.mkdir(parents=True, exist_ok=True)
        tier.write_text(yaml.safe_dump({**STUB_TIER, **data}))
    subprocess.run(["git", "init", "-q", str(dst)], check=True)
    return dst


def _dvc(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DVC_NO_ANALYTICS": "1", "PYTHONPATH": str(repo),
           "DVC_SITE_CACHE_DIR": str(repo.parent / "site-cache"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([*DVC, *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=300)


def _params() -> dict:
    return yaml.safe_load((ROOT / "params.yaml").read_text())


def expected_stages(params: dict) -> list[str]:
    runs = [f"{v}-{s}" for v in params["variants"] for s in params["seeds"]]
    return ["validate", "prepare", "prepare-eval", *(f"train@{r}" for r in runs),
            *(f"eval@{r}" for r in runs), "bench", "tables", "figures", "claims", "checksums"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return _copy(tmp_path_factory.mktemp("pipeline") / "repo")


def test_stage_list_matches_params(repo: Path):
    res = _dvc(repo, "stage", "list", "--name-only")
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == expected_stages(_params())


def test_code_and_config_dependencies_exist():
    """Every dependency that no stage produces is in the repository (else dvc repro fails)."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    produced = ("data/", "tasks/data", "results/")
    missing = {d for st in stages.values() for d in (st.get("do", st).get("deps") or [])
               if "${" not in d and not d.startswith(produced) and not (ROOT / d).exists()}
    assert not missing, f"dvc.yaml names missing dependencies: {sorted(missing)}"


def test_outputs_stay_inside_generated_folders(repo: Path):
    """DVC deletes a stage's outputs before running it: none may hold source files."""
    from dvc.repo import Repo

    with Repo(str(repo)) as r:
        outs = {Path(o.fs_path).relative_to(repo).as_posix()
                for s in r.index.stages for o in s.outs}
    assert all(o.startswith(("data/", "tasks/data", "results/")) for o in outs), outs
    assert "tasks/data" in outs and "results/CHECKSUMS.sha256" in outs


def _stub_outputs(repo: Path) -> None:
    """Create every stage output (empty) so that `--dry` can hash the dependencies."""
    from dvc.repo import Repo

    with Repo(str(repo)) as r:
        for stage in r.index.stages:
            for dep in stage.deps:
                p = Path(dep.fs_path)
                if not p.exists() and p.is_relative_to(repo / "suite"):
                    p.parent.mkdir(parents=True, exist_ok=True)
                    p.write_text("")  # code not written yet: covered by the test above
            for out in stage.outs:
                p = Path(out.fs_path)
                (p if not p.suffix else p.parent).mkdir(parents=True, exist_ok=True)
                (p / "stub" if not p.suffix else p).write_text("")


def test_dry_run_lists_every_stage_validate_first(repo: Path):
    _stub_outputs(repo)
    res = _dvc(repo, "repro", "--dry")
    assert res.returncode == 0, res.stdout + res.stderr
    order = [line.split("'")[1] for line in res.stdout.splitlines()
             if line.startswith("Running stage")]
    assert sorted(order) == sorted(expected_stages(_params()))
    assert order[0] == "validate"
    assert order.index("train@mamba2-0") < order.index("eval@mamba2-0") < order.index("tables")
    assert order[-1] == "checksums"


@pytest.mark.parametrize("key,value,message", [
    ("variants", "add", "'mamba3': unknown variant"),
    ("tier", "huge", "unknown tier 'huge'"),
    ("tier", "broken", "baselines/tiers/broken.yaml: missing section 'eval'"),
])
def test_bad_params_stop_at_validate(tmp_path: Path, key, value, message):
    repo = _copy(tmp_path / "repo")
    params = _params()
    if key == "variants":
        params["variants"].append("mamba3")
        params["studies"]["parameterization"].append("mamba3")
    else:
        params["tier"] = value
    micro = yaml.safe_load((ROOT / "baselines/tiers/micro.yaml").read_text())
    broken = {s: micro[s] for s in ("description", "model", "data", "train")}  # no eval
    (repo / "baselines/tiers/broken.yaml").write_text(yaml.safe_dump(broken))
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    res = _dvc(repo, "repro")
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert "Running stage 'validate'" in out and "Running stage 'prepare'" not in out
    assert message in out and out.count("suite validate: error:") == 1


def test_run_stages_depend_on_their_own_variant_only(repo: Path):
    """Editing one variant's YAML reruns only its train/eval stages (and the aggregations)."""
    from dvc.repo import Repo

    with Repo(str(repo)) as r:
        stages = {s.name: s for s in r.index.stages}
    for name in ("train@gla-0", "eval@gla-0"):
        deps = [Path(d.fs_path).relative_to(repo).as_posix() for d in stages[name].deps]
        yamls = [d for d in deps if d.startswith("baselines/variants")]
        assert yamls == ["baselines/variants/gla.yaml"], name
        assert "baselines/tiers" not in deps and "suite" not in deps
        params = {Path(p.fs_path).name: sorted(p.params) for p in stages[name].deps
                  if p.__class__.__name__ == "ParamsDependency"}
        assert params == {"tiny.yaml": ["data", "model", "train"] if name.startswith("train")
                          else ["eval"]}
    outs = {Path(o.fs_path).name: o.use_cache for o in stages["train@gla-0"].outs}
    assert outs == {"ckpt": True, "config.json": False, "curve.csv": False,
                    "metrics.json": False}


def test_report_stages_run_under_dvc(tmp_path: Path):
    """The aggregation stages' commands run for real on a made-up result tree."""
    from report_fake_results import write_fake_results

    repo = _copy(tmp_path / "repo")
    params = _params()
    write_fake_results(repo / "results", params["variants"], params["seeds"], params["tier"])
    (repo / "results/bench/cpu").mkdir(parents=True)
    (repo / "results/bench/cpu/kernels.json").write_text('{"rows": [{"backend": "x", "ms": 1.5}]}')
    res = _dvc(repo, "repro", "-s", "tables", "figures", "claims", "checksums")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "files verified" in res.stdout
    assert (repo / "results/tables/tiny/position.md").is_file()
    assert "| backend | ms |" in (repo / "results/tables/tiny/speed.md").read_text()
    assert (repo / "results/figures/tiny/decay_simple.png").is_file()
    assert "## F4" in (repo / "results/claims.md").read_text()
    assert _dvc(repo, "status", "-q", "tables", "figures", "claims", "checksums").returncode == 0
