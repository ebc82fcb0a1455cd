"""On PostgreSQL the database writes the exports' CSV lines; they must be the bytes the Python
cells give (csv.writer over rows.csv_table), whatever the values hold."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagements import rows
from engagements.models import ContactRole, Engagement, EngagementStatus
from engagements.services import engagement_archive
from lga_portal.csv_export import LIST_JOIN, csv_lines
from offers.models import Offer, Theme
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


def address(pk) -> str:
    return f"http://testserver/api/v1/engagements/{pk}/"


AWKWARD = [
    "plain words",
    "a, comma",
    'a "quoted" word',
    "two\nlines",
    "carriage\r\nreturn",
    "=SUM(A1)",
    "+44 20 7664 3000",
    "-7",
    "-1e5",
    "- a dash",
    "@mention",
    "\tTabbed",
    "\t7",
    "\rreturn first",
    "Ünïcødé — “curly” ‘quotes’, emoji 🎉",
    "",
    " leading space",
    "NaN",
    "-inf",
    '"=quoted formula", with comma',
    "a back\\slash, a \\n that is no line end",
]


@pytest.fixture
def awkward(advisers, manager):
    """An engagement per awkward text, in the summary and the notes, with and without links,
    hours and follow-ups, at moments with and without microseconds, in and out of summer time."""
    pat, sam = advisers
    offers = list(Offer.objects.order_by("-id")[:2])
    themes = list(Theme.objects.order_by("-order")[:2])
    roles = list(ContactRole.objects.order_by("-name")[:2])
    made = []
    for n, text in enumerate(AWKWARD):
        made.append(
            EngagementFactory(
                adviser=pat if n % 2 else sam,
                date=datetime.date(2020, 1, 1) + datetime.timedelta(days=40 * n),
                summary=text,
                private_notes=AWKWARD[-1 - n],
                offers=offers if n % 3 == 0 else [],
                themes=themes[: n % 3],
                roles=roles if n % 4 == 0 else [],
                hours=[None, Decimal("1.5"), Decimal("0"), Decimal("12.25")][n % 4],
                follow_up_on=datetime.date(2026, 1, 1) if n % 5 == 0 else None,
                status=EngagementStatus.PLANNED if n % 6 == 0 else EngagementStatus.COMPLETED,
            )
        )
    summer = datetime.datetime(2024, 7, 1, 9, 30, tzinfo=datetime.UTC)
    winter = datetime.datetime(2024, 1, 2, 23, 59, 59, 123456, tzinfo=datetime.UTC)
    for n, engagement in enumerate(made):
        Engagement.objects.filter(pk=engagement.pk).update(
            created_at=summer if n % 2 else winter, modified_at=winter + datetime.timedelta(microseconds=n)
        )
    engagement_archive(engagement=made[-1], user=manager)
    return made


def _python(queryset, user, names, address=None) -> str:
    return "".join(csv_lines(rows.csv_table(queryset, user, names, address=address)))


def _text(queryset, user, names, address=None) -> str:
    return "".join(rows.csv_text(queryset, user, names, address=address))


@pytest.fixture(params=["whole", "chunks"])
def road(request, monkeypatch):
    """Each of the database's roads: the whole export copied out in one statement (the link tables
    aggregated whole), or read a chunk at a time (each chunk's links looked up); which one an
    export takes depends on the share of the engagements it holds."""
    monkeypatch.setattr(rows, "WHOLE_TABLES_SHARE", 0.0 if request.param == "whole" else float("inf"))
    return request.param


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database writes the lines on PostgreSQL only")
@pytest.mark.parametrize("who", ["analyst", "pat", "manager"])
def test_the_databases_lines_are_the_python_cells_byte_for_byte(analyst, manager, advisers, awkward, who, road):
    user = {"analyst": analyst, "pat": advisers[0].user, "manager": manager}[who]
    assert rows._database_lines(Engagement.objects.all(), user, rows.EXPORT_COLUMNS, None, 2) is not None
    assert rows._reads_whole_tables(Engagement.objects.all()) == (road == "whole")
    for queryset in (Engagement.objects.live(), Engagement.objects.order_by("modified_at", "pk")):
        export = _text(queryset, user, rows.EXPORT_COLUMNS)
        assert export == _python(queryset, user, rows.EXPORT_COLUMNS)
        assert "'=SUM(A1)" in export and "Ünïcødé" in export
        api = _text(queryset, user, rows.API_COLUMNS, address=address)
        assert api == _python(queryset, user, rows.API_COLUMNS, address=address)
    assert _text(Engagement.objects.none(), user, rows.API_COLUMNS) == _python(
        Engagement.objects.none(), user, rows.API_COLUMNS
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database writes the lines on PostgreSQL only")
def test_the_databases_moments_are_in_the_portals_time_zone_whatever_the_zone(manager, awkward, road):
    for zone in ("UTC", "America/St_Johns", "Asia/Kolkata", "Europe/London"):
        with timezone.override(zone):
            assert _text(Engagement.objects.all(), manager, rows.API_COLUMNS, address) == _python(
                Engagement.objects.all(), manager, rows.API_COLUMNS, address
            )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database joins the link cells on PostgreSQL only")
def test_the_databases_link_cells_are_the_linked_slugs_in_their_models_order(awkward):
    """Both CSV roads take their link cells from the same prepared query, so that query is checked
    against the API's own reading of the links (each model's ordering, by the ORM); the fixture
    links them in the reverse of that order."""
    ids = [engagement.pk for engagement in awkward]
    expected = {
        name: {pk: LIST_JOIN.join(slugs) for pk, slugs in by_engagement.items()}
        for name, by_engagement in rows.linked_values(ids).items()
    }
    assert any(LIST_JOIN in cell for by_engagement in expected.values() for cell in by_engagement.values())
    links = rows._Links(connection.alias)
    assert links.cells(ids) == expected  # outside a transaction: three plain queries, joined in Python
    with transaction.atomic(), links.prepared():
        assert links.statement is not None
        assert links.cells(ids) == expected
    assert links.statement is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the switch is between the database's roads")
def test_an_export_of_most_engagements_reads_the_link_tables_whole_and_a_few_chunk_by_chunk(awkward):
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Engagement._meta.db_table}")
    assert rows._reads_whole_tables(Engagement.objects.live())
    assert not rows._reads_whole_tables(Engagement.objects.filter(pk=awkward[0].pk))
    assert not rows._reads_whole_tables(Engagement.objects.none())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database copies the lines on PostgreSQL only")
def test_a_copied_export_stopped_early_leaves_the_connection_usable(manager, advisers, monkeypatch):
    """A reader that goes away (a download cancelled) stops the copy: the database is asked to
    cancel it, and the connection goes on serving queries."""
    monkeypatch.setattr(rows, "WHOLE_TABLES_SHARE", 0.0)
    for n in range(300):
        EngagementFactory(adviser=advisers[0], summary=f"{n} " + "long talk " * 500)
    whole = "".join(rows.csv_text(Engagement.objects.all(), manager, rows.EXPORT_COLUMNS))
    assert whole.count("long talk") == 300 * 500
    pieces = rows.csv_text(Engagement.objects.all(), manager, rows.EXPORT_COLUMNS)
    first = next(pieces)
    assert whole.startswith(first) and len(first) < len(whole) // 4
    pieces.close()
    assert Engagement.objects.count() == 300


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database copies the lines on PostgreSQL only")
def test_a_copied_export_makes_the_same_queries_whatever_the_rows(manager, awkward, monkeypatch):
    """The linked tables (3), the estimates of the share exported (2), then within a savepoint
    (2) the copy's memory setting and the copy: as many for twenty rows as for one."""
    monkeypatch.setattr(rows, "WHOLE_TABLES_SHARE", 0.0)
    "".join(rows.csv_text(Engagement.objects.none(), manager, rows.API_COLUMNS))  # the reader's permissions, read once
    with CaptureQueriesContext(connection) as one:
        "".join(rows.csv_text(Engagement.objects.filter(pk=awkward[0].pk), manager, rows.API_COLUMNS, chunk_size=2))
    with CaptureQueriesContext(connection) as all_of_them:
        text = "".join(rows.csv_text(Engagement.objects.all(), manager, rows.API_COLUMNS, chunk_size=2))
    assert text.count("\r\n") > len(awkward)  # a line each, and more where a cell spans lines
    assert len(one) == len(all_of_them) == 9, [q["sql"][:60] for q in all_of_them.captured_queries]
    assert sum(q["sql"].startswith("COPY (") for q in all_of_them.captured_queries) == 1
