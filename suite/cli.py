"""`suite <command>`: the command-line entry point of decay-suite.

Each command lives in its own module exposing `configure(parser)` and `run(args) -> int`; the
module is imported only when its command runs, so `suite --help` stays fast. Bad input raises
`SuiteError`, printed here as one line (exit status 2).

    suite list [--grid]          registered decays with kind and axes; the paper's grid
    suite prepare ...            corpus, tokenizer and token shards
    suite train ...              train one variant at one tier and seed
    suite eval RUN_DIR ...       lm-eval tasks, perplexity, recall and decay statistics
    suite bench ...              kernel and training-throughput benchmarks
    suite kernel-sources         hash the kernel code that can run here (dvc stage)
    suite tables|figures|claims  regenerate the paper's tables, figures and findings
    suite verify                 recompute results/CHECKSUMS.sha256
    suite readme [--check]       write the current results into README.md's generated block
    suite submit module:Class    validate, run and rank a new decay variant
"""

from __future__ import annotations

import argparse
import importlib
import sys

from suite.errors import SuiteError

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("suite.commands.list_cmd", "list registered decays (and --grid: the paper's grid)"),
    "prepare": ("suite.data.prepare", "build corpus, tokenizer and token shards"),
    "prepare-eval": ("suite.eval.prepare", "extract the pinned evaluation sets into tasks/"),
    "train": ("suite.train", "train one variant at one tier and seed"),
    "eval": ("suite.eval.run", "evaluate a trained run directory"),
    "bench": ("suite.bench.cli", "kernel and training-throughput benchmarks"),
    "kernel-sources": ("suite.commands.kernel_sources", "hash the kernel code that can run on this machine"),
    "validate": ("suite.report.validate", "check params.yaml (tier, variants, seeds, studies)"),
    "tables": ("suite.report.tables", "regenerate the per-study tables"),
    "figures": ("suite.report.figures", "regenerate the figures"),
    "claims": ("suite.report.claims", "judge the paper's four findings on our results"),
    "checksums": ("suite.report.checksums", "write results/CHECKSUMS.sha256"),
    "verify": ("suite.report.verify", "recompute results/CHECKSUMS.sha256 and report mismatches"),
    "readme": ("suite.report.readme", "write the current tier's tables and verdicts into README.md"),
    "submit": ("suite.submit", "validate, run and rank a new decay variant"),
}


def build_parser(command: str | None) -> tuple[argparse.ArgumentParser, object | None]:
    parser = argparse.ArgumentParser(prog="suite", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    module = None
    for name, (modname, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_)
        if name == command:
            module = importlib.import_module(modname)
            module.configure(p)
    return parser, module


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if not a.startswith("-")), None)
    try:
        parser, module = build_parser(command if command in COMMANDS else None)
        args = parser.parse_args(argv)
        if module is None:
            parser.print_help()
            return 0 if not argv or argv[0] in ("-h", "--help") else 2
        return int(module.run(args) or 0)
    except SuiteError as exc:
        print(f"suite {command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
