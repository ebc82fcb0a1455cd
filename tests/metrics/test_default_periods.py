"""The take-up page and the API's take-up (and the other counts over a period) answer for the
same dates when none are given: the current quarter so far and the three before it."""

import datetime

import pytest
from django.utils import timezone

from engagements.models import Council, EngagementKind
from lga_portal.periods import default_period, last_four_quarters
from offers.models import Offer
from tests.factories import AdviserFactory, EngagementFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (D(2024, 5, 20), D(2023, 7, 1)),
        (D(2024, 1, 1), D(2023, 4, 1)),
        (D(2024, 12, 31), D(2024, 1, 1)),
        (D(2024, 3, 31), D(2023, 4, 1)),
    ],
)
def test_the_default_period_is_this_quarter_so_far_and_the_three_before(today, start):
    assert last_four_quarters(today) == default_period(today) == (start, today)


def test_the_take_up_page_and_api_count_the_same_default_period(client):
    start, end = default_period(timezone.localdate())
    adviser = AdviserFactory()
    panel = Offer.objects.get(slug="recovery-and-renewal-panel")
    hartlepool, darlington, stockton = Council.objects.filter(
        gss_code__in=["E06000001", "E06000005", "E06000004"]
    ).order_by("gss_code")
    for council, day in [(hartlepool, start), (stockton, end), (darlington, start - datetime.timedelta(days=1))]:
        EngagementFactory(council=council, adviser=adviser, date=day, kind=EngagementKind.PANEL, offers=[panel])

    page = client.get("/metrics/take-up/")
    assert (page.context["start"], page.context["end"]) == (start, end)
    on_page = {offer.slug: councils for offer, councils, _ in page.context["offers_page"].object_list}
    api = client.get("/api/v1/stats/take-up/").json()
    assert {(row["start"], row["end"]) for row in api} == {(start.isoformat(), end.isoformat())}
    in_api = {row["offer"]: row["councils"] for row in api}
    assert in_api == on_page and in_api[panel.slug] == 2  # Darlington's is the day before


def test_coverage_api_uses_the_same_default(client):
    start, end = default_period(timezone.localdate())
    rows = client.get("/api/v1/stats/coverage/").json()
    assert rows[0]["start"] == start.isoformat() and rows[-1]["end"] == end.isoformat()
