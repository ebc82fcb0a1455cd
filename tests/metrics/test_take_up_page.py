"""Take-up of offers by theme and by offer for a period, on the metrics pages."""

import datetime
import html as html_lib

import pytest

from engagements.models import Channel, Council, EngagementKind
from metrics.forms import PERIOD_REVERSED
from offers.models import Offer
from tests.factories import AdviserFactory, EngagementFactory
from tests.metrics.html import rows, section

pytestmark = pytest.mark.django_db
URL = "/metrics/take-up/"
D = datetime.date


@pytest.fixture
def take_up():
    """Recovery panel taken up by two councils (three engagements), bespoke support by one."""
    adviser = AdviserFactory()
    panel = Offer.objects.get(slug="recovery-and-renewal-panel")
    bespoke = Offer.objects.get(slug="bespoke-support-and-mentoring")
    hartlepool, darlington = Council.objects.filter(gss_code__in=["E06000001", "E06000005"]).order_by("gss_code")
    for council, day, offers in [
        (hartlepool, D(2024, 1, 5), [panel]),
        (hartlepool, D(2024, 2, 5), [panel, bespoke]),
        (darlington, D(2024, 3, 5), [panel]),
        (darlington, D(2025, 3, 5), [bespoke]),  # outside the period
    ]:
        EngagementFactory(
            council=council, adviser=adviser, date=day, kind=EngagementKind.PANEL, channel=Channel.VIDEO, offers=offers
        )
    return panel, bespoke


def test_take_up_by_theme_and_offer(client, take_up):
    panel, bespoke = take_up
    response = client.get(URL, {"from": "2024-01-01", "to": "2024-12-31"})
    html = html_lib.unescape(response.content.decode())
    assert panel.theme.name == bespoke.theme.name == "Peer support"
    # Peer support: 2 councils (Hartlepool, Darlington) through 3 engagements.
    assert rows(section(html, "By theme"))["Peer support"] == ["2", "3"]
    offers = html[html.index('id="offers"') :]
    assert offers.index(panel.title) < offers.index(bespoke.title)  # most councils first
    assert "2 offers taken up, most councils first." in offers
    assert 'role="img"' in html and "Most councils: Peer support: 2" in html


def test_take_up_bad_dates(client):
    html = html_lib.unescape(client.get(URL, {"from": "2024-12-31", "to": "2024-01-01"}).content.decode())
    assert PERIOD_REVERSED in html and "govuk-error-summary" in html


def test_take_up_query_count_is_fixed(client, take_up, django_assert_num_queries):
    # Themes, the number of offers taken up, the page of take-up rows, that page's offers, and
    # whether the period's engagements include demo ones.
    with django_assert_num_queries(6):
        client.get(URL, {"from": "2024-01-01", "to": "2024-12-31"})
