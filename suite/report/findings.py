"""The paper's four findings (decay-spec §0.2) as tests on the grid's results.

Each finding is a list of items (one comparison each, decided by `suite.report.verdict`); the
finding's verdict is the majority rule of `verdict()`. Metric: `claims.metric` of params.yaml
(lower is better; default validation bits per byte).

* F1 (parameterization matters; working settings lie in a range): Simple Decay quality depends
  on p (best vs worst p, vector and scalar sweeps); each Mamba2 ablation differs from Mamba2;
  the four main parameterizations and lssp differ (best vs worst).
* F2 (sharing cannot be applied blindly): for each X with X-share, sharing raises the loss and
  moves the median decay by more than `claims.decay_floor`.
* F3 (vector usually beats scalar): for each parameterization with both, vector has the lower loss.
* F4 (RoPE/LRPE gives no tangible benefit): for each scalar X with X-lrpe / X-rope, the PE run is
  not better than X (it counts as support when it is worse beyond noise or, with >= 3 seeds, when
  the 95% interval rules out a gain larger than the noise floor).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suite.report.grid import Grid, base_of
from suite.report.results import summary
from suite.report.verdict import (A_LOWER, B_LOWER, CONTRADICTS, INCONCLUSIVE, NO_DATA, SUPPORTS,
                                  Comparison, compare, verdict)

SIMPLE_P = ("0.8", "0.9", "0.95", "0.99")
MAIN = ("mamba2", "gla", "hgrn2", "lightnet")


@dataclass(frozen=True)
class Item:
    text: str
    a: str
    b: str
    cmp: Comparison
    outcome: str
    note: str = ""
    decay: Comparison | None = None


@dataclass
class Finding:
    id: str
    statement: str
    test: str
    items: list[Item] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return verdict([i.outcome for i in self.items])


def _cmp(grid: Grid, runs, a: str, b: str, key: str | None = None) -> Comparison:
    floor = grid.claims.decay_floor if key == "median_decay" else grid.claims.noise_floor
    key = key or grid.claims.metric
    return compare(summary(runs, a, key), summary(runs, b, key), floor, grid.claims.alpha)


def _present(grid: Grid, runs, names) -> list[str]:
    return [n for n in names if grid.has(n) and summary(runs, n, grid.claims.metric).n]


def spread_item(grid: Grid, runs, text: str, names) -> Item | None:
    """Best vs worst of `names`: supports if the worst is worse beyond noise."""
    have = _present(grid, runs, names)
    if len(have) < 2:
        return None
    mean = {n: summary(runs, n, grid.claims.metric).mean for n in have}
    best, worst = min(have, key=mean.get), max(have, key=mean.get)
    return differ_item(grid, runs, f"{text}: {worst} vs {best}", worst, best)


def differ_item(grid: Grid, runs, text: str, a: str, b: str) -> Item:
    """`a` and `b` differ: supports if beyond noise; contradicts on >=3-seed equivalence."""
    c = _cmp(grid, runs, a, b)
    if c.outcome == NO_DATA:
        return Item(text, a, b, c, NO_DATA)
    if c.outcome in (A_LOWER, B_LOWER):
        return Item(text, a, b, c, SUPPORTS)
    return Item(text, a, b, c, CONTRADICTS if c.ci_within(grid.claims.noise_floor) else INCONCLUSIVE)


def f1(grid: Grid, runs) -> Finding:
    f = Finding("F1", "The parameterization of the decay must be designed carefully; the "
                "settings that work lie in a narrow range.",
                "Simple Decay's loss depends on p (worst vs best p, vector and scalar sweeps); "
                "each Mamba2 ablation differs from Mamba2; the parameterizations differ "
                "(worst vs best of Mamba2, GLA, HGRN2, LightNet, LSSP).")
    sweeps = [("SD-p sweep (vector): worst vs best p", [f"simple-{p}" for p in SIMPLE_P]),
              ("SD-p sweep (scalar): worst vs best p", [f"simple-scalar-{p}" for p in SIMPLE_P]),
              ("parameterizations: worst vs best", [*MAIN, "lssp"])]
    for text, names in sweeps:
        item = spread_item(grid, runs, text, names)
        f.items += [item] if item else []
    for abl in ("mamba2-no-a", "mamba2-no-dt", "mamba2-no-a-no-dt"):
        if grid.has(abl) and grid.has("mamba2"):
            f.items.append(differ_item(grid, runs, f"{abl} differs from mamba2", abl, "mamba2"))
    return f


def f2(grid: Grid, runs) -> Finding:
    f = Finding("F2", "Parameter sharing cannot be applied blindly: it can push decay values too "
                "large or too small and hurt performance markedly.",
                f"For each X with X-share: X-share has a higher loss than X beyond noise and its "
                f"median decay differs from X's by more than {grid.claims.decay_floor} "
                f"(or the seed range).")
    for name in (n for n in grid.studies.get("sharing", ()) if grid.has(base_of(n) or "")):
        base = base_of(name)
        loss, dec = _cmp(grid, runs, name, base), _cmp(grid, runs, name, base, "median_decay")
        f.items.append(Item(f"{name} vs {base}", name, base, loss, _f2_outcome(grid, loss, dec),
                            _f2_note(loss, dec), dec))
    return f


def _f2_outcome(grid: Grid, loss: Comparison, dec: Comparison) -> str:
    if loss.outcome == NO_DATA:
        return NO_DATA
    if loss.outcome == A_LOWER or loss.ci_within(grid.claims.noise_floor):
        return CONTRADICTS
    if loss.outcome == B_LOWER and dec.outcome in (A_LOWER, B_LOWER):
        return SUPPORTS
    return INCONCLUSIVE


def _f2_note(loss: Comparison, dec: Comparison) -> str:
    if loss.outcome == B_LOWER and dec.outcome not in (A_LOWER, B_LOWER):
        return "loss raised, but the median decay did not move beyond noise"
    return ""


def f3(grid: Grid, runs) -> Finding:
    f = Finding("F3", "Under the same parameterization, scalar decay usually does worse than "
                "vector decay (with some parameterizations scalar can do better).",
                "For each parameterization with both forms: the vector run has the lower loss "
                "beyond noise.")
    for scalar in (n for n in grid.studies.get("granularity", ())
                   if base_of(n) and grid.has(base_of(n))):
        vec = base_of(scalar)
        c = _cmp(grid, runs, vec, scalar)
        outcome = {A_LOWER: SUPPORTS, B_LOWER: CONTRADICTS, NO_DATA: NO_DATA}.get(
            c.outcome, INCONCLUSIVE)
        note = "scalar beats vector here" if outcome == CONTRADICTS else ""
        f.items.append(Item(f"{vec} (vector) vs {scalar}", vec, scalar, c, outcome, note))
    return f


def f4(grid: Grid, runs) -> Finding:
    f = Finding("F4", "RoPE gives no tangible benefit to most linear-attention decays.",
                "For each scalar X with X-lrpe / X-rope: the PE run is not better than X "
                "(worse beyond noise, or with >= 3 seeds a gain above the noise floor is "
                "ruled out by the 95% interval).")
    for pe in (n for n in grid.studies.get("position", ()) if grid.has(base_of(n) or "")):
        base = base_of(pe)
        c = _cmp(grid, runs, pe, base)
        f.items.append(Item(f"{pe} vs {base}", pe, base, c, _f4_outcome(grid, c)))
    return f


def _f4_outcome(grid: Grid, c: Comparison) -> str:
    if c.outcome == NO_DATA:
        return NO_DATA
    if c.outcome == A_LOWER:
        return CONTRADICTS
    if c.outcome == B_LOWER or c.ci_above(-grid.claims.noise_floor):
        return SUPPORTS
    return INCONCLUSIVE


def all_findings(grid: Grid, runs) -> list[Finding]:
    return [f1(grid, runs), f2(grid, runs), f3(grid, runs), f4(grid, runs)]
