"""Surveys, indicators and the aggregates: figures checked against the seeds and the shared selectors."""

import datetime
from decimal import Decimal

import pytest

from engagements.models import EngagementStatus
from engagements.take_up import offers_with_take_up
from metrics.models import Observation, Result
from metrics.selectors import coverage
from tests.factories import EngagementFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200, response.json()
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_results_by_survey_round_and_measure(api):
    found = rows(
        api.get("/api/v1/results/", {"survey": "resident-satisfaction", "round": 27, "measure": "trusts-council"})
    )
    assert [(r["round"], r["round_label"], r["measure"], r["percent"]) for r in found] == [
        (27, "Oct-20", "trusts-council", 64.0)
    ]
    assert len(rows(api.get("/api/v1/results/", {"round": 26}))) == 6
    assert len(rows(api.get("/api/v1/rounds/", {"survey": "resident-satisfaction"}))) == 3
    assert len(rows(api.get("/api/v1/measures/", {"survey": "resident-satisfaction"}))) == 6
    assert api.get("/api/v1/surveys/resident-satisfaction/").json()["source"] == "highlights-2020-11"


def test_observations_by_indicator_theme_and_dates(api):
    indicator = Observation.objects.select_related("indicator__theme").first().indicator
    found = rows(api.get("/api/v1/observations/", {"indicator": indicator.slug, "page_size": 1000}))
    assert {r["id"] for r in found} == set(indicator.observations.values_list("id", flat=True))
    in_2020_h1 = rows(api.get("/api/v1/observations/", {"date_from": "2020-01-01", "date_to": "2020-06-30"}))
    assert {r["id"] for r in in_2020_h1} == set(
        Observation.objects.between(datetime.date(2020, 1, 1), datetime.date(2020, 6, 30)).values_list("id", flat=True)
    )
    if indicator.theme:
        by_theme = rows(api.get("/api/v1/observations/", {"theme": indicator.theme.slug, "page_size": 1000}))
        assert {r["theme"] for r in by_theme} == {indicator.theme.slug}
    assert api.get(f"/api/v1/indicators/{indicator.slug}/").json()["name"] == indicator.name


def test_survey_trends_give_the_change_in_points(api):
    found = rows(
        api.get("/api/v1/stats/survey-trends/", {"survey": "resident-satisfaction", "measure": "trusts-council"})
    )
    assert [(r["round"], r["percent"], r["change_from_previous"]) for r in found] == [
        (25, 59.0, None),
        (26, 71.0, 12.0),
        (27, 64.0, -7.0),
    ]
    assert (
        len(rows(api.get("/api/v1/stats/survey-trends/", {"survey": "resident-satisfaction"})))
        == Result.objects.count()
    )


def test_survey_trends_without_a_survey_give_every_surveys_trends_as_the_page_does(api):
    response = api.get("/api/v1/stats/survey-trends/")
    assert response.status_code == 200
    found = rows(response)
    assert len(found) == Result.objects.count()
    assert {r["survey"] for r in found} == {"resident-satisfaction"}
    one = rows(api.get("/api/v1/stats/survey-trends/", {"survey": "resident-satisfaction"}))
    assert found == one
    trust = rows(api.get("/api/v1/stats/survey-trends/", {"measure": "trusts-council"}))
    assert [(r["round"], r["percent"]) for r in trust] == [(25, 59.0), (26, 71.0), (27, 64.0)]
    unknown = api.get("/api/v1/stats/survey-trends/", {"measure": "nope"})
    assert unknown.status_code == 400 and unknown.json()["errors"]["measure"] == ["No survey has a measure “nope”."]


def test_survey_trends_need_a_known_survey_and_measure(api):
    assert "survey" in api.get("/api/v1/stats/survey-trends/", {"survey": "nope"}).json()["errors"]
    response = api.get("/api/v1/stats/survey-trends/", {"survey": "resident-satisfaction", "measure": "nope"})
    assert response.status_code == 400 and "measure" in response.json()["errors"]


def test_coverage_is_the_selectors_figures(api, engagements):
    found = rows(api.get("/api/v1/stats/coverage/", {"from": "2020-01-01", "to": "2020-12-31", "by": "region"}))
    expected = coverage(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31), period="quarter", by="region")
    assert len(found) == len(expected) == 4 * 9
    for row, want in zip(found, expected, strict=True):
        assert (row["period"], row["group"], row["engaged"], row["councils"]) == (
            want.period.label,
            want.group,
            want.engaged,
            want.councils,
        )
        assert Decimal(str(row["percent"])) == want.percent
    north_west_q3 = next(r for r in found if r["period"] == "2020 Q3" and r["group"] == "north-west")
    assert north_west_q3["engaged"] == 1  # Manchester, 15 July 2020


def test_coverage_by_month_overall(api, engagements):
    found = rows(api.get("/api/v1/stats/coverage/", {"from": "2020-06-01", "to": "2020-07-31", "period": "month"}))
    assert [(r["period"], r["group"], r["engaged"]) for r in found] == [("Jun 2020", None, 1), ("Jul 2020", None, 1)]


def test_take_up_by_offer_and_theme(api, advisers, engagements):
    # Not held, so not counted.
    EngagementFactory(
        adviser=advisers[0], date=DAY, status=EngagementStatus.PLANNED, offers=list(engagements[0].offers.all())
    )
    offer = engagements[0].offers.get()
    by_offer = rows(api.get("/api/v1/stats/take-up/", {"from": "2020-01-01", "to": "2020-12-31"}))
    expected = offers_with_take_up(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    assert [(r["offer"], r["councils"], r["engagements"]) for r in by_offer] == [
        (o.slug, councils, n) for o, councils, n in expected
    ]
    assert by_offer[0]["offer"] == offer.slug and by_offer[0]["councils"] == 1
    by_theme = rows(api.get("/api/v1/stats/take-up/", {"from": "2020-01-01", "to": "2020-12-31", "by": "theme"}))
    assert len(by_theme) == 17
    assert next(r for r in by_theme if r["theme"] == offer.theme.slug)["councils"] == 1


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"from": "2020-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2021-01-01", "to": "2020-01-01"}, "from"),
        ({"from": "1950-01-01", "to": "2020-01-01"}, "from"),
        ({"from": "0001-01-01"}, "from"),
        ({"period": "week"}, "period"),
        ({"by": "colour"}, "by"),
    ],
)
def test_bad_periods_are_400_naming_the_parameter(api, query, parameter):
    response = api.get("/api/v1/stats/coverage/", query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]
