"""Council and engagement rules enforced by the models and the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagements.models import (
    DATE_TOO_FAR_AHEAD,
    FOLLOW_UP_BEFORE_DATE,
    GSS_CODE_INVALID,
    Council,
    CouncilKind,
    Engagement,
    Region,
)
from tests.factories import AdviserFactory, EngagementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser():
    return AdviserFactory()


@pytest.mark.parametrize(
    "code", ["W06000001", "S12000033", "E12000001", "E0600001", "E060000011", "e06000001", "E06 00001"]
)
def test_invalid_gss_codes_are_refused(code):
    council = Council(gss_code=code, name="Nowhere", slug="nowhere", region=Region.objects.first())
    with pytest.raises(ValidationError) as error:
        council.full_clean()
    assert GSS_CODE_INVALID in error.value.message_dict["gss_code"]


def test_kind_follows_code_prefix():
    council = Council.objects.create(
        gss_code="E09000099", name="Test Borough", slug="test-borough", region=Region.objects.get(slug="london")
    )
    assert council.kind == CouncilKind.LONDON_BOROUGH


def test_database_refuses_kind_that_contradicts_code():
    council = Council.objects.get(gss_code="E06000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.filter(pk=council.pk).update(kind=CouncilKind.COUNTY)


def test_gss_code_and_slug_are_unique():
    existing = Council.objects.get(gss_code="E06000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.create(gss_code="E06000001", name="Copy", slug="copy", region=existing.region)
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.create(gss_code="E06000999", name="Copy", slug=existing.slug, region=existing.region)


def test_abolished_council_cannot_be_active():
    council = Council.objects.get(gss_code="E07000026")  # Allerdale
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.filter(pk=council.pk).update(is_active=True)


def test_named_querysets():
    assert Council.objects.active().filter(gss_code="E07000026").count() == 0
    assert Council.objects.existing_on(datetime.date(2020, 6, 1)).filter(gss_code="E07000026").exists()
    assert not Council.objects.existing_on(datetime.date(2020, 6, 1)).filter(gss_code="E06000063").exists()
    assert Council.objects.existing_on(datetime.date(2024, 6, 1)).filter(gss_code="E06000063").exists()


def test_engagement_more_than_a_year_ahead_is_refused(adviser):
    council = Council.objects.get(gss_code="E06000001")
    too_far = EngagementFactory.build(
        council=council, adviser=adviser, date=timezone.localdate() + datetime.timedelta(days=400)
    )
    with pytest.raises(ValidationError) as error:
        too_far.full_clean()
    assert error.value.message_dict["date"] == [DATE_TOO_FAR_AHEAD]
    EngagementFactory.build(
        council=council, adviser=adviser, date=timezone.localdate() + datetime.timedelta(days=300)
    ).full_clean()


def test_database_refuses_an_engagement_in_the_far_future(adviser):
    council = Council.objects.get(gss_code="E06000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementFactory.build(council=council, adviser=adviser, date=datetime.date(2150, 1, 1)).save()


def test_follow_up_before_the_engagement_is_refused(adviser):
    council = Council.objects.get(gss_code="E06000001")
    early = EngagementFactory.build(council=council, adviser=adviser, follow_up_on=datetime.date(2024, 4, 1))
    with pytest.raises(ValidationError) as error:
        early.full_clean()
    assert error.value.message_dict["follow_up_on"] == [FOLLOW_UP_BEFORE_DATE]
    with pytest.raises(IntegrityError), transaction.atomic():
        early.save()


def test_negative_hours_are_refused(adviser):
    council = Council.objects.get(gss_code="E06000001")
    with pytest.raises(ValidationError) as error:
        EngagementFactory.build(council=council, adviser=adviser, hours=-1).full_clean()
    assert "hours" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementFactory.build(council=council, adviser=adviser, hours=-1).save()


def test_engagement_with_abolished_council_after_abolition_is_refused(adviser):
    allerdale = Council.objects.get(gss_code="E07000026")
    EngagementFactory.build(council=allerdale, adviser=adviser, date=datetime.date(2022, 6, 1)).full_clean()
    with pytest.raises(ValidationError) as error:
        EngagementFactory.build(council=allerdale, adviser=adviser, date=datetime.date(2023, 6, 1)).full_clean()
    assert error.value.message_dict["council"] == [
        "Allerdale was abolished on 1 April 2023 and replaced by Cumberland; choose Cumberland for later engagements."
    ]


def test_engagement_live_excludes_archived(adviser):
    council = Council.objects.get(gss_code="E06000001")
    kept = EngagementFactory.build(council=council, adviser=adviser)
    kept.save()
    archived = EngagementFactory.build(council=council, adviser=adviser, archived_at=timezone.now())
    archived.save()
    assert list(Engagement.objects.live().filter(council=council)) == [kept]
