"""The pages behind the emails: a requester's status page, the unsubscribe link, the settings page,
and the calendar feed (parsed back with icalendar)."""

import datetime
import re

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from engagements import notifications
from engagements.models import (
    Adviser,
    DigestFrequency,
    EngagementStatus,
    NotificationPreference,
    SupportRequest,
)
from engagements.public.offer_views import CONFIRMATION_SALT
from engagements.services import support_request_acknowledge, support_request_close, support_request_convert
from engagements.workspace.settings_views import CALENDAR_RESET, CHOOSE_DIGEST, CHOOSE_WEEKDAY, SETTINGS_SAVED
from tests.engagements.html import field_error
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

SITE = "https://support.example.org"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def site(settings):
    settings.PORTAL = {**settings.PORTAL, "SITE_URL": SITE}


def without_nonce(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def assert_plain_404(client, url: str, method: str = "get") -> None:
    """Refused with the portal's ordinary "Page not found", the same as an address that never existed."""
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert without_nonce(response) == without_nonce(client.get("/no-such-page/"))


# --- The requester's status page ----------------------------------------------------------------


def status_page(client, support_request) -> str:
    response = client.get(f"/requests/{support_request.status_token}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in response["Cache-Control"]
    return response.content.decode()


def test_the_status_page_follows_a_request_from_received_to_taken_forward(client, alice, hartlepool, manager):
    support_request = SupportRequestFactory(council=hartlepool, message="We need a finance adviser.")
    page = status_page(client, support_request)
    assert support_request.reference in page and "Received" in page
    assert "Alice Adviser" in page and "alice@advisers.example.org" in page
    assert "Hartlepool" in page

    support_request_acknowledge(request=support_request, user=alice)
    assert "Acknowledged" in status_page(client, support_request)

    engagement = support_request_convert(
        request=support_request, user=alice, summary="Call booked.", private_notes="Chief executive leaving soon."
    )
    page = status_page(client, support_request)
    assert "Taken forward" in page
    # Nothing of the engagement, let alone its private notes, reaches the requester.
    assert "Chief executive leaving soon." not in page and "Call booked." not in page
    assert f"/workspace/engagements/{engagement.pk}/" not in page


def test_a_closed_request_shows_its_reason_and_nothing_of_anyone_elses(client, alice, hartlepool):
    mine = SupportRequestFactory(council=hartlepool, email="sam@hartlepool.example", name="Sam Patel")
    theirs = SupportRequestFactory(
        council=hartlepool, email="jo@hartlepool.example", name="Jo Jones", message="Something private."
    )
    support_request_close(request=mine, user=alice, reason="The council chose another route this year.")
    page = status_page(client, mine)
    assert "Closed" in page and "The council chose another route this year." in page
    for other in (theirs.reference, "Jo Jones", "jo@hartlepool.example", "Something private."):
        assert other not in page


def test_an_unknown_or_malformed_status_token_is_an_ordinary_not_found(client, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool)
    assert_plain_404(client, f"/requests/{support_request.status_token[:-1]}x/")
    assert_plain_404(client, f"/requests/{support_request.reference}/")  # the reference is not the secret
    assert_plain_404(client, "/requests/short/")
    assert_plain_404(client, "/requests/%00" + "a" * 30 + "/")


def test_each_request_has_its_own_secret_and_the_confirmation_page_links_to_it(client, hartlepool):
    first, second = (
        SupportRequestFactory(council=hartlepool),
        SupportRequestFactory(council=hartlepool, email="jo@hartlepool.example"),
    )
    assert first.status_token != second.status_token and len(first.status_token) >= 32
    # The history keeps no copy of the secret.
    assert "status_token" not in {f.name for f in SupportRequest.history.model._meta.fields}
    token = signing.dumps(first.reference, salt=CONFIRMATION_SALT)
    page = client.get(f"/offers/{first.offer.slug}/request/sent/{token}/").content.decode()
    assert f'href="/requests/{first.status_token}/"' in page


# --- Unsubscribe ---------------------------------------------------------------------------------


def test_unsubscribing_from_the_digest_asks_then_works_without_signing_in(client, alice):
    url = notifications.unsubscribe_url(alice, notifications.DIGEST).removeprefix(SITE)
    page = client.get(url)
    assert page.status_code == 200 and "Unsubscribe from the digest?" in page.content.decode()
    assert notifications.preference_for(alice).digest == DigestFrequency.WEEKLY  # a GET changes nothing

    done = client.post(url)
    assert done.status_code == 200 and "You have unsubscribed" in done.content.decode()
    preference = NotificationPreference.objects.get(user=alice)
    assert preference.digest == DigestFrequency.OFF and preference.follow_up_reminders  # only the digest


def test_a_mail_programs_one_click_unsubscribe_needs_no_csrf_token(alice):
    url = notifications.unsubscribe_url(alice, notifications.REMINDERS).removeprefix(SITE)
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=alice).follow_up_reminders is False


def test_a_bad_tampered_or_expired_unsubscribe_link_is_an_ordinary_not_found(client, alice, bob, monkeypatch):
    token = notifications.unsubscribe_token(alice, notifications.DIGEST)
    assert_plain_404(client, "/unsubscribe/not-a-token/")
    assert_plain_404(client, f"/unsubscribe/{token[:-2]}xx/", "post")
    # Someone else's user id with Alice's signature.
    forged = notifications.unsubscribe_token(bob, notifications.DIGEST).split(":")[0] + ":" + token.split(":", 1)[1]
    assert_plain_404(client, f"/unsubscribe/{forged}/", "post")
    monkeypatch.setattr(notifications, "UNSUBSCRIBE_MAX_AGE", -1)  # every link has expired
    assert_plain_404(client, f"/unsubscribe/{token}/", "post")
    assert not NotificationPreference.objects.filter(digest=DigestFrequency.OFF).exists()


def test_a_deactivated_accounts_unsubscribe_link_is_not_found(client, alice):
    token = notifications.unsubscribe_token(alice, notifications.DIGEST)
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    assert_plain_404(client, f"/unsubscribe/{token}/")


# --- The settings page ---------------------------------------------------------------------------


def test_the_settings_page_shows_the_defaults_and_saves_the_choices(client_as, alice):
    client = client_as(alice)
    page = client.get("/workspace/settings/")
    html = page.content.decode()
    assert page.status_code == 200 and "Notification settings" in html
    assert re.search(r'<input[^>]*name="follow_up_reminders"[^>]*checked', html)
    assert re.search(r'<input[^>]*name="digest" value="weekly"[^>]*checked', html)
    assert re.search(r'<input[^>]*name="digest_weekday" value="0"[^>]*checked', html)
    preference = NotificationPreference.objects.get(user=alice)
    assert f'value="{SITE}/calendar/{preference.calendar_secret}.ics"' in html
    assert "alice@advisers.example.org" in html

    response = client.post("/workspace/settings/", {"digest": "fortnightly", "digest_weekday": "3"})
    assert response.status_code == 302 and response["Location"] == "/workspace/settings/"
    assert SETTINGS_SAVED in client.get("/workspace/settings/").content.decode()
    preference.refresh_from_db()
    assert (preference.follow_up_reminders, preference.digest, preference.digest_weekday) == (
        False,
        DigestFrequency.FORTNIGHTLY,
        3,
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"digest": "hourly", "digest_weekday": "0"}, "digest", CHOOSE_DIGEST),
        ({"digest_weekday": "0"}, "digest", CHOOSE_DIGEST),
        ({"digest": "weekly", "digest_weekday": "6"}, "digest_weekday", CHOOSE_WEEKDAY),
        ({"digest": "weekly", "digest_weekday": "Monday"}, "digest_weekday", CHOOSE_WEEKDAY),
        ({"digest": "weekly"}, "digest_weekday", CHOOSE_WEEKDAY),
    ],
)
def test_a_bad_choice_is_explained_beside_its_field_and_saves_nothing(client_as, alice, data, field, message):
    client = client_as(alice)
    response = client.post("/workspace/settings/", {"follow_up_reminders": "on", **data})
    assert response.status_code == 200
    assert "Error: Notification settings" in response.content.decode()
    assert field_error(response, field) == message
    preference = notifications.preference_for(alice)
    assert (preference.digest, preference.digest_weekday) == (DigestFrequency.WEEKLY, 0)


def test_resetting_the_calendar_link_stops_the_old_one(client_as, alice):
    client = client_as(alice)
    client.get("/workspace/settings/")
    old = NotificationPreference.objects.get(user=alice).calendar_secret
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    assert client.get("/workspace/settings/calendar/reset/").status_code == 405  # only a POST resets
    response = client.post("/workspace/settings/calendar/reset/", follow=True)
    assert CALENDAR_RESET in response.content.decode()
    new = NotificationPreference.objects.get(user=alice).calendar_secret
    assert new != old and f"/calendar/{new}.ics" in response.content.decode()
    anonymous = Client()
    assert_plain_404(anonymous, f"/calendar/{old}.ics")
    assert anonymous.get(f"/calendar/{new}.ics").status_code == 200


def test_a_manager_without_councils_of_their_own_has_no_calendar(client_as, manager):
    html = client_as(manager).get("/workspace/settings/").content.decode()
    assert "not linked to a principal adviser" in html and "/calendar/" not in html
    secret = NotificationPreference.objects.get(user=manager).calendar_secret
    assert_plain_404(Client(), f"/calendar/{secret}.ics")


# --- The calendar feed ---------------------------------------------------------------------------


def feed(alice) -> Calendar:
    secret = notifications.preference_for(alice).calendar_secret
    response = Client().get(f"/calendar/{secret}.ics")  # no session: a calendar program
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_feed_holds_open_follow_ups_and_planned_engagements_only(alice, bob, hartlepool, stockton):
    adviser = alice.adviser
    follow_up = EngagementFactory(
        council=hartlepool,
        adviser=adviser,
        date=TODAY - datetime.timedelta(days=3),
        follow_up_on=TODAY + datetime.timedelta(days=4),
    )
    overdue = EngagementFactory(
        council=hartlepool,
        adviser=adviser,
        date=TODAY - datetime.timedelta(days=30),
        follow_up_on=TODAY - datetime.timedelta(days=9),
    )
    planned = EngagementFactory(
        council=hartlepool,
        adviser=adviser,
        date=TODAY + datetime.timedelta(days=10),
        status=EngagementStatus.PLANNED,
        summary="Budget workshop with the cabinet.",
        private_notes="Not for the calendar.",
    )
    EngagementFactory(
        council=hartlepool,
        adviser=adviser,
        date=TODAY - datetime.timedelta(days=5),
        follow_up_on=TODAY,
        follow_up_done=True,
    )
    EngagementFactory(
        council=hartlepool,
        adviser=adviser,
        date=TODAY - datetime.timedelta(days=5),
        follow_up_on=TODAY,
        status="cancelled",
    )
    EngagementFactory(
        council=hartlepool, adviser=adviser, date=TODAY - datetime.timedelta(days=2)
    )  # completed, no follow-up
    EngagementFactory(
        council=stockton, adviser=bob.adviser, date=TODAY + datetime.timedelta(days=2), status=EngagementStatus.PLANNED
    )

    calendar = feed(alice)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"follow-up-{follow_up.pk}@support.example.org",
        f"follow-up-{overdue.pk}@support.example.org",
        f"engagement-{planned.pk}@support.example.org",
    }
    event = events[f"follow-up-{follow_up.pk}@support.example.org"]
    assert event.decoded("DTSTART") == follow_up.follow_up_on  # all-day, on the follow-up date
    assert event.decoded("DTEND") == follow_up.follow_up_on + datetime.timedelta(days=1)
    assert str(event["SUMMARY"]) == "Follow up: Hartlepool"
    assert str(event["URL"]) == f"{SITE}/workspace/engagements/{follow_up.pk}/"
    workshop = events[f"engagement-{planned.pk}@support.example.org"]
    assert workshop.decoded("DTSTART") == planned.date and str(workshop["STATUS"]) == "TENTATIVE"
    assert "Budget workshop with the cabinet." in str(workshop["DESCRIPTION"])
    assert (
        "Not for the calendar."
        not in Client().get(f"/calendar/{notifications.preference_for(alice).calendar_secret}.ics").content.decode()
    )
    assert str(calendar["X-WR-CALNAME"]) == "LGA follow-ups and engagements: Alice Adviser"


def test_the_feed_makes_a_fixed_number_of_queries(alice, hartlepool, django_assert_num_queries):
    secret = notifications.preference_for(alice).calendar_secret
    EngagementFactory(
        council=hartlepool, adviser=alice.adviser, date=TODAY, follow_up_on=TODAY + datetime.timedelta(days=1)
    )
    client = Client()
    with django_assert_num_queries(3):  # the secret's owner, the follow-ups, the planned engagements
        client.get(f"/calendar/{secret}.ics")
    for n in range(8):
        EngagementFactory(
            council=hartlepool, adviser=alice.adviser, date=TODAY, follow_up_on=TODAY + datetime.timedelta(days=n)
        )
        EngagementFactory(
            council=hartlepool,
            adviser=alice.adviser,
            date=TODAY + datetime.timedelta(days=n + 1),
            status=EngagementStatus.PLANNED,
        )
    with django_assert_num_queries(3):
        assert len(Calendar.from_ical(client.get(f"/calendar/{secret}.ics").content).walk("VEVENT")) == 17


def test_a_deactivated_advisers_feed_is_not_found(client, alice):
    secret = notifications.preference_for(alice).calendar_secret
    Adviser.objects.filter(pk=alice.adviser.pk).update(is_active=False)
    assert_plain_404(client, f"/calendar/{secret}.ics")
    Adviser.objects.filter(pk=alice.adviser.pk).update(is_active=True)
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    assert_plain_404(client, f"/calendar/{secret}.ics")


def test_an_unknown_or_malformed_calendar_secret_is_not_found(client, alice):
    secret = notifications.preference_for(alice).calendar_secret
    assert_plain_404(client, f"/calendar/{secret[:-1]}Z.ics")
    assert_plain_404(client, "/calendar/x.ics")
    assert_plain_404(client, f"/calendar/{secret}.txt")
    assert_plain_404(client, "/calendar/%00" + "a" * 30 + ".ics")


def test_every_engagement_page_offers_a_one_off_calendar_file(client_as, alice, bob, hartlepool):
    engagement = EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        date=TODAY + datetime.timedelta(days=5),
        status=EngagementStatus.PLANNED,
        follow_up_on=TODAY + datetime.timedelta(days=12),
    )
    client = client_as(bob)  # any adviser may read any engagement
    page = client.get(f"/workspace/engagements/{engagement.pk}/").content.decode()
    assert f'href="/workspace/engagements/{engagement.pk}/calendar.ics"' in page
    response = client.get(f"/workspace/engagements/{engagement.pk}/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="engagement-{engagement.pk}.ics"'
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [(str(e["UID"]), e.decoded("DTSTART")) for e in events] == [
        (f"engagement-{engagement.pk}@support.example.org", engagement.date),
        (f"follow-up-{engagement.pk}@support.example.org", engagement.follow_up_on),
    ]
    assert Client().get(f"/workspace/engagements/{engagement.pk}/calendar.ics").status_code == 302  # sign in first
    assert client.get("/workspace/engagements/999999/calendar.ics").status_code == 404
