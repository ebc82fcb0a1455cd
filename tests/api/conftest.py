"""Fixtures for API tests: clients signed in by token, principal advisers with councils, engagements."""

import datetime

import pytest
from rest_framework.test import APIClient

from engagements.models import Channel, EngagementKind
from lga_portal.api.tokens import api_token_create
from offers.models import Offer, Theme
from tests.factories import AdviserFactory, EngagementFactory

# Every list endpoint of the API, for the tests that walk them all.
LISTS = [
    "/api/v1/themes/",
    "/api/v1/offers/",
    "/api/v1/audiences/",
    "/api/v1/formats/",
    "/api/v1/publications/",
    "/api/v1/regions/",
    "/api/v1/councils/",
    "/api/v1/advisers/",
    "/api/v1/engagements/",
    "/api/v1/engagements/feed/",
    "/api/v1/support-requests/",
    "/api/v1/surveys/",
    "/api/v1/rounds/",
    "/api/v1/measures/",
    "/api/v1/results/",
    "/api/v1/indicators/",
    "/api/v1/observations/",
]


@pytest.fixture
def api():
    """An anonymous client."""
    return APIClient()


@pytest.fixture
def client_for(make_user):
    """A client authenticated with a real API token for a user: client_for(user)."""

    def make(user):
        _, key = api_token_create(user=user, name="tests", days=30)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.user = user
        return client

    return make


@pytest.fixture
def analyst(make_user):
    return make_user("analyst")


@pytest.fixture
def manager(make_user):
    return make_user("manager")


@pytest.fixture
def advisers(db):
    """Two principal advisers with sign-ins: Pat looks after Hartlepool, Sam after Manchester."""
    pat = AdviserFactory(name="Pat Adviser", email="pat@example.org", councils=["E06000001"])
    sam = AdviserFactory(name="Sam Adviser", email="sam@example.org", councils=["E08000003"])
    return pat, sam


# The day the API tests' engagements are held unless they say otherwise: inside 2020, which the
# filters and aggregates tests ask about.
DAY = datetime.date(2020, 6, 1)


@pytest.fixture
def engagements(advisers):
    """A few engagements in 2020 by both advisers, with notes, offers and themes."""
    pat, sam = advisers
    offer = Offer.objects.published().order_by("id").first()
    theme = Theme.objects.order_by("order").first()
    return [
        EngagementFactory(
            adviser=pat,
            date=DAY,
            summary="Budget worries",
            private_notes="Pat's private note",
            offers=[offer],
            themes=[theme],
        ),
        EngagementFactory(
            adviser=pat, date=datetime.date(2020, 11, 2), kind=EngagementKind.CEO_MEETING, channel=Channel.VIDEO
        ),
        EngagementFactory(adviser=sam, date=datetime.date(2020, 7, 15), private_notes="Sam's private note"),
    ]
