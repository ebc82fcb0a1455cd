"""The survey and round pages: tables, charts, the baseline choice and bad input."""

import datetime

import pytest

from metrics.forms import BASELINE_UNKNOWN, MEASURE_UNKNOWN
from metrics.models import Measure, Result, Survey, SurveyRound
from tests.metrics.html import rows, section

pytestmark = pytest.mark.django_db
URL = "/metrics/surveys/resident-satisfaction/"


def test_survey_page_shows_the_three_rounds_with_changes(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Round 25" in html and "Round 26" in html and "Round 27" in html
    previous = rows(section(html, "Change from the previous round"))
    # Trusts the council: +12 (Jun-20) then −7 (Oct-20).
    assert previous["Trusts the council"] == ["+12 percentage points", "\u22127 percentage points"]
    baseline = rows(section(html, "Change from round 25 (Feb-20)"))
    assert baseline["Trusts the council"] == ["+12 percentage points", "+5 percentage points"]
    assert "sample sizes of these rounds were not published" in html


def test_each_measure_has_an_accessible_chart_and_a_table(client):
    html = client.get(URL).content.decode()
    assert html.count('role="img"') == 6
    assert '<title id="chart-trusts-council-title">Trusts the council: percentage answering positively' in html
    assert (
        "59% in Feb-20, then 71% in Jun-20 (up 12 percentage points), then 64% in Oct-20 (down 7 percentage points)."
        in html
    )
    assert "Trusts the council: the figures in the chart" in html
    assert "style=" not in html


def test_the_reader_chooses_the_baseline_round(client):
    html = client.get(URL, {"baseline": "26"}).content.decode()
    baseline = rows(section(html, "Change from round 26 (Jun-20)"))
    # Trusts the council against June 2020 (71%): February 12 points lower, October 7 lower.
    assert baseline["Trusts the council"] == ["\u221212 percentage points", "\u22127 percentage points"]
    assert '<option value="26" selected>' in html


def test_one_measure_can_be_shown(client):
    html = client.get(URL, {"measure": "trusts-council"}).content.decode()
    assert html.count('role="img"') == 1
    assert "Agree council provides value for money" not in section(html, "Summary of positive responses")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"baseline": "99"}, BASELINE_UNKNOWN % {"value": "99"}),
        ({"baseline": "twenty"}, BASELINE_UNKNOWN % {"value": "twenty"}),
        ({"measure": "happiness"}, MEASURE_UNKNOWN % {"value": "happiness"}),
    ],
)
def test_unknown_round_or_measure_is_explained_not_a_500(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message.replace('"', "&quot;") in html
    assert html.count('role="img"') == 6  # the page still shows every measure against round 25
    assert "<title>Error: " in html


def test_unknown_survey_is_a_404_with_a_way_on(client):
    response = client.get("/metrics/surveys/happiness/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no survey called “happiness”" in html
    assert 'href="/metrics/surveys/resident-satisfaction/"' in html


def test_round_page_lists_its_figures(client):
    html = client.get(URL + "rounds/27/").content.decode()
    assert "Round 27 (Oct-20)" in html
    assert "64%" in html and "\u22127" in html and "from round 26 (Jun-20)" in html
    assert "Not published" in html  # sample size
    assert 'href="/metrics/surveys/resident-satisfaction/rounds/26/"' in html


def test_unknown_round_is_a_404_listing_the_rounds(client):
    response = client.get(URL + "rounds/99/")
    assert response.status_code == 404
    assert "has no round 99" in response.content.decode()


def test_margins_and_significance_are_shown_where_sample_sizes_are_known(client):
    survey = Survey.objects.create(name="Sampled", slug="sampled")
    happy = Measure.objects.create(survey=survey, name="Happy", slug="happy")
    for number, percent, month in ((1, 59, 1), (2, 71, 5), (3, 72, 9)):
        round_ = SurveyRound.objects.create(
            survey=survey, number=number, label=f"R{number}", period=datetime.date(2024, month, 1), sample_size=1000
        )
        Result.objects.create(round=round_, measure=happy, percent=percent)
    html = client.get("/metrics/surveys/sampled/").content.decode()
    assert "±3" in html and "±2.8" in html  # 59% and 71% of 1,000
    assert "significant" in html and "not significant" in html  # +12 is; +1 (71 -> 72) is not
    assert "two-proportion z-test" in html
    round_page = client.get("/metrics/surveys/sampled/rounds/2/").content.decode()
    assert "±2.8 points" in round_page


def test_survey_page_query_count_does_not_grow_with_rounds(client, django_assert_num_queries):
    with django_assert_num_queries(6):
        client.get(URL)
    survey = Survey.objects.get(slug="resident-satisfaction")
    for number in (28, 29, 30):
        round_ = SurveyRound.objects.create(
            survey=survey, number=number, label=f"R{number}", period=datetime.date(2021, number - 27, 1)
        )
        for measure in survey.measures.all():
            Result.objects.create(round=round_, measure=measure, percent=50)
    with django_assert_num_queries(6):
        response = client.get(URL)
    assert "Round 30" in response.content.decode()
    with django_assert_num_queries(4):
        client.get(URL + "rounds/28/")


def test_metrics_index_links_every_public_page(client):
    html = client.get("/metrics/").content.decode()
    for href in (URL, "/metrics/indicators/", "/metrics/take-up/", "/reports/highlights/"):
        assert f'href="{href}"' in html
    assert "sign in to see engagement coverage" in html
