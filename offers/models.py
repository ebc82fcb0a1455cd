"""The catalogue: themes, offers, what each includes, who it is for and what form it takes."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from lga_portal.models import PublicIdModel, ReferenceModel, TimeStampedModel

# Queries longer than this are cut before they reach the database.
SEARCH_MAX_LENGTH = 200


class Source(TimeStampedModel):
    """A published LGA document that catalogue entries and figures come from."""

    key = models.SlugField(max_length=60, unique=True, help_text="Stable identifier, e.g. highlights-2020-11.")
    title = models.CharField(max_length=300, help_text="The document's title.")
    filename = models.CharField(max_length=120, blank=True, help_text="File name of the document as received.")
    published_on = models.DateField(null=True, blank=True, help_text="When the document was published (approximate).")
    url = models.URLField(blank=True, help_text="Where the document can be read online, if anywhere.")

    class Meta:
        ordering = ["published_on", "key"]

    def __str__(self) -> str:
        return self.title


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


class Delivery(models.TextChoices):
    REMOTE = "remote", "Remote"
    IN_PERSON = "in_person", "In person"
    BLENDED = "blended", "Blended"
    ONLINE_RESOURCE = "online_resource", "Online resource"


class OfferQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def available(self):
        return self.filter(status=OfferStatus.AVAILABLE)

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
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("offers:offer_detail", args=[self.slug])

    @property
    def effective_contact_email(self) -> str:
        """The offer's own contact, else its theme's; empty means "your principal adviser"."""
        return self.contact_email or self.theme.contact_email

    @property
    def partner_list(self) -> list[str]:
        return [p.strip() for p in self.partners.split(",") if p.strip()]

    def build_search_document(self) -> str:
        items = [item.text for item in self.items.all()] if self.pk else []
        return "\n".join([self.title, self.summary, self.description, *items, self.partners])

    def save(self, *args, **kwargs):
        self.search_document = self.build_search_document()
        super().save(*args, **kwargs)


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


# The search's own models (synonyms, best bets, searches that found nothing), registered with this app.
from offers.search_models import BestBet, Synonym, ZeroResultSearch  # noqa: E402, F401
