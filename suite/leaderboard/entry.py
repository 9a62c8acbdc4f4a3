"""A submission's leaderboard entry, built from its run directories (metrics, eval, decay stats).

    from suite.leaderboard.entry import build_entry, run_values
    entry = build_entry(variant, plugin_cls, validation, protocol, run_dirs)

The entry is what `results/leaderboard/<tier>/<NAME>.json` holds: the plugin (spec, module, class,
file name and sha256 of its source), the variant, the validation report, the protocol with its
fingerprint, per seed every column value (through `suite.report.results`, the reports' own
getters), the decay medians per layer and the run's token count and data sha256, and the
(stable) provenance.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from suite.errors import SuiteError
from suite.leaderboard.protocol import eval_versions, fingerprint
from suite.plugins import source_file, source_sha256
from suite.provenance import provenance, stable

VALUE_KEYS = ("val_loss", "val_bits_per_byte", "val_perplexity", "acc_avg", "recall", "lambada_ppl",
              "median_decay")


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise SuiteError(f"{path}: not found; the run did not finish training and evaluation")
    return json.loads(path.read_text())


def run_values(run_dir: str | Path, seed: int) -> dict[str, Any]:
    """One seed's record: column values, layer medians, tokens seen and data sha256."""
    from suite.report.results import Run, read_curve

    d = Path(run_dir)
    run = Run("submission", seed, _read(d / "metrics.json"), _read(d / "eval.json"),
              _read(d / "decay_stats.json"), read_curve(d / "curve.csv"))
    prov = run.metrics.get("provenance") or {}
    return {
        "seed": seed, "values": {k: run.value(k) for k in VALUE_KEYS},
        "layer_medians": run.layer_medians(),
        "metrics": {"tokens_seen": run.metrics.get("tokens_seen"), "steps": run.metrics.get("steps"),
                    "n_params": run.metrics.get("n_params"), "backend": run.metrics.get("backend"),
                    "data_sha256": prov.get("data_sha256")},
        "eval_versions": eval_versions(run.eval),
    }


def plugin_record(spec: str, cls: type) -> dict[str, Any]:
    path = source_file(cls)
    return {"spec": spec, "module": cls.__module__, "class": cls.__qualname__,
            "source_file": Path(path).name if path else None, "source_sha256": source_sha256(cls)}


def build_entry(variant, cls: type, validation: dict, protocol: dict, runs: list[dict]) -> dict:
    """The submission file's content (see the module docstring)."""
    versions = {json.dumps(r.pop("eval_versions"), sort_keys=True) for r in runs}
    if len(versions) > 1:
        raise SuiteError(f"submission '{variant.name}': its seeds were evaluated with different task versions")
    proto = {**protocol, "eval_versions": json.loads(versions.pop()) if versions else None}
    var = {k: getattr(variant, k) for k in ("mixer", "decay", "granularity", "share", "pe", "options")}
    return {
        "name": variant.name, "tier": protocol["tier"], "kind": validation["kind"],
        "plugin": plugin_record(variant.decay, cls), "variant": var, "validation": validation,
        "protocol": proto, "fingerprint": fingerprint(proto),
        "seeds": [r["seed"] for r in runs], "runs": runs,
        "provenance": stable(provenance(tier=protocol["tier"], variant=variant.name,
                                        plugin=variant.decay)),
    }
