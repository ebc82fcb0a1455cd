"""Survey statistics as pure functions: percentage-point change, margin of error, significance.

Figures come in as percentages (0–100), as the surveys publish them. The formulas are the
textbook ones for a simple random sample:

- margin of error at 95%: ``1.96 * sqrt(p * (1 - p) / n)``, in percentage points;
- two-proportion z-test with a pooled proportion: ``p = (x1 + x2) / (n1 + n2)``,
  ``z = (p2 - p1) / sqrt(p * (1 - p) * (1/n1 + 1/n2))``; a change is significant at the
  5% level when ``|z| > 1.96``.

Published polls are weighted, so these are approximations; the pages say so.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

Z_95 = 1.96
ONE_DECIMAL = Decimal("0.1")


def pp_change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Percentage-point change from ``previous`` to ``current``; None when either is missing."""
    if current is None or previous is None:
        return None
    return Decimal(current) - Decimal(previous)


def _proportion(percent: Decimal | float) -> float:
    return float(percent) / 100.0


def margin_of_error(percent: Decimal | float | None, sample_size: int | None, z: float = Z_95) -> Decimal | None:
    """Half-width of the confidence interval (95% by default) in percentage points, to one decimal.

    None when the figure or the sample size is unknown (or the sample is empty).
    """
    if percent is None or not sample_size:
        return None
    p = _proportion(percent)
    moe = z * math.sqrt(p * (1 - p) / sample_size) * 100
    return Decimal(str(moe)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def two_proportion_z(
    percent_1: Decimal | float, sample_size_1: int, percent_2: Decimal | float, sample_size_2: int
) -> float:
    """z statistic for the change from proportion 1 to proportion 2 (pooled standard error).

    Positive when the second figure is higher. 0.0 when the pooled proportion is 0 or 1
    (no variation, so no evidence of a change).
    """
    if sample_size_1 <= 0 or sample_size_2 <= 0:
        raise ValueError("sample sizes must be positive")
    p1, p2 = _proportion(percent_1), _proportion(percent_2)
    pooled = (p1 * sample_size_1 + p2 * sample_size_2) / (sample_size_1 + sample_size_2)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / sample_size_1 + 1 / sample_size_2))
    if standard_error == 0:
        return 0.0
    return (p2 - p1) / standard_error


def change_is_significant(
    percent_1: Decimal | float | None,
    sample_size_1: int | None,
    percent_2: Decimal | float | None,
    sample_size_2: int | None,
    z_critical: float = Z_95,
) -> bool | None:
    """Whether the change between two figures is significant at 95%; None when it cannot be tested."""
    if percent_1 is None or percent_2 is None or not sample_size_1 or not sample_size_2:
        return None
    return abs(two_proportion_z(percent_1, sample_size_1, percent_2, sample_size_2)) > z_critical
