"""`suite list`: the registered decays with their kinds and supported axes; `--grid`: the paper's
grid; `--backends`: the kernel backends.

    suite list              one row per decay: name, kind(s), granularity, share, pe, options
    suite list --grid       the grid's variants by study: decay, granularity, share, pe, label
    suite list --backends   one row per kernel backend (built-in or plugin, suite.kernel_plugins):
                            where it comes from, the devices and decay kinds it declares, and
                            whether it runs on this machine (or why not)
"""

from __future__ import annotations

import argparse

from suite.decay import DECAYS, get_decay
from suite.variants import STUDIES, load_variant, variant_names


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grid", action="store_true", help="list the grid's variants by study")
    parser.add_argument("--backends", action="store_true",
                        help="list the kernel backends (built-in and installed plugins) and where they run")


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def decay_rows() -> list[list[str]]:
    rows = [["decay", "kind", "granularity", "share", "pe", "options (default)"]]
    for name in DECAYS.names():
        cls = get_decay(name)
        kinds = ",".join(cls.kinds)
        shares = ",".join(cls.shares) + ("*" if cls.share_option else "")
        opts = ", ".join(f"{k}={v}" for k, v in cls.option_defaults.items()) or "-"
        rows.append([name, kinds, ",".join(cls.granularities()), shares, ",".join(cls.pes), opts])
    return rows + plugin_rows()


def plugin_rows() -> list[list[str]]:
    """Decays from installed plugins (entry-point group decay_suite.decays), marked '(plugin)'."""
    from suite.plugins import plugin_decays

    rows = []
    for name, cls in plugin_decays().items():
        opts = ", ".join(f"{k}={v}" for k, v in cls.option_defaults.items()) or "-"
        rows.append([f"{name} (plugin)", ",".join(cls.kinds), ",".join(cls.granularities()),
                     ",".join(cls.shares), ",".join(cls.pes), opts])
    return rows


def backend_rows(device: str) -> list[list[str]]:
    """One row per kernel backend: name, source (built-in or its import spec), the devices and
    decay kinds it declares, and whether it runs on `device` (else why not)."""
    from suite.errors import SuiteError
    from suite.kernel_plugins import DEVICES, builtin_backends, plugin_backends, resolve
    from suite.kernels import KINDS

    rows = [["backend", "source", "devices", "kinds", f"on {device}"]]
    specs = {**dict.fromkeys(builtin_backends(), "built-in"), **plugin_backends()}
    for name, source in specs.items():
        try:
            fn = resolve(name)
        except SuiteError as exc:
            rows.append([name, source, "-", "-", f"no: {exc}"])
            continue
        devices = getattr(fn, "devices", DEVICES)
        rows.append([name, source, ",".join(devices), ",".join(getattr(fn, "kinds", KINDS)),
                     "yes" if device in devices else "no"])
    return rows


def grid_lines() -> list[str]:
    variants = [load_variant(n) for n in variant_names()]
    out = []
    for study in STUDIES + ("custom",):
        group = [v for v in variants if v.study == study]
        if not group:
            continue
        rows = [["variant", "mixer", "decay", "granularity", "share", "pe", "label"]]
        rows += [[v.name, v.mixer, v.decay, v.granularity, v.share, v.pe, v.label] for v in group]
        out += [f"## {study} ({len(group)})", _table(rows), ""]
    return out


def run(args: argparse.Namespace) -> int:
    if args.grid:
        print("\n".join(grid_lines()).rstrip())
    elif args.backends:
        import torch

        print(_table(backend_rows("cuda" if torch.cuda.is_available() else "cpu")))
    else:
        print(_table(decay_rows()))
        print("(* share key through an option, e.g. mamba_ablation_share: true; see suite/decay/README.md)")
    return 0
