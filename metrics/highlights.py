"""The highlights report: what the LGA's "Highlights and Summary" documents said, from live data.

For a period, by theme: the offers available and those launched in it, take-up from
engagements (distinct councils and engagements), and the indicator figures dated in it; then
the survey rounds fielded in it with their changes, and engagement coverage. Each theme opens
with a few sentences built from those figures (``ThemeHighlights.figures_in_words`` and the
template), as the printed reports did, before its tables. Everything is read in a fixed number
of queries (see ``highlights_report``); ``highlights_csv_rows`` writes every figure of the
report as CSV rows. Figures counted from engagements say so when the period holds demo
engagements (``seed --demo``), so they are never mistaken for published ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q

from engagements.models import Council
from engagements.take_up import includes_demo, take_up_summary
from lga_portal.dates import DatePrecision
from lga_portal.periods import Period
from metrics.formatting import in_sentence, indicator_value, plain_number
from metrics.models import Observation
from metrics.selectors import CoverageRow, councils_not_engaged, coverage
from metrics.surveys import RoundHighlights, survey_rounds_between
from offers.models import Offer, Source, Theme

# Offers listed under each theme's take-up, most councils first.
TOP_OFFERS_PER_THEME = 5
# Headline figures quoted in a theme's opening sentences; the table below it has them all.
FIGURES_IN_WORDS = 3
# How figures counted from demo engagements are labelled, on the page and in the CSV.
DEMO_LABEL = "demo data"


@dataclass
class ThemeHighlights:
    theme: Theme | None  # None: indicator figures not filed under a theme
    offers_available: int = 0
    offers_launched: list[Offer] = field(default_factory=list)
    councils: int = 0
    engagements: int = 0
    offers_taken_up: list[tuple[Offer, int, int]] = field(default_factory=list)
    offers_taken_up_count: int = 0
    observations: list[Observation] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.theme.name if self.theme else "Other figures"

    @property
    def anchor(self) -> str:
        return f"theme-{self.theme.slug}" if self.theme else "theme-other"

    @property
    def take_up_caption(self) -> str:
        shown = len(self.offers_taken_up)
        if self.offers_taken_up_count > shown:
            return f"The {shown} offers taken up by most councils (of {self.offers_taken_up_count})"
        return "Offers taken up"

    @property
    def has_activity(self) -> bool:
        return bool(self.offers_launched or self.engagements or self.observations)

    @property
    def figures_in_words(self) -> list[str]:
        """The first few headline figures as a sentence reads them, in the published wording:
        "councils receiving bespoke support: over 45 councils (1 April to 30 September 2020)"."""
        return [
            f"{in_sentence(o.indicator.name)}: {observation_wording(o)} ({o.when})"
            for o in self.observations[:FIGURES_IN_WORDS]
        ]

    @property
    def more_figures(self) -> int:
        """Headline figures left out of the opening sentences (they are in the table)."""
        return max(len(self.observations) - FIGURES_IN_WORDS, 0)

    @property
    def lead_offer(self) -> tuple[Offer, int, int] | None:
        """The offer taken up by most councils, if any was."""
        return self.offers_taken_up[0] if self.offers_taken_up else None


def observation_wording(observation: Observation) -> str:
    """A figure as published: "over 45 councils", "more than 40,000 views"."""
    return indicator_value(observation.value, observation.indicator.unit, observation.qualifier)


@dataclass
class HighlightsReport:
    start: datetime.date
    end: datetime.date
    themes: list[ThemeHighlights]
    survey_rounds: list[RoundHighlights]
    coverage_period: str
    coverage: list[CoverageRow]
    whole_period: CoverageRow  # councils engaged at least once in the whole period
    # Council-level detail, only for readers who may see coverage; None otherwise.
    councils_not_engaged: list[Council] | None
    first_observation: datetime.date | None
    last_observation: datetime.date | None
    # Whether the engagements the take-up and coverage figures count include demo ones.
    includes_demo: bool = False

    @property
    def themes_with_activity(self) -> list[ThemeHighlights]:
        return [t for t in self.themes if t.has_activity]

    @property
    def themes_without_activity(self) -> list[ThemeHighlights]:
        return [t for t in self.themes if not t.has_activity and t.theme is not None]

    @property
    def coverage_by_quarter(self) -> bool:
        return self.coverage_period == "quarter"

    @property
    def survey_has_sample_sizes(self) -> bool:
        return any(h.round.sample_size for h in self.survey_rounds)

    @property
    def offers_launched(self) -> int:
        return sum(len(t.offers_launched) for t in self.themes)

    @property
    def observation_count(self) -> int:
        return sum(len(t.observations) for t in self.themes)

    @property
    def sources(self) -> list[Source]:
        """Every document a figure or offer in the report comes from, oldest first."""
        found: dict[int, Source] = {}
        for theme in self.themes:
            for observation in theme.observations:
                found[observation.source_id] = observation.source
            for offer in theme.offers_launched:
                if offer.source_id:
                    found[offer.source_id] = offer.source
        for highlights in self.survey_rounds:
            if highlights.round.source_id:
                found[highlights.round.source_id] = highlights.round.source
        return sorted(found.values(), key=lambda s: (s.published_on or datetime.date.max, s.key))

    @property
    def source_numbers(self) -> dict[int, int]:
        """Source id -> its number in the list of sources (1, 2, …), for the tables' source column."""
        return {source.pk: number for number, source in enumerate(self.sources, 1)}

    @property
    def themes_launching(self) -> int:
        return sum(1 for t in self.themes if t.offers_launched)

    @property
    def themes_taken_up(self) -> int:
        return sum(1 for t in self.themes if t.engagements)


def coverage_period_for(start: datetime.date, end: datetime.date) -> str:
    """Months for a period of up to six months, quarters for longer ones."""
    return "month" if (end - start).days <= 183 else "quarter"


def highlights_report(start: datetime.date, end: datetime.date, *, include_councils: bool) -> HighlightsReport:
    """Assemble the report for ``start``–``end`` (inclusive).

    14 queries however much data there is (13 when no offer was taken up: there are then no
    offers to fetch). Take-up reads the period's engagements once for the themes and their
    leading offers (``take_up_summary``); coverage probes an index per council and period.

    ``include_councils`` adds the councils not engaged in the period (council-level detail,
    for principal advisers and managers only).
    """
    themes = list(Theme.objects.order_by("order", "name"))
    by_theme: dict[int | None, ThemeHighlights] = {t.pk: ThemeHighlights(t) for t in themes}

    available = (
        Offer.objects.published()
        .available()
        .filter(Q(launched_on__isnull=True) | Q(launched_on__lte=end))
        .values("theme_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in available:
        by_theme[row["theme_id"]].offers_available = row["n"]

    launched = Offer.objects.published().filter(launched_on__gte=start, launched_on__lte=end)
    for offer in launched.select_related("source").order_by("launched_on", "title"):
        by_theme[offer.theme_id].offers_launched.append(offer)

    take_up = take_up_summary(start, end, top=TOP_OFFERS_PER_THEME)
    offers = Offer.objects.in_bulk([offer_id for rows in take_up.top_offers.values() for offer_id, _, _ in rows])
    for theme_id, (councils, engagements) in take_up.themes.items():
        by_theme[theme_id].councils = councils
        by_theme[theme_id].engagements = engagements
    for theme_id, rows in take_up.top_offers.items():
        theme = by_theme[theme_id]
        theme.offers_taken_up_count = take_up.offers_taken_up[theme_id]
        theme.offers_taken_up = [(offers[offer_id], councils, engagements) for offer_id, councils, engagements in rows]

    observations = (
        Observation.objects.between(start, end)
        .select_related("indicator", "source")
        .order_by("indicator__theme__order", "indicator__order", "indicator__name", "date")
    )
    for observation in observations:
        theme_id = observation.indicator.theme_id
        if theme_id not in by_theme:
            by_theme[None] = by_theme.get(None) or ThemeHighlights(None)
            theme_id = None
        by_theme[theme_id].observations.append(observation)

    coverage_period = coverage_period_for(start, end)
    coverage_rows = coverage(start, end, period=coverage_period)
    existing = Council.objects.existing_during(start, end).count()
    not_engaged_qs = councils_not_engaged(start, end).order_by("name")
    if include_councils:
        not_engaged = list(not_engaged_qs)
        not_engaged_count = len(not_engaged)
    else:
        not_engaged = None
        not_engaged_count = not_engaged_qs.count()
    span = Observation.objects.aggregate(first=Min("date"), last=Max("date"))

    ordered = [by_theme[t.pk] for t in themes] + ([by_theme[None]] if None in by_theme else [])
    return HighlightsReport(
        start=start,
        end=end,
        themes=ordered,
        survey_rounds=survey_rounds_between(start, end),
        coverage_period=coverage_period,
        coverage=coverage_rows,
        whole_period=CoverageRow(
            Period(start, end, "Whole period"), None, "All councils", existing - not_engaged_count, existing
        ),
        councils_not_engaged=not_engaged,
        first_observation=span["first"],
        last_observation=span["last"],
        includes_demo=includes_demo(start, end),
    )


CSV_HEADER = [
    "section",
    "theme",
    "subject",
    "measure",
    "value",
    "unit",
    "qualifier",
    "period_start",
    "period_end",
    "source",
    "note",  # "demo data" on the figures counted from demo engagements
]
# The sections whose figures are counted from engagements (and so may include demo ones).
ENGAGEMENT_SECTIONS = {"Take-up", "Coverage", "Council not engaged"}


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def highlights_csv_rows(report: HighlightsReport) -> Iterator[list[str]]:
    """Every figure in the report, one per row, header first: the report's CSV download.

    The last column, ``note``, says "demo data" on the figures counted from engagements when
    the period's engagements include demo ones.
    """
    yield CSV_HEADER
    demo_note = DEMO_LABEL if report.includes_demo else ""
    for row in _csv_figures(report):
        yield [*row, demo_note if row[0] in ENGAGEMENT_SECTIONS else ""]


def _csv_figures(report: HighlightsReport) -> Iterator[list[str]]:
    start, end = _iso(report.start), _iso(report.end)
    for theme in report.themes:
        name = theme.name
        if theme.theme is not None:
            yield ["Offers", name, name, "Offers available", str(theme.offers_available), "offers", "", start, end, ""]
            yield [
                "Offers",
                name,
                name,
                "Offers launched",
                str(len(theme.offers_launched)),
                "offers",
                "",
                start,
                end,
                "",
            ]
            for offer in theme.offers_launched:
                source = offer.source.title if offer.source_id else ""
                yield [
                    "Offer launched",
                    name,
                    offer.title,
                    "Launched on",
                    _iso(offer.launched_on),
                    "date",
                    # How exactly the date is known: "by September 2020" for one the report does not give.
                    "" if offer.launched_on_precision == DatePrecision.DAY else offer.launched_display,
                    start,
                    end,
                    source,
                ]
            yield ["Take-up", name, name, "Councils", str(theme.councils), "councils", "", start, end, ""]
            yield ["Take-up", name, name, "Engagements", str(theme.engagements), "engagements", "", start, end, ""]
            for offer, councils, engagements in theme.offers_taken_up:
                yield ["Take-up", name, offer.title, "Councils", str(councils), "councils", "", start, end, ""]
                yield ["Take-up", name, offer.title, "Engagements", str(engagements), "engagements", "", start, end, ""]
        for observation in theme.observations:
            indicator = observation.indicator
            yield [
                "Indicator",
                name,
                indicator.name,
                indicator.get_measure_display(),
                plain_number(observation.value),
                indicator.get_unit_display(),
                observation.qualifier,
                _iso(observation.period_start),
                _iso(observation.date),
                observation.source.title,
            ]
    for highlights in report.survey_rounds:
        round_ = highlights.round
        source = round_.source.title if round_.source_id else ""
        for measure, figure in highlights.figures:
            subject = f"{round_.survey.name}: {measure.name}"
            round_name = f"Round {round_.number} ({round_.label})"
            yield [
                "Survey",
                "",
                subject,
                round_name,
                plain_number(figure.percent),
                "per cent",
                "",
                _iso(round_.period),
                "",
                source,
            ]
            if figure.change_from_previous is not None and figure.previous_round is not None:
                previous = figure.previous_round
                yield [
                    "Survey",
                    "",
                    subject,
                    f"{round_name}: change from round {previous.number} ({previous.label})",
                    plain_number(figure.change_from_previous),
                    "percentage points",
                    "",
                    _iso(round_.period),
                    "",
                    source,
                ]
            if figure.margin is not None:
                yield [
                    "Survey",
                    "",
                    subject,
                    f"{round_name}: margin of error (95%)",
                    plain_number(figure.margin),
                    "percentage points",
                    "",
                    _iso(round_.period),
                    "",
                    source,
                ]
    for row in [*report.coverage, report.whole_period]:
        p_start, p_end = _iso(row.period.start), _iso(row.period.end)
        yield [
            "Coverage",
            "",
            row.period.label,
            "Councils engaged",
            str(row.engaged),
            "councils",
            "",
            p_start,
            p_end,
            "",
        ]
        yield ["Coverage", "", row.period.label, "Councils", str(row.councils), "councils", "", p_start, p_end, ""]
        yield [
            "Coverage",
            "",
            row.period.label,
            "Coverage",
            plain_number(row.percent),
            "per cent",
            "",
            p_start,
            p_end,
            "",
        ]
    if report.councils_not_engaged is not None:
        for council in report.councils_not_engaged:
            yield ["Council not engaged", "", council.name, "GSS code", council.gss_code, "", "", start, end, ""]
