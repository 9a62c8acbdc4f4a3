"""Merge several `suite bench` runs of one GPU into one `kernels.json` / `kernels.md`.

A GPU session is short, so one device's table is often measured in several `suite bench` calls
(e.g. one per shape). This joins their rows (a later file's row replaces an earlier one with the
same shape, kind, backend, mode and timer), keeps every run's provenance under `runs`, tags each row with
the 1-based index of its run (`run`), and renders the table with `suite.bench.report.markdown`.
Ratios (x SDPA, ours vs fla) pair only rows of one run: kernels and peers measured side by side.
Nothing is edited by hand.

    python -m suite.bench.merge --out results/bench/h200 run1/kernels.json run2/kernels.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from suite.bench.protocol import row_timer
from suite.bench.report import markdown
from suite.errors import SuiteError
from suite.provenance import provenance, write_json_atomic, write_text_atomic


def _key(row: dict) -> tuple:
    return row["shape"], row["kind"], row["backend"], row["mode"], row_timer(row)


def merge(paths: list[Path]) -> dict:
    """{"rows", "backends", "runs", "device"} of the runs in `paths` (all of one device)."""
    rows: dict[tuple, dict] = {}
    runs, backends, names = [], {}, set()
    for path in paths:
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise SuiteError(f"{path}: not a readable suite bench result ({exc})") from None
        if "rows" not in data or "provenance" not in data:
            raise SuiteError(f"{path}: missing key 'rows' or 'provenance'; expected a suite bench kernels.json")
        prov = data["provenance"]
        names.add(prov.get("device", {}).get("name", "?"))
        runs.append({"source": str(path), "provenance": prov})
        backends.update(data.get("backends", {}))
        for row in data["rows"]:
            rows[_key(row)] = dict(row, run=len(runs))  # 1-based index into `runs`
    if len(names) > 1:
        raise SuiteError(f"runs of different devices cannot be merged: {sorted(names)}")
    ceilings = [r["provenance"]["ceilings"] for r in runs if "ceilings" in r["provenance"]]
    return {"rows": list(rows.values()), "backends": backends, "runs": runs, "device": names.pop(),
            "ceilings": ceilings[-1] if ceilings else None}


def write_merged(paths: list[Path], out_dir: Path) -> tuple[Path, Path]:
    m = merge(paths)
    data = {"rows": m["rows"], "backends": m["backends"], "runs": m["runs"],
            "provenance": provenance(merged_from=[r["source"] for r in m["runs"]])}
    json_path = write_json_atomic(out_dir / "kernels.json", data)
    md_path = write_text_atomic(out_dir / "kernels.md", markdown(m["rows"], m["device"], m["backends"],
                                                                 runs=[r["source"] for r in m["runs"]],
                                                                 ceilings=m["ceilings"]))
    return json_path, md_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", type=Path, help="kernels.json files of suite bench runs")
    ap.add_argument("--out", type=Path, required=True, help="folder for the merged kernels.json/.md")
    a = ap.parse_args(argv)
    try:
        json_path, md_path = write_merged(a.runs, a.out)
    except SuiteError as exc:
        print(f"error: {exc}")
        return 2
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
