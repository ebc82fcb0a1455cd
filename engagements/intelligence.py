"""Council intelligence: what a council has had, what it asked for, and what to offer it next.

Reads only; the one write (dismissing a suggestion) is in ``engagements.intelligence_services``.

Definitions, shared with the sector-wide unmet needs (``metrics.needs``):

- A **need** is a theme recorded as a support need in a held engagement (completed, not
  archived). A **take-up** is an offer discussed or delivered in a held engagement: the take-up
  selectors' own definition (``engagements.take_up``). Both are read from the theme events
  (``ThemeEvent``), which hold exactly those links with their council and date.
- A need is **met** when an offer of its theme was taken up on or after the day it was last
  raised, and **open** otherwise; the dates it was raised since the last such take-up are what
  an adviser is told.
- A council's **lineage** is the council and the councils it replaced: from the reorganisation
  on, an abolished council's needs and take-ups count on its successor's profile.
- **Similar councils** are the other councils of the same kind in the same region that exist
  today; where a region has fewer than ``MIN_REGIONAL_PEERS`` of them, every council of the kind
  in England.

Suggestions are never an offer the lineage took up, one the council has an open request for, one
dismissed for the council, or one that is not published and available. Everything is computed in
the database with a fixed number of queries, whatever the length of the council's history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from engagements.models import (
    OPEN_REQUEST_STATUSES,
    Council,
    CouncilKind,
    Engagement,
    EngagementKind,
    EngagementStatus,
    SuggestionDismissal,
    SupportRequest,
    ThemeEvent,
    ThemeEventKind,
)
from offers.models import Offer, OfferStatus, Theme

# How many suggestions a council gets, and how many of its open needs' dates a sentence names.
SUGGESTIONS_SHOWN = 6
DATES_NAMED = 3
# Similar councils' take-up is counted over this many days up to today ("in the last year").
PEER_WINDOW_DAYS = 365
# Fewer similar councils than this in the region, and the comparison is with all of England.
MIN_REGIONAL_PEERS = 3
# An offer launched this many days ago or less is new.
NEW_OFFER_DAYS = 180
# Councils with no engagement for this many days have gone quiet.
QUIET_DAYS = 90
# Profile lists bounded on the page.
FOLLOW_UPS_SHOWN = 5
REQUESTS_SHOWN = 5
# Candidates read per theme and overall before ranking (bounded, so the rows read are too).
CANDIDATES_PER_THEME = 2
PEER_CANDIDATES = SUGGESTIONS_SHOWN * 2

KIND_PLURALS = {
    CouncilKind.COUNTY: "county councils",
    CouncilKind.DISTRICT: "district councils",
    CouncilKind.UNITARY: "unitary authorities",
    CouncilKind.METROPOLITAN_DISTRICT: "metropolitan districts",
    CouncilKind.LONDON_BOROUGH: "London boroughs",
}


# -- wording ----------------------------------------------------------------------------------


def spoken_date(day: datetime.date, today: datetime.date) -> str:
    """ "3 March" this year, "12 January 2025" another year."""
    return f"{day:%-d %B}" if day.year == today.year else f"{day:%-d %B %Y}"


def spoken_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def theme_in_sentence(theme: Theme) -> str:
    """The theme's name mid-sentence: "financial resilience", but "LG Inform" and "One Public Estate"."""
    name = theme.name
    rest = name.split(" ", 1)[1] if " " in name else ""
    if name[:1].isupper() and name[1:2].islower() and not any(c.isupper() for c in rest):
        return name[0].lower() + name[1:]
    return name


def region_in_sentence(region_name: str) -> str:
    """ "the South West", but "London" and "Yorkshire and The Humber"."""
    return region_name if region_name == "London" or region_name.startswith("Yorkshire") else f"the {region_name}"


# -- lineage ------------------------------------------------------------------------------------


def lineage_of(council: Council) -> list[Council]:
    """The council and the councils it replaced (prefetch ``predecessors`` to make this free)."""
    return [council, *council.predecessors.all()]


def _ids(councils: list[Council]) -> list[int]:
    return [c.pk for c in councils]


# -- needs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """A theme raised as a support need by a council (or the councils it replaced)."""

    theme: Theme
    times_raised: int
    first_raised_on: datetime.date
    last_raised_on: datetime.date
    # The latest take-up of an offer of the theme, whenever it was (None: never), and that offer
    # (its id and title only).
    last_taken_up_on: datetime.date | None
    last_offer: Offer | None
    # Raised since the last take-up: how often, and the latest few dates (empty when met).
    open_times: int
    open_dates: tuple[datetime.date, ...]

    @property
    def is_met(self) -> bool:
        return self.open_times == 0

    @property
    def theme_words(self) -> str:
        """The theme's name mid-sentence ("financial resilience", "LG Inform")."""
        return theme_in_sentence(self.theme)

    def reason(self, today: datetime.date) -> str:
        """One sentence saying why the need is open (for a suggestion)."""
        dates = [spoken_date(day, today) for day in self.open_dates]
        more = self.open_times - len(self.open_dates)
        if more > 0:
            dates.append(f"{more} more time{'s' if more > 1 else ''}")
        return (
            f"{self.theme.name} was raised on {spoken_list(dates)}; "
            f"no {theme_in_sentence(self.theme)} offer taken up since."
        )


def council_needs(lineage: list[Council]) -> list[Need]:
    """Every theme the lineage raised: open needs first (most recently raised first), then met ones.

    Three queries: the needs; their themes with the latest take-up of each and its offer's title;
    the latest few dates each open need was raised since that take-up (a window per theme, so the
    rows read stay bounded). The first reads only the (council, theme, kind, date) index, and the
    second is a few probes of it per theme, so none visits the lineage's whole history.
    """
    events = ThemeEvent.objects.filter(council_id__in=_ids(lineage))
    raised_rows = list(
        events.filter(kind=ThemeEventKind.RAISED)
        .values("theme_id")
        .annotate(times=Count("*"), first_on=Min("date"), last_on=Max("date"))
        .order_by()
    )
    if not raised_rows:
        return []
    # The latest take-up of each theme raised: ordered by date then id, as one row, so its date and
    # its offer come from the same event.
    latest = events.filter(kind=ThemeEventKind.TAKEN_UP, theme_id=OuterRef("pk")).order_by("-date", "-id")
    themes = Theme.objects.filter(pk__in=[row["theme_id"] for row in raised_rows]).annotate(
        taken_on=Subquery(latest.values("date")[:1]),
        taken_offer_id=Subquery(latest.values("offer_id")[:1]),
        taken_offer_title=Subquery(latest.values("offer__title")[:1]),
    )
    themes = {theme.pk: theme for theme in themes}
    latest_take_up = {
        # The offer as the profile names it: its id and title, read with the theme.
        pk: {"date": theme.taken_on, "offer": Offer(pk=theme.taken_offer_id, title=theme.taken_offer_title)}
        for pk, theme in themes.items()
        if theme.taken_on is not None
    }
    # The dates raised after the latest take-up (all of them where nothing was taken up).
    since = Q()
    for row in raised_rows:
        taken = latest_take_up.get(row["theme_id"])
        if taken is None:
            since |= Q(theme_id=row["theme_id"])
        elif row["last_on"] > taken["date"]:
            since |= Q(theme_id=row["theme_id"], date__gt=taken["date"])
    open_dates: dict[int, list[datetime.date]] = {}
    open_times: dict[int, int] = {}
    if since:
        for row in (
            events.filter(since, kind=ThemeEventKind.RAISED)
            .annotate(
                place=Window(RowNumber(), partition_by=[F("theme_id")], order_by=[F("date").desc(), F("id").desc()]),
                times=Window(Count("id"), partition_by=[F("theme_id")]),
            )
            .filter(place__lte=DATES_NAMED)
            .values("theme_id", "date", "times")
            .order_by("theme_id", "-date")
        ):
            open_dates.setdefault(row["theme_id"], []).append(row["date"])
            open_times[row["theme_id"]] = row["times"]
    needs = []
    for row in raised_rows:
        taken = latest_take_up.get(row["theme_id"])
        needs.append(
            Need(
                theme=themes[row["theme_id"]],
                times_raised=row["times"],
                first_raised_on=row["first_on"],
                last_raised_on=row["last_on"],
                last_taken_up_on=taken["date"] if taken else None,
                last_offer=taken["offer"] if taken else None,
                open_times=open_times.get(row["theme_id"], 0),
                open_dates=tuple(dict.fromkeys(open_dates.get(row["theme_id"], []))),
            )
        )
    needs.sort(key=lambda n: (n.is_met, -n.last_raised_on.toordinal(), n.theme.order, n.theme.name))
    return needs


# -- suggestions ----------------------------------------------------------------------------------


class SuggestionReason:
    OPEN_NEED = "open_need"
    NEW_OFFER = "new_offer"
    SIMILAR_COUNCILS = "similar_councils"


@dataclass(frozen=True)
class Suggestion:
    """An offer to put to a council, and one sentence saying why."""

    offer: Offer
    reason: str  # a SuggestionReason
    why: str


@dataclass(frozen=True)
class Peers:
    """The councils a council is compared with, and how to name them."""

    council_ids: list[int]
    description: str  # "other district councils in the South West"

    @property
    def count(self) -> int:
        return len(self.council_ids)


def similar_councils(council: Council, lineage: list[Council], *, today: datetime.date) -> Peers:
    """Other councils of the same kind that exist today: in the same region, or in England where the
    region has fewer than ``MIN_REGIONAL_PEERS``. One query (the councils of the kind, a few hundred
    at most).

    The ids, not a subquery, go into the take-up query: with a list of known length the planner
    estimates the similar councils' take-ups well and keeps one plan, where a subquery let it pick
    a plan that read ten times the pages.
    """
    same_kind = Council.objects.existing_on(today).filter(kind=council.kind).exclude(pk__in=_ids(lineage))
    rows = list(same_kind.order_by("pk").values_list("pk", "region_id"))
    regional = [pk for pk, region_id in rows if region_id == council.region_id]
    plural = KIND_PLURALS.get(council.kind, "councils")
    if len(regional) >= MIN_REGIONAL_PEERS:
        return Peers(regional, f"other {plural} in {region_in_sentence(council.region.name)}")
    return Peers([pk for pk, _ in rows], f"other {plural} in England")


def _eligible_offers(council: Council, lineage: list[Council]) -> QuerySet:
    """Offers that may be suggested: published and available, not taken up by the lineage, not asked
    for in an open request, not dismissed for the council (``_peer_take_up`` tests the same in SQL)."""
    taken = ThemeEvent.objects.filter(
        council_id__in=_ids(lineage), kind=ThemeEventKind.TAKEN_UP, offer_id=OuterRef("pk")
    )
    requested = SupportRequest.objects.open().filter(council=council, offer_id=OuterRef("pk"))
    dismissed = SuggestionDismissal.objects.filter(council=council, offer_id=OuterRef("pk"))
    return (
        Offer.objects.published()
        .filter(status=OfferStatus.AVAILABLE)
        .filter(~Exists(taken), ~Exists(requested), ~Exists(dismissed))
    )


def _in(values: list) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"


def _peer_take_up(council: Council, lineage: list[Council], peers: Peers, *, since, until) -> list[dict]:
    """How many of the similar councils took up each offer between ``since`` and ``until``, for the
    offers that may be suggested to ``council``: the ``PEER_CANDIDATES`` leading offers of each
    theme, with their place in it.

    One query, written as SQL because Django took longer to compile it (a window over a grouping,
    filtered, with three exclusions) than the database took to run it. The exclusions are tested
    against the similar councils' take-ups (a few hundred rows), not the whole catalogue; the
    index on (council, kind, date), which includes the offer, serves both the take-ups and the
    lineage's own.
    """
    if not peers.council_ids:
        return []
    events = ThemeEvent._meta.db_table
    offers = Offer._meta.db_table
    requests = SupportRequest._meta.db_table
    dismissals = SuggestionDismissal._meta.db_table
    lineage_ids = _ids(lineage)
    open_statuses = list(OPEN_REQUEST_STATUSES)
    sql = f"""
        SELECT offer_id, theme_id, councils, in_theme FROM (
            SELECT e.offer_id, e.theme_id, COUNT(DISTINCT e.council_id) AS councils,
                   ROW_NUMBER() OVER (
                       PARTITION BY e.theme_id ORDER BY COUNT(DISTINCT e.council_id) DESC, e.offer_id
                   ) AS in_theme
            FROM {events} e INNER JOIN {offers} o ON o.id = e.offer_id
            WHERE e.kind = %s AND e.council_id IN ({_in(peers.council_ids)}) AND e.date >= %s AND e.date <= %s
              AND o.is_published = %s AND o.status = %s
              AND NOT EXISTS (SELECT 1 FROM {events} t WHERE t.council_id IN ({_in(lineage_ids)})
                              AND t.kind = %s AND t.offer_id = e.offer_id)
              AND NOT EXISTS (SELECT 1 FROM {requests} r WHERE r.council_id = %s
                              AND r.status IN ({_in(open_statuses)}) AND r.offer_id = e.offer_id)
              AND NOT EXISTS (SELECT 1 FROM {dismissals} d WHERE d.council_id = %s AND d.offer_id = e.offer_id)
            GROUP BY e.offer_id, e.theme_id
        ) ranked
        WHERE in_theme <= %s
    """
    params = [
        ThemeEventKind.TAKEN_UP,
        *peers.council_ids,
        since,
        until,
        True,
        OfferStatus.AVAILABLE,
        *lineage_ids,
        ThemeEventKind.TAKEN_UP,
        council.pk,
        *open_statuses,
        council.pk,
        PEER_CANDIDATES,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {"offer_id": offer_id, "theme_id": theme_id, "councils": councils, "in_theme": in_theme}
            for offer_id, theme_id, councils, in_theme in cursor.fetchall()
        ]


def suggestions_for_council(
    council: Council, *, today: datetime.date, needs: list[Need] | None = None, limit: int = SUGGESTIONS_SHOWN
) -> list[Suggestion]:
    """Ranked suggestions for ``council``, each with a sentence saying why.

    First, for each open need (most recently raised first), the offer of its theme that most
    similar councils took up in the last year (else the newest); then offers launched in the last
    ``NEW_OFFER_DAYS`` days in a theme the council raised or asked for; then the offers most
    similar councils took up in the last year. An abolished council gets none: its successor
    does. Pass ``needs`` (from ``council_needs``) to save its three queries; otherwise 3 + 4.
    """
    if council.abolished_on is not None and council.abolished_on <= today:
        return []
    lineage = lineage_of(council)
    if needs is None:
        needs = council_needs(lineage)
    open_needs = [need for need in needs if not need.is_met]
    peers = similar_councils(council, lineage, today=today)
    eligible = _eligible_offers(council, lineage)
    year_ago = today - datetime.timedelta(days=PEER_WINDOW_DAYS - 1)

    # Similar councils' take-up of each eligible offer: the leading offers of every theme, which
    # hold both the overall leaders and each open need's.
    peer_rows = _peer_take_up(council, lineage, peers, since=year_ago, until=today)
    peer_rows.sort(key=lambda r: (-r["councils"], r["offer_id"]))

    # Offers launched lately in a theme the council raised or asked for (new offers), and the newest
    # offers of an open need's theme that no similar council took up (so every open need gets one).
    new_since = today - datetime.timedelta(days=NEW_OFFER_DAYS)
    answered = {r["theme_id"] for r in peer_rows}
    unanswered = [need.theme.pk for need in open_needs if need.theme.pk not in answered]
    asked_theme_ids = {need.theme.pk for need in needs}
    requested_themes = SupportRequest.objects.filter(council_id__in=_ids(lineage)).values("offer__theme_id")
    newest_rows = list(
        eligible.filter(
            Q(theme_id__in=unanswered)
            | (
                Q(launched_on__gte=new_since, launched_on__lte=today)
                & (Q(theme_id__in=asked_theme_ids) | Q(theme_id__in=requested_themes))
            )
        )
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("theme_id")],
                order_by=[F("launched_on").desc(nulls_last=True), F("title"), F("id")],
            )
        )
        .filter(place__lte=CANDIDATES_PER_THEME)
        .values("id", "theme_id", "launched_on", "title")
    )

    peer_councils = {row["offer_id"]: row["councils"] for row in peer_rows}
    new_rows = {row["id"]: row for row in newest_rows}

    # Choose by id (the rows say all the choice needs), then read only the offers chosen.
    chosen: dict[int, tuple[str, str | None]] = {}  # offer id: (reason, the sentence if known yet)

    def add(pk: int, reason: str, why: str | None = None) -> None:
        if pk not in chosen and len(chosen) < limit:
            chosen[pk] = (reason, why)

    for need in open_needs:
        by_peers = sorted((r for r in peer_rows if r["theme_id"] == need.theme.pk), key=lambda r: r["in_theme"])
        by_newest = [r["id"] for r in newest_rows if r["theme_id"] == need.theme.pk]
        candidates = [r["offer_id"] for r in by_peers] + by_newest
        best = next((pk for pk in candidates if pk not in chosen), None)
        if best is not None:
            add(best, SuggestionReason.OPEN_NEED, need.reason(today))

    fresh = [r for r in newest_rows if r["launched_on"] and new_since <= r["launched_on"] <= today]
    fresh.sort(key=lambda r: (-r["launched_on"].toordinal(), r["title"]))
    for row in fresh:
        add(row["id"], SuggestionReason.NEW_OFFER)

    for row in peer_rows[:PEER_CANDIDATES]:
        add(row["offer_id"], SuggestionReason.SIMILAR_COUNCILS)

    offers = Offer.objects.select_related("theme").in_bulk(chosen)
    raised_on = {need.theme.pk: need.last_raised_on for need in needs}

    def sentence(offer: Offer, reason: str) -> str:
        if reason == SuggestionReason.SIMILAR_COUNCILS:
            n = peer_councils[offer.pk]
            return f"{n} of the {peers.count} {peers.description} took up {offer.title} in the last year."
        if offer.theme_id in raised_on:
            asked = f"a theme {council.name} raised on {spoken_date(raised_on[offer.theme_id], today)}"
        else:
            asked = f"a theme {council.name} asked about in a support request"
        launched = spoken_date(new_rows[offer.pk]["launched_on"], today)
        return f"New on {launched} in {offer.theme.name}, {asked}."

    return [
        Suggestion(offers[pk], reason, why if why is not None else sentence(offers[pk], reason))
        for pk, (reason, why) in chosen.items()
    ]


# -- the profile ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


@dataclass
class CouncilProfile:
    """A council at a glance, for an adviser preparing to talk to its chief executive."""

    council: Council
    today: datetime.date
    lineage: list[Council]
    last_engagement: Engagement | None
    year_start: datetime.date
    this_year: list[KindCount]
    open_follow_ups: list[Engagement]
    open_follow_up_count: int
    waiting_requests: list[SupportRequest]
    waiting_request_count: int
    needs: list[Need]
    suggestions: list[Suggestion]
    dismissed: list[SuggestionDismissal] = field(default_factory=list)

    @property
    def days_since(self) -> int | None:
        return (self.today - self.last_engagement.date).days if self.last_engagement else None

    @property
    def this_year_total(self) -> int:
        return sum(k.count for k in self.this_year)

    @property
    def open_needs(self) -> list[Need]:
        return [n for n in self.needs if not n.is_met]

    @property
    def met_needs(self) -> list[Need]:
        return [n for n in self.needs if n.is_met]

    @property
    def predecessors(self) -> list[Council]:
        return self.lineage[1:]


def _with_total(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows and how many there are in all, in one query (a window count)."""
    rows = list(queryset.annotate(in_all=Window(Count("pk")))[:limit])
    return rows, rows[0].in_all if rows else 0


def council_profile(
    council: Council, *, today: datetime.date, requests: QuerySet | None = None, dismissed_shown: int = 10
) -> CouncilProfile:
    """Everything the profile shows, in a fixed number of queries (pinned in the tests).

    ``council`` should come with ``region`` and ``predecessors`` loaded (``with_related()`` and
    ``prefetch_related("predecessors")``); ``requests`` is the support requests the reader may see
    (all the council's, by default).
    """
    lineage = lineage_of(council)
    ids = _ids(lineage)
    held = Engagement.objects.held().filter(council_id__in=ids)
    last_engagement = held.filter(date__lte=today).select_related("council").order_by("-date", "-id").first()
    year_start = today.replace(month=1, day=1)
    counts = {
        row["kind"]: row["n"]
        for row in held.between(year_start, today).values("kind").annotate(n=Count("id")).order_by()
    }
    this_year = [KindCount(kind, label, counts[kind]) for kind, label in EngagementKind.choices if counts.get(kind)]
    open_follow_ups, follow_up_count = _with_total(
        Engagement.objects.live()
        .filter(council_id__in=ids, follow_up_done=False, follow_up_on__isnull=False)
        .exclude(status=EngagementStatus.CANCELLED)
        .select_related("adviser")
        .order_by("follow_up_on", "id"),
        FOLLOW_UPS_SHOWN,
    )
    requests = SupportRequest.objects.all() if requests is None else requests
    waiting, waiting_count = _with_total(
        requests.filter(council=council).open().select_related("offer").order_by("created_at", "id"), REQUESTS_SHOWN
    )
    needs = council_needs(lineage)
    suggestions = suggestions_for_council(council, today=today, needs=needs)
    dismissed = list(
        SuggestionDismissal.objects.filter(council=council).select_related("offer", "dismissed_by")[:dismissed_shown]
    )
    return CouncilProfile(
        council=council,
        today=today,
        lineage=lineage,
        last_engagement=last_engagement,
        year_start=year_start,
        this_year=this_year,
        open_follow_ups=open_follow_ups,
        open_follow_up_count=follow_up_count,
        waiting_requests=waiting,
        waiting_request_count=waiting_count,
        needs=needs,
        suggestions=suggestions,
        dismissed=dismissed,
    )


# -- councils going quiet -------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietCouncil:
    council: Council
    last_contact_on: datetime.date | None  # None: never engaged
    days_since: int | None


def councils_gone_quiet(councils: QuerySet, *, today: datetime.date, days: int = QUIET_DAYS) -> list[QuietCouncil]:
    """Councils (of ``councils``, existing today) with no held engagement in the last ``days`` days,
    the longest quiet first (never-engaged ones first of all), with their last contact.

    A successor's last contact may be with a council it replaced. Two queries, each one probe of
    the held-engagements index per council: the councils, then the few councils they replaced.
    """
    rows = list(
        councils.existing_on(today).select_related("region", "adviser").annotate(last_engaged_on=_last_held(today))
    )
    return quiet_among(rows, today=today, days=days)


def _last_held(today: datetime.date) -> Subquery:
    """The date of the council's (``OuterRef("pk")``) last held engagement up to ``today``."""
    held = Engagement.objects.held().filter(date__lte=today)
    return Subquery(held.filter(council=OuterRef("pk")).order_by("-date").values("date")[:1])


def quiet_among(councils: list[Council], *, today: datetime.date, days: int = QUIET_DAYS) -> list[QuietCouncil]:
    """``councils_gone_quiet`` of councils in hand that carry ``last_engaged_on`` (their last held
    engagement up to today, as the dashboard's rows do): those existing today are kept, so the
    dashboard, which has read them already, does not read them again. One query: the councils
    they replaced.
    """
    rows = [council for council in councils if council.existed_on(today)]
    last_held = _last_held(today)
    inherited: dict[int, datetime.date] = {}
    for row in (
        Council.objects.filter(successors__in=[c.pk for c in rows])
        .annotate(last=last_held)
        .filter(last__isnull=False)
        .values("successors", "last")
    ):
        inherited[row["successors"]] = max(row["last"], inherited.get(row["successors"], row["last"]))
    cutoff = today - datetime.timedelta(days=days)
    quiet = []
    for council in rows:
        last = max(filter(None, [council.last_engaged_on, inherited.get(council.pk)]), default=None)
        if last is None or last <= cutoff:
            quiet.append(QuietCouncil(council, last, (today - last).days if last else None))
    quiet.sort(key=lambda q: (q.last_contact_on is not None, q.last_contact_on or today, q.council.name))
    return quiet
