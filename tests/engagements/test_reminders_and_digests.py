"""Follow-up reminders and the digest: what each person gets, when, once, and never when empty.

Sent through the commands as cron runs them; emails arrive in Django's locmem outbox through
the immediate task backend.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from engagements import digests, intelligence
from engagements.models import (
    Adviser,
    Council,
    DigestFrequency,
    EmailKind,
    EngagementStatus,
    NotificationPreference,
    OutgoingEmail,
    Region,
)
from engagements.notifications import digest_key
from offers.models import Offer
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The digest's day in these tests: the last Monday (the default weekday), today or before.
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday())
SITE = "https://support.example.org"
# Councils with their last engagement; each list with its total (window count); the follow-ups twice.
# Six for the lists, two for the councils gone quiet, and five for the suggestions of each of the
# quietest (here two; never more than digests.SUGGESTIONS_FOR_QUIETEST, however many councils).
DIGEST_QUERIES = 6 + 2 + 2 * 5


@pytest.fixture(autouse=True)
def site(settings):
    settings.PORTAL = {**settings.PORTAL, "SITE_URL": SITE}


@pytest.fixture
def quiet_catalogue():
    """A catalogue with no news: every offer created and last changed a month ago."""
    month_ago = timezone.now() - datetime.timedelta(days=30)
    Offer.objects.update(created_at=month_ago, modified_at=month_ago)


def run(command, capture, *args) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command(command, *args, stdout=out)
    return out.getvalue()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def to(address: str):
    return [m for m in mail.outbox if m.to == [address]]


# --- Follow-up reminders ---------------------------------------------------------------------------


def test_a_reminder_lists_todays_follow_ups_and_the_recently_overdue_and_counts_the_rest(
    alice, bob, hartlepool, stockton, django_capture_on_commit_callbacks
):
    adviser = alice.adviser
    middlesbrough = Council.objects.get(gss_code="E06000002")
    due = EngagementFactory(
        council=hartlepool, adviser=adviser, date=days(-20), follow_up_on=TODAY, summary="Budget gap discussed."
    )
    also_due = EngagementFactory(council=middlesbrough, adviser=adviser, date=days(-10), follow_up_on=TODAY)
    recent = EngagementFactory(council=hartlepool, adviser=adviser, date=days(-12), follow_up_on=days(-5))
    old = EngagementFactory(council=middlesbrough, adviser=adviser, date=days(-60), follow_up_on=days(-40))
    EngagementFactory(
        council=hartlepool, adviser=adviser, date=days(-9), follow_up_on=TODAY, follow_up_done=True
    )  # done: not listed
    EngagementFactory(
        council=hartlepool, adviser=adviser, date=days(-8), follow_up_on=TODAY, status=EngagementStatus.CANCELLED
    )
    EngagementFactory(council=stockton, adviser=bob.adviser, date=days(-3), follow_up_on=TODAY)  # Bob's own reminder

    output = run("send_follow_up_reminders", django_capture_on_commit_callbacks)

    (email,) = to("alice@advisers.example.org")
    assert email.subject == f"2 follow-ups due today, {TODAY:%-d %B %Y}"
    body = email.body
    assert f"2 follow-ups fall due today, {TODAY:%A %-d %B %Y}:" in body
    assert f"{SITE}/workspace/engagements/{due.pk}/" in body and "Budget gap discussed." in body
    assert f"{SITE}/workspace/engagements/{also_due.pk}/" in body
    assert "Overdue in the last 30 days (1):" in body
    assert f"{SITE}/workspace/engagements/{recent.pk}/" in body
    assert f"/workspace/engagements/{old.pk}/" not in body
    assert "And 1 more overdue by more than 30 days." in body
    assert body.count("/workspace/engagements/") - body.count("/workspace/engagements/?") == 3
    # HTML too, every link on the portal's address, and one-click unsubscribe.
    html = email.alternatives[0][0]
    assert f'href="{SITE}/workspace/engagements/{due.pk}/"' in html
    assert all(link.startswith(SITE) for link in re.findall(r'href="([^"]+)"', html))
    assert re.search(rf"{re.escape(SITE)}/unsubscribe/\S+/", body)
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["List-Unsubscribe"].startswith(f"<{SITE}/unsubscribe/")

    assert len(to("bob@advisers.example.org")) == 1
    assert "Queued for the worker to send: 2." in output


def test_no_reminder_on_a_day_nothing_falls_due(alice, hartlepool, django_capture_on_commit_callbacks):
    EngagementFactory(
        council=hartlepool, adviser=alice.adviser, date=days(-10), follow_up_on=days(-2)
    )  # overdue, but not due today
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days(-1), follow_up_on=days(3))
    output = run("send_follow_up_reminders", django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()
    assert "No follow-ups fall due on" in output


def test_reminders_are_sent_once_a_day_however_often_the_command_runs(
    alice, hartlepool, django_capture_on_commit_callbacks
):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days(-4), follow_up_on=TODAY)
    run("send_follow_up_reminders", django_capture_on_commit_callbacks)
    output = run("send_follow_up_reminders", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert "Queued for the worker to send: 0. Already sent: 1." in output
    sent = OutgoingEmail.objects.get()
    assert (sent.kind, sent.dedupe_key, sent.user) == (
        EmailKind.FOLLOW_UP_REMINDER,
        f"follow-up-reminder:{alice.pk}:{TODAY.isoformat()}",
        alice,
    )
    # Another day with a follow-up due is another reminder.
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days(-4), follow_up_on=days(1))
    run("send_follow_up_reminders", django_capture_on_commit_callbacks, "--date", days(1).isoformat())
    assert len(mail.outbox) == 2


def test_a_dry_run_prints_each_reminder_and_sends_nothing(alice, hartlepool, django_capture_on_commit_callbacks):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days(-4), follow_up_on=TODAY)
    output = run("send_follow_up_reminders", django_capture_on_commit_callbacks, "--dry-run")
    assert "=== To: Alice Adviser <alice@advisers.example.org> (would send)" in output
    assert f"{SITE}/workspace/engagements/{engagement.pk}/" in output
    assert "nothing sent. Would send: 1." in output
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()


def test_deactivated_advisers_and_those_who_switched_reminders_off_get_none(
    alice, bob, hartlepool, stockton, django_capture_on_commit_callbacks
):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=days(-4), follow_up_on=TODAY)
    EngagementFactory(council=stockton, adviser=bob.adviser, date=days(-4), follow_up_on=TODAY)
    Adviser.objects.filter(pk=alice.adviser.pk).update(is_active=False)
    NotificationPreference.objects.create(user=bob, follow_up_reminders=False)
    run("send_follow_up_reminders", django_capture_on_commit_callbacks)
    assert mail.outbox == []

    # A user account switched off gets nothing either, even with an active adviser record.
    Adviser.objects.filter(pk=alice.adviser.pk).update(is_active=True)
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    run("send_follow_up_reminders", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_bad_date_is_refused_with_a_clear_message():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must be a date as YYYY-MM-DD, not '31/12/2026'"):
        call_command("send_digests", "--date", "31/12/2026")


# --- The digest ------------------------------------------------------------------------------------


def monday(n: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=n)


@pytest.fixture
def alices_week(alice, hartlepool, quiet_catalogue):
    """Alice's councils: Hartlepool engaged this quarter with follow-ups; Middlesbrough quiet for
    100 days; Redcar and Cleveland never engaged; a request waiting; one new and one changed offer."""
    adviser = alice.adviser
    middlesbrough = Council.objects.get(gss_code="E06000002")
    world = {
        "held": EngagementFactory(council=hartlepool, adviser=adviser, date=MONDAY, summary="Held this quarter."),
        "this_week": EngagementFactory(council=hartlepool, adviser=adviser, date=monday(-3), follow_up_on=monday(3)),
        "overdue": EngagementFactory(council=hartlepool, adviser=adviser, date=monday(-20), follow_up_on=monday(-2)),
        "next_month": EngagementFactory(council=hartlepool, adviser=adviser, date=monday(-1), follow_up_on=monday(30)),
        "quiet": EngagementFactory(council=middlesbrough, adviser=adviser, date=monday(-100)),
        "request": SupportRequestFactory(council=hartlepool, message="Help with budgets."),
    }
    new, changed = Offer.objects.published().order_by("slug")[:2]
    Offer.objects.filter(pk=new.pk).update(created_at=timezone.now(), modified_at=timezone.now())
    Offer.objects.filter(pk=changed.pk).update(modified_at=timezone.now())
    world.update(new_offer=new, changed_offer=changed)
    return world


def test_the_digest_says_what_needs_attention_this_week(alice, alices_week, django_capture_on_commit_callbacks):
    w = alices_week
    run("send_digests", django_capture_on_commit_callbacks, "--date", MONDAY.isoformat())

    (email,) = to("alice@advisers.example.org")
    assert email.subject == f"Your digest for the week of {MONDAY:%-d %B %Y}: your councils"
    body = email.body
    sections = re.findall(r"^([A-Z][A-Z ,:\-0-9]+)\((\d+)\)", body, re.M)
    headings = {heading.split(",")[0].split(":")[0].strip(): int(count) for heading, count in sections}
    assert headings == {
        "FOLLOW-UPS DUE THIS WEEK": 1,
        "FOLLOW-UPS OVERDUE": 1,
        "COUNCILS NOT ENGAGED THIS QUARTER": 2,
        "COUNCILS GONE QUIET": 2,
        "SUPPORT REQUESTS WAITING": 1,
        "NEW IN THE CATALOGUE THIS PAST WEEK": 1,
        "CHANGED IN THE CATALOGUE THIS PAST WEEK": 1,
    }
    assert f"{SITE}/workspace/engagements/{w['this_week'].pk}/" in body
    assert f"{SITE}/workspace/engagements/{w['overdue'].pk}/" in body
    assert f"/workspace/engagements/{w['next_month'].pk}/" not in body  # beyond this week
    # Gone quiet, longest first: never engaged, then 100 days.
    quiet = body.split("COUNCILS GONE QUIET")[1]
    assert quiet.index("Redcar and Cleveland: never engaged") < quiet.index(
        f"Middlesbrough: 100 days since {monday(-100):%-d %B %Y}"
    )
    assert "Hartlepool" not in quiet.split("SUPPORT REQUESTS")[0]
    assert f"{SITE}/workspace/requests/{w['request'].reference}/" in body
    assert f"{SITE}{w['new_offer'].get_absolute_url()}" in body
    assert f"{SITE}{w['changed_offer'].get_absolute_url()}" in body
    assert f"{SITE}/workspace/engagements/?follow_up=due&adviser={alice.adviser.pk}" in body
    html = email.alternatives[0][0]
    assert all(link.startswith(SITE) for link in re.findall(r'href="([^"]+)"', html))
    assert "Councils gone quiet: no engagement in 90 days (2)" in html
    assert email.extra_headers["List-Unsubscribe"].startswith(f"<{SITE}/unsubscribe/")


def test_the_quietest_councils_come_with_suggested_offers_and_why(
    alice, alices_week, django_capture_on_commit_callbacks
):
    # A similar council took an offer up lately: an offer to suggest to the quiet ones.
    EngagementFactory(
        council=Council.objects.get(gss_code="E06000001"),
        adviser=alice.adviser,
        date=monday(-5),
        offers=[Offer.objects.published().filter(status="available").first()],
    )
    run("send_digests", django_capture_on_commit_callbacks, "--date", MONDAY.isoformat())
    (email,) = to("alice@advisers.example.org")
    quiet = email.body.split("COUNCILS GONE QUIET")[1].split("SUPPORT REQUESTS")[0]
    expected = {
        council.name: intelligence.suggestions_for_council(council, today=MONDAY, limit=2)
        for council in Council.objects.filter(gss_code__in=["E06000002", "E06000003"])
    }
    assert any(expected.values())
    for name, suggestions in expected.items():
        entry = quiet.split(f"- {name}:")[1].split("\n- ")[0]
        assert [line.strip() for line in entry.splitlines() if "Suggested:" in line] == [
            f"Suggested: {s.offer.title}. {s.why}" for s in suggestions
        ]
    html = email.alternatives[0][0]
    for suggestion in [s for suggestions in expected.values() for s in suggestions]:
        assert f'href="{SITE}{suggestion.offer.get_absolute_url()}"' in html


def test_a_digest_with_nothing_in_it_is_never_sent(bob, stockton, quiet_catalogue, django_capture_on_commit_callbacks):
    for council in Council.objects.filter(adviser=bob.adviser):
        EngagementFactory(
            council=council, adviser=bob.adviser, date=MONDAY
        )  # every council engaged this quarter, nothing open
    output = run("send_digests", django_capture_on_commit_callbacks, "--date", MONDAY.isoformat())
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()
    assert "Bob Adviser <bob@advisers.example.org>: nothing to send." in output


def test_one_digest_a_week_on_the_chosen_day(alice, alices_week, django_capture_on_commit_callbacks):
    run("send_digests", django_capture_on_commit_callbacks, "--date", MONDAY.isoformat())
    output = run("send_digests", django_capture_on_commit_callbacks, "--date", MONDAY.isoformat())
    assert len(mail.outbox) == 1 and "Already sent: 1." in output
    assert OutgoingEmail.objects.get(kind=EmailKind.DIGEST).dedupe_key == digest_key(alice, MONDAY)
    # Not on another weekday; on Wednesday once she chooses Wednesday, but not again that week.
    run("send_digests", django_capture_on_commit_callbacks, "--date", monday(1).isoformat())
    assert len(mail.outbox) == 1
    NotificationPreference.objects.update_or_create(user=alice, defaults={"digest_weekday": 2})
    run("send_digests", django_capture_on_commit_callbacks, "--date", monday(2).isoformat())
    assert len(mail.outbox) == 1
    run("send_digests", django_capture_on_commit_callbacks, "--date", monday(9).isoformat())
    assert len(mail.outbox) == 2


def test_every_other_week_and_never():
    preference = NotificationPreference(digest=DigestFrequency.FORTNIGHTLY, digest_weekday=0)
    mondays = [MONDAY + datetime.timedelta(weeks=n) for n in range(6)]
    due = [digests.digest_due(preference, day) for day in mondays]
    assert due in ([True, False] * 3, [False, True] * 3)
    assert not any(digests.digest_due(preference, day + datetime.timedelta(days=1)) for day in mondays)
    preference.digest = DigestFrequency.OFF
    assert not any(digests.digest_due(preference, day) for day in mondays)
    assert digests.next_digest_day(preference, MONDAY) is None


def test_a_dry_run_prints_every_digest_and_whether_it_is_due(alice, alices_week, django_capture_on_commit_callbacks):
    output = run("send_digests", django_capture_on_commit_callbacks, "--dry-run", "--date", monday(1).isoformat())
    assert (
        f"=== To: Alice Adviser <alice@advisers.example.org> (not due today; next on {monday(7):%A %-d %B %Y})"
        in output
    )
    assert "COUNCILS GONE QUIET" in output
    assert mail.outbox == [] and not OutgoingEmail.objects.filter(kind=EmailKind.DIGEST).exists()
    output = run("send_digests", django_capture_on_commit_callbacks, "--dry-run", "--date", MONDAY.isoformat())
    assert "=== To: Alice Adviser <alice@advisers.example.org> (would send)" in output


def test_switched_off_or_deactivated_means_no_digest(alice, alices_week, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=alice, digest=DigestFrequency.OFF)
    run("send_digests", django_capture_on_commit_callbacks, "--date", MONDAY.isoformat())
    assert mail.outbox == []
    NotificationPreference.objects.filter(user=alice).update(digest=DigestFrequency.WEEKLY)
    Adviser.objects.filter(pk=alice.adviser.pk).update(is_active=False)
    run("send_digests", django_capture_on_commit_callbacks, "--date", MONDAY.isoformat())
    assert mail.outbox == []


def test_a_managers_digest_covers_their_region_or_every_council(
    alice, bob, make_user, alices_week, django_capture_on_commit_callbacks
):
    london = Council.objects.get(gss_code="E09000001")  # City of London
    far_away = EngagementFactory(council=london, adviser=bob.adviser, date=monday(-3), follow_up_on=monday(2))
    everywhere = make_user("manager", username="meg", first_name="Meg", last_name="Manager")
    regional = make_user("manager", username="nia", first_name="Nia", last_name="Manager")
    Adviser.objects.create(
        user=regional, name="Nia Manager", email="nia@advisers.example.org", region=Region.objects.get(slug="london")
    )
    run("send_digests", django_capture_on_commit_callbacks, "--date", MONDAY.isoformat())

    (all_councils,) = to(everywhere.email)
    assert all_councils.subject.endswith(": all councils")
    assert f"/workspace/engagements/{alices_week['this_week'].pk}/" in all_councils.body
    assert f"/workspace/engagements/{far_away.pk}/" in all_councils.body
    assert "Alice Adviser" in all_councils.body and "Bob Adviser" in all_councils.body  # whose follow-up

    (region,) = to("nia@advisers.example.org")
    assert region.subject.endswith(": London")
    assert f"/workspace/engagements/{far_away.pk}/" in region.body
    assert f"/workspace/engagements/{alices_week['this_week'].pk}/" not in region.body
    assert "Hartlepool" not in region.body
    assert f"{SITE}/workspace/engagements/?follow_up=due&region=london" in region.body


def test_a_digest_makes_a_fixed_number_of_queries(alice, alices_week, django_assert_num_queries):
    (recipient,) = [r for r in digests.recipients() if r.user == alice]

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            digests.digest(recipient, MONDAY)
        return len(queries)

    count_queries()  # the first also reads the user's permissions, once per user
    before = count_queries()
    assert before == DIGEST_QUERIES
    hartlepool = Council.objects.get(gss_code="E06000001")
    for n in range(12):
        EngagementFactory(council=hartlepool, adviser=alice.adviser, date=monday(-25), follow_up_on=monday(-1 - n % 6))
        SupportRequestFactory(council=hartlepool, email=f"officer{n}@hartlepool.example")
    Offer.objects.update(modified_at=timezone.now())
    assert count_queries() == before
    with django_assert_num_queries(before):
        digest = digests.digest(recipient, MONDAY)
    assert digest.follow_ups_overdue.total > digests.DIGEST_LIST_LIMIT
    assert len(digest.follow_ups_overdue.items) == digests.DIGEST_LIST_LIMIT
