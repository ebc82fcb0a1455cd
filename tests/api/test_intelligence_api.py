"""The API's council suggestions and unmet-needs figures: who may read them, what they say, bad input."""

import datetime

import pytest
from django.utils import timezone

from engagements.intelligence_services import suggestion_dismiss
from engagements.models import Council
from offers.models import Offer, OfferStatus, Theme
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def story(advisers):
    pat, _ = advisers
    finance = Theme.objects.get(slug="financial-resilience")
    leadership = (
        Offer.objects.published().filter(status=OfferStatus.AVAILABLE, theme__slug="leadership").order_by("slug")[0]
    )
    EngagementFactory(
        adviser=pat, council=Council.objects.get(gss_code="E06000001"), date=days_ago(30), themes=[finance]
    )
    EngagementFactory(
        adviser=pat, council=Council.objects.get(gss_code="E06000002"), date=days_ago(20), offers=[leadership]
    )
    return {"finance": finance, "leadership": leadership}


def test_suggestions_for_a_council_ranked_with_their_reasons(client_for, analyst, story):
    response = client_for(analyst).get("/api/v1/councils/E06000001/suggestions/")
    assert response.status_code == 200
    rows = response.json()
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    first, last = rows[0], rows[-1]
    assert first["reason"] == "open_need" and first["theme"] == "financial-resilience"
    assert first["why"].startswith("Financial resilience was raised on ")
    assert (last["reason"], last["offer"]) == ("similar_councils", story["leadership"].slug)
    assert set(first) == {"rank", "offer", "offer_title", "theme", "theme_name", "reason", "why"}


def test_a_dismissed_suggestion_leaves_the_api_too(client_for, manager, story):
    hartlepool = Council.objects.get(gss_code="E06000001")
    suggestion_dismiss(council=hartlepool, offer=story["leadership"], reason="Not for us.", user=manager)
    offers = [row["offer"] for row in client_for(manager).get("/api/v1/councils/E06000001/suggestions/").json()]
    assert story["leadership"].slug not in offers


def test_suggestions_need_a_reader_of_engagements_and_a_known_council(api, client_for, make_user, advisers, story):
    assert api.get("/api/v1/councils/E06000001/suggestions/").status_code == 401
    assert client_for(make_user("editor")).get("/api/v1/councils/E06000001/suggestions/").status_code == 403
    pat, _ = advisers
    adviser_client = client_for(pat.user)
    assert adviser_client.get("/api/v1/councils/E06000001/suggestions/").status_code == 200
    missing = adviser_client.get("/api/v1/councils/E06999999/suggestions/")
    assert missing.status_code == 404 and missing.json()["status"] == 404


def test_unmet_needs_by_theme_and_by_region(client_for, analyst, story):
    client = client_for(analyst)
    period = {"from": days_ago(60).isoformat(), "to": timezone.localdate().isoformat()}
    rows = client.get("/api/v1/stats/unmet-needs/", period).json()
    finance = next(row for row in rows if row["theme"] == "financial-resilience")
    assert (finance["councils_raised"], finance["councils_unmet"], finance["group"]) == (1, 1, None)
    assert len(rows) == Theme.objects.count()
    by_region = client.get("/api/v1/stats/unmet-needs/", {**period, "by": "region"}).json()
    north_east = next(r for r in by_region if r["theme"] == "financial-resilience" and r["group"] == "north-east")
    assert (north_east["group_label"], north_east["councils_unmet"]) == ("North East", 1)
    csv = client.get("/api/v1/stats/unmet-needs/", {**period, "format": "csv"})
    assert csv.status_code == 200 and b"councils_unmet" in b"".join(
        csv.streaming_content if csv.streaming else [csv.content]
    )


def test_unmet_needs_refuse_bad_input_and_the_public(api, client_for, analyst, make_user):
    assert api.get("/api/v1/stats/unmet-needs/").status_code == 401
    assert client_for(make_user("editor")).get("/api/v1/stats/unmet-needs/").status_code == 403
    bad = client_for(analyst).get("/api/v1/stats/unmet-needs/", {"by": "planet", "from": "2024-02-30"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"by", "from"}
