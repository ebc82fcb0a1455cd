"""The dashboard and the council timeline: what they show, and that their query counts are fixed."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagements.models import ContactRole, Council, Engagement, EngagementStatus, Region
from engagements.services import engagement_archive, support_request_acknowledge
from lga_portal.periods import quarter_of
from tests.engagements.conftest import ALICE_COUNCILS
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("workspace:dashboard")


def today():
    return timezone.localdate()


def rows(response):
    return list(response.context["page_obj"])


def test_an_adviser_sees_their_councils_with_last_engagement_and_what_needs_doing(
    client_as, alice, bob, hartlepool, stockton
):
    this_quarter = quarter_of(today())
    EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        date=this_quarter.start,
        follow_up_on=today() + datetime.timedelta(days=3),
    )
    EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        date=this_quarter.start - datetime.timedelta(days=40),
        status=EngagementStatus.COMPLETED,
    )
    EngagementFactory(council=stockton, adviser=bob.adviser, date=today())
    SupportRequestFactory(council=hartlepool)
    response = client_as(alice).get(DASHBOARD)
    councils = {c.gss_code: c for c in rows(response)}
    assert set(councils) == set(ALICE_COUNCILS)
    row = councils["E06000001"]
    assert row.last_engaged_on == this_quarter.start and row.days_since == (today() - this_quarter.start).days
    assert row.engaged_this_quarter and row.engaged_last_quarter
    assert row.open_follow_ups == 1 and row.new_requests == 1
    assert councils["E06000002"].last_engaged_on is None and not councils["E06000002"].engaged_this_quarter
    html = response.content.decode()
    assert "Your councils" in html and "Follow-ups due or overdue" in html
    assert [e.council for e in response.context["follow_ups"]] == [hartlepool]
    assert [r.council for r in response.context["waiting_requests"]] == [hartlepool]


def test_follow_ups_put_what_needs_action_first_and_count_the_long_overdue(client_as, alice, hartlepool, stockton):
    def follow_up(council, days: int, **extra):
        return EngagementFactory(
            council=council,
            adviser=alice.adviser,
            date=today() - datetime.timedelta(days=400),
            follow_up_on=today() + datetime.timedelta(days=days),
            **extra,
        )

    long_ago = [follow_up(hartlepool, -200), follow_up(stockton, -90), follow_up(hartlepool, -29)]
    recent = follow_up(stockton, -3)
    this_week = follow_up(hartlepool, 2)
    next_week = follow_up(stockton, 10)
    follow_up(hartlepool, 30)  # not due yet
    follow_up(hartlepool, -1, follow_up_done=True)  # done
    response = client_as(alice).get(DASHBOARD)
    assert response.context["follow_ups"] == [recent, this_week, next_week]
    html = response.content.decode()
    listed = html[html.index('id="follow-ups"') : html.index('id="requests"')]
    overdue, due = 'govuk-tag--red">Overdue', 'govuk-tag--yellow">Due this week'
    assert listed.count(overdue) == 1 and listed.count(due) == 1
    assert listed.index(overdue) < listed.index(due)
    # The long-overdue ones are a count with a link to the list of them.
    assert f"{len(long_ago)} follow-ups overdue by more than 28 days" in text_of(listed)
    link = f"/workspace/engagements/?follow_up=long_overdue&amp;adviser={alice.adviser.pk}"
    assert link in listed
    in_list = client_as(alice).get(
        "/workspace/engagements/", {"follow_up": "long_overdue", "adviser": alice.adviser.pk}
    )
    assert set(in_list.context["page_obj"]) == set(long_ago)


def test_only_long_overdue_follow_ups_still_say_so(client_as, alice, hartlepool):
    EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        date=today() - datetime.timedelta(days=100),
        follow_up_on=today() - datetime.timedelta(days=60),
    )
    text = text_of(client_as(alice).get(DASHBOARD).content.decode())
    assert "No follow-ups are due in the next two weeks or overdue in the last 28 days." in text
    assert "1 follow-up overdue by more than 28 days" in text


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_timeline_writes_roles_as_they_are_named(client_as, alice, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser)
    engagement.roles.set(ContactRole.objects.filter(slug__in=["chief-executive", "hr-director"]))
    page = text_of(client_as(alice).get(reverse("workspace:council_timeline", args=[hartlepool.slug])).content.decode())
    assert "With: Chief executive; HR director" in page
    assert "hr director" not in page


def test_logging_an_engagement_changes_the_coverage_this_quarter(client_as, alice, hartlepool):
    client = client_as(alice)
    before = client.get(DASHBOARD).context["this_quarter"]
    assert (before.engaged, before.councils, before.percent) == (0, 3, 0)
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=today())
    after = client.get(DASHBOARD)
    coverage = after.context["this_quarter"]
    assert (coverage.engaged, coverage.councils, coverage.percent) == (1, 3, 33)
    assert "33%" in after.content.decode()


def test_only_completed_live_engagements_count(client_as, alice, hartlepool):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=today(), status=EngagementStatus.CANCELLED)
    EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        date=today() + datetime.timedelta(days=2),
        status=EngagementStatus.PLANNED,
    )
    engagement_archive(
        engagement=EngagementFactory(council=hartlepool, adviser=alice.adviser, date=today()), user=alice
    )
    response = client_as(alice).get(DASHBOARD)
    assert response.context["this_quarter"].engaged == 0
    assert next(c for c in rows(response) if c.pk == hartlepool.pk).last_engaged_on is None


def test_coverage_last_quarter(client_as, alice, hartlepool):
    last = quarter_of(today()).previous()
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=last.end)
    coverage = client_as(alice).get(DASHBOARD).context["last_quarter"]
    assert (coverage.engaged, coverage.councils) == (1, 3)


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_the_table_sorts_by_column_through_links(client_as, alice, hartlepool, direction):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=today() - datetime.timedelta(days=5))
    middlesbrough = Council.objects.get(gss_code="E06000002")
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=today() - datetime.timedelta(days=50))
    client = client_as(alice)
    response = client.get(DASHBOARD, {"sort": "last", "dir": direction})
    order = [c.gss_code for c in rows(response)]
    if direction == "asc":  # oldest first, never-engaged councils at the top
        assert order == ["E06000003", "E06000002", "E06000001"]
    else:
        assert order == ["E06000001", "E06000002", "E06000003"]
    html = response.content.decode()
    assert f'aria-sort="{"ascending" if direction == "asc" else "descending"}"' in html
    assert f'href="?sort=last&amp;dir={"desc" if direction == "asc" else "asc"}"' in html
    names = [c.name for c in rows(client.get(DASHBOARD, {"sort": "council"}))]
    assert names == sorted(names)
    # Unknown sort keys fall back to the default order rather than failing.
    assert client.get(DASHBOARD, {"sort": "drop table", "dir": "sideways"}).status_code == 200


def test_a_manager_sees_every_council_and_filters_by_region_and_adviser(client_as, manager, alice):
    client = client_as(manager)
    response = client.get(DASHBOARD)
    assert response.context["council_count"] == Council.objects.active().count() == 317
    assert len(rows(response)) == 50  # paginated
    assert "All councils" in response.content.decode()
    north_east = Region.objects.get(slug="north-east")
    response = client.get(DASHBOARD, {"region": "north-east"})
    assert {c.region_id for c in rows(response)} == {north_east.pk}
    response = client.get(DASHBOARD, {"adviser": alice.adviser.pk})
    assert {c.gss_code for c in rows(response)} == set(ALICE_COUNCILS)
    response = client.get(DASHBOARD, {"region": "atlantis", "adviser": "nobody"})
    assert response.status_code == 200 and response.context["council_count"] == 317


def table_rows(response) -> dict[str, list[str]]:
    """The councils table as a reader sees it: each row's cells' text, by the council's name."""
    table = re.search(r'<table class="govuk-table" id="councils">.*?</table>', response.content.decode(), re.S).group(0)
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\".*?</tr>", table, re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        rows[cells[0].removesuffix(" Abolished")] = cells
    return rows


def test_each_row_of_the_table_says_when_the_council_was_last_engaged_and_what_is_waiting(
    client_as, manager, alice, hartlepool, stockton
):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=today(), follow_up_on=today())
    EngagementFactory(council=hartlepool, adviser=alice.adviser, follow_up_on=today() + datetime.timedelta(days=9))
    SupportRequestFactory(council=hartlepool)
    Council.objects.filter(gss_code="E06000002").update(
        is_active=False, abolished_on=today() - datetime.timedelta(days=1)
    )
    response = client_as(manager).get(DASHBOARD, {"region": "north-east", "sort": "council"})
    rows = table_rows(response)
    day = today()
    assert rows["Hartlepool"] == [
        "Hartlepool",
        "North East",
        "Alice Adviser",
        f"{day.day} {day:%b} {day.year}",
        "0",
        "Engaged",
        "2",
        "1",
    ]
    never = ["Never", "Never engaged–", "Not yet", "0", "0"]
    assert rows["Stockton-on-Tees"] == [
        "Stockton-on-Tees",
        "North East",
        stockton.adviser.name if stockton.adviser else "None",
        *never,
    ]
    assert rows["Middlesbrough"][0] == "Middlesbrough Abolished" and rows["Middlesbrough"][3:] == never
    # An adviser's own table has no region or adviser columns.
    assert table_rows(client_as(alice).get(DASHBOARD))["Hartlepool"][1:] == [
        f"{day.day} {day:%b} {day.year}",
        "0",
        "Engaged",
        "2",
        "1",
    ]


def test_waiting_requests_leave_the_dashboard_once_handled(client_as, alice, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool)
    client = client_as(alice)
    assert client.get(DASHBOARD).context["waiting_requests"] == [support_request]
    support_request_acknowledge(request=support_request, user=alice)
    assert client.get(DASHBOARD).context["waiting_requests"] == [support_request]  # still to be answered
    row = next(c for c in rows(client.get(DASHBOARD)) if c.pk == hartlepool.pk)
    assert row.new_requests == 0


# --- Fixed numbers of queries -----------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def add_engagements(adviser, councils, per_council: int):
    for council in councils:
        for days in range(per_council):
            EngagementFactory(
                council=council,
                adviser=adviser,
                date=today() - datetime.timedelta(days=days * 9),
                follow_up_on=today() + datetime.timedelta(days=days),
            )


# Sign-in session and user, permissions, the adviser record, then the page's own queries
# (the table, the follow-ups, their long-overdue count, the waiting requests, the councils the
# quiet ones replaced: the quiet ones are among the table's rows).
ADVISER_DASHBOARD_QUERIES = 10
MANAGER_DASHBOARD_QUERIES = 12


def test_the_adviser_dashboard_makes_a_fixed_number_of_queries(client_as, alice, django_assert_num_queries):
    councils = list(Council.objects.filter(gss_code__in=ALICE_COUNCILS))
    client = client_as(alice)
    add_engagements(alice.adviser, councils, 1)
    SupportRequestFactory(council=councils[0])
    few = count_queries(client, DASHBOARD)
    add_engagements(alice.adviser, councils, 12)
    for council in councils:
        SupportRequestFactory(council=council)
    assert count_queries(client, DASHBOARD, {"sort": "follow_ups", "dir": "desc"}) == few
    with django_assert_num_queries(ADVISER_DASHBOARD_QUERIES):
        client.get(DASHBOARD)


def test_the_manager_dashboard_makes_a_fixed_number_of_queries(client_as, manager, alice, django_assert_num_queries):
    councils = list(Council.objects.filter(gss_code__in=ALICE_COUNCILS))
    client = client_as(manager)
    few = count_queries(client, DASHBOARD)
    add_engagements(alice.adviser, councils, 10)
    assert count_queries(client, DASHBOARD) == few
    with django_assert_num_queries(MANAGER_DASHBOARD_QUERIES):
        client.get(DASHBOARD)
    filtered = count_queries(client, DASHBOARD, {"region": "north-east", "adviser": alice.adviser.pk})
    add_engagements(alice.adviser, councils, 5)
    assert count_queries(client, DASHBOARD, {"region": "north-east", "adviser": alice.adviser.pk}) == filtered


# --- Council timeline ---------------------------------------------------------------------------

# The timeline's own queries and the profile's (engagements.intelligence.council_profile).
TIMELINE_QUERIES = 27


def test_the_timeline_shows_everything_with_the_council_newest_first(client_as, alice, bob, hartlepool):
    old = EngagementFactory(
        council=hartlepool, adviser=alice.adviser, date=today() - datetime.timedelta(days=100), summary="Older call"
    )
    new = EngagementFactory(
        council=hartlepool, adviser=bob.adviser, date=today() - datetime.timedelta(days=2), summary="Newer call"
    )
    old.offers.set([])
    support_request = SupportRequestFactory(council=hartlepool)
    response = client_as(alice).get(reverse("workspace:council_timeline", args=[hartlepool.slug]))
    assert list(response.context["page_obj"]) == [new, old]
    assert list(response.context["support_requests"]) == [support_request]
    html = response.content.decode()
    assert "Hartlepool" in html and "E06000001" in html and "Alice Adviser" in html and "North East" in html
    assert html.index("Newer call") < html.index("Older call")


def test_the_timeline_lists_offers_taken_up(client_as, alice, hartlepool):
    from offers.models import Offer

    offer = Offer.objects.published().order_by("slug").first()
    EngagementFactory(council=hartlepool, adviser=alice.adviser, offers=[offer])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, offers=[offer], status=EngagementStatus.CANCELLED)
    taken_up = (
        client_as(alice).get(reverse("workspace:council_timeline", args=[hartlepool.slug])).context["offers_taken_up"]
    )
    assert [(row["offer__title"], row["engagements"]) for row in taken_up] == [(offer.title, 1)]


def test_the_timeline_of_an_abolished_council_names_its_successor(client_as, alice):
    allerdale = Council.objects.get(gss_code="E07000026")
    html = client_as(alice).get(reverse("workspace:council_timeline", args=[allerdale.slug])).content.decode()
    assert "Abolished" in html and "Cumberland" in html


def test_the_timeline_makes_a_fixed_number_of_queries(client_as, alice, hartlepool, django_assert_num_queries):
    from offers.models import Offer, Theme

    client = client_as(alice)
    url = reverse("workspace:council_timeline", args=[hartlepool.slug])
    offers = list(Offer.objects.published().order_by("slug")[:3])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, offers=offers[:1], themes=[Theme.objects.first()])
    SupportRequestFactory(council=hartlepool)
    few = count_queries(client, url)
    for days in range(40):
        EngagementFactory(
            council=hartlepool,
            adviser=alice.adviser,
            date=today() - datetime.timedelta(days=days),
            offers=offers,
            summary=f"Call {days}",
        )
    SupportRequestFactory.create_batch(3, council=hartlepool)
    assert count_queries(client, url) == few
    assert count_queries(client, url, {"page": 2}) == few
    with django_assert_num_queries(TIMELINE_QUERIES):
        client.get(url)
    assert Engagement.objects.filter(council=hartlepool).count() == 41


def test_the_timeline_lists_the_offers_most_recently_taken_up_and_how_many_in_all(client_as, alice, hartlepool):
    from engagements.timeline import OFFERS_TAKEN_UP_SHOWN
    from offers.models import Offer

    offers = list(Offer.objects.order_by("slug")[: OFFERS_TAKEN_UP_SHOWN + 5])
    for days, offer in enumerate(offers):
        EngagementFactory(
            council=hartlepool, adviser=alice.adviser, date=today() - datetime.timedelta(days=days + 1), offers=[offer]
        )
    response = client_as(alice).get(reverse("workspace:council_timeline", args=[hartlepool.slug]))
    shown = [row["offer__title"] for row in response.context["offers_taken_up"]]
    assert shown == [offer.title for offer in offers[:OFFERS_TAKEN_UP_SHOWN]]  # the most recent first
    assert response.context["offers_taken_up_count"] == OFFERS_TAKEN_UP_SHOWN + 5
    html = response.content.decode()
    assert f"These are the {OFFERS_TAKEN_UP_SHOWN} offers most recently taken up, of 25 in all." in html
    assert offers[-1].title not in html.split('id="offers-taken-up"')[1]


def test_offers_taken_up_on_the_same_day_are_listed_by_title_with_their_names(client_as, alice, hartlepool):
    from offers.models import Offer

    offers = list(Offer.objects.published().order_by("-title")[:3])  # created in reverse title order
    yesterday = today() - datetime.timedelta(days=1)
    for offer in offers:
        EngagementFactory(council=hartlepool, adviser=alice.adviser, date=yesterday, offers=[offer])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=yesterday, offers=offers[:1])
    response = client_as(alice).get(reverse("workspace:council_timeline", args=[hartlepool.slug]))
    rows = response.context["offers_taken_up"]
    assert [row["offer__title"] for row in rows] == sorted(offer.title for offer in offers)
    assert {row["offer__slug"]: row["engagements"] for row in rows} == {
        offers[0].slug: 2,
        offers[1].slug: 1,
        offers[2].slug: 1,
    }
    assert {row["offer__theme__name"] for row in rows} == {offer.theme.name for offer in offers}


def test_the_adviser_choices_list_only_advisers_in_post_unless_a_former_one_is_chosen(client_as, manager, alice, bob):
    bob.adviser.is_active = False
    bob.adviser.save()
    for url in (DASHBOARD, reverse("workspace:engagement_list")):
        choices = response_choices(client_as(manager).get(url))
        assert "Alice Adviser" in choices and "Bob Adviser" not in choices
        # A former adviser chosen (from a bookmark, say) stays chosen, and still filters.
        chosen = client_as(manager).get(url, {"adviser": bob.adviser.pk})
        assert "Bob Adviser" in response_choices(chosen)
        assert re.search(rf'<option value="{bob.adviser.pk}"[^>]*selected', chosen.content.decode())


def response_choices(response) -> list[str]:
    select = re.search(r'<select[^>]*name="adviser".*?</select>', response.content.decode(), re.S)
    return re.findall(r"<option[^>]*>([^<]+)</option>", select.group(0))
