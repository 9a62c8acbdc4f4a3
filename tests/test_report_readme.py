"""`suite readme`: the README's generated block equals what the committed results give, a changed
result makes the check fail, and only the text between the markers is rewritten. ~5 s."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from report_fake_results import write_fake_bench, write_fake_results

from suite.cli import main
from suite.errors import SuiteError
from suite.report.grid import load_grid
from suite.report.readme import BEGIN, END, generate, replace_block
from suite.tiers import ROOT

RESULTS = ROOT / "results"


def _bench_dir() -> Path:
    import yaml

    device = (yaml.safe_load((ROOT / "params.yaml").read_text()).get("bench") or {}).get("device", "cpu")
    return RESULTS / "bench" / device


def _committed_inputs(dst: Path) -> Path:
    """A copy of the result files the generator reads (grid, run JSON/CSV, bench), nothing else."""
    grid = load_grid(RESULTS / "grid.json")
    (dst / "results").mkdir(parents=True)
    shutil.copy2(RESULTS / "grid.json", dst / "results" / "grid.json")
    for v in grid.variants:
        for s in grid.seeds:
            src = grid.run_dir(RESULTS, v, s)
            if src.is_dir():
                shutil.copytree(src, grid.run_dir(dst / "results", v, s),
                                ignore=shutil.ignore_patterns("ckpt", ".gitignore"))
    if (RESULTS / "bench").is_dir():  # the tier's bench folder and the GPU ones (second block)
        shutil.copytree(RESULTS / "bench", dst / "results" / "bench")
    shutil.copy2(ROOT / "README.md", dst / "README.md")
    return dst


def _readme(*extra: str) -> int:
    """`suite readme` with the repository's relative paths (run inside the copy)."""
    return main(["readme", "--bench", f"results/bench/{_bench_dir().name}", *extra])


@pytest.mark.skipif(not (RESULTS / "grid.json").is_file(), reason="no committed results")
def test_committed_readme_block_matches_committed_results(tmp_path, monkeypatch):
    """The README cannot drift: `suite readme --check` on the committed files passes."""
    monkeypatch.chdir(_committed_inputs(tmp_path))
    assert _readme("--check") == 0, "README.md's results block is out of date: run `suite readme`"
    block = generate(load_grid("results/grid.json"), Path("results"), Path("results/bench") / _bench_dir().name)
    assert BEGIN + "\n" + block + END in (ROOT / "README.md").read_text()


@pytest.mark.skipif(not (RESULTS / "grid.json").is_file(), reason="no committed results")
def test_a_changed_result_makes_the_check_fail(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(_committed_inputs(tmp_path))  # relative paths, as in the repository
    grid = load_grid("results/grid.json")
    v, s = grid.variants[0], grid.seeds[0]
    path = grid.run_dir("results", v, s) / "metrics.json"
    data = json.loads(path.read_text())
    data["val_bits_per_byte"] += 0.5
    path.write_text(json.dumps(data))
    assert _readme("--check") == 1
    assert "out of date" in capsys.readouterr().err
    before = Path("README.md").read_text()
    assert _readme() == 0  # rewrites the block only
    after = Path("README.md").read_text()
    assert after != before and _readme("--check") == 0
    assert after.split(BEGIN)[0] == before.split(BEGIN)[0]
    assert after.split(END)[1] == before.split(END)[1]


def test_generated_block_from_made_up_results(tmp_path):
    root = tmp_path / "results"
    variants = ["mamba2", "mamba2-scalar", "mamba2-share", "mamba2-scalar-rope", "none", "softmax"]
    grid = write_fake_results(root, variants, [0, 1], rng_seed=3)
    write_fake_bench(root / "bench" / "cpu", variants)
    block = generate(grid, root, root / "bench" / "cpu")
    assert block.startswith("### Results: tiny tier, seed(s) 0, 1\n")
    for fid in ("F1", "F2", "F3", "F4"):
        assert f"| {fid} | **" in block
    assert "| Variant | Val bits/byte | Val ppl | Avg acc (%) | Recall (%) | Median decay | Step tokens/s |" in block
    assert "| B16_T256_H2_D64 | softmax | sdpa | " in block and "| 1.00 |" in block
    assert "`triton` (interpreter only)" in block
    # the same inputs always give the same bytes
    assert generate(grid, root, root / "bench" / "cpu") == block


def test_replace_block_touches_only_the_marked_lines():
    text = f"intro\n{BEGIN}\nold\n{END}\noutro\n"
    assert replace_block(text, "new\n") == f"intro\n{BEGIN}\nnew\n{END}\noutro\n"
    with pytest.raises(SuiteError, match="exactly one"):
        replace_block("no markers\n", "x")
    with pytest.raises(SuiteError, match="exactly one"):
        replace_block(text + BEGIN + "\n", "x")


def test_gpu_block_lists_each_gpu_folder_and_the_fla_speedup(tmp_path):
    from suite.report.readme import generate_gpu

    def row(backend, mode, ms):
        return {"shape": "B1_T8_H1_D8", "kind": "scalar", "backend": backend, "mode": mode, "ms": ms,
                "ms_p20": ms, "ms_p80": ms, "check": {"errors": {"o": 1e-3}, "passed": True}}

    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "kernels.json").write_text(json.dumps({"rows": [row("chunked", "fwd", 9.0)]}))
    gpu = tmp_path / "gpu-x"
    gpu.mkdir()
    prov = {"device": {"name": "GPU X"}, "versions": {"torch": "9.9", "triton": "8.8", "fla-core": "7.7"}}
    gpu.joinpath("kernels.json").write_text(json.dumps({
        "rows": [row("triton", "fwd", 1.0), row("fla", "fwd", 2.0), row("sdpa", "fwd", 4.0)],
        "provenance": prov}))
    text = generate_gpu(tmp_path)
    assert "**GPU X**" in text and "torch 9.9, triton 8.8, fla-core 7.7" in text
    assert "chunked" not in text  # the cpu folder belongs to the tier's block
    assert "| B1_T8_H1_D8 | scalar | fwd | 2.00x |" in text
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| B1_T8_H1_D8 | scalar | ")]
    assert [r[2] for r in rows] == ["triton", "fla", "sdpa", "fwd"] and float(rows[0][3]) == 1.0
    assert generate_gpu(tmp_path / "cpu") == "No GPU benchmark committed yet.\n"


def test_gpu_block_of_a_merged_table_names_each_rows_run(tmp_path):
    """A merged kernels.json (suite.bench.merge): a run column, the list of runs with their
    commits (and source digests where recorded), and no ratio across runs."""
    from suite.bench.merge import write_merged
    from suite.report.readme import generate_gpu

    def run(name, commit, rows, **git):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"rows": rows, "backends": {"triton": "timed"}, "provenance": {
            "device": {"name": "GPU X"}, "git": {"commit": commit, "dirty": False, **git}}}))
        return path

    def row(backend, mode, ms):
        return {"shape": "B1_T8_H1_D8", "kind": "scalar", "backend": backend, "mode": mode, "ms": ms,
                "ms_p20": ms, "ms_p80": ms, "check": {"errors": {"o": 1e-3}, "passed": True}}

    a = run("a", "a" * 40, [row("triton", "fwd", 2.0), row("fla", "fwd", 4.0)])
    b = run("b", "b" * 40, [row("triton", "fwdbwd", 5.0), row("fla", "fwd", 3.0)], code_sha256="c" * 64)
    write_merged([a, b], tmp_path / "bench" / "gpux")
    text = generate_gpu(tmp_path / "bench")
    assert "| triton |" in text and text.count("| run |") == 1
    # three significant digits with their trailing zeros: 2.00 ms, not 2
    assert "| B1_T8_H1_D8 | scalar | triton | 2.00 | 2.00-2.00 | – | 5.00 | 5.00-5.00 | – | 1, 2 |" in text
    assert f"Runs: 1 `{a}` (commit aaaaaaa); 2 `{b}` (commit bbbbbbb, code ccccccc)." in text
    assert "speed-up" not in text  # ours (run 1) and fla's forward (run 2) are not paired
