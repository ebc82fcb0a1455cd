"""Test data from one place: factory_boy factories, with en_GB Faker for people's details.

Engagements and support requests are made through the services, as the workspace, the API and
the import make them, so they are validated and have their history as real ones do. A test
names what it is about and leaves the rest to the defaults:

    EngagementFactory(adviser=alice.adviser, council=hartlepool, summary="Budget call")
    SupportRequestFactory(council=hartlepool, message="We would like a peer challenge.")
    AdviserFactory(councils=["E06000001"])                   # with a sign-in in the advisers' role
    UserFactory(role="manager")

``EngagementFactory.build(...)`` gives an unsaved engagement (for the model's own rules).
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from engagements.models import Adviser, Channel, Council, Engagement, EngagementKind, EngagementStatus, SupportRequest
from engagements.services import ENGAGEMENT_M2M, engagement_create, support_request_create
from lga_portal import roles
from offers.models import Offer

LOCALE = "en_GB"
PASSWORD = "correct horse battery"
HARTLEPOOL = "E06000001"
ROLES = {
    "adviser": roles.PRINCIPAL_ADVISERS,
    "analyst": roles.ANALYSTS,
    "editor": roles.CATALOGUE_EDITORS,
    "manager": roles.MANAGERS,
}
# Roles whose members work in the admin.
STAFF_ROLES = {"editor", "manager"}


def fake(provider: str, **kwargs) -> factory.Faker:
    return factory.Faker(provider, locale=LOCALE, **kwargs)


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


class UserFactory(DjangoModelFactory):
    """A sign-in, in one of the portal's roles if ``role`` is given (adviser, analyst, editor, manager)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    first_name = fake("first_name")
    last_name = fake("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not extracted:
            return
        self.groups.add(Group.objects.get(name=ROLES[extracted]))
        if extracted in STAFF_ROLES and not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])


class AdviserFactory(DjangoModelFactory):
    """A principal adviser, by default with a sign-in of their own; ``councils`` (GSS codes) are theirs."""

    class Meta:
        model = Adviser
        skip_postgeneration_save = True

    class Params:
        full_name = fake("name")

    user = factory.SubFactory(UserFactory, role="adviser")
    name = factory.LazyAttribute(lambda a: (a.user.get_full_name() if a.user else "") or a.full_name)
    email = factory.LazyAttributeSequence(
        lambda a, n: f"{a.user.username}@advisers.example.org" if a.user else f"adviser-{n}@advisers.example.org"
    )
    phone = fake("phone_number")

    @factory.post_generation
    def councils(self, create, extracted, **kwargs):
        if create and extracted:
            Council.objects.filter(gss_code__in=extracted).update(adviser=self)


def _default_council(engagement) -> Council:
    """The adviser's first council, or Hartlepool."""
    adviser = engagement.adviser
    council = adviser.councils.order_by("gss_code").first() if adviser.pk else None
    return council or Council.objects.get(gss_code=HARTLEPOOL)


class EngagementFactory(DjangoModelFactory):
    """An engagement logged through ``engagement_create`` by ``user`` (the adviser's sign-in unless
    given): a completed call yesterday, with the adviser's first council, unless told otherwise.
    Roles, offers and themes are lists, as the service takes them."""

    class Meta:
        model = Engagement

    adviser = factory.SubFactory(AdviserFactory)
    council = factory.LazyAttribute(_default_council)
    date = factory.LazyFunction(yesterday)
    kind = EngagementKind.CALL
    channel = Channel.PHONE
    status = EngagementStatus.COMPLETED
    user = factory.LazyAttribute(lambda engagement: engagement.adviser.user)

    @classmethod
    def _create(cls, model_class, *args, user=None, **values):
        return engagement_create(user=user, **values)

    @classmethod
    def _build(cls, model_class, *args, user=None, **values):
        for name in ENGAGEMENT_M2M:
            values.pop(name, None)
        return model_class(**values)


def _published_offer() -> Offer:
    return Offer.objects.published().available().order_by("slug").first()


class SupportRequestFactory(DjangoModelFactory):
    """A council's request for an offer, made through ``support_request_create`` as the public form
    makes it (each with its own email address, so the hourly limit per address never bites)."""

    class Meta:
        model = SupportRequest

    council = factory.LazyFunction(lambda: Council.objects.get(gss_code=HARTLEPOOL))
    offer = factory.LazyFunction(_published_offer)
    name = fake("name")
    email = factory.Sequence(lambda n: f"officer-{n}@council.example.org")
    role = fake("job")
    message = ""
    consent = True

    @classmethod
    def _create(cls, model_class, *args, **values):
        return support_request_create(**values)
