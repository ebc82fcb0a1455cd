"""The survey table: every measure across rounds 25–27 with changes worked out by hand."""

import datetime
from decimal import Decimal

import pytest

from metrics.models import Measure, Result, Survey, SurveyRound
from metrics.surveys import survey_rounds_between, survey_table

pytestmark = pytest.mark.django_db
D = Decimal

# Published figures (Highlights to November 2020), rounds 25 (Feb-20), 26 (Jun-20), 27 (Oct-20),
# with the percentage-point changes worked out by hand:
#                                  25  26  27   26-25  27-26   27-25
HAND_WORKED = {
    "satisfied-with-local-area": (81, 87, 83, +6, -4, +2),
    "satisfied-with-council": (63, 75, 68, +12, -7, +5),
    "trusts-council": (59, 71, 64, +12, -7, +5),
    "well-informed": (60, 69, 64, +9, -5, +4),
    "acts-on-concerns": (57, 68, 64, +11, -4, +7),
    "value-for-money": (48, 57, 53, +9, -4, +5),
}


@pytest.fixture
def resident_satisfaction():
    return Survey.objects.get(slug="resident-satisfaction")


def test_rounds_25_to_27_changes_from_previous_and_from_the_first_round(
    resident_satisfaction, django_assert_num_queries
):
    with django_assert_num_queries(3):
        table = survey_table(resident_satisfaction)
    assert [r.number for r in table.rounds] == [25, 26, 27]
    assert table.baseline.number == 25
    assert [row.measure.slug for row in table.rows] == list(HAND_WORKED)
    for row in table.rows:
        p25, p26, p27, change_26, change_27, since_25 = HAND_WORKED[row.measure.slug]
        f25, f26, f27 = row.figures
        assert (f25.percent, f26.percent, f27.percent) == (D(p25), D(p26), D(p27))
        assert (f25.change_from_previous, f26.change_from_previous, f27.change_from_previous) == (
            None,
            D(change_26),
            D(change_27),
        )
        assert (f25.change_from_baseline, f26.change_from_baseline, f27.change_from_baseline) == (
            None,
            D(change_26),
            D(since_25),
        )
        assert f27.previous_round.number == 26
        # No sample sizes were published: no margin of error, and significance cannot be said.
        assert all(f.margin is None and f.significant_from_previous is None for f in row.figures)


def test_trusts_the_council_59_71_64(resident_satisfaction):
    trust = next(row for row in survey_table(resident_satisfaction).rows if row.measure.slug == "trusts-council")
    assert [(f.percent, f.change_from_previous) for f in trust.figures] == [
        (D(59), None),
        (D(71), D(12)),
        (D(64), D(-7)),
    ]


def test_a_chosen_baseline_round(resident_satisfaction):
    round_27 = resident_satisfaction.rounds.get(number=27)
    table = survey_table(resident_satisfaction, baseline=round_27)
    trust = next(row for row in table.rows if row.measure.slug == "trusts-council")
    # Against round 27 (64%): round 25 was 5 points lower, round 26 seven points higher.
    assert [f.change_from_baseline for f in trust.figures] == [D(-5), D(7), None]


@pytest.fixture
def sampled_survey():
    """Two rounds with known sample sizes, and a measure missing from the middle round."""
    survey = Survey.objects.create(name="Sampled", slug="sampled")
    happy = Measure.objects.create(survey=survey, name="Happy", slug="happy", order=1)
    trust = Measure.objects.create(survey=survey, name="Trust", slug="trust", order=2)
    rounds = [
        SurveyRound.objects.create(
            survey=survey, number=1, label="R1", period=datetime.date(2024, 1, 1), sample_size=1000
        ),
        SurveyRound.objects.create(
            survey=survey, number=2, label="R2", period=datetime.date(2024, 5, 1), sample_size=1000
        ),
        SurveyRound.objects.create(survey=survey, number=3, label="R3", period=datetime.date(2024, 9, 1)),
    ]
    for round_, happy_percent, trust_percent in zip(rounds, (59, 71, 72), (50, None, 53), strict=True):
        Result.objects.create(round=round_, measure=happy, percent=happy_percent)
        if trust_percent is not None:
            Result.objects.create(round=round_, measure=trust, percent=trust_percent)
    return survey


def test_margin_of_error_and_significance_where_sample_sizes_are_known(sampled_survey):
    table = survey_table(sampled_survey)
    happy, trust = table.rows
    r1, r2, r3 = happy.figures
    # 59% of 1,000: 1.96 * sqrt(0.59 * 0.41 / 1000) = 0.0305 -> ±3.0 points;
    # 71% of 1,000: 1.96 * sqrt(0.71 * 0.29 / 1000) = 0.0281 -> ±2.8 points.
    assert (r1.margin, r2.margin, r3.margin) == (D("3.0"), D("2.8"), None)
    # 59% -> 71% of 1,000 each: z = 5.63 > 1.96, significant.
    assert r2.significant_from_previous is True
    # Round 3 has no sample size: cannot say.
    assert r3.significant_from_previous is None
    assert table.has_sample_sizes
    # Trust was not asked in round 2: round 3 is compared with round 1.
    t1, t2, t3 = trust.figures
    assert t2.percent is None and t2.change_from_previous is None
    assert t3.change_from_previous == D(3) and t3.previous_round.number == 1


def test_rounds_in_a_period_with_their_changes(resident_satisfaction, django_assert_num_queries):
    with django_assert_num_queries(3):
        found = survey_rounds_between(datetime.date(2020, 3, 1), datetime.date(2020, 9, 30))
    assert [h.round.number for h in found] == [26]
    assert found[0].previous_round.number == 25
    changes = {m.slug: f.change_from_previous for m, f in found[0].figures}
    assert changes == {slug: D(values[3]) for slug, values in HAND_WORKED.items()}
    assert found[0].summary == (
        "The biggest increases from round 25 (Feb-20) are “Satisfied with way local council runs things” "
        "and “Trusts the council”, both up 12 percentage points."
    )
    october = survey_rounds_between(datetime.date(2020, 10, 15), datetime.date(2020, 12, 31))
    assert [h.round.number for h in october] == [27]
    assert "The biggest fall" in october[0].summary
    assert survey_rounds_between(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)) == []
