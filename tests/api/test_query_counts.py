"""A fixed number of queries per list request, whatever the page size or the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.models import ContactRole
from offers.models import Offer, Theme
from tests.factories import EngagementFactory, SupportRequestFactory

from .conftest import LISTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(advisers):
    """Enough engagements and requests, each with several offers, themes and roles, to fill pages."""
    pat, sam = advisers
    offers = list(Offer.objects.order_by("id")[:3])
    themes = list(Theme.objects.order_by("id")[:2])
    roles = list(ContactRole.objects.order_by("id")[:2])
    for i in range(12):
        EngagementFactory(
            adviser=pat if i % 2 else sam,
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            offers=offers,
            themes=themes,
            roles=roles,
        )
        SupportRequestFactory(council=pat.councils.first(), offer=offers[0])


def count_queries(client, path, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(context)


@pytest.mark.parametrize("path", LISTS)
def test_queries_do_not_grow_with_the_page_size(client_for, manager, busy, path):
    client = client_for(manager)
    client.get(path)  # warm per-process caches (content types, permissions)
    one = count_queries(client, path, page_size=1)
    many = count_queries(client, path, page_size=1000)
    assert one == many, f"{path}: {one} queries for one row, {many} for a full page"


@pytest.mark.parametrize("path", LISTS)
def test_csv_queries_do_not_grow_with_the_rows(client_for, manager, busy, path):
    client = client_for(manager)
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"format": "csv"})
        b"".join(response.streaming_content)
    # The token and permission lookups, one query for the rows, one per linked table (roles, offers,
    # themes, read once for their order) and one per link table, and the export's savepoint; on
    # PostgreSQL, two estimates of the share of engagements exported and the copy's memory setting.
    assert len(context) <= 16, f"{path}: {len(context)} queries"


def test_engagements_page_is_pinned(client_for, manager, busy, django_assert_num_queries):
    client = client_for(manager)
    client.get("/api/v1/engagements/")
    # token (1), user's permissions (2), count (1), page with council, region and adviser (1),
    # roles, offers and themes (3).
    with django_assert_num_queries(8):
        client.get("/api/v1/engagements/", {"page_size": 1000})
