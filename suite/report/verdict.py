"""The decision rule behind `suite claims`: when does a difference between two runs count?

`compare(a, b, floor, alpha)` compares two per-seed samples of a lower-is-better metric:

* fewer than 3 seeds on either side: the difference counts only if |mean(a) - mean(b)| exceeds
  max(noise floor, the seed range max-min of a, the seed range of b); otherwise "within noise";
* 3 or more seeds on both sides: it counts if Welch's t-test gives p < alpha and |diff| exceeds
  the noise floor; the 95% Welch interval of the difference is kept for equivalence checks
  (`ci_within`: the whole interval lies inside +-floor).

`verdict(outcomes)` turns per-item outcomes (supports / contradicts / inconclusive / no data)
into a finding's verdict: reproduced if more than half of the items with data support it,
contradicted if more than half contradict it, inconclusive otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from suite.report.results import Summary

SUPPORTS, CONTRADICTS, INCONCLUSIVE, NO_DATA = "supports", "contradicts", "inconclusive", "no data"
A_LOWER, B_LOWER, WITHIN_NOISE = "a_lower", "b_lower", "within_noise"
MIN_SEEDS_FOR_TEST = 3


@dataclass(frozen=True)
class Comparison:
    a: Summary
    b: Summary
    diff: float | None = None            # mean(a) - mean(b)
    threshold: float | None = None       # |diff| must exceed this to count
    p_value: float | None = None         # Welch's t-test (>= 3 seeds each)
    ci: tuple[float, float] | None = None  # 95% interval of diff (>= 3 seeds each)
    outcome: str = NO_DATA               # a_lower | b_lower | within_noise | no data

    def ci_within(self, floor: float) -> bool:
        """Equivalence: the 95% interval of the difference lies inside (-floor, floor)."""
        return self.ci is not None and -floor < self.ci[0] and self.ci[1] < floor

    def ci_above(self, bound: float) -> bool:
        """One-sided: the whole 95% interval of the difference lies above `bound`."""
        return self.ci is not None and self.ci[0] > bound


def compare(a: Summary, b: Summary, floor: float, alpha: float = 0.05) -> Comparison:
    if a.n == 0 or b.n == 0:
        return Comparison(a, b)
    diff = a.mean - b.mean
    if min(a.n, b.n) < MIN_SEEDS_FOR_TEST:
        threshold = max(floor, a.range, b.range)
        return Comparison(a, b, diff, threshold, None, None, _side(diff, threshold, True))
    p, ci = welch(a, b)
    return Comparison(a, b, diff, floor, p, ci, _side(diff, floor, p < alpha))


def _side(diff: float, threshold: float, significant: bool) -> str:
    if not significant or abs(diff) <= threshold:
        return WITHIN_NOISE
    return A_LOWER if diff < 0 else B_LOWER


def welch(a: Summary, b: Summary) -> tuple[float, tuple[float, float]]:
    """Welch's two-sided p-value and the 95% interval of mean(a) - mean(b)."""
    va, vb = a.std ** 2 / a.n, b.std ** 2 / b.n
    diff = a.mean - b.mean
    se = math.sqrt(va + vb)
    if se == 0.0:
        return (0.0 if diff != 0 else 1.0), (diff, diff)
    df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1))
    p = float(stats.ttest_ind(a.values, b.values, equal_var=False).pvalue)
    half = float(stats.t.ppf(0.975, df)) * se
    return p, (diff - half, diff + half)


def verdict(outcomes: list[str]) -> str:
    """reproduced / contradicted / inconclusive from the items' outcomes (majority of items with data)."""
    counted = [o for o in outcomes if o != NO_DATA]
    if not counted:
        return "inconclusive"
    if 2 * counted.count(SUPPORTS) > len(counted):
        return "reproduced"
    if 2 * counted.count(CONTRADICTS) > len(counted):
        return "contradicted"
    return "inconclusive"
