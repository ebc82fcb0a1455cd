"""Survey statistics against the textbook formulas, worked by hand in the comments."""

import math
from decimal import Decimal

import pytest

from metrics.stats import change_is_significant, margin_of_error, pp_change, two_proportion_z


def test_percentage_point_change():
    assert pp_change(Decimal(71), Decimal(59)) == Decimal(12)
    assert pp_change(Decimal(64), Decimal(71)) == Decimal(-7)
    assert pp_change(Decimal("40.5"), Decimal("43")) == Decimal("-2.5")
    assert pp_change(Decimal(64), None) is None
    assert pp_change(None, Decimal(64)) is None


@pytest.mark.parametrize(
    ("percent", "n", "expected"),
    [
        # MoE = 1.96 * sqrt(p(1 - p) / n) * 100
        # p = 0.50, n = 1000: sqrt(0.25 / 1000) = 0.0158114; x 1.96 = 0.0309903 -> 3.1 points
        (Decimal(50), 1000, Decimal("3.1")),
        # p = 0.59, n = 1000: sqrt(0.2419 / 1000) = 0.0155531; x 1.96 = 0.0304841 -> 3.0 points
        (Decimal(59), 1000, Decimal("3.0")),
        # p = 0.64, n = 2000: sqrt(0.2304 / 2000) = 0.0107331; x 1.96 = 0.0210369 -> 2.1 points
        (Decimal(64), 2000, Decimal("2.1")),
        # p = 0.10, n = 100: sqrt(0.09 / 100) = 0.03; x 1.96 = 0.0588 -> 5.9 points
        (Decimal(10), 100, Decimal("5.9")),
    ],
)
def test_margin_of_error_at_95_percent(percent, n, expected):
    assert margin_of_error(percent, n) == expected


def test_margin_of_error_needs_a_sample_size():
    assert margin_of_error(Decimal(50), None) is None
    assert margin_of_error(Decimal(50), 0) is None
    assert margin_of_error(None, 1000) is None


def test_two_proportion_z_test_large_change_is_significant():
    # 59% of 1,000 then 71% of 1,000.
    # pooled p = (590 + 710) / 2000 = 0.65
    # SE = sqrt(0.65 * 0.35 * (1/1000 + 1/1000)) = sqrt(0.000455) = 0.0213307
    # z = (0.71 - 0.59) / 0.0213307 = 5.6257
    z = two_proportion_z(Decimal(59), 1000, Decimal(71), 1000)
    assert math.isclose(z, 5.6257, abs_tol=1e-4)
    assert change_is_significant(Decimal(59), 1000, Decimal(71), 1000) is True
    # A fall gives a negative z and is significant the same way.
    assert math.isclose(two_proportion_z(Decimal(71), 1000, Decimal(59), 1000), -5.6257, abs_tol=1e-4)


def test_two_proportion_z_test_small_change_is_not_significant():
    # 59% of 500 then 62% of 500.
    # pooled p = (295 + 310) / 1000 = 0.605
    # SE = sqrt(0.605 * 0.395 * (1/500 + 1/500)) = sqrt(0.00095590) = 0.0309176
    # z = 0.03 / 0.0309176 = 0.9703  (< 1.96)
    z = two_proportion_z(Decimal(59), 500, Decimal(62), 500)
    assert math.isclose(z, 0.9703, abs_tol=1e-4)
    assert change_is_significant(Decimal(59), 500, Decimal(62), 500) is False


def test_two_proportion_z_test_with_unequal_samples():
    # 40% of 200 then 50% of 800.
    # pooled p = (80 + 400) / 1000 = 0.48
    # SE = sqrt(0.48 * 0.52 * (1/200 + 1/800)) = sqrt(0.2496 * 0.00625) = sqrt(0.00156) = 0.0394968
    # z = 0.10 / 0.0394968 = 2.5318  (> 1.96)
    assert math.isclose(two_proportion_z(40, 200, 50, 800), 2.5318, abs_tol=1e-4)
    assert change_is_significant(40, 200, 50, 800) is True


def test_significance_cannot_be_tested_without_sample_sizes():
    assert change_is_significant(Decimal(59), None, Decimal(71), 1000) is None
    assert change_is_significant(Decimal(59), 1000, Decimal(71), None) is None
    assert change_is_significant(None, 1000, Decimal(71), 1000) is None


def test_no_variation_is_no_evidence_of_change():
    assert two_proportion_z(100, 50, 100, 50) == 0.0
    with pytest.raises(ValueError):
        two_proportion_z(50, 0, 50, 10)
