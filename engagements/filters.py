"""Which engagements, support requests, councils and advisers a list shows: one FilterSet per entity.

The API applies them strictly (a value that does not parse is a 400 naming the parameter);
the workspace's engagements list and its export, its requests inbox and its dashboard apply
the same ones leniently, through ``for_page`` (see ``lga_portal/filters.py``). Labels and
widgets are for the pages, help texts for the API's documentation.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from engagements.models import (
    Adviser,
    Channel,
    Council,
    CouncilKind,
    Engagement,
    EngagementKind,
    EngagementStatus,
    Region,
    SupportRequest,
    SupportRequestStatus,
)
from engagements.permissions import with_visible_notes
from engagements.selectors import FOLLOW_UP_WINDOW_DAYS, RECENTLY_OVERDUE_DAYS
from lga_portal.api.filters import (
    INVALID_CHOICE,
    BooleanFilter,
    ChoicesFilter,
    DateFilter,
    DateTimeFilter,
    OrderingFilter,
    RelatedChoiceField,
    RelatedFilter,
)
from lga_portal.filters import DateInput, FilterSet, OneOf
from offers.models import Offer, Theme

SEARCH_MAX_LENGTH = 100
COUNCIL_SEARCH_MAX_LENGTH = SEARCH_MAX_LENGTH


def advisers_in_post(chosen: list[str]) -> QuerySet:
    """A page's adviser choices: those still in post, and any already chosen (a filter still
    accepts a former adviser, for the history)."""
    ids = [value for value in chosen if value.isdigit()]
    return Adviser.objects.filter(Q(is_active=True) | Q(pk__in=ids)).order_by("name")


class CouncilChoiceField(RelatedChoiceField):
    """Councils named by GSS code (as the API names them) or by slug (as the workspace's links do)."""

    def _check_values(self, value):
        keys = [str(item) for item in value]
        councils = list(self.queryset.filter(Q(gss_code__in=keys) | Q(slug__in=keys)))
        known = {c.gss_code for c in councils} | {c.slug for c in councils}
        for key in keys:
            if key not in known:
                raise forms.ValidationError(INVALID_CHOICE, code="invalid_choice")
        return councils


class CouncilKeyFilter(RelatedFilter):
    field_class = CouncilChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Council.objects.all())
        super().__init__(*args, **kwargs)


def _m2m_subquery(through, column: str, values):
    return through.objects.filter(engagement_id=OuterRef("pk"), **{f"{column}__in": values})


FOLLOW_UP_DUE, FOLLOW_UP_LONG_OVERDUE, FOLLOW_UP_OPEN = "due", "long_overdue", "open"


class EngagementFilter(FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        label="Search",
        help_text="Words in the summary, or in the private notes you may read.",
    )
    council = CouncilKeyFilter(
        widget=forms.MultipleHiddenInput,
        help_text="Council ONS (GSS) code (or its slug); repeat for any of several.",
    )
    region = RelatedFilter(
        field_name="council__region",
        queryset=Region.objects.order_by("name"),
        to_field_name="slug",
        label="Region",
        widget=OneOf("Any region"),
        help_text="Region slug of the council, e.g. `north-west`; repeat for several.",
    )
    adviser = RelatedFilter(
        queryset=Adviser.objects.order_by("name"),
        label="Principal adviser",
        widget=OneOf("Any adviser"),
        help_text="Principal adviser id; repeat for several.",
    )
    kind = ChoicesFilter(
        choices=EngagementKind.choices, label="Kind", widget=OneOf("Any kind"), help_text="Kind; repeat for several."
    )
    channel = ChoicesFilter(
        choices=Channel.choices, label="Channel", widget=OneOf("Any channel"), help_text="Channel; repeat for several."
    )
    status = ChoicesFilter(
        choices=EngagementStatus.choices,
        label="Status",
        widget=OneOf("Any status"),
        help_text="Status; repeat for several.",
    )
    offer = RelatedFilter(
        field_name="offers",
        queryset=Offer.objects.all(),
        to_field_name="slug",
        method="filter_offer",
        help_text="Engagements that discussed or delivered this offer (slug); repeat for any of several.",
    )
    theme = RelatedFilter(
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_theme",
        help_text="Engagements that raised a support need in this theme or took up one of its offers (theme "
        "slug); repeat for any of several.",
    )
    date_from = DateFilter(
        field_name="date",
        lookup_expr="gte",
        label="From",
        widget=DateInput(),
        help_text="Held on or after this date (YYYY-MM-DD).",
    )
    date_to = DateFilter(
        field_name="date",
        lookup_expr="lte",
        label="To",
        widget=DateInput(),
        help_text="Held on or before this date (YYYY-MM-DD).",
    )
    follow_up = django_filters.ChoiceFilter(
        choices=[
            (FOLLOW_UP_DUE, "Due or overdue"),
            (FOLLOW_UP_LONG_OVERDUE, f"Overdue by more than {RECENTLY_OVERDUE_DAYS // 7} weeks"),
            (FOLLOW_UP_OPEN, "Not done yet"),
        ],
        method="filter_follow_up",
        label="Follow-up",
        empty_label="Any",
        help_text=f"`due`: a follow-up not done yet, overdue or due within {FOLLOW_UP_WINDOW_DAYS} days; "
        f"`long_overdue`: not done and overdue by more than {RECENTLY_OVERDUE_DAYS} days; `open`: any follow-up not done yet.",
    )
    modified_since = DateTimeFilter(
        field_name="modified_at", lookup_expr="gte", help_text="Changed at or after this date and time."
    )
    ordering = OrderingFilter(
        fields=(("date", "date"), ("modified_at", "modified_at"), ("id", "id")),
        help_text="Sort by this field; prefix with - for descending. Default: newest date first.",
    )

    page_hints = {"q": "Words in the summary or your notes."}
    page_choices = {"adviser": advisers_in_post}

    class Meta:
        model = Engagement
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        """Only the summary and the notes the reader may see: an engagement is never found by words
        in private notes the reader may not read."""
        words = " ".join(value.split())
        if not words:
            return queryset
        user = getattr(self.request, "user", None)
        return with_visible_notes(queryset, user).filter(
            Q(summary__icontains=words) | Q(visible_notes__icontains=words)
        )

    def filter_offer(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(_m2m_subquery(Engagement.offers.through, "offer", value)))

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        needs = Exists(_m2m_subquery(Engagement.themes.through, "theme", value))
        offers = Exists(_m2m_subquery(Engagement.offers.through, "offer__theme", value))
        return queryset.filter(Q(needs) | Q(offers))

    def filter_follow_up(self, queryset, name, value):
        if not value:
            return queryset
        queryset = queryset.filter(follow_up_done=False, follow_up_on__isnull=False).exclude(
            status=EngagementStatus.CANCELLED
        )
        if value == FOLLOW_UP_DUE:
            due_by = timezone.localdate() + datetime.timedelta(days=FOLLOW_UP_WINDOW_DAYS)
            queryset = queryset.filter(follow_up_on__lte=due_by)
        elif value == FOLLOW_UP_LONG_OVERDUE:
            overdue_before = timezone.localdate() - datetime.timedelta(days=RECENTLY_OVERDUE_DAYS)
            queryset = queryset.filter(follow_up_on__lt=overdue_before)
        return queryset


class FeedFilter(FilterSet):
    modified_since = DateTimeFilter(
        field_name="modified_at",
        lookup_expr="gte",
        help_text="Start from rows changed at or after this date and time (for a first sync from a known point).",
    )

    class Meta:
        model = Engagement
        fields: list[str] = []


# The inbox's "waiting" and "everything", beside the statuses themselves.
STATUS_OPEN, STATUS_ALL = "open", "all"
WAITING = (SupportRequestStatus.NEW, SupportRequestStatus.ACKNOWLEDGED)


class SupportRequestFilter(FilterSet):
    council = CouncilKeyFilter(help_text="Council ONS (GSS) code (or its slug); repeat for any of several.")
    region = RelatedFilter(
        field_name="council__region",
        queryset=Region.objects.order_by("name"),
        to_field_name="slug",
        help_text="Region slug of the council, e.g. `north-west`; repeat for several.",
    )
    offer = RelatedFilter(
        queryset=Offer.objects.all(),
        to_field_name="slug",
        help_text="Offer slug; repeat for any of several.",
    )
    status = ChoicesFilter(
        choices=[
            (STATUS_OPEN, "Waiting (new or acknowledged)"),
            *SupportRequestStatus.choices,
            (STATUS_ALL, "All"),
        ],
        method="filter_status",
        label="Status",
        widget=OneOf(),
        help_text="Where the request has got to; repeat for several. `open`: new or acknowledged; `all`: any "
        "status, as when not given.",
    )
    adviser = RelatedFilter(
        field_name="assigned_adviser",
        queryset=Adviser.objects.all(),
        help_text="Id of the principal adviser it went to; repeat for several.",
    )
    created_from = DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text="Made on or after this date (YYYY-MM-DD)."
    )
    created_to = DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text="Made on or before this date (YYYY-MM-DD)."
    )
    ordering = OrderingFilter(
        fields=(("created_at", "created_at"), ("modified_at", "modified_at")),
        help_text="Sort by this field; prefix with - for descending. Default: newest first.",
    )

    # The inbox opens on the requests still waiting for an answer.
    page_defaults = {"status": STATUS_OPEN}

    class Meta:
        model = SupportRequest
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        if not value or STATUS_ALL in value:
            return queryset
        statuses = {status for status in value if status != STATUS_OPEN}
        if STATUS_OPEN in value:
            statuses.update(WAITING)
        return queryset.filter(status__in=statuses)

    def waiting_only(self) -> bool:
        """Whether the list is the requests still waiting (shown oldest first, to be answered in turn)."""
        self.errors  # noqa: B018 - validates the form, so cleaned_data exists
        return self.form.cleaned_data.get("status") == [STATUS_OPEN]


class CouncilFilter(FilterSet):
    region = RelatedFilter(
        queryset=Region.objects.order_by("name"),
        to_field_name="slug",
        label="Region",
        widget=OneOf("All regions"),
        help_text="Region slug, e.g. `north-west`; repeat for any of several.",
    )
    kind = ChoicesFilter(choices=CouncilKind.choices, help_text="Type of council; repeat for several.")
    active = BooleanFilter(
        field_name="is_active", help_text="`true`: councils that exist today; `false`: abolished ones."
    )
    adviser = RelatedFilter(
        queryset=Adviser.objects.order_by("name"),
        label="Principal adviser",
        widget=OneOf("All advisers"),
        help_text="Principal adviser id; repeat for several.",
    )
    code = RelatedFilter(
        queryset=Council.objects.all(),
        to_field_name="gss_code",
        method="filter_code",
        help_text="ONS (GSS) code, e.g. `E06000001`; repeat for several.",
    )
    existing_on = DateFilter(
        method="filter_existing_on", help_text="Councils that existed on this date (YYYY-MM-DD), e.g. `2020-06-30`."
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=COUNCIL_SEARCH_MAX_LENGTH,
        help_text="Part of the council's name, or its exact code.",
    )
    ordering = OrderingFilter(
        fields=(("name", "name"), ("gss_code", "gss_code"), ("kind", "kind")),
        help_text="Sort by this field; prefix with - for descending. Default: by name.",
    )

    page_choices = {"adviser": advisers_in_post}

    class Meta:
        model = Council
        fields: list[str] = []

    def filter_code(self, queryset, name, value: QuerySet[Council]):
        return queryset.filter(pk__in=[council.pk for council in value]) if value else queryset

    def filter_existing_on(self, queryset, name, value):
        return queryset.existing_on(value)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class AdviserFilter(FilterSet):
    region = RelatedFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        help_text="Region slug; repeat for any of several.",
    )
    active = BooleanFilter(field_name="is_active", help_text="`true`: advisers in post; `false`: those who left.")

    class Meta:
        model = Adviser
        fields: list[str] = []
