"""The indicators page: every seeded figure with its source, latest value, change and trend."""

import datetime
import html as html_lib
from decimal import Decimal

import pytest

from metrics.models import Indicator, Observation
from offers.models import Source, Theme

pytestmark = pytest.mark.django_db
URL = "/metrics/indicators/"


def page(client, url=URL) -> str:
    return html_lib.unescape(client.get(url).content.decode())


def test_every_indicator_is_shown_with_its_latest_source(client):
    html = page(client)
    for indicator in Indicator.objects.with_related():
        latest = max(indicator.observations.all(), key=lambda o: o.date)
        assert indicator.name in html
        assert latest.source.title in html


def test_latest_value_with_its_qualifier_and_the_change(client):
    html = page(client)
    # FISAs: 30 councils "as of September" 2020, then 46 to November 2020 (dated to the month).
    fisa = html[html.index("Councils supported by Finance Improvement") :]
    fisa = fisa[: fisa.index("</tr>")]
    assert "46 councils" in fisa
    assert "+16 councils" in fisa and "from 30 councils (September 2020)" in fisa
    assert 'role="img"' in fisa  # a sparkline: two observations
    bespoke = html[html.index("Councils receiving bespoke support") :]
    bespoke = bespoke[: bespoke.index("</tr>")]
    assert "over 45 councils" in bespoke and 'role="img"' not in bespoke  # one figure, no chart
    assert "only one figure" in bespoke


def test_a_sparkline_for_every_indicator_with_two_or_more_figures(client):
    html = client.get(URL).content.decode()
    with_trend = sum(1 for i in Indicator.objects.with_related() if len(i.observations.all()) >= 2)
    assert with_trend > 0
    assert html.count('class="app-sparkline"') == with_trend


def test_indicators_are_grouped_by_theme_in_theme_order(client):
    html = page(client)
    themes = Theme.objects.filter(indicators__isnull=False).distinct().order_by("order")
    positions = [html.index(f'id="theme-{theme.slug}"') for theme in themes]
    assert positions == sorted(positions)


def test_indicator_page_query_count_does_not_grow(client, django_assert_num_queries):
    with django_assert_num_queries(3):
        client.get(URL)
    source = Source.objects.first()
    for n in range(5):
        indicator = Indicator.objects.create(name=f"Extra {n}", slug=f"extra-{n}", unit="councils")
        for day in (1, 2, 3):
            Observation.objects.create(
                indicator=indicator, date=datetime.date(2024, 1, day), value=Decimal(day), source=source
            )
    with django_assert_num_queries(3):
        html = client.get(URL).content.decode()
    assert "Other indicators" in html and "Extra 4" in html


def test_indicator_detail_has_a_chart_and_every_figure(client):
    html = page(client, URL + "councils-supported-by-fisas/")
    assert "46 councils" in html and "30 councils" in html
    assert "+16 councils since September 2020" in html
    assert 'role="img"' in html and "30 in 30 Sep 2020, then 46 in 30 Nov 2020 (up 16)." in html
    assert "Finance associates (FISAs) have now directly supported 46 councils" in html
    assert client.get(URL + "no-such-indicator/").status_code == 404
