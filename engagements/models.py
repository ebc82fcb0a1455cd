"""Regions, councils, principal advisers, and the record of engagements and support requests."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lga_portal.models import AuditedModel, PublicIdModel, ReferenceModel, TimeStampedModel
from offers.models import Offer, Theme

# Error messages shared by the model, the workspace forms, the API and the CSV import.
GSS_CODE_INVALID = (
    "Enter a valid English council code: E06, E07, E08, E09 or E10 followed by six digits, e.g. E06000001."
)
DATE_TOO_FAR_AHEAD = "The engagement date can be at most a year from today."
FOLLOW_UP_BEFORE_DATE = "The follow-up date must be on or after the engagement date."
COUNCIL_ABOLISHED = "{council} was abolished on {date:%-d %B %Y}; choose its successor for later engagements."
COUNCIL_ABOLISHED_REPLACED = (
    "{council} was abolished on {date:%-d %B %Y} and replaced by {successors}; choose {choice} for later engagements."
)
# A council that no longer exists, where a council that exists today is asked for (a support request).
COUNCIL_GONE = "{council} no longer exists; choose the council that replaced it."
COUNCIL_REPLACED = "{council} was replaced by {successors} in {date:%B %Y}: choose {choice}."
# How a council that took over from another is listed where the former one is searched for.
COUNCIL_REPLACED_LABEL = "{successor} (replaced {former} in {date:%B %Y})"
COUNCIL_NOT_YET_ESTABLISHED = "{council} was only established on {date:%-d %B %Y}."
HOURS_NEGATIVE = "Hours cannot be negative."

# The database refuses dates beyond this as a last line of defence; forms apply the one-year rule.
ENGAGEMENT_DATE_CEILING = datetime.date(2100, 1, 1)
MAX_DAYS_AHEAD = 366

gss_code_validator = RegexValidator(r"^E(06|07|08|09|10)\d{6}$", GSS_CODE_INVALID)


class Region(models.Model):
    """One of the nine English regions (ONS codes E12000001–E12000009)."""

    code = models.CharField(
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^E1200000[1-9]$", "Enter an English region code, E12000001 to E12000009.")],
        help_text="ONS region code, e.g. E12000002.",
    )
    name = models.CharField(max_length=60, unique=True, help_text="Region name, e.g. North West.")
    slug = models.SlugField(max_length=60, unique=True, help_text="Identifier used in filters, e.g. north-west.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CouncilKind(models.TextChoices):
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
    LONDON_BOROUGH = "london_borough", "London borough"


# The ONS code prefix fixes the kind of council.
KIND_BY_PREFIX = {
    "E10": CouncilKind.COUNTY,
    "E07": CouncilKind.DISTRICT,
    "E06": CouncilKind.UNITARY,
    "E08": CouncilKind.METROPOLITAN_DISTRICT,
    "E09": CouncilKind.LONDON_BOROUGH,
}


class Adviser(TimeStampedModel):
    """An LGA principal adviser, who looks after a set of councils."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adviser",
        help_text="The adviser's sign-in account, if they have one.",
    )
    name = models.CharField(max_length=120, help_text="Full name.")
    email = models.EmailField(unique=True, help_text="Work email; support requests are sent here.")
    phone = models.CharField(max_length=40, blank=True, help_text="Work phone number, shown to councils.")
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advisers",
        help_text="The region the adviser mainly covers.",
    )
    is_active = models.BooleanField(default=True, help_text="Unticked when the adviser has left.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def name_list(names: list[str], conjunction: str = "and") -> str:
    """ "A", "A and B", "A, B and C" (or "or")."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def replaced_label(successor: "Council", former: "Council") -> str:
    """ "North Yorkshire (replaced Craven in April 2023)": ``successor`` as found by ``former``'s name."""
    return COUNCIL_REPLACED_LABEL.format(successor=successor.name, former=former.name, date=former.abolished_on)


def existed_during_condition(start: datetime.date, end: datetime.date) -> Q:
    """A council existed on at least one day from ``start`` to ``end``: established by the end
    (or always there) and not abolished by the start. As a filter, or to count with."""
    return (Q(established_on__isnull=True) | Q(established_on__lte=end)) & (
        Q(abolished_on__isnull=True) | Q(abolished_on__gt=start)
    )


class CouncilQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def existing_during(self, start: datetime.date, end: datetime.date):
        """Councils that existed on at least one day from ``start`` to ``end``."""
        return self.filter(existed_during_condition(start, end))

    def existing_on(self, day: datetime.date):
        """Councils that existed on ``day``: established by then and not yet abolished."""
        return self.existing_during(day, day)

    def search(self, q: str):
        """Councils by part of the name, or the exact code, and those that replaced a council so found.

        Officers still call their council by its former name: "Craven" finds North Yorkshire.
        """
        q = " ".join((q or "").split())[:100]
        if not q:
            return self
        replaced = Council.successors.through.objects.filter(
            Q(from_council__name__icontains=q) | Q(from_council__gss_code__iexact=q)
        ).values("to_council_id")
        return self.filter(Q(name__icontains=q) | Q(gss_code__iexact=q) | Q(slug__icontains=q) | Q(pk__in=replaced))

    def with_predecessors_matching(self, q: str):
        """Adds ``replaced_matches``: the former councils, matching ``q``, that each council replaced."""
        q = " ".join((q or "").split())[:100]
        if not q:
            return self
        former = Council.objects.filter(Q(name__icontains=q) | Q(gss_code__iexact=q)).order_by("name")
        return self.prefetch_related(models.Prefetch("predecessors", queryset=former, to_attr="replaced_matches"))

    def with_related(self):
        return self.select_related("region", "parent", "adviser").prefetch_related("successors")


class Council(PublicIdModel, TimeStampedModel):
    """An English principal council, identified by its ONS (GSS) code."""

    gss_code = models.CharField(
        "GSS code", max_length=9, unique=True, validators=[gss_code_validator], help_text="ONS code, e.g. E06000001."
    )
    name = models.CharField(max_length=120, db_index=True, help_text="The council's area name as ONS gives it.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Identifier used in URLs.")
    kind = models.CharField(
        max_length=24,
        choices=CouncilKind.choices,
        db_index=True,
        help_text="Type of council; follows from the code prefix.",
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="councils", help_text="The English region the council is in."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="districts",
        help_text="For a district council, its county council.",
    )
    is_active = models.BooleanField(default=True, db_index=True, help_text="Unticked once the council is abolished.")
    established_on = models.DateField(
        null=True, blank=True, help_text="When the council came into being, if after April 2021."
    )
    abolished_on = models.DateField(null=True, blank=True, help_text="When the council was abolished, if it was.")
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text="The councils that took over from an abolished council.",
    )
    adviser = models.ForeignKey(
        Adviser,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="councils",
        help_text="The council's LGA principal adviser.",
    )

    objects = CouncilQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["region", "kind"], name="council_region_kind_idx"),
            models.Index(fields=["adviser", "is_active"], name="council_adviser_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(gss_code__startswith="E10", kind=CouncilKind.COUNTY)
                    | Q(gss_code__startswith="E07", kind=CouncilKind.DISTRICT)
                    | Q(gss_code__startswith="E06", kind=CouncilKind.UNITARY)
                    | Q(gss_code__startswith="E08", kind=CouncilKind.METROPOLITAN_DISTRICT)
                    | Q(gss_code__startswith="E09", kind=CouncilKind.LONDON_BOROUGH)
                ),
                name="council_kind_matches_code",
            ),
            models.CheckConstraint(
                condition=Q(abolished_on__isnull=True) | Q(is_active=False),
                name="council_abolished_is_inactive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("engagements:council_detail", args=[self.gss_code])

    def save(self, *args, **kwargs):
        kind = KIND_BY_PREFIX.get(self.gss_code[:3])
        if kind:
            self.kind = kind
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        kind = KIND_BY_PREFIX.get(self.gss_code[:3])
        if kind:
            self.kind = kind
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        if self.abolished_on and self.is_active:
            raise ValidationError({"is_active": "An abolished council cannot be active."})
        if self.parent_id and self.kind != CouncilKind.DISTRICT:
            raise ValidationError({"parent": "Only district councils have a parent county."})

    def existed_during(self, start: datetime.date, end: datetime.date) -> bool:
        """The same rule as ``existed_during_condition``, for a council in hand."""
        return (self.established_on is None or self.established_on <= end) and (
            self.abolished_on is None or start < self.abolished_on
        )

    def existed_on(self, day: datetime.date) -> bool:
        return self.existed_during(day, day)

    def successor_names(self) -> list[str]:
        return sorted(successor.name for successor in self.successors.all())

    def replaced_message(self) -> str:
        """Why this council cannot be chosen today, naming the council(s) that replaced it."""
        names = self.successor_names()
        if not names or not self.abolished_on:
            return COUNCIL_GONE.format(council=self)
        return COUNCIL_REPLACED.format(
            council=self, successors=name_list(names), date=self.abolished_on, choice=name_list(names, "or")
        )

    def abolished_message(self) -> str:
        """Why an engagement on or after the abolition cannot be with this council, naming its successors."""
        names = self.successor_names()
        if not names:
            return COUNCIL_ABOLISHED.format(council=self, date=self.abolished_on)
        return COUNCIL_ABOLISHED_REPLACED.format(
            council=self, date=self.abolished_on, successors=name_list(names), choice=name_list(names, "or")
        )


class ContactRole(ReferenceModel):
    """Whom an engagement was with: chief executive, leader, finance director, …"""

    class Meta(ReferenceModel.Meta):
        pass


class EngagementKind(models.TextChoices):
    CEO_ONE_TO_ONE = "ceo_one_to_one", "One-to-one with chief executive"
    CEO_MEETING = "ceo_meeting", "Chief executive meeting"
    CALL = "call", "Call"
    QUERY = "query", "Query answered"
    PEER_SUPPORT = "peer_support", "Peer support session"
    PANEL = "panel", "Panel"
    COACHING = "coaching", "Coaching session"
    WORKSHOP = "workshop", "Workshop or event"
    VISIT = "visit", "Visit"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


class EngagementStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


def held_condition(prefix: str = "") -> Q:
    """The rule for an engagement that counts (see ``EngagementQuerySet.held``), as a filter.

    ``prefix`` reaches the engagement through a relation, e.g. ``"engagement__"`` from the
    engagement–offer links. The partial indexes below are declared with the same condition,
    so queries written with it can use them.
    """
    return Q(**{f"{prefix}archived_at__isnull": True, f"{prefix}status": EngagementStatus.COMPLETED})


HELD = held_condition()

# Demo engagements (``seed --demo``) carry an import key with this prefix, which no real import
# or form writes: it is how figures built from engagements know they include demo data.
DEMO_IMPORT_PREFIX = "demo:"


class EngagementQuerySet(models.QuerySet):
    def live(self):
        """Engagements that have not been archived."""
        return self.filter(archived_at__isnull=True)

    def held(self):
        """Engagements that count towards coverage and take-up: not archived, and completed."""
        return self.filter(held_condition())

    def between(self, start: datetime.date, end: datetime.date):
        return self.filter(date__gte=start, date__lte=end)

    def demo(self):
        """Engagements made up by ``seed --demo`` (and the demo support requests it converts)."""
        return self.filter(import_key__startswith=DEMO_IMPORT_PREFIX)

    def for_adviser(self, adviser: Adviser):
        return self.filter(adviser=adviser)

    def with_related(self):
        return self.select_related("council", "council__region", "adviser").prefetch_related(
            "roles", "offers", "themes"
        )


class Engagement(AuditedModel):
    """A principal adviser's contact with a council: a call, a meeting, a panel, coaching, …"""

    # The council, the adviser and the time of the last change are each the first column of an index
    # below (engagement_council_date_idx, engagement_adviser_date_idx, engagement_feed_idx), which
    # serves every lookup an index of that column alone would: so they have none of their own,
    # three indexes fewer for every engagement written.
    council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="engagements",
        help_text="The council engaged with.",
    )
    adviser = models.ForeignKey(
        Adviser,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="engagements",
        help_text="The adviser who led the engagement.",
    )
    modified_at = models.DateTimeField(auto_now=True, help_text="When this record was last changed.")
    date = models.DateField(default=timezone.localdate, help_text="When it took place (or is planned).")
    kind = models.CharField(max_length=20, choices=EngagementKind.choices, help_text="What sort of engagement it was.")
    channel = models.CharField(max_length=12, choices=Channel.choices, help_text="How it took place.")
    roles = models.ManyToManyField(
        ContactRole, blank=True, related_name="engagements", help_text="Whom it was with at the council."
    )
    offers = models.ManyToManyField(
        Offer, blank=True, related_name="engagements", help_text="Offers discussed or delivered."
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="engagements", help_text="Support needs raised, by theme."
    )
    summary = models.TextField(blank=True, help_text="What was discussed or agreed; visible to colleagues.")
    private_notes = models.TextField(blank=True, help_text="Notes only the author and managers can read.")
    follow_up_on = models.DateField(null=True, blank=True, help_text="When to follow up, if needed.")
    follow_up_done = models.BooleanField(default=False, help_text="Ticked once the follow-up has happened.")
    hours = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, HOURS_NEGATIVE)],
        help_text="Hours spent (counted for coaching).",
    )
    status = models.CharField(
        max_length=12,
        choices=EngagementStatus.choices,
        default=EngagementStatus.COMPLETED,
        help_text="Planned, completed or cancelled.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up by one on every save; a stale version is refused."
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="When the engagement was archived; archived ones leave lists and counts."
    )
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who archived it.",
    )
    import_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Fingerprint of the imported CSV row, so the same file cannot be imported twice.",
    )

    objects = EngagementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["import_key"], m2m_fields=["roles", "offers", "themes"])

    class Meta:
        ordering = ["-date", "-id"]
        permissions = [
            ("view_private_notes", "Can read the private notes of any engagement"),
            ("manage_all_councils", "Can act on engagements and requests for every council"),
            ("import_engagements", "Can import engagements from a CSV file"),
        ]
        indexes = [
            models.Index(fields=["council", "-date"], name="engagement_council_date_idx"),
            models.Index(fields=["adviser", "-date"], name="engagement_adviser_date_idx"),
            models.Index(fields=["date", "council"], name="engagement_date_council_idx"),
            models.Index(fields=["kind", "date"], name="engagement_kind_date_idx"),
            models.Index(fields=["modified_at", "id"], name="engagement_feed_idx"),
            models.Index(fields=["follow_up_on"], name="engagement_follow_up_idx", condition=Q(follow_up_done=False)),
            # Held engagements (see held_condition), by council then date: whether a council was engaged
            # in a period is one probe of this index, so coverage, the councils not engaged and the
            # dashboard cost the number of councils and periods, not the number of engagements.
            models.Index(fields=["council", "date"], name="engagement_held_council_idx", condition=HELD),
            # Held engagements by date, carrying the council and id: take-up reads a period's
            # engagements from this index alone (index-only scan) to join them to their offers.
            models.Index(fields=["date", "council", "id"], name="engagement_held_date_idx", condition=HELD),
            # Live engagements: the lists' totals (the API's count, the workspace list) are counted
            # from this small index alone (index-only scan), not by reading the table.
            models.Index(fields=["id"], name="engagement_live_idx", condition=Q(archived_at__isnull=True)),
            # Live engagements newest first: the API list's pages, walked by keyset on (date, id).
            models.Index(fields=["date", "id"], name="engagement_live_date_idx", condition=Q(archived_at__isnull=True)),
            # A council's live engagements newest first: its timeline's page is one range of this
            # index, and the page count is counted from it alone (index-only scan).
            models.Index(
                fields=["council", "-date", "-id"],
                name="engagement_live_council_idx",
                condition=Q(archived_at__isnull=True),
            ),
            # The dashboard counts each council's open follow-ups from this index alone (index-only scan).
            models.Index(
                fields=["council", "follow_up_on"],
                name="engagement_open_follow_up_idx",
                condition=Q(follow_up_done=False, follow_up_on__isnull=False, archived_at__isnull=True)
                & ~Q(status=EngagementStatus.CANCELLED),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__lt=ENGAGEMENT_DATE_CEILING), name="engagement_date_not_far_future"
            ),
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("date")),
                name="engagement_follow_up_after_date",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="engagement_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.council} on {self.date:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("workspace:engagement_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date:
            if self.date > timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD - 1):
                errors["date"] = DATE_TOO_FAR_AHEAD
            if self.follow_up_on and self.follow_up_on < self.date:
                errors["follow_up_on"] = FOLLOW_UP_BEFORE_DATE
            council = self.council if self.council_id else None
            if council is not None:
                if council.abolished_on and self.date >= council.abolished_on:
                    errors["council"] = council.abolished_message()
                elif council.established_on and self.date < council.established_on:
                    errors["council"] = COUNCIL_NOT_YET_ESTABLISHED.format(council=council, date=council.established_on)
        if self.hours is not None and self.hours < 0:
            errors["hours"] = HOURS_NEGATIVE
        if errors:
            raise ValidationError(errors)


class SupportRequestStatus(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CONVERTED = "converted", "Converted to engagement"
    CLOSED = "closed", "Closed"


# No 0/O or 1/I, so a reference read out over the phone is unambiguous.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "SR-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def new_secret() -> str:
    """An unguessable token for a private link (a requester's status page, a calendar feed)."""
    return secrets.token_urlsafe(24)


# A request is open until it is converted into an engagement or closed.
OPEN_REQUEST_STATUSES = (SupportRequestStatus.NEW, SupportRequestStatus.ACKNOWLEDGED)


class SupportRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_REQUEST_STATUSES)

    def with_related(self):
        return self.select_related(
            "council", "council__region", "offer", "offer__theme", "assigned_adviser", "engagement"
        )


class SupportRequest(TimeStampedModel):
    """A council's request for an offer, made on the public site."""

    reference = models.CharField(
        max_length=12,
        unique=True,
        default=new_reference,
        editable=False,
        help_text="Reference quoted to the requester.",
    )
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="support_requests", help_text="The council asking for support."
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="support_requests", help_text="The offer asked for."
    )
    name = models.CharField(max_length=120, help_text="Name of the person asking.")
    email = models.EmailField(db_index=True, help_text="Their email address.")
    role = models.CharField(max_length=120, blank=True, help_text="Their role at the council.")
    message = models.TextField(blank=True, help_text="What they would like help with.")
    consent = models.BooleanField(default=False, help_text="They agreed to be contacted about this request.")
    status = models.CharField(
        max_length=14,
        choices=SupportRequestStatus.choices,
        default=SupportRequestStatus.NEW,
        db_index=True,
        help_text="Where the request has got to.",
    )
    assigned_adviser = models.ForeignKey(
        Adviser,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
        help_text="The council's principal adviser when the request arrived.",
    )
    engagement = models.OneToOneField(
        Engagement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_request",
        help_text="The engagement the request became.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True, help_text="When an adviser acknowledged it.")
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it was closed or converted.")
    closed_reason = models.TextField(blank=True, help_text="Why it was closed.")
    status_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_secret,
        editable=False,
        help_text="The secret in the requester's private status-page link; shown to no one else.",
    )

    objects = SupportRequestQuerySet.as_manager()
    # The status token is a secret: the history keeps no copy of it.
    history = HistoricalRecords(excluded_fields=["status_token"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["assigned_adviser", "status"], name="request_adviser_status_idx"),
            models.Index(fields=["email", "created_at"], name="request_email_created_idx"),
            models.Index(fields=["council", "-created_at"], name="request_council_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.offer} for {self.council}"


class SuggestionDismissal(models.Model):
    """An adviser's decision that an offer is not right for a council: it is not suggested there again."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="suggestion_dismissals",
        help_text="The council the suggestion was for.",
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.CASCADE,
        related_name="suggestion_dismissals",
        help_text="The offer that is no longer suggested for the council.",
    )
    reason = models.TextField(help_text="Why the offer is not right for the council, in the adviser's words.")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who dismissed the suggestion.",
    )
    dismissed_at = models.DateTimeField(default=timezone.now, help_text="When the suggestion was dismissed.")

    class Meta:
        ordering = ["-dismissed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "offer"], name="suggestion_dismissal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} dismissed for {self.council}"


class ThemeEventKind(models.TextChoices):
    RAISED = "raised", "Support need raised"
    TAKEN_UP = "taken_up", "Offer taken up"


class ThemeEvent(models.Model):
    """A theme in a council's record: a support need raised in a held engagement, or an offer of
    the theme taken up in one. Derived from engagements, never edited by hand.

    The council intelligence asks, for every council and theme, when the need was last raised and
    whether an offer of the theme was taken up since. From the engagements that means joining every
    engagement to its links; here, with the council and date copied beside the theme, each question
    is one probe of an index (docs/decisions/0010). ``engagements.theme_events`` keeps the rows in
    step with the engagements they come from.

    Its references are not foreign-key constraints in the database (``db_constraint=False``):
    the rows are made from engagements whose own references the database checks, and go with
    them (Django cascades deletes). Checked again for every row at each commit, they were a
    large part of a bulk import's time.
    """

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="theme_events",
        help_text="The engagement it comes from.",
    )
    # No index of its own: the council is the first column of both indexes below.
    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="theme_events",
        help_text="The engagement's council.",
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="council_events",
        help_text="The need raised, or the theme of the offer taken up.",
    )
    offer = models.ForeignKey(
        Offer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="council_events",
        help_text="The offer taken up; empty for a need raised.",
    )
    kind = models.CharField(max_length=10, choices=ThemeEventKind.choices, help_text="Need raised or offer taken up.")
    date = models.DateField(help_text="The engagement's date.")

    class Meta:
        indexes = [
            # When a council last raised a theme, or last took up an offer of it: one probe.
            models.Index(fields=["council", "theme", "kind", "date"], name="theme_event_council_theme_idx"),
            # A council's take-ups in a period (similar councils' take-up in the last year, the offers
            # on its timeline), carrying the offer, theme and engagement so both read the index alone
            # (index-only scan) and never the table.
            models.Index(
                fields=["council", "kind", "date"],
                include=["offer", "theme", "engagement"],
                name="theme_event_council_kind_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.theme_id} for {self.council_id} on {self.date}"


class SummaryPeriod(models.TextChoices):
    MONTH = "month", "Calendar month"
    QUARTER = "quarter", "Calendar quarter"


class KindSummary(models.Model):
    """How many held engagements a council had of one kind in one calendar month or quarter.

    Derived from engagements, never edited by hand: ``engagements.summaries`` recounts a council's
    month and quarter whenever the services save one of its engagements. Coverage by kind of
    engagement over years counts these rows — one per council, kind and whole period — instead of
    the distinct councils among every engagement. Like ``ThemeEvent``'s, its references are not
    constraints in the database: a recount rewrites hundreds of thousands of rows.
    """

    period = models.CharField(max_length=7, choices=SummaryPeriod.choices, help_text="Month or quarter.")
    start = models.DateField(help_text="The first day of the month or quarter.")
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, db_constraint=False, related_name="+", help_text="The council."
    )
    kind = models.CharField(max_length=20, choices=EngagementKind.choices, help_text="The kind of engagement.")
    engagements = models.PositiveIntegerField(help_text="Held engagements of this kind in the period.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "start", "council", "kind"], name="kind_summary_unique"),
        ]
        indexes = [
            # Coverage by kind: a range of periods, councils counted per period and kind (index-only scan).
            models.Index(fields=["period", "start", "kind", "council"], name="kind_summary_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.council_id} {self.period} {self.start} {self.kind}: {self.engagements}"


class TakeUpMonth(models.Model):
    """Take-up by a council in one calendar month: for an offer, how many held engagements took it
    up; for a theme (``offer`` empty), how many took up any offer of it (an engagement with two
    offers of a theme counts once). The theme is the offer's theme now.

    Derived from engagements like ``KindSummary`` and kept in step by the same code, so the
    highlights report reads a year's rows instead of joining every engagement to its offers.
    """

    month = models.DateField(help_text="The first day of the month.")
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, db_constraint=False, related_name="+", help_text="The council."
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, db_constraint=False, related_name="+", help_text="The theme."
    )
    offer = models.ForeignKey(
        Offer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
        help_text="The offer; empty for the theme.",
    )
    engagements = models.PositiveIntegerField(help_text="Held engagements in the month that took it up.")

    class Meta:
        constraints = [
            # One row per council, month and offer, and one per council, month and theme (no offer):
            # the keys a bulk import adds its counts to (``summaries_add``).
            models.UniqueConstraint(
                fields=["month", "council", "theme", "offer"],
                condition=models.Q(offer__isnull=False),
                name="take_up_month_offer_unique",
            ),
            models.UniqueConstraint(
                fields=["month", "council", "theme"],
                condition=models.Q(offer__isnull=True),
                name="take_up_month_theme_unique",
            ),
        ]
        indexes = [
            # A period's take-up by theme and offer, councils counted (index-only scan).
            models.Index(fields=["month", "theme", "offer", "council", "engagements"], name="take_up_month_idx"),
            models.Index(fields=["council", "month"], name="take_up_month_council_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.council_id} {self.month:%Y-%m} theme {self.theme_id} offer {self.offer_id}: {self.engagements}"


# --- Notifications: each person's choices, and every email the portal sends ---------------------


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every other week"
    OFF = "off", "Never"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class NotificationPreference(TimeStampedModel):
    """What a workspace user wants emailed to them, and the secret of their calendar feed.

    Made with the defaults (reminders on, a digest every Monday) the first time someone opens
    their settings; until then the defaults apply without a row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        help_text="Whose choices these are.",
    )
    follow_up_reminders = models.BooleanField(
        default=True, help_text="Email on the day a follow-up falls due, listing it with the recently overdue ones."
    )
    digest = models.CharField(
        max_length=12,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
        help_text="How often to send the digest of follow-ups, quiet councils, requests and catalogue changes.",
    )
    digest_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY, help_text="The day of the week the digest is sent."
    )
    calendar_secret = models.CharField(
        max_length=64,
        unique=True,
        default=new_secret,
        help_text="The secret in the calendar feed's address; resetting it stops the old address working.",
    )

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"


class EmailKind(models.TextChoices):
    SUPPORT_REQUEST = "support_request", "Support request (to the adviser or contact)"
    REQUEST_CONFIRMATION = "request_confirmation", "Confirmation to the requester"
    FOLLOW_UP_REMINDER = "follow_up_reminder", "Follow-up reminder"
    DIGEST = "digest", "Digest"
    PASSWORD_RESET = "password_reset", "Password reset"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmailQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status=EmailStatus.FAILED)

    def pending(self):
        return self.filter(status=EmailStatus.PENDING)


class OutgoingEmail(models.Model):
    """One email to one address, recorded before it is sent and delivered by a background task.

    The row is the truth about the message: what it says, whether it went, how many tries it
    took and why the last one failed. The task only ever sends a pending row it has claimed,
    so a retried or duplicated task cannot send a message twice.
    """

    kind = models.CharField(max_length=24, choices=EmailKind.choices, help_text="What the email is for.")
    to = models.EmailField(help_text="The one recipient.")
    from_email = models.CharField(max_length=254, help_text="The sender, as the From header shows it.")
    subject = models.CharField(max_length=255, help_text="Subject line.")
    text_body = models.TextField(help_text="The plain-text body.")
    html_body = models.TextField(blank=True, help_text="The HTML body, if there is one.")
    headers = models.JSONField(default=dict, blank=True, help_text="Extra headers, e.g. List-Unsubscribe.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The portal user the email is for, if it is for one.",
    )
    dedupe_key = models.CharField(
        max_length=120,
        null=True,
        blank=True,
        unique=True,
        help_text="Set for scheduled emails (e.g. digest:<user>:<week>) so each is sent once however often the "
        "command runs.",
    )
    status = models.CharField(
        max_length=8,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
        db_index=True,
        help_text="Pending (waiting or between retries), sending, sent, or failed after its last try.",
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times sending has been tried.")
    last_error = models.TextField(blank=True, help_text="What the mail server said the last time it failed.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, help_text="When the email was queued.")
    last_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When sending was last tried.")
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When the next try is due, if one is.")
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the mail server accepted it.")

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"
        indexes = [models.Index(fields=["status", "-created_at"], name="outgoing_email_status_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
