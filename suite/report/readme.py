"""`suite readme`: write the current tier's results into README.md, between two marker lines.

    suite readme [--grid results/grid.json] [--results results] [--readme README.md] [--check]

Only the text between `BEGIN` and `END` (HTML comments, so invisible on GitHub) is replaced; the
rest of the file is left byte for byte. The block holds, all computed from results/ with the same
code as `suite tables` / `suite claims`: the verdict on each finding (with its item counts), one
compact table per study (bits per byte, perplexity, average zero-shot accuracy, recall, median
decay, and the training-step throughput and peak memory of `suite bench`), and the kernel
benchmark per decay kind and backend against causal SDPA. `--check` writes nothing and exits 1
when the README's block differs from what the results give (tests run it on the committed
files, so the README cannot drift from results/).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from suite.errors import SuiteError
from suite.provenance import write_text_atomic
from suite.report.findings import all_findings
from suite.report.grid import STUDIES, Grid, load_grid, study_rows
from suite.report.results import collect, summary
from suite.report.speed import DASH, KERNEL_HEADERS, kernel_rows, load_bench

BEGIN = "<!-- BEGIN suite readme: generated from results/ by `suite readme`; do not edit by hand -->"
END = "<!-- END suite readme -->"
# second block: the GPU kernel benchmarks (results/bench/<gpu>/kernels.json, every folder but cpu)
GPU_BEGIN = "<!-- BEGIN suite readme gpu kernels: generated from results/bench/ by `suite readme` -->"
GPU_END = "<!-- END suite readme gpu kernels -->"

# (column key, header, digits, scale): the main columns of the study tables
MAIN = (("val_bits_per_byte", "Val bits/byte", 3, 1.0), ("val_perplexity", "Val ppl", 1, 1.0),
        ("acc_avg", "Avg acc (%)", 1, 100.0), ("recall", "Recall (%)", 1, 100.0),
        ("median_decay", "Median decay", 3, 1.0))


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grid", default="results/grid.json", help="written by suite validate")
    parser.add_argument("--results", default="results", help="results root")
    parser.add_argument("--bench", default=None,
                        help="benchmark folder (default: <results>/bench/<bench.device of params.yaml>, else cpu)")
    parser.add_argument("--readme", default="README.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the README block is out of date")


def _bench_device(default: str = "cpu") -> str:
    import yaml

    from suite.tiers import ROOT

    try:
        params = yaml.safe_load((ROOT / "params.yaml").read_text()) or {}
    except OSError:
        return default
    return ((params.get("bench") or {}).get("device")) or default


def run(args: argparse.Namespace) -> int:
    readme = Path(args.readme)
    bench = Path(args.bench) if args.bench else Path(args.results) / "bench" / _bench_device()
    block = generate(load_grid(args.grid), Path(args.results), bench)
    text = readme.read_text(encoding="utf-8")
    new = replace_block(text, block, str(readme))
    if GPU_BEGIN in text:
        new = replace_block(new, generate_gpu(Path(args.results) / "bench"), str(readme), GPU_BEGIN, GPU_END)
    if args.check:
        if new != text:
            print(f"{readme}: the generated results block is out of date; run `suite readme`",
                  file=sys.stderr)
            return 1
        print(f"{readme}: results block up to date")
        return 0
    if new != text:
        write_text_atomic(readme, new)
    print(f"{readme}: results block {'rewritten' if new != text else 'already up to date'}")
    return 0


def replace_block(text: str, block: str, source: str = "README.md", begin: str = BEGIN,
                  end: str = END) -> str:
    """`text` with the lines between `begin` and `end` replaced by `block` (markers kept)."""
    if text.count(begin) != 1 or text.count(end) != 1:
        raise SuiteError(f"{source}: needs exactly one line '{begin}' and one '{end}'")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return head + begin + "\n" + block.rstrip("\n") + "\n" + end + tail


def _versions(data: dict) -> str:
    """'torch X, triton Y, fla-core Z' from the first run's provenance (merged or single run)."""
    prov = (data.get("runs") or [{"provenance": data.get("provenance", {})}])[0]["provenance"]
    v = prov.get("versions", {})
    names = (("torch", "torch"), ("triton", "triton"), ("fla-core", "fla-core"))
    return ", ".join(f"{label} {v[k]}" for k, label in names if v.get(k))


def _run_legend(runs: list[dict]) -> str:
    """'Runs: 1 `path` (commit abc1234), ...' for a merged kernels.json (suite.bench.merge); runs
    that recorded their source digest also show its first digits ('code 1a2b3c4')."""
    def one(i, r):
        git = r["provenance"].get("git", {})
        dirty = " with uncommitted changes" if git.get("dirty") else ""
        code = f", code {git['code_sha256'][:7]}" if git.get("code_sha256") else ""
        return f"{i} `{r['source']}` (commit {str(git.get('commit', '?'))[:7]}{dirty}{code})"
    return "Runs: " + "; ".join(one(i, r) for i, r in enumerate(runs, 1)) + "."


def generate_gpu(bench: Path) -> str:
    """One table per GPU folder under `bench` (kernel_rows), plus ours-vs-fla speed-ups."""
    from suite.bench.protocol import row_timer
    from suite.bench.report import speedups

    out = []
    for folder in sorted(p for p in bench.iterdir() if p.is_dir() and p.name != "cpu"):
        kernels = load_bench(folder, "kernels.json")
        if not kernels or not kernels.get("rows"):
            continue
        device = (kernels.get("runs") or [{"provenance": kernels.get("provenance", {})}])[0][
            "provenance"].get("device", {}).get("name", folder.name)
        merged = bool(kernels.get("runs"))
        graph = any(row_timer(r) == "graph" for r in kernels["rows"])
        out += [(f"**{device}** (`{folder.as_posix()}/kernels.md`; {_versions(kernels)}; bf16; "
                 f"medians of `triton.testing.do_bench`, L2 flushed"
                 + ("; a backend marked (graph): medians of CUDA-graph replays of the call, L2 "
                    "flushed, the GPU's time alone" if graph else "")
                 + "; p20-p80 beside them; a backend that fails its fp64 check at a shape gets no "
                 "time there" + ("; x SDPA within one run and timer" if merged else "") + "):"), "",
                _table(KERNEL_HEADERS + (["run"] if merged else []), kernel_rows(kernels, merged), left=3)]
        if merged:
            out += [_run_legend(kernels["runs"]), ""]
        fla = speedups(kernels["rows"]).strip()
        if fla:
            out += [fla.replace("## triton vs fla (fla ms / triton ms)", "Ours against fla in the "
                                "same run (fla ms / ours ms):"), ""]
    return "\n".join(out).rstrip("\n") + "\n" if out else "No GPU benchmark committed yet.\n"


def _table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    """A Markdown table; the first `left` columns left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---" if i < left else "---:" for i in range(len(headers))) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows]) + "\n"


def _cell(runs, name: str, key: str, digits: int, scale: float) -> str:
    s = summary(runs, name, key)
    if s.mean is None:
        return DASH
    text = f"{s.mean * scale:.{digits}f}"
    return text if s.std is None else f"{text} ± {s.std * scale:.{digits}f}"


def study_rows_compact(grid: Grid, runs, study: str, train_bench: dict | None) -> list[list[str]]:
    by_name = {r.get("variant"): r for r in (train_bench or {"rows": []})["rows"] if isinstance(r, dict)}
    rows = []
    for name in study_rows(grid, study):
        b = by_name.get(name)
        rows.append([grid.label(name), *(_cell(runs, name, k, d, sc) for k, _, d, sc in MAIN),
                     DASH if b is None else f"{b['tokens_per_s']:,.0f}",
                     DASH if b is None else f"{b['peak_memory_mb']:,.0f}"])
    return rows


def generate(grid: Grid, results: Path, bench: Path) -> str:
    runs = collect(grid, results)
    findings = all_findings(grid, runs)
    train_bench, kernels = load_bench(bench, "train.json"), load_bench(bench, "kernels.json")
    seeds = ", ".join(str(s) for s in grid.seeds)
    out = [f"### Results: {grid.tier} tier, seed(s) {seeds}", "",
           (f"Generated by `suite readme` from `results/` (the runs of `results/grid.json`, "
           f"`{bench.as_posix()}`); `suite readme --check` fails when this block differs from "
           f"the results. Full tables: `results/tables/{grid.tier}/`; the test behind each "
           f"verdict, with its numbers: `results/claims.md`."), "",
           (f"**Findings** (metric `{grid.claims.metric}`, noise floor {grid.claims.noise_floor}; "
           f"with fewer than 3 seeds a difference within the floor or the seed range is "
           f"inconclusive):"), ""]
    frows = []
    for f in findings:
        counts = {o: sum(i.outcome == o for i in f.items)
                  for o in ("supports", "contradicts", "inconclusive", "no data")}
        frows.append([f.id, f"**{f.verdict}**", f.statement,
                      " / ".join(str(counts[o]) for o in counts)])
    out += [_table(["finding", "verdict", "paper's finding", ("items: supports / contradicts / "
                    "inconclusive / no data")], frows, left=3)]
    headers = ["Variant", *(h for _, h, _, _ in MAIN), "Step tokens/s", "Peak MB"]
    for study in (s for s in STUDIES if s in grid.studies):
        out += [f"**{study.capitalize()}**", "",
                _table(headers, study_rows_compact(grid, runs, study, train_bench))]
    if train_bench and train_bench["rows"]:
        r0 = train_bench["rows"][0]
        out += [(f"Step tokens/s: median over {r0.get('steps')} timed training steps of the tier's "
                f"shape (`suite bench`, {r0.get('device')}, {r0.get('threads')} threads; p20-p80 in "
                f"`results/tables/{grid.tier}/speed.md`); peak memory: {r0.get('memory')}. "
                f"Timings vary from run to run and are not in the checksums."), ""]
    if kernels:
        out += [("**Kernels** (forward and forward+backward, median and p20-p80 ms; x SDPA = "
                "median / causal softmax SDPA's at the same shape):"), "",
                _table(KERNEL_HEADERS, kernel_rows(kernels), left=3)]
        skipped = {b: s for b, s in (kernels.get("backends") or {}).items() if s != "timed"}
        if skipped:
            out += ["Not timed here: " + "; ".join(f"`{b}` ({s.removeprefix('not timed: ')})"
                                                   for b, s in skipped.items()) + ".", ""]
    return "\n".join(out).rstrip("\n") + "\n"
