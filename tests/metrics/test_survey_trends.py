"""Survey trends: each measure across rounds, with the change in percentage points."""

import datetime
from decimal import Decimal

import pytest

from metrics.models import Measure, Result, Survey, SurveyRound
from metrics.selectors import survey_trends

pytestmark = pytest.mark.django_db


def test_resident_satisfaction_changes_are_worked_out_by_hand(django_assert_num_queries):
    survey = Survey.objects.get(slug="resident-satisfaction")
    with django_assert_num_queries(3):
        rows = survey_trends(survey)
    trust = [(r.round.number, r.percent, r.change_from_previous) for r in rows if r.measure.slug == "trusts-council"]
    # "Trusts the council": 59 in Feb-20, 71 in Jun-20, 64 in Oct-20.
    assert trust == [(25, Decimal(59), None), (26, Decimal(71), Decimal(12)), (27, Decimal(64), Decimal(-7))]
    assert len(rows) == 18
    assert [r.measure.slug for r in rows[:3]] == ["satisfied-with-local-area"] * 3


def test_a_round_without_a_figure_compares_with_the_last_published_one():
    survey = Survey.objects.create(name="Small", slug="small")
    measure = Measure.objects.create(survey=survey, name="Happy", slug="happy")
    other = Measure.objects.create(survey=survey, name="Other", slug="other", order=1)
    rounds = [
        SurveyRound.objects.create(survey=survey, number=n, label=f"R{n}", period=datetime.date(2024, n, 1))
        for n in (1, 2, 3)
    ]
    Result.objects.create(round=rounds[0], measure=measure, percent=Decimal("40.5"))
    Result.objects.create(round=rounds[2], measure=measure, percent=Decimal("43"))
    Result.objects.create(round=rounds[1], measure=other, percent=Decimal("10"))
    rows = survey_trends(survey)
    assert [(r.measure.slug, r.round.number, r.change_from_previous) for r in rows] == [
        ("happy", 1, None),
        ("happy", 3, Decimal("2.5")),
        ("other", 2, None),
    ]
