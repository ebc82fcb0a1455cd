"""The council profile on the workspace council page, the dismissal form, and councils going quiet
on the dashboard: what advisers and managers see, what is refused and with what message."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagements.forms import SUGGESTION_UNKNOWN
from engagements.intelligence_services import DISMISS_REASON_REQUIRED
from engagements.models import Council, SuggestionDismissal
from offers.models import Offer, OfferStatus, Theme
from tests.engagements.html import error_summary
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def page_url(council: Council) -> str:
    return reverse("workspace:council_timeline", args=[council.slug])


def dismiss_url(council: Council) -> str:
    return reverse("workspace:suggestion_dismiss", args=[council.slug])


@pytest.fixture
def finance():
    return Theme.objects.get(slug="financial-resilience")


@pytest.fixture
def story(alice, hartlepool, finance):
    """Hartlepool raised finance (open) and workforce (met); Middlesbrough took up a leadership offer."""
    workforce = Theme.objects.get(slug="workforce")
    available = Offer.objects.published().filter(status=OfferStatus.AVAILABLE).order_by("slug")
    workforce_offer = available.filter(theme=workforce).first()
    leadership_offer = available.filter(theme__slug="leadership").first()
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days_ago(40), themes=[finance])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days_ago(30), themes=[workforce])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days_ago(20), offers=[workforce_offer])
    EngagementFactory(
        council=Council.objects.get(gss_code="E06000002"),
        adviser=alice.adviser,
        date=days_ago(10),
        offers=[leadership_offer],
    )
    return {"workforce_offer": workforce_offer, "leadership_offer": leadership_offer}


def test_the_profile_shows_needs_met_and_open_and_explained_suggestions(client_as, alice, hartlepool, story):
    response = client_as(alice).get(page_url(hartlepool))
    assert response.status_code == 200
    profile = response.context["profile"]
    assert [(n.theme.slug, n.is_met) for n in profile.needs] == [("financial-resilience", False), ("workforce", True)]
    html = response.content.decode()
    assert "Support needs" in html and "Suggested offers" in html
    assert "Open" in html and "Met" in html and story["workforce_offer"].title in html
    reasons = [s.why for s in profile.suggestions]
    assert reasons[0].startswith("Financial resilience was raised on ")
    assert reasons[-1].endswith(f"took up {story['leadership_offer'].title} in the last year.")
    for why in reasons:
        assert why in html.replace("&#x27;", "'")
    assert html.count('action="' + dismiss_url(hartlepool) + '"') == len(profile.suggestions)


def test_dismissing_without_a_reason_is_refused_beside_the_field(client_as, alice, hartlepool, story):
    offer = story["leadership_offer"]
    response = client_as(alice).post(dismiss_url(hartlepool), {"offer": offer.slug, "reason": "  "})
    assert response.status_code == 200
    assert error_summary(response) == [DISMISS_REASON_REQUIRED]
    html = response.content.decode()
    assert f'href="#dismiss-{offer.slug}-reason"' in html
    assert f'id="dismiss-{offer.slug}-reason-error"' in html and DISMISS_REASON_REQUIRED in html
    assert "<title>Error: " in html
    assert not SuggestionDismissal.objects.exists()


def test_dismissing_with_a_reason_removes_the_suggestion_for_good(client_as, alice, hartlepool, story):
    offer = story["leadership_offer"]
    client = client_as(alice)
    response = client.post(dismiss_url(hartlepool), {"offer": offer.slug, "reason": "Already commissioned."})
    assert response.status_code == 302 and response["Location"].endswith(page_url(hartlepool) + "#suggestions")
    page = client.get(page_url(hartlepool))
    assert offer not in [s.offer for s in page.context["profile"].suggestions]
    html = page.content.decode()
    assert f"{offer.title} will not be suggested for Hartlepool again." in html
    assert "Dismissed suggestions (1)" in html and "Already commissioned." in html
    again = client.post(dismiss_url(hartlepool), {"offer": offer.slug, "reason": "Twice."})
    assert again.status_code == 302 and SuggestionDismissal.objects.count() == 1


def test_an_unknown_offer_in_the_dismissal_is_refused_with_a_message(client_as, alice, hartlepool, story):
    response = client_as(alice).post(dismiss_url(hartlepool), {"offer": "no-such-offer", "reason": "Why not."})
    assert response.status_code == 200
    assert any(SUGGESTION_UNKNOWN in item for item in error_summary(response))
    assert not SuggestionDismissal.objects.exists()


def test_only_the_councils_adviser_or_a_manager_may_dismiss(client_as, bob, manager, hartlepool, story):
    offer = story["leadership_offer"]
    page = client_as(bob).get(page_url(hartlepool))
    assert page.context["profile"].suggestions and dismiss_url(hartlepool) not in page.content.decode()
    assert client_as(bob).post(dismiss_url(hartlepool), {"offer": offer.slug, "reason": "Mine?"}).status_code == 403
    response = client_as(manager).post(dismiss_url(hartlepool), {"offer": offer.slug, "reason": "Manager's call."})
    assert response.status_code == 302
    assert SuggestionDismissal.objects.get().dismissed_by == manager


def test_the_dismissal_needs_the_csrf_token_and_a_post(alice, hartlepool, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    offer = story["leadership_offer"]
    assert client.post(dismiss_url(hartlepool), {"offer": offer.slug, "reason": "No token."}).status_code == 403
    assert client.get(dismiss_url(hartlepool)).status_code == 405
    assert not SuggestionDismissal.objects.exists()


def test_an_unknown_council_is_404_and_a_code_finds_the_council(client_as, alice, hartlepool):
    client = client_as(alice)
    assert client.get("/workspace/councils/atlantis/").status_code == 404
    assert client.post("/workspace/councils/atlantis/suggestions/dismiss/", {"reason": "x"}).status_code == 404
    assert client.get("/workspace/councils/E06000001/").context["council"] == hartlepool


def test_a_council_with_no_engagements_gets_a_helpful_empty_profile(client_as, alice, story):
    redcar = Council.objects.get(gss_code="E06000003")
    response = client_as(alice).get(page_url(redcar))
    html = response.content.decode()
    assert "No support needs have been recorded for Redcar and Cleveland yet." in html
    assert "None yet" in html  # last engagement
    # What its similar councils (Hartlepool, Middlesbrough) took up.
    suggestions = response.context["profile"].suggestions
    assert {s.offer for s in suggestions} == {story["leadership_offer"], story["workforce_offer"]}
    assert {s.reason for s in suggestions} == {"similar_councils"}


def test_an_abolished_council_points_to_its_successor(client_as, alice):
    allerdale = Council.objects.get(gss_code="E07000026")
    html = client_as(alice).get(page_url(allerdale)).content.decode()
    assert "was abolished on 1 April 2023, so nothing is suggested for it." in html
    assert "Cumberland" in html


def test_the_page_makes_a_fixed_number_of_queries(client_as, alice, bob, hartlepool, finance, story):
    from tests.engagements.test_workspace_dashboard import count_queries

    client = client_as(alice)
    few = count_queries(client, page_url(hartlepool))
    offers = list(Offer.objects.published().filter(theme=finance).order_by("slug")[:3])
    for n in range(25):
        EngagementFactory(
            council=hartlepool,
            adviser=alice.adviser,
            date=days_ago(n + 50),
            themes=[finance],
            offers=offers[n % 3 :][:1],
        )
        EngagementFactory(
            council=Council.objects.get(gss_code="E06000004"),
            adviser=bob.adviser,
            date=days_ago(n + 1),
            offers=offers[:2],
        )
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days_ago(1), themes=[finance])
    assert count_queries(client, page_url(hartlepool)) == few


# --- the dashboard -------------------------------------------------------------------------------


def test_the_dashboard_lists_councils_going_quiet_longest_first(client_as, alice, hartlepool):
    middlesbrough = Council.objects.get(gss_code="E06000002")
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days_ago(120))
    EngagementFactory(council=middlesbrough, adviser=alice.adviser, date=days_ago(5))
    response = client_as(alice).get(reverse("workspace:dashboard"))
    quiet = response.context["quiet_councils"]
    assert [(q.council.gss_code, q.days_since) for q in quiet] == [("E06000003", None), ("E06000001", 120)]
    html = response.content.decode()
    section = html.split('id="going-quiet"')[1]
    assert "2 councils had no completed engagement in the last 90 days." in section
    assert section.index("Redcar and Cleveland") < section.index("Hartlepool")
    assert "Middlesbrough" not in section.split("</table>")[0]
