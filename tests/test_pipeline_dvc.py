"""dvc.yaml / params.yaml: the pipeline parses, lists the expected stages in order, a bad tier or
variant stops `dvc repro` at the first stage, a clone without the DVC cache is up to date under
`dvc repro --allow-missing`, editing one variant's YAML marks only its own stages and the
aggregations, an edit to the Triton kernels on a machine without CUDA reruns only
`kernel-sources`, and this checkout's own dvc.lock records its current code (the README's
fresh-clone check). Runs the real DVC in temporary copies of the repository (git init there; outputs
are stubs, nothing is trained). ~90 s on 2 cores."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

from suite.tiers import ROOT

pytest.importorskip("dvc")
DVC = [sys.executable, "-m", "dvc"]
COPY = ("dvc.yaml", "params.yaml", ".dvcignore", ".dvc/config", ".dvc/.gitignore", "suite",
        "baselines", "pyproject.toml", "tasks")
MICRO_PARAMS = ROOT / ".ci" / "micro" / "params.yaml"
AGGREGATIONS = {"validate", "bench", "tables", "figures", "claims", "checksums"}
STUB_TIER = {s: {} for s in ("model", "data", "train", "eval", "bench")}


def _ignore(folder: str, names: list[str]) -> set[str]:
    """Caches and generated data (tasks/data: an output of prepare-eval) stay behind."""
    skip = {n for n in names if n == "__pycache__"}
    if Path(folder) == ROOT / "tasks":
        skip |= {"data"}
    return skip


def _copy(dst: Path, params: Path | None = None) -> Path:
    for rel in COPY:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dst / rel, ignore=_ignore)
        else:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)
    if params is not None:
        shutil.copy2(params, dst / "params.yaml")
    tier = dst / "baselines" / "tiers" / f"{yaml.safe_load((dst / 'params.yaml').read_text())['tier']}.yaml"
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
    return subprocess.run([*DVC, *args], check=False, cwd=repo, env=env, capture_output=True, text=True,
                          timeout=300)


def _params() -> dict:
    return yaml.safe_load((ROOT / "params.yaml").read_text())


def expected_stages(params: dict) -> list[str]:
    runs = [f"{v}-{s}" for v in params["variants"] for s in params["seeds"]]
    return ["validate", "prepare", "prepare-eval", "kernel-sources", *(f"train@{r}" for r in runs),
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
    outs = {Path(o.fs_path).relative_to(repo).as_posix(): o.use_cache for o in stages["train@gla-0"].outs}
    run = "results/runs/tiny/gla/0"
    assert outs == {"results/ckpt/tiny/gla/0": True, f"{run}/config.json": False,
                    f"{run}/curve.csv": False, f"{run}/metrics.json": False}


def test_no_stage_depends_on_a_folder_holding_a_cached_output(repo: Path):
    """A folder dependency that contains another stage's cached output (checkpoints, shards, eval
    sets) changes when that output is absent, as on a clone without the DVC cache, and no DVC flag
    lets it pass; a stage may depend on such an output only by its own path."""
    from dvc.repo import Repo

    with Repo(str(repo)) as r:
        stages = list(r.index.stages)
        cached = {Path(o.fs_path) for s in stages for o in s.outs if o.use_cache}
        bad = {(s.addressing, Path(d.fs_path).relative_to(repo).as_posix(), Path(o).relative_to(repo).as_posix())
               for s in stages for d in s.deps for o in cached
               if Path(o) != Path(d.fs_path) and Path(o).is_relative_to(Path(d.fs_path))}
    assert not bad, f"(stage, dependency, cached output inside it): {sorted(bad)[:5]}"


def test_eval_depends_on_every_task_definition(repo: Path):
    """The eval stage lists the task files one by one (the folder `tasks` would hold tasks/data,
    a cached output): a task file added to tasks/ must be added to its dependencies too."""
    from dvc.repo import Repo

    with Repo(str(repo)) as r:
        stage = next(s for s in r.index.stages if s.name.startswith("eval@"))
        deps = {Path(d.fs_path).relative_to(repo).as_posix() for d in stage.deps}
    defs = {f"tasks/{p.name}" for p in (ROOT / "tasks").iterdir()
            if p.is_file() and p.suffix in (".yaml", ".py")}
    assert defs and defs | {"tasks/data"} <= deps, sorted(defs - deps)


def _lock_with_stubs(dst: Path) -> Path:
    """A micro-grid copy whose dvc.lock records stub outputs (`dvc commit`, nothing runs)."""
    repo = _copy(dst, MICRO_PARAMS)
    _stub_outputs(repo)
    res = _dvc(repo, "commit", "-f")
    assert res.returncode == 0, res.stdout + res.stderr
    res = _dvc(repo, "status", "--json")
    assert res.returncode == 0 and json.loads(res.stdout) == {}, res.stdout + res.stderr
    return repo


@pytest.fixture(scope="module")
def locked(tmp_path_factory) -> Path:
    return _lock_with_stubs(tmp_path_factory.mktemp("locked") / "repo")


def _clone(locked: Path, dst: Path) -> Path:
    shutil.copytree(locked, dst, symlinks=True)
    return dst


def test_clone_without_cache_is_up_to_date_with_allow_missing(locked: Path, tmp_path: Path):
    """A fresh clone has the lock and the committed results but no DVC cache, no checkpoints, no
    token shards and no eval sets: `dvc repro --allow-missing` reports everything up to date."""
    repo = _clone(locked, tmp_path / "clone")
    from dvc.repo import Repo

    with Repo(str(repo)) as r:
        cached = [Path(o.fs_path) for s in r.index.stages for o in s.outs if o.use_cache]
    assert any("results/ckpt" in p.as_posix() for p in cached)
    for p in cached + [repo / ".dvc" / "cache"]:
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    for args in (("repro", "--allow-missing", "--dry"), ("repro", "--allow-missing")):
        res = _dvc(repo, *args)
        out = res.stdout + res.stderr
        assert res.returncode == 0, out
        assert "Running stage" not in out and "Data and pipelines are up to date." in out, out


def _changed(repo: Path) -> set[str]:
    res = _dvc(repo, "status", "--json")
    assert res.returncode == 0, res.stdout + res.stderr
    return set(json.loads(res.stdout))


def test_one_variant_yaml_change_reruns_only_that_variant_and_the_aggregations(locked: Path, tmp_path: Path):
    repo = _clone(locked, tmp_path / "edit")
    params = yaml.safe_load((repo / "params.yaml").read_text())
    variant, seed = params["variants"][0], params["seeds"][0]
    path = repo / "baselines" / "variants" / f"{variant}.yaml"
    path.write_text(path.read_text() + "# edited\n")
    assert _changed(repo) == {"validate", f"train@{variant}-{seed}", f"eval@{variant}-{seed}", "bench"}
    # once its train/eval stages have rerun (new numbers), the aggregations follow; no other run
    run = repo / "results" / "runs" / params["tier"] / variant / str(seed)
    (run / "metrics.json").write_text('{"val_loss": 1.0}\n')
    changed = _changed(repo)
    assert changed - AGGREGATIONS == {f"train@{variant}-{seed}", f"eval@{variant}-{seed}"}
    assert {"tables", "figures", "claims", "checksums"} <= changed


def _repro_kernel_sources(repo: Path, *force: str) -> None:
    res = _dvc(repo, "repro", *force, "-s", "kernel-sources")
    assert res.returncode == 0, res.stdout + res.stderr


def test_kernel_edits_rerun_only_what_can_run_them(locked: Path, tmp_path: Path, monkeypatch):
    """On this machine (no CUDA in CI) an edit to the Triton kernels reruns `kernel-sources` and
    nothing after it; an edit to code every backend shares (chunked.py) reruns every run. (The
    tests' Triton interpreter would let the kernels run on CPU: the stages run without it.)"""
    if torch.cuda.is_available():
        pytest.skip("with CUDA the Triton kernels can run here: every run depends on them")
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    repo = _clone(locked, tmp_path / "kernels")
    _repro_kernel_sources(repo, "-f")  # the real record in place of the stub, then locked again
    assert _dvc(repo, "commit", "-f").returncode == 0 and _changed(repo) == set()
    triton = repo / "suite" / "kernels" / "triton" / "fwd.py"
    triton.write_text(triton.read_text() + "# edited\n")
    assert _changed(repo) == {"kernel-sources"}
    _repro_kernel_sources(repo)
    assert _changed(repo) == set()
    shared = repo / "suite" / "kernels" / "chunked.py"
    shared.write_text(shared.read_text() + "# edited\n")
    _repro_kernel_sources(repo)
    params = yaml.safe_load((repo / "params.yaml").read_text())
    runs = {f"{stage}@{v}-{s}" for stage in ("train", "eval") for v in params["variants"] for s in params["seeds"]}
    assert runs | {"bench"} <= _changed(repo)


def test_report_stages_run_under_dvc(tmp_path: Path):
    """The aggregation stages' commands run for real on a made-up result tree."""
    from report_fake_results import write_fake_bench, write_fake_results

    repo = _copy(tmp_path / "repo")
    params = _params()
    write_fake_results(repo / "results", params["variants"], params["seeds"], params["tier"])
    write_fake_bench(repo / "results/bench/cpu", params["variants"])
    res = _dvc(repo, "repro", "-s", "tables", "figures", "claims", "checksums")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "files verified" in res.stdout
    assert (repo / "results/tables/tiny/position.md").is_file()
    speed = (repo / "results/tables/tiny/speed.md").read_text()
    assert "| Variant | Kind | Backend | Tokens/s (median) | p20-p80 | Peak memory (MB) |" in speed
    assert "| shape | kind | backend | fwd ms | fwd p20-p80 | fwd x SDPA |" in speed
    assert (repo / "results/figures/tiny/decay_simple.png").is_file()
    assert "## F4" in (repo / "results/claims.md").read_text()
    assert _dvc(repo, "status", "-q", "tables", "figures", "claims", "checksums").returncode == 0


def _tracked_copy(dst: Path) -> Path:
    """The git-tracked files of this checkout (as in the working tree) in a fresh git repo at dst:
    what a clean clone of the commit-to-be holds (no DVC cache, no data, no checkpoints)."""
    res = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if res.returncode != 0:
        pytest.skip("not a git checkout: the committed dvc.lock cannot be told from local files")
    for rel in filter(None, res.stdout.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():  # a tracked file deleted in the working tree is left out, as a commit would
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)
    subprocess.run(["git", "init", "-q", str(dst)], check=True)
    return dst


def test_committed_lock_is_current(tmp_path: Path):
    """The README's fresh-clone check on this checkout's own tracked files: dvc.lock records the
    current code, parameters and results, so `dvc repro --allow-missing --dry` runs nothing. A
    change under a stage's dependencies (e.g. suite/model, which train and eval depend on) fails
    here until `dvc repro` has rerun the stages it names and dvc.lock is committed with them."""
    repo = _tracked_copy(tmp_path / "clone")
    res = _dvc(repo, "repro", "--allow-missing", "--dry")
    out = res.stdout + res.stderr
    # a changed stage is listed ("Running stage 'x'") or, when its inputs are absent here (data,
    # checkpoints), stops the dry run ("failed to reproduce 'x'")
    marks = ("Running stage '", "failed to reproduce '")
    stale = sorted({line.split("'")[1] for line in out.splitlines() if any(m in line for m in marks)})
    assert not stale, (
        f"dvc.lock is stale: `dvc repro` would rerun {', '.join(stale[:6])}{', ...' if len(stale) > 6 else ''}"
        "; run `dvc repro` and commit dvc.lock with its outputs")
    assert res.returncode == 0 and "Data and pipelines are up to date." in out, out
