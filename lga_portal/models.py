"""Base models shared by the portal's apps, and the portal's own records (seeding, API tokens)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Stamps when a row was created and last modified."""

    created_at = models.DateTimeField(auto_now_add=True, help_text="When this record was created.")
    modified_at = models.DateTimeField(auto_now=True, db_index=True, help_text="When this record was last changed.")

    class Meta:
        abstract = True


class AuditedModel(TimeStampedModel):
    """Stamps who created and last modified a row, as well as when."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The user who created this record (empty for imports and seeds).",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The user who last changed this record.",
    )

    class Meta:
        abstract = True


class PublicIdModel(models.Model):
    """A stable UUID for open-data identifiers (HSDS), independent of the database key."""

    uuid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Stable public identifier, used in open data.",
    )

    class Meta:
        abstract = True


class ReferenceQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(disabled_on__isnull=True)


class ReferenceModel(models.Model):
    """An admin-editable reference table entry that can be retired but never deleted."""

    name = models.CharField(max_length=120, unique=True, help_text="Name shown to users.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier used in URLs and filters.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists; lower first.")
    disabled_on = models.DateField(
        null=True, blank=True, help_text="Retired from this date: kept on old records, not offered for new ones."
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class SeedRecord(models.Model):
    """What ``manage.py seed`` last wrote to one row, so a later run can tell staff edits apart.

    When a row's current values no longer match the fingerprint recorded here, someone
    changed it after seeding, and the seed leaves it alone unless run with ``--force``.
    """

    model = models.CharField(max_length=100, help_text="The seeded model, as app_label.model_name.")
    key = models.CharField(max_length=200, help_text="The row's natural key in the data file.")
    fingerprint = models.CharField(max_length=64, help_text="Hash of the values the seed wrote.")
    seeded_at = models.DateTimeField(auto_now=True, help_text="When the seed last wrote the row.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="seed_record_unique_key")]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Tokens that authenticate now: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A key a script uses to call the API as a user. Only a hash of the key is kept.

    The key itself is shown once, when the token is created (``lga_portal.api.tokens``),
    and cannot be recovered: a lost key is revoked and replaced.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="The user the token acts as; it has exactly their permissions.",
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Power BI dashboard'.")
    prefix = models.CharField(
        max_length=16, help_text="The first characters of the key, to tell tokens apart; not enough to use it."
    )
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, in hex.")
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the token was created.")
    expires_at = models.DateTimeField(help_text="After this the token no longer works.")
    last_used_at = models.DateTimeField(
        null=True, blank=True, help_text="When the token last authenticated a request (to the minute)."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="When the token was revoked, if it was.")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
