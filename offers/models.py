"""The catalogue: themes, offers, what each includes, who it is for and what form it takes."""

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lga_portal import dates
from lga_portal.dates import DatePrecision
from lga_portal.models import PublicIdModel, ReferenceModel, TimeStampedModel

# Queries longer than this are cut before they reach the database.
SEARCH_MAX_LENGTH = 200


class Source(TimeStampedModel):
    """A published LGA document that catalogue entries and figures come from."""

    key = models.SlugField(max_length=60, unique=True, help_text="Stable identifier, e.g. highlights-2020-11.")
    title = models.CharField(max_length=300, help_text="The document's title.")
    filename = models.CharField(max_length=120, blank=True, help_text="File name of the document as received.")
    published_on = models.DateField(null=True, blank=True, help_text="When the document was published, if known.")
    published_on_precision = models.CharField(
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.MONTH,
        help_text="How exactly the publication date is known (the documents are undated: most are approximate).",
    )
    covers_from = models.DateField(null=True, blank=True, help_text="First day of the period the document covers.")
    covers_to = models.DateField(null=True, blank=True, help_text="Last day of the period the document covers.")
    url = models.URLField(blank=True, help_text="Where the document can be read online, if anywhere.")

    class Meta:
        ordering = ["published_on", "key"]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> dates.Period | None:
        """The (start, end) of the period the document covers, if it says."""
        return (self.covers_from, self.covers_to) if self.covers_to else None

    @property
    def published_display(self) -> str:
        """ "around July 2020": the publication date, no more exactly than it is known."""
        return dates.format_date(self.published_on, self.published_on_precision)

    @property
    def current_as_of(self) -> tuple[datetime.date | None, str]:
        """Up to when the document describes things, with that date's precision.

        The end of the period it reports on, to the month; else its (approximate) publication date.
        """
        if self.covers_to:
            return self.covers_to, DatePrecision.MONTH
        return self.published_on, self.published_on_precision


class Theme(PublicIdModel, TimeStampedModel):
    """A themed area of support (peer support, financial resilience, …) with its own contact."""

    name = models.CharField(max_length=120, unique=True, help_text="The theme's name.")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Identifier used in URLs, e.g. /themes/peer-support/."
    )
    summary = models.TextField(blank=True, help_text="What the theme covers, in a few sentences.")
    contact_email = models.EmailField(
        blank=True, help_text="The theme team's email; empty when councils go through their principal adviser."
    )
    extra_contacts = models.CharField(
        max_length=300, blank=True, help_text="Other contact routes the catalogue gives, as written."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists; lower first.")
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="themes",
        help_text="The document that introduces this theme.",
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("offers:theme_detail", args=[self.slug])


class Audience(PublicIdModel, ReferenceModel):
    """Who an offer is for: councillors, chief executives, finance officers, …"""

    class Meta(ReferenceModel.Meta):
        pass


class Format(PublicIdModel, ReferenceModel):
    """What form an offer takes: panel, coaching, webinar, toolkit, …"""

    class Meta(ReferenceModel.Meta):
        pass


class OfferStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    COMING_SOON = "coming_soon", "Coming soon"
    IN_DEVELOPMENT = "in_development", "In development"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


# Why an offer cannot be requested, said in place of the "Request this support" button, on the
# request form, and as the refusal of a request for it (the page and the service use these).
OFFER_NOT_REQUESTABLE = {
    OfferStatus.SUSPENDED: "This offer is suspended, so it cannot be requested at the moment.",
    OfferStatus.CLOSED: "This offer has closed, so it can no longer be requested.",
    OfferStatus.COMING_SOON: "This offer is not available yet, so it cannot be requested.",
    OfferStatus.IN_DEVELOPMENT: "This offer is still being developed, so it cannot be requested yet.",
}
OFFER_UNPUBLISHED = "This offer is not open to requests."


class Delivery(models.TextChoices):
    REMOTE = "remote", "Remote"
    IN_PERSON = "in_person", "In person"
    BLENDED = "blended", "Blended"
    ONLINE_RESOURCE = "online_resource", "Online resource"


# An offer reviewed today is next due for review this many months later.
REVIEW_INTERVAL_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it is shorter: 29 Feb → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


class OfferQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def available(self):
        return self.filter(status=OfferStatus.AVAILABLE)

    def past_review_date(self, today: datetime.date | None = None):
        """Offers whose review-by date has passed (or that have none): the editors' queue."""
        today = today or timezone.localdate()
        return self.filter(models.Q(review_by__lt=today) | models.Q(review_by__isnull=True))

    def with_related(self):
        """Everything a list or detail of offers shows, in a fixed number of queries."""
        return self.select_related("theme", "source").prefetch_related("audiences", "formats", "items")

    def search(self, q: str, *, extracts: bool = False):
        """Offers matching a search, annotated ``rank`` (best first) and ``is_recommended`` (a best bet).

        Phrases, ``-word`` and ``or`` as people type them, widened by the staff's synonyms; the
        same on PostgreSQL and SQLite (see offers/search.py). ``extracts`` adds ``search_extract``.
        """
        from offers.search import search_queryset

        return search_queryset(self, q, extracts=extracts)


class Offer(PublicIdModel, TimeStampedModel):
    """One support offer a council can take up."""

    title = models.CharField(max_length=200, help_text="The offer's name.")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Identifier used in URLs, e.g. /offers/recovery-and-renewal-panel/."
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="offers", help_text="The theme the offer belongs to."
    )
    summary = models.TextField(help_text="One or two sentences saying what the offer is.")
    description = models.TextField(blank=True, help_text="The full description of the offer.")
    audiences = models.ManyToManyField(Audience, blank=True, related_name="offers", help_text="Who the offer is for.")
    formats = models.ManyToManyField(Format, blank=True, related_name="offers", help_text="What form the offer takes.")
    delivery = models.CharField(
        max_length=20, choices=Delivery.choices, default=Delivery.REMOTE, help_text="How the offer is delivered."
    )
    status = models.CharField(
        max_length=20,
        choices=OfferStatus.choices,
        default=OfferStatus.AVAILABLE,
        db_index=True,
        help_text="Whether councils can take the offer up now.",
    )
    status_note = models.TextField(blank=True, help_text="More about the status, e.g. when a suspended offer resumes.")
    how_to_access = models.TextField(blank=True, help_text="How a council gets this support.")
    contact_email = models.EmailField(blank=True, help_text="Contact for this offer; empty means the theme's contact.")
    partners = models.CharField(
        max_length=300,
        blank=True,
        help_text="Delivery partners, separated by commas (e.g. SOLACE, Local Partnerships).",
    )
    duration = models.CharField(
        max_length=120, blank=True, help_text='How long it takes, as a phrase ("2–3 hours", "2–3 days").'
    )
    launched_on = models.DateField(null=True, blank=True, help_text="When the offer launched or first ran, if known.")
    launched_on_precision = models.CharField(
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How exactly the launch date is known: a day, a month, around a month, or only by a "
        'document\'s date (then the launch date is that date, written "by …").',
    )
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="When an editor last checked the offer is still true."
    )
    last_reviewed_precision = models.CharField(
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How exactly the review date is known (seeded offers are as current as their newest document).",
    )
    review_by = models.DateField(
        null=True, blank=True, db_index=True, help_text="When the offer is next due for review."
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
        help_text="The document the offer first appears in.",
    )
    also_in = models.ManyToManyField(
        Source, blank=True, related_name="+", help_text="Other documents that mention the offer."
    )
    is_published = models.BooleanField(
        default=True, db_index=True, help_text="Shown on the public catalogue when ticked."
    )
    search_document = models.TextField(
        blank=True, editable=False, help_text="Text the search runs over (maintained automatically)."
    )

    objects = OfferQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        ordering = ["theme__order", "title"]
        indexes = [
            models.Index(fields=["theme", "status"], name="offer_theme_status_idx"),
            models.Index(fields=["delivery"], name="offer_delivery_idx"),
            # One index for each order the catalogue offers (offers.selectors._ORDERINGS), so the first
            # page is read off an index instead of sorting every offer; "best match" ranks a search's
            # matches, which only the search index can find. The theme page lists by title.
            models.Index(fields=["title", "id"], name="offer_title_idx"),
            models.Index(fields=["-created_at", "-id"], name="offer_newest_idx"),
            models.Index(fields=["theme", "title"], name="offer_theme_title_idx"),
            # Published offers by launch date, with what the highlights report counts (offers
            # launched in a period, offers available by its end, by theme) so it reads this small
            # index instead of every offer's row; the council page's newest offers use it too.
            models.Index(
                fields=["launched_on", "status", "theme"],
                include=["id"],
                condition=models.Q(is_published=True),
                name="offer_published_launch_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("offers:offer_detail", args=[self.slug])

    @property
    def launched_display(self) -> str:
        """ "15 July 2020", "July 2020", "around July 2020" or "by November 2020"."""
        return dates.format_date(self.launched_on, self.launched_on_precision)

    @property
    def last_reviewed_display(self) -> str:
        """ "Last reviewed on 12 November 2020" (or "in November 2020", "around July 2020")."""
        if not self.last_reviewed_on:
            return ""
        when = dates.format_date(self.last_reviewed_on, self.last_reviewed_precision)
        if self.last_reviewed_precision == DatePrecision.DAY:
            return f"Last reviewed on {when}"
        if self.last_reviewed_precision == DatePrecision.MONTH:
            return f"Last reviewed in {when}"
        return f"Last reviewed {when}"

    def is_past_review_date(self, today: datetime.date | None = None) -> bool:
        return self.review_by is None or self.review_by < (today or timezone.localdate())

    def mark_reviewed(self, *, today: datetime.date | None = None, user=None) -> None:
        """Record that an editor checked the offer today: next review in 12 months, one history entry."""
        today = today or timezone.localdate()
        self.last_reviewed_on = today
        self.last_reviewed_precision = DatePrecision.DAY
        self.review_by = add_months(today, REVIEW_INTERVAL_MONTHS)
        self._change_reason = "Reviewed"
        if user is not None:
            self._history_user = user
        self.save()

    @property
    def effective_contact_email(self) -> str:
        """The offer's own contact, else its theme's; empty means "your principal adviser"."""
        return self.contact_email or self.theme.contact_email

    @property
    def request_refusal(self) -> str:
        """Why the offer cannot be requested now, or "" when it can (published and available)."""
        if not self.is_published:
            return OFFER_UNPUBLISHED
        return OFFER_NOT_REQUESTABLE.get(self.status, "")

    @property
    def is_requestable(self) -> bool:
        return not self.request_refusal

    @property
    def partner_list(self) -> list[str]:
        return [p.strip() for p in self.partners.split(",") if p.strip()]

    def build_search_document(self) -> str:
        items = [item.text for item in self.items.all()] if self.pk else []
        return "\n".join([self.title, self.summary, self.description, *items, self.partners])

    def save(self, *args, **kwargs):
        self.search_document = self.build_search_document()
        super().save(*args, **kwargs)


class OfferToReview(Offer):
    """The editors' queue in the admin: offers past their review-by date (same rows as Offer)."""

    class Meta:
        proxy = True
        verbose_name = "offer past its review date"
        verbose_name_plural = "offers past their review date"


class OfferItem(models.Model):
    """One thing an offer includes, in order."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="items", help_text="The offer this item belongs to."
    )
    text = models.TextField(help_text="What the offer includes.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the list; lower first.")

    # The offer's own history does not see its items change; the admin shows both together.
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class PublicationKind(models.TextChoices):
    GUIDE = "guide", "Guide"
    WORKBOOK = "workbook", "Workbook"
    REPORT = "report", "Report"
    TOOLKIT = "toolkit", "Toolkit"
    POLICY_PAPER = "policy_paper", "Policy paper"


class PublicationQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("theme", "offer", "source")

    def search(self, q: str):
        """Publications whose title or summary holds every word of ``q`` (any case)."""
        publications = self
        for word in q.split()[:20]:
            publications = publications.filter(models.Q(title__icontains=word) | models.Q(summary__icontains=word))
        return publications


class Publication(PublicIdModel, TimeStampedModel):
    """A guide, workbook, report or toolkit the LGA published, with the offer it belongs to."""

    title = models.CharField(max_length=300, help_text="The publication's title, as the LGA gives it.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier, used by the API and the seed.")
    kind = models.CharField(
        max_length=20, choices=PublicationKind.choices, db_index=True, help_text="What sort of publication it is."
    )
    summary = models.TextField(blank=True, help_text="What it covers, where a document says.")
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="publications", help_text="The theme it belongs to."
    )
    offer = models.ForeignKey(
        Offer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publications",
        help_text="The offer it is part of, if any.",
    )
    published_on = models.DateField(null=True, blank=True, help_text="When it was published, if a document says.")
    published_on_precision = models.CharField(
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How exactly the publication date is known.",
    )
    url = models.URLField(blank=True, help_text="Where it can be read, if known.")
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
        help_text="The document that lists it.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the source's list; lower first.")

    objects = PublicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]
        indexes = [models.Index(fields=["theme", "kind"], name="publication_theme_kind_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def published_display(self) -> str:
        return dates.format_date(self.published_on, self.published_on_precision)


# The search's own models (synonyms, best bets, searches that found nothing), registered with this app.
from offers.search_models import BestBet, Synonym, ZeroResultSearch  # noqa: E402, F401
