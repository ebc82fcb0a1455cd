"""Selectors and service details behind the workspace pages."""

import datetime

import pytest

from engagements.history import engagement_history
from engagements.services import engagement_archive, engagement_update, support_request_close
from lga_portal.periods import quarter_of
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day,start,end,label",
    [
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 1), datetime.date(2025, 3, 31), "2025 Q1"),
        (datetime.date(2025, 5, 17), datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), "2025 Q2"),
        (datetime.date(2024, 12, 31), datetime.date(2024, 10, 1), datetime.date(2024, 12, 31), "2024 Q4"),
    ],
)
def test_quarters(day, start, end, label):
    quarter = quarter_of(day)
    assert (quarter.start, quarter.end, quarter.label) == (start, end, label)


def test_the_quarter_before_the_first_is_last_years_fourth():
    assert quarter_of(datetime.date(2025, 2, 1)).previous().label == "2024 Q4"


def test_the_services_name_the_user_in_the_history_outside_a_web_request(alice, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, user=alice)
    engagement = engagement_update(engagement=engagement, user=alice, version=1, summary="Changed")
    engagement_archive(engagement=engagement, user=alice)
    assert {record.history_user for record in engagement.history.all()} == {alice}
    support_request = SupportRequestFactory(council=hartlepool)
    support_request_close(request=support_request, user=alice, reason="No longer needed")
    assert support_request.history.first().history_user == alice


def test_history_entries_name_councils_and_advisers_and_mark_archiving(alice, bob, manager, hartlepool, stockton):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, user=alice)
    engagement = engagement_update(
        engagement=engagement, user=manager, version=1, council=stockton, adviser=bob.adviser
    )
    engagement_archive(engagement=engagement, user=manager)
    history = engagement_history(engagement, show_private_notes=False)
    assert [entry.action for entry in history] == ["Archived", "Changed", "Logged"]
    assert ("Council", "Hartlepool", "Stockton-on-Tees") in history[1].changes
    assert ("Adviser", "Alice Adviser", "Bob Adviser") in history[1].changes
    assert history[2].who == "Alice Adviser"


def test_the_history_of_a_bulk_loaded_engagement_is_empty(alice, hartlepool):
    from engagements.models import Engagement

    Engagement.objects.bulk_create([EngagementFactory.build(council=hartlepool, adviser=alice.adviser)])
    assert engagement_history(Engagement.objects.get(), show_private_notes=True) == []


def test_every_check_constraint_has_a_rule_in_clean_with_its_message(alice, hartlepool):
    """The services skip validating the constraints themselves because clean() mirrors them."""
    from django.core.exceptions import ValidationError

    from engagements.models import DATE_TOO_FAR_AHEAD, FOLLOW_UP_BEFORE_DATE, HOURS_NEGATIVE, Engagement

    constraints = {c.name for c in Engagement._meta.constraints}
    assert constraints == {
        "engagement_date_not_far_future",
        "engagement_follow_up_after_date",
        "engagement_hours_not_negative",
    }
    cases = [
        ({"date": datetime.date(2099, 12, 31)}, "date", DATE_TOO_FAR_AHEAD),
        ({"follow_up_on": datetime.date(2020, 1, 1)}, "follow_up_on", FOLLOW_UP_BEFORE_DATE),
        ({"hours": -1}, "hours", HOURS_NEGATIVE),
    ]
    for values, field, message in cases:
        with pytest.raises(ValidationError) as error:
            EngagementFactory(council=hartlepool, adviser=alice.adviser, **values)
        assert message in error.value.message_dict[field]


def test_history_records_offers_roles_and_themes_once_per_save(alice, hartlepool, django_assert_num_queries):
    from engagements.models import ContactRole
    from offers.models import Offer, Theme

    panel, coaching = (
        Offer.objects.get(slug="recovery-and-renewal-panel"),
        Offer.objects.get(slug="emergency-coaching-and-mentoring-support"),
    )
    chief = ContactRole.objects.get(slug="chief-executive")
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, user=alice, offers=[panel], roles=[chief])
    engagement = engagement_update(
        engagement=engagement,
        user=alice,
        version=1,
        offers=[panel, coaching],
        themes=[Theme.objects.get(slug="leadership")],
    )
    assert engagement.history.count() == 2  # one entry per save, links included
    # The versions with their authors; simple-history's diff reads the roles, offers and themes of
    # both versions it compares (six per version); the names shown: council, adviser, role, offers, theme.
    with django_assert_num_queries(1 + 6 * 2 + 5):
        history = engagement_history(engagement, show_private_notes=True)
    changed, logged = history
    assert ("Offers", "", panel.title) in logged.changes and ("Whom it was with", "", chief.name) in logged.changes
    assert ("Offers", panel.title, ", ".join(sorted([panel.title, coaching.title]))) in changed.changes
    assert ("Support needs", "none", "Leadership") in changed.changes
    assert not any(label == "Whom it was with" for label, _, _ in changed.changes)
    engagement_update(engagement=engagement, user=alice, version=2, summary="A third version")
    with django_assert_num_queries(1 + 6 * 3 + 5):
        assert engagement_history(engagement, show_private_notes=True)[0].changes == [
            ("Summary", "none", "A third version")
        ]


def test_a_conflict_lists_offers_changed_by_someone_else(alice, manager, hartlepool):
    from engagements.services import EngagementConflict
    from offers.models import Offer

    panel = Offer.objects.get(slug="recovery-and-renewal-panel")
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, user=alice)
    engagement_update(engagement=engagement, user=manager, version=1, offers=[panel])
    with pytest.raises(EngagementConflict) as conflict:
        engagement_update(engagement=engagement, user=alice, version=1, summary="mine")
    assert ("Offers", "none", panel.title) in conflict.value.changes


def test_a_conflict_words_what_changed_as_the_history_does(alice, manager, hartlepool):
    from engagements.services import EngagementConflict
    from offers.models import Offer

    panel = Offer.objects.get(slug="recovery-and-renewal-panel")
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, date=datetime.date(2025, 3, 3))
    engagement_update(
        engagement=engagement,
        user=manager,
        version=1,
        kind="visit",
        follow_up_on=datetime.date(2025, 4, 1),
        follow_up_done=True,
        offers=[panel],
        private_notes="Manager's note",
    )
    with pytest.raises(EngagementConflict) as conflict:
        engagement_update(engagement=engagement, user=alice, version=1, summary="Alice's version")
    assert conflict.value.changes == [
        ("Kind", "Call", "Visit"),
        ("Private notes", "none", "Manager's note"),
        ("Follow up on", "none", "1 April 2025"),
        ("Follow up done", "no", "yes"),
        ("Offers", "none", panel.title),
    ]
    assert conflict.value.changes == engagement_history(engagement, show_private_notes=True)[0].changes
