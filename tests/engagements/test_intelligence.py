"""Council intelligence on small hand-built records: needs met and open, suggestions in order with
their reasons, dismissals, successors of abolished councils, councils gone quiet, query counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.dashboard_selectors import dashboard_councils
from engagements.intelligence import (
    SuggestionReason,
    council_needs,
    council_profile,
    councils_gone_quiet,
    lineage_of,
    quiet_among,
    suggestions_for_council,
)
from engagements.intelligence_services import ALREADY_DISMISSED, DISMISS_REASON_REQUIRED, suggestion_dismiss
from engagements.models import Council, EngagementStatus, SupportRequestStatus
from engagements.services import engagement_archive, support_request_close
from offers.models import Offer, OfferStatus, Theme
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 30)


def day(month: int, date: int, year: int = 2025) -> datetime.date:
    return datetime.date(year, month, date)


def council(code: str) -> Council:
    return Council.objects.with_related().prefetch_related("predecessors").get(gss_code=code)


def offers_of(slug: str) -> list[Offer]:
    return list(Offer.objects.published().filter(status=OfferStatus.AVAILABLE, theme__slug=slug).order_by("slug"))


@pytest.fixture
def finance():
    return Theme.objects.get(slug="financial-resilience")


@pytest.fixture
def workforce():
    return Theme.objects.get(slug="workforce")


@pytest.fixture
def hartlepool():
    return council("E06000001")


@pytest.fixture
def middlesbrough():
    return council("E06000002")


def titles(suggestions) -> list[str]:
    return [s.offer.title for s in suggestions]


# --- needs ---------------------------------------------------------------------------------------


def test_a_need_raised_and_never_met_is_open_with_its_dates(alice, hartlepool, finance):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(1, 12), themes=[finance])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(3, 3), themes=[finance])
    [need] = council_needs(lineage_of(hartlepool))
    assert not need.is_met
    assert (need.times_raised, need.first_raised_on, need.last_raised_on) == (2, day(1, 12), day(3, 3))
    assert need.open_dates == (day(3, 3), day(1, 12))
    assert need.reason(TODAY) == (
        "Financial resilience was raised on 3 March and 12 January; no financial resilience offer taken up since."
    )


def test_a_need_met_by_a_later_take_up_disappears_from_the_suggestions(alice, hartlepool, finance):
    first, second = offers_of("financial-resilience")[:2]
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(3, 3), themes=[finance])
    [suggestion] = [s for s in suggestions_for_council(hartlepool, today=TODAY) if s.reason == "open_need"]
    assert suggestion.offer.theme == finance

    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(4, 1), offers=[second])
    [need] = council_needs(lineage_of(hartlepool))
    assert need.is_met and need.last_offer == second and need.last_taken_up_on == day(4, 1)
    assert [s for s in suggestions_for_council(hartlepool, today=TODAY) if s.reason == "open_need"] == []
    # The offer taken up is never suggested again, whatever the reason.
    assert second not in [s.offer for s in suggestions_for_council(hartlepool, today=TODAY)]


def test_a_take_up_before_the_need_was_raised_again_does_not_meet_it(alice, hartlepool, finance):
    offer = offers_of("financial-resilience")[0]
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(1, 12), themes=[finance])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(2, 1), offers=[offer])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(3, 3), themes=[finance])
    [need] = council_needs(lineage_of(hartlepool))
    assert not need.is_met and need.open_times == 1 and need.open_dates == (day(3, 3),)
    assert need.reason(TODAY).startswith("Financial resilience was raised on 3 March;")


def test_a_take_up_on_the_day_the_need_was_raised_meets_it(alice, hartlepool, finance):
    EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        date=day(3, 3),
        themes=[finance],
        offers=offers_of("financial-resilience")[:1],
    )
    assert council_needs(lineage_of(hartlepool))[0].is_met


def test_only_held_engagements_raise_or_meet_needs(alice, hartlepool, finance, workforce):
    EngagementFactory(
        council=hartlepool, adviser=alice.adviser, date=day(3, 3), themes=[workforce], status=EngagementStatus.CANCELLED
    )
    archived = EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(3, 4), themes=[workforce])
    engagement_archive(engagement=archived, user=alice)
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(3, 5), themes=[finance])
    EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        date=day(4, 5),
        offers=offers_of("financial-resilience")[:1],
        status="cancelled",
    )
    [need] = council_needs(lineage_of(hartlepool))
    assert need.theme == finance and not need.is_met


def test_the_dates_named_are_the_latest_three_and_how_many_more(alice, hartlepool, finance):
    for month in (1, 2, 3, 4, 5):
        EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(month, 2), themes=[finance])
    [need] = council_needs(lineage_of(hartlepool))
    assert need.open_times == 5
    assert need.reason(TODAY) == (
        "Financial resilience was raised on 2 May, 2 April, 2 March and 2 more times; "
        "no financial resilience offer taken up since."
    )


# --- suggestions ---------------------------------------------------------------------------------


def test_suggestions_in_order_each_with_its_reason(alice, bob, hartlepool, middlesbrough, finance, workforce):
    fin_a, fin_b, fin_c = offers_of("financial-resilience")[:3]
    work_a = offers_of("workforce")[0]
    peer = offers_of("leadership")[0]
    stockton, darlington = council("E06000004"), council("E06000005")
    # Hartlepool raised finance (twice) and, more recently, workforce; neither met.
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(1, 12), themes=[finance])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(3, 3), themes=[finance])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(5, 20), themes=[workforce])
    # Similar councils (unitary, North East) in the last year: fin_b by two, peer by three.
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=day(2, 1), offers=[fin_b, peer])
    EngagementFactory(council=stockton, adviser=bob.adviser, date=day(2, 2), offers=[fin_b, peer])
    EngagementFactory(council=darlington, adviser=bob.adviser, date=day(2, 3), offers=[peer])
    # A new finance offer, launched ten days ago.
    Offer.objects.filter(pk=fin_c.pk).update(launched_on=TODAY - datetime.timedelta(days=10))

    suggestions = suggestions_for_council(hartlepool, today=TODAY)
    peers = Council.objects.existing_on(TODAY).filter(kind="unitary", region__slug="north-east").count() - 1
    assert [(s.offer, s.reason) for s in suggestions] == [
        (work_a, SuggestionReason.OPEN_NEED),  # raised most recently; no similar council took a workforce offer
        (fin_b, SuggestionReason.OPEN_NEED),  # the finance offer most similar councils took up
        (fin_c, SuggestionReason.NEW_OFFER),
        (peer, SuggestionReason.SIMILAR_COUNCILS),
    ]
    assert [s.why for s in suggestions] == [
        "Workforce was raised on 20 May; no workforce offer taken up since.",
        "Financial resilience was raised on 3 March and 12 January; no financial resilience offer taken up since.",
        "New on 20 June in Financial resilience, a theme Hartlepool raised on 3 March.",
        f"3 of the {peers} other unitary authorities in the North East took up {peer.title} in the last year.",
    ]


def test_similar_councils_are_of_the_same_kind(alice, hartlepool, middlesbrough):
    unitary_choice, metropolitan_choice = offers_of("leadership")[:2]
    gateshead = council("E08000037")  # a metropolitan district in the North East
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=day(5, 1), offers=[unitary_choice])
    EngagementFactory(council=gateshead, adviser=alice.adviser, date=day(5, 1), offers=[metropolitan_choice])
    EngagementFactory(council=gateshead, adviser=alice.adviser, date=day(5, 2), offers=[metropolitan_choice])
    assert titles(suggestions_for_council(hartlepool, today=TODAY)) == [unitary_choice.title]


def test_take_up_more_than_a_year_ago_does_not_count_for_similar_councils(alice, hartlepool, middlesbrough):
    old, recent = offers_of("leadership")[:2]
    EngagementFactory(
        council=middlesbrough, adviser=alice.adviser, date=TODAY - datetime.timedelta(days=365), offers=[old]
    )
    EngagementFactory(
        council=middlesbrough, adviser=alice.adviser, date=TODAY - datetime.timedelta(days=364), offers=[recent]
    )
    assert titles(suggestions_for_council(hartlepool, today=TODAY)) == [recent.title]


def test_a_suspended_closed_or_unpublished_offer_is_never_suggested(alice, hartlepool, middlesbrough, finance):
    offers = offers_of("financial-resilience")[:4]
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(3, 3), themes=[finance])
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=day(3, 4), offers=offers)
    assert {s.offer for s in suggestions_for_council(hartlepool, today=TODAY)} == set(offers)
    Offer.objects.filter(pk=offers[0].pk).update(status=OfferStatus.SUSPENDED)
    Offer.objects.filter(pk=offers[1].pk).update(status=OfferStatus.CLOSED)
    Offer.objects.filter(pk=offers[2].pk).update(is_published=False)
    suggestions = suggestions_for_council(hartlepool, today=TODAY)
    assert [s.offer for s in suggestions] == [offers[3]]
    assert suggestions[0].reason == SuggestionReason.OPEN_NEED


def test_an_offer_the_council_asked_for_in_an_open_request_is_not_suggested(alice, hartlepool, middlesbrough):
    wanted = offers_of("leadership")[0]
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=day(5, 1), offers=[wanted])
    support_request = SupportRequestFactory(council=hartlepool, offer=wanted)
    assert suggestions_for_council(hartlepool, today=TODAY) == []
    support_request_close(request=support_request, user=alice, reason="Not this year.")
    assert titles(suggestions_for_council(hartlepool, today=TODAY)) == [wanted.title]


def test_a_dismissed_suggestion_stays_gone(alice, bob, hartlepool, middlesbrough):
    first, second = sorted(offers_of("leadership")[:2], key=lambda o: o.pk)  # equal take-up: the older offer first
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=day(5, 1), offers=[first, second])
    assert titles(suggestions_for_council(hartlepool, today=TODAY)) == [first.title, second.title]
    dismissal = suggestion_dismiss(council=hartlepool, offer=first, reason="Done with another provider.", user=alice)
    assert dismissal.dismissed_by == alice and dismissal.reason == "Done with another provider."
    assert titles(suggestions_for_council(hartlepool, today=TODAY)) == [second.title]
    # More similar councils take it up: still dismissed for Hartlepool, still suggested elsewhere.
    EngagementFactory(council=council("E06000004"), adviser=bob.adviser, date=day(6, 1), offers=[first])
    assert titles(suggestions_for_council(hartlepool, today=TODAY)) == [second.title]
    assert first.title in titles(suggestions_for_council(council("E06000003"), today=TODAY))


def test_a_dismissal_needs_a_reason_and_happens_once(alice, hartlepool):
    offer = offers_of("leadership")[0]
    with pytest.raises(ValidationError) as refused:
        suggestion_dismiss(council=hartlepool, offer=offer, reason="   ", user=alice)
    assert refused.value.message_dict == {"reason": [DISMISS_REASON_REQUIRED]}
    suggestion_dismiss(council=hartlepool, offer=offer, reason="Not now.", user=alice)
    with pytest.raises(ValidationError) as again:
        suggestion_dismiss(council=hartlepool, offer=offer, reason="Still not.", user=alice)
    assert again.value.messages == [ALREADY_DISMISSED.format(offer=offer, council=hartlepool)]


def test_a_council_with_no_engagements_gets_suggestions_from_similar_councils(alice, middlesbrough):
    offer = offers_of("leadership")[0]
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=day(5, 1), offers=[offer])
    redcar = council("E06000003")
    profile = council_profile(redcar, today=TODAY)
    assert profile.needs == [] and profile.last_engagement is None and profile.this_year == []
    assert [(s.offer, s.reason) for s in profile.suggestions] == [(offer, SuggestionReason.SIMILAR_COUNCILS)]


# --- councils that replaced others ---------------------------------------------------------------


def test_an_abolished_councils_history_counts_for_its_successor(alice, workforce):
    allerdale, carlisle, cumberland = council("E07000026"), council("E07000028"), council("E06000063")
    taken = offers_of("peer-support")[0]
    # Before the reorganisation of 1 April 2023: Allerdale raised workforce and took up a peer offer.
    EngagementFactory(council=allerdale, adviser=alice.adviser, date=day(5, 1, 2022), themes=[workforce])
    EngagementFactory(council=carlisle, adviser=alice.adviser, date=day(6, 1, 2022), offers=[taken])
    profile = council_profile(cumberland, today=TODAY)
    assert {c.gss_code for c in profile.predecessors} >= {"E07000026", "E07000028"}
    [need] = profile.needs
    assert need.theme == workforce and not need.is_met and need.last_raised_on == day(5, 1, 2022)
    assert profile.last_engagement.council == carlisle
    assert profile.suggestions[0].why == "Workforce was raised on 1 May 2022; no workforce offer taken up since."
    assert taken not in [s.offer for s in profile.suggestions]  # taken up by a council it replaced
    # The abolished council itself: its history, and nothing suggested.
    assert [n.theme for n in council_needs(lineage_of(allerdale))] == [workforce]
    assert suggestions_for_council(allerdale, today=TODAY) == []
    # The successor meets the need after the reorganisation.
    EngagementFactory(council=cumberland, adviser=alice.adviser, date=day(2, 1), offers=offers_of("workforce")[:1])
    assert council_profile(council("E06000063"), today=TODAY).needs[0].is_met


# --- the profile ---------------------------------------------------------------------------------


def test_the_profile_at_a_glance(alice, hartlepool):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(1, 5, 2024))
    EngagementFactory(
        council=hartlepool, adviser=alice.adviser, date=day(2, 10), kind="ceo_one_to_one", follow_up_on=day(7, 15)
    )
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(6, 1), kind="call")
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(6, 20), kind="call")
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=day(6, 25), status=EngagementStatus.CANCELLED)
    waiting = SupportRequestFactory(council=hartlepool)
    profile = council_profile(hartlepool, today=TODAY)
    assert profile.last_engagement.date == day(6, 20) and profile.days_since == 10
    assert [(k.label, k.count) for k in profile.this_year] == [("One-to-one with chief executive", 1), ("Call", 2)]
    assert profile.this_year_total == 3
    assert [e.follow_up_on for e in profile.open_follow_ups] == [day(7, 15)] and profile.open_follow_up_count == 1
    assert profile.waiting_requests == [waiting] and profile.waiting_request_count == 1
    waiting.status = SupportRequestStatus.CLOSED
    waiting.save()
    assert council_profile(hartlepool, today=TODAY).waiting_request_count == 0


def profile_queries(target) -> int:
    fresh = council(target.gss_code)
    with CaptureQueriesContext(connection) as queries:
        council_profile(fresh, today=TODAY)
    return len(queries)


# The profile's own queries: last engagement, this year by kind, follow-ups, requests, three for
# the needs (the needs, their themes with the latest take-up of each and its offer, the open dates),
# four for the suggestions (similar councils, their take-up, the newest offers, the offers
# suggested), and the dismissals; the predecessors come with the council.
PROFILE_QUERIES = 12


def test_the_profile_makes_a_fixed_number_of_queries_whatever_the_history(
    alice, bob, hartlepool, middlesbrough, finance, workforce
):
    finance_offers, workforce_offers = offers_of("financial-resilience"), offers_of("workforce")
    # One need met and one open, as in the long history (with nothing open, one query fewer is asked).
    EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        date=day(1, 3),
        themes=[finance, workforce],
        offers=finance_offers[:1],
    )
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=day(1, 4), offers=workforce_offers[:1])
    SupportRequestFactory(council=hartlepool)
    few = profile_queries(hartlepool)
    for n in range(30):
        EngagementFactory(
            council=hartlepool,
            adviser=alice.adviser,
            date=day(1, 5) + datetime.timedelta(days=n * 5),
            themes=[finance, workforce][: n % 2 + 1],
            offers=finance_offers[n % 3 : n % 3 + 1] if n % 4 else [],
            follow_up_on=TODAY + datetime.timedelta(days=n),
        )
        EngagementFactory(
            council=council("E06000004"),
            adviser=bob.adviser,
            date=day(1, 5) + datetime.timedelta(days=n),
            offers=workforce_offers[n % 4 :][:2],
        )
    for n in range(6):
        SupportRequestFactory(council=hartlepool, email=f"n{n}@example.org")
    assert profile_queries(hartlepool) == few == PROFILE_QUERIES


# --- councils going quiet ------------------------------------------------------------------------


def test_councils_gone_quiet_longest_first_with_their_last_contact(alice, hartlepool, middlesbrough):
    redcar = council("E06000003")
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=TODAY - datetime.timedelta(days=91))
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=TODAY - datetime.timedelta(days=200))
    EngagementFactory(
        council=middlesbrough,
        adviser=alice.adviser,
        date=TODAY - datetime.timedelta(days=10),
        status=EngagementStatus.PLANNED,
    )
    EngagementFactory(council=redcar, adviser=alice.adviser, date=TODAY - datetime.timedelta(days=89))
    quiet = councils_gone_quiet(alice.adviser.councils.all(), today=TODAY)
    assert [(q.council.gss_code, q.days_since) for q in quiet] == [("E06000002", 200), ("E06000001", 91)]
    assert quiet[0].last_contact_on == TODAY - datetime.timedelta(days=200)
    assert [q.council.gss_code for q in councils_gone_quiet(alice.adviser.councils.all(), today=TODAY, days=30)] == [
        "E06000002",
        "E06000001",
        "E06000003",
    ]
    assert_the_dashboard_finds_the_same(alice.adviser.councils.all())


def test_a_never_engaged_council_is_quiet_first_and_a_successor_inherits_its_last_contact(alice):
    allerdale = council("E07000026")
    EngagementFactory(council=allerdale, adviser=alice.adviser, date=day(3, 1, 2023))
    councils = Council.objects.filter(gss_code__in=["E06000063", "E06000064", "E07000026"])
    quiet = councils_gone_quiet(councils, today=TODAY)
    # Allerdale no longer exists; Westmorland and Furness was never engaged; Cumberland last through Allerdale.
    assert [(q.council.gss_code, q.last_contact_on) for q in quiet] == [
        ("E06000064", None),
        ("E06000063", day(3, 1, 2023)),
    ]
    assert_the_dashboard_finds_the_same(councils)


def assert_the_dashboard_finds_the_same(councils):
    """The dashboard finds the councils going quiet among its table's rows: the same ones, in the
    same order, with the same last contact."""
    expected = [(q.council.pk, q.last_contact_on, q.days_since) for q in councils_gone_quiet(councils, today=TODAY)]
    rows = dashboard_councils(councils, today=TODAY, sort="follow_ups", descending=True)
    assert [(q.council.pk, q.last_contact_on, q.days_since) for q in quiet_among(rows, today=TODAY)] == expected
