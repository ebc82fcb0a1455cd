"""The theme events stay in step with the engagements they are derived from, however these change."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from engagements.models import Council, Engagement, EngagementStatus, ThemeEvent
from engagements.services import engagement_archive, engagement_update
from engagements.theme_events import theme_events_out_of_step, theme_events_rebuild
from offers.models import Offer, Theme
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


def events(engagement):
    return sorted(
        ThemeEvent.objects.filter(engagement=engagement).values_list("kind", "theme__slug", "council_id", "date")
    )


def test_every_write_through_the_services_keeps_the_events_in_step(alice, hartlepool):
    finance, workforce = Theme.objects.get(slug="financial-resilience"), Theme.objects.get(slug="workforce")
    offer = Offer.objects.filter(theme=workforce).order_by("slug").first()
    day = datetime.date(2025, 3, 3)
    engagement = EngagementFactory(
        council=hartlepool, adviser=alice.adviser, date=day, themes=[finance], offers=[offer]
    )
    assert events(engagement) == [
        ("raised", "financial-resilience", hartlepool.pk, day),
        ("taken_up", "workforce", hartlepool.pk, day),
    ]
    middlesbrough = Council.objects.get(gss_code="E06000002")
    engagement = engagement_update(
        engagement=engagement, user=alice, version=engagement.version, council=middlesbrough, themes=[workforce]
    )
    assert events(engagement) == [
        ("raised", "workforce", middlesbrough.pk, day),
        ("taken_up", "workforce", middlesbrough.pk, day),
    ]
    engagement = engagement_update(
        engagement=engagement, user=alice, version=engagement.version, status=EngagementStatus.PLANNED
    )
    assert events(engagement) == []  # only held engagements count
    engagement = engagement_update(
        engagement=engagement, user=alice, version=engagement.version, status=EngagementStatus.COMPLETED
    )
    assert len(events(engagement)) == 2
    engagement_archive(engagement=engagement, user=alice)
    assert events(engagement) == []
    assert theme_events_out_of_step() == 0


def test_an_offer_moved_to_another_theme_moves_its_take_ups(alice, hartlepool):
    offer = Offer.objects.filter(theme__slug="workforce").order_by("slug").first()
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, offers=[offer])
    offer.theme = Theme.objects.get(slug="leadership")
    offer.save()
    assert events(engagement)[0][:2] == ("taken_up", "leadership")
    assert theme_events_out_of_step() == 0


def test_writes_around_the_services_are_caught_by_the_check_and_mended_by_the_rebuild(alice, hartlepool):
    engagement = EngagementFactory(
        council=hartlepool, adviser=alice.adviser, themes=[Theme.objects.get(slug="workforce")]
    )
    Engagement.objects.filter(pk=engagement.pk).update(status=EngagementStatus.CANCELLED)
    assert theme_events_out_of_step() == 1
    with pytest.raises(CommandError, match="1 theme events are out of step"):
        call_command("rebuild_theme_events", "--check")
    call_command("rebuild_theme_events")
    assert theme_events_out_of_step() == 0 and events(engagement) == []
    call_command("rebuild_theme_events", "--check")
    assert theme_events_rebuild() == 0
