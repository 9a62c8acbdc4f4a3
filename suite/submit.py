"""`suite submit`: validate a new decay, run the tier's fixed protocol on it and rank it.

    suite submit my_pkg.my_decay:MyDecay --name mine [--tier tiny] [--seeds 0 1 2]
                 [--granularity vector|scalar] [--share none|key] [--pe none|lrpe|rope]
                 [--options p=0.9 flag=true] [--data data/TIER] [--validate-only] [--replace]
    suite submit power --name power ...        # a plugin installed under the entry-point group
                                               # decay_suite.decays (see suite/plugins.py)
    suite submit --from-result FILE            # file a result computed elsewhere (guarded)
    suite submit --render --tier tiny          # re-check every entry and regenerate the pages

Steps: (1) the plugin is validated before any compute (`suite.leaderboard.validate`: shape,
sign, finiteness at large inputs, gradients, parameter count, kernel conformance on every
installed backend); (2) the board and the protocol are checked (a changed submission file or a
different data sha256 / token budget / eval protocol / suite version is refused); (3) each seed is
trained and evaluated by the grid's own commands (`suite train`, `suite eval`) into
`results/leaderboard/<tier>/runs/<NAME>/<seed>`; (4) `results/leaderboard/<tier>/<NAME>.json` and
the index are staged, `results/LEADERBOARD.md` and `results/leaderboard.html` rendered, and only
then everything is written (temp file + rename each). A refused submission changes nothing.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import yaml

from suite.errors import SuiteError

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("decay", nargs="?", help="module:Class, or a plugin's entry-point name")
    parser.add_argument("--name", help="the submission's name on the board")
    parser.add_argument("--tier", default="tiny", help="protocol tier (baselines/tiers/<tier>.yaml)")
    parser.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="training seeds (default: the grid's, params.yaml; >= 3 for significance)")
    parser.add_argument("--granularity", default=None,
                        help="vector | scalar (default: the first the decay supports)")
    parser.add_argument("--share", default="none", help="none | key")
    parser.add_argument("--pe", default="none", help="none | lrpe | rope | rope_half | tpe")
    parser.add_argument("--options", nargs="*", default=[], metavar="K=V", help="decay options")
    parser.add_argument("--data", default=None, help="prepared data (default data/<tier>)")
    parser.add_argument("--eval-data", default=None, help="evaluation sets (default tasks/data)")
    parser.add_argument("--results", default="results", help="results folder")
    parser.add_argument("--params", default="params.yaml", help="the grid's params.yaml")
    parser.add_argument("--device", default=None, help="cpu | cuda (default: as suite train)")
    parser.add_argument("--backend", default=None, help="kernel backend for training")
    parser.add_argument("--validate-only", action="store_true", help="run the checks only")
    parser.add_argument("--replace", action="store_true", help="replace an entry of the same name")
    parser.add_argument("--from-result", default=None, help="a submission JSON to file after the guard")
    parser.add_argument("--render", action="store_true", help="only re-check and regenerate the pages")


def parse_options(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SuiteError(f"--options: '{item}' must be KEY=VALUE (e.g. p=0.9)")
        out[key] = yaml.safe_load(value)
    return out


def make_variant(args: argparse.Namespace):
    """The submission's variant; refuses a built-in decay or a name the grid already uses."""
    from suite.decay import DECAYS, get_decay
    from suite.variants import Variant, variant_names

    if not args.decay or not args.name:
        raise SuiteError("suite submit needs a decay (module:Class or plugin name) and --name")
    if args.decay in DECAYS:
        raise SuiteError(f"decay '{args.decay}' is built in and already on the grid; submit a plugin")
    if not NAME_RE.match(args.name):
        raise SuiteError(f"--name '{args.name}' must be letters, digits, '_', '.', '-' (at most 64)")
    if args.name in variant_names():
        raise SuiteError(f"--name '{args.name}' is a variant of the grid; choose another name")
    supported = get_decay(args.decay).granularities()  # a bad declaration is refused by validation
    granularity = args.granularity or (supported[0] if supported else "vector")
    return Variant(name=args.name, mixer="decay", decay=args.decay, granularity=granularity,
                   share=args.share, pe=args.pe, options=parse_options(args.options),
                   label=args.name, study="custom")


def _run_command(module: str, argv: list[str]) -> None:
    """Run a suite command through its own parser and `run` (the code `dvc repro` runs)."""
    import importlib

    mod = importlib.import_module(module)
    parser = argparse.ArgumentParser(prog=f"suite {module}")
    mod.configure(parser)
    if mod.run(parser.parse_args(argv)) != 0:
        raise SuiteError(f"{module} {' '.join(argv)} failed")


def run_seeds(variant, args: argparse.Namespace, data_dir: Path, runs_root: Path) -> list[dict]:
    """Train and evaluate every seed with the grid's commands; one record per seed."""
    from suite.leaderboard.entry import run_values
    from suite.plugins import register_variant

    register_variant(variant)
    records = []
    for seed in args.seeds:
        out = runs_root / str(seed)
        train = ["--variant", variant.name, "--tier", args.tier, "--seed", str(seed), "--out", str(out),
                 "--data", str(data_dir)]
        train += ["--device", args.device] if args.device else []
        train += ["--backend", args.backend] if args.backend else []
        _run_command("suite.train", train)
        ev = [str(out)] + (["--device", args.device] if args.device else [])
        _run_command("suite.eval.run", ev + (["--eval-data", args.eval_data] if args.eval_data else []))
        records.append(run_values(out, seed))
    return records


def submit(args: argparse.Namespace) -> dict:
    """Validate, run and stage the submission; returns the entry (files written at the end)."""
    from suite.data.shards import read_meta
    from suite.decay import get_decay
    from suite.leaderboard.board import board_dir, load_board
    from suite.leaderboard.entry import build_entry
    from suite.leaderboard.protocol import check_protocol, current_protocol
    from suite.leaderboard.rank import load_grid
    from suite.leaderboard.validate import validate_submission
    from suite.tiers import load_section
    from suite.training.config import ModelSizes

    variant = make_variant(args)
    if args.seeds is None:
        args.seeds = list(load_grid(args.params, args.tier).seeds)
    data_dir = Path(args.data or Path("data") / args.tier)
    board = load_board(args.results, args.tier)  # a tampered board stops here, before compute
    if variant.name in board.submissions and not args.replace:
        raise SuiteError(f"submission '{variant.name}' is already on the {args.tier} leaderboard; "
                         f"choose another --name or pass --replace")
    proto = current_protocol(args.tier, data_dir)
    if board.protocol:
        check_protocol(variant.name, proto, board.protocol)
    sizes = load_section(args.tier, "model", ModelSizes).sizes()
    vocab = read_meta(data_dir)["tokenizer"]["vocab_size"]
    report = validate_submission(variant, vocab, sizes)
    print_report(variant.name, report)
    if args.validate_only:
        return {"validation": report}
    runs = run_seeds(variant, args, data_dir, board_dir(args.results, args.tier) / "runs" / variant.name)
    entry = build_entry(variant, get_decay(variant.decay), report, proto, runs)
    publish(board, entry, args)
    return entry


def publish(board, entry: dict | None, args: argparse.Namespace) -> None:
    """Stage the entry (if any) and both pages in memory, then write them all."""
    from suite.leaderboard import pages
    from suite.leaderboard.board import commit, stage_submission

    files = stage_submission(board, entry, args.replace) if entry else {}
    files.update(pages(board, args.params))
    for path in commit(files):
        print(f"wrote {path}")


def print_report(name: str, report: dict) -> None:
    for check in report["checks"]:
        mark = "ok  " if check["ok"] else "note"
        print(f"[{mark}] {name} {check['check']}: {check['detail']}")


def from_result(args: argparse.Namespace) -> None:
    """File a submission JSON produced elsewhere (e.g. on a GPU host) after the same guard."""
    from suite.leaderboard.board import load_board
    from suite.tiers import tier_names

    path = Path(args.from_result)
    try:
        entry = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SuiteError(f"{path}: cannot be read as a submission JSON ({exc})") from None
    if not isinstance(entry, dict) or not NAME_RE.match(str(entry.get("name", ""))):
        raise SuiteError(f"{path}: key 'name' is missing or not a valid submission name")
    tier = entry.get("tier") or args.tier
    if tier not in tier_names():
        raise SuiteError(f"{path}: key 'tier' is {tier!r}; allowed: {', '.join(tier_names())}")
    publish(load_board(args.results, tier), entry, argparse.Namespace(**{**vars(args), "tier": tier}))


def run(args: argparse.Namespace) -> int:
    from suite.leaderboard.board import load_board

    if args.from_result:
        from_result(args)
    elif args.render:
        publish(load_board(args.results, args.tier), None, args)
    else:
        submit(args)
    return 0
