"""Survey results as the survey and round pages show them: a table of rounds for each measure.

``survey_table`` gives, for every measure and round, the figure, the percentage-point change
from the measure's previous published figure and from a baseline round, the margin of error
where the round's sample size is known, and whether each change is statistically
significant (see ``metrics.stats``). Three queries, whatever the number of rounds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from metrics.charts import DataPoint
from metrics.formatting import change_words
from metrics.models import Measure, Result, Survey, SurveyRound
from metrics.stats import change_is_significant, margin_of_error, pp_change


@dataclass(frozen=True)
class SurveyFigure:
    """One measure in one round, with its changes."""

    round: SurveyRound
    percent: Decimal | None
    previous_round: SurveyRound | None
    change_from_previous: Decimal | None
    change_from_baseline: Decimal | None
    margin: Decimal | None
    significant_from_previous: bool | None
    significant_from_baseline: bool | None


@dataclass(frozen=True)
class SurveyMeasureRow:
    measure: Measure
    figures: list[SurveyFigure]  # one per round of the table, oldest first

    @property
    def points(self) -> list[DataPoint]:
        return [DataPoint(f.round.label, f.percent) for f in self.figures]

    def figure_for(self, round_: SurveyRound) -> SurveyFigure | None:
        return next((f for f in self.figures if f.round.pk == round_.pk), None)


@dataclass(frozen=True)
class SurveyTable:
    survey: Survey
    rounds: list[SurveyRound]
    baseline: SurveyRound | None
    rows: list[SurveyMeasureRow]

    @property
    def has_sample_sizes(self) -> bool:
        return any(r.sample_size for r in self.rounds)

    def round_figures(self, round_: SurveyRound) -> list[tuple[Measure, SurveyFigure]]:
        """The figures of one round, measure by measure (for the round page)."""
        return [(row.measure, figure) for row in self.rows if (figure := row.figure_for(round_)) is not None]


@dataclass(frozen=True)
class SurveyChange:
    """A percentage-point change and whether it is significant (None: cannot say)."""

    change: Decimal | None
    significant: bool | None


@dataclass(frozen=True)
class ChangeTable:
    """Percentage-point changes as the survey page shows them: a row per measure, a column per round."""

    heading: str
    caption: str
    rounds: list[SurveyRound]
    rows: list[tuple[Measure, list[SurveyChange]]]


def change_tables(table: SurveyTable, rows: list[SurveyMeasureRow]) -> list[ChangeTable]:
    """The change from each measure's previous figure, then from the table's baseline round.

    ``rows`` are the rows of ``table`` the reader asked for. A table with no rounds to compare
    is left out.
    """
    tables = []
    if len(table.rounds) > 1:
        tables.append(
            ChangeTable(
                heading="Change from the previous round",
                caption="Percentage-point change from each measure's previous figure",
                rounds=table.rounds[1:],
                rows=[
                    (
                        row.measure,
                        [SurveyChange(f.change_from_previous, f.significant_from_previous) for f in row.figures[1:]],
                    )
                    for row in rows
                ],
            )
        )
    baseline = table.baseline
    compared = [r for r in table.rounds if r != baseline]
    if baseline is not None and compared:
        name = f"round {baseline.number} ({baseline.label})"
        tables.append(
            ChangeTable(
                heading=f"Change from {name}",
                caption=f"Percentage-point change from {name}, the baseline you chose",
                rounds=compared,
                rows=[
                    (
                        row.measure,
                        [
                            SurveyChange(f.change_from_baseline, f.significant_from_baseline)
                            for f in row.figures
                            if f.round != baseline
                        ],
                    )
                    for row in rows
                ],
            )
        )
    return tables


def survey_table(survey: Survey, baseline: SurveyRound | None = None) -> SurveyTable:
    """Every measure across every round of ``survey``, with changes and their significance.

    The change from the previous round compares with the measure's last published figure
    (a measure not asked in a round is skipped, not counted as zero). ``baseline`` defaults
    to the first round. Significance needs the sample sizes of both rounds; where either is
    unknown it is None ("cannot say"), never False.
    """
    rounds = list(survey.rounds.select_related("source").order_by("number"))
    measures = list(survey.measures.order_by("order", "name"))
    percents = _percents(Result.objects.filter(round__survey=survey, measure__survey=survey))
    return _table(survey, rounds, measures, percents, baseline)


@dataclass(frozen=True)
class RoundHighlights:
    """A round fielded in a report's period, each figure with its change from the previous round."""

    round: SurveyRound
    previous_round: SurveyRound | None
    figures: list[tuple[Measure, SurveyFigure]]

    @property
    def summary(self) -> str:
        """The largest rise and fall from the previous round, in a sentence (as the reports write it)."""
        changes = [(m, f.change_from_previous) for m, f in self.figures if f.change_from_previous is not None]
        if not changes or self.previous_round is None:
            return ""
        sentences = []
        for direction, pick in (("increase", max), ("fall", min)):
            extreme = pick(change for _, change in changes)
            if (direction == "increase" and extreme <= 0) or (direction == "fall" and extreme >= 0):
                continue
            names = [f"“{m.name}”" for m, change in changes if change == extreme]
            amount = change_words(extreme)
            if len(names) == 1:
                sentences.append(
                    f"The biggest {direction} from round {self.previous_round.number} "
                    f"({self.previous_round.label}) is {names[0]}, {amount}."
                )
            else:
                listed = ", ".join(names[:-1]) + f" and {names[-1]}"
                sentences.append(
                    f"The biggest {direction}s from round {self.previous_round.number} "
                    f"({self.previous_round.label}) are {listed}, {'both' if len(names) == 2 else 'each'} {amount}."
                )
        return " ".join(sentences)


def survey_rounds_between(start: datetime.date, end: datetime.date) -> list[RoundHighlights]:
    """Rounds of any survey fielded between ``start`` and ``end``, with changes from the round before.

    A round is in the period when its fieldwork overlaps it (``round_span``). Three queries,
    whatever the number of surveys and rounds.
    """
    month_start = start.replace(day=1)
    # A superset in the database (the exact overlap is checked below on a handful of rounds).
    maybe_in_period = Q(period__lte=end) & (Q(period__gte=month_start) | Q(fieldwork_end__gte=start))
    surveys = Survey.objects.filter(rounds__in=SurveyRound.objects.filter(maybe_in_period))
    rounds = list(SurveyRound.objects.filter(survey__in=surveys).select_related("survey", "source").order_by("number"))
    measures = list(Measure.objects.filter(survey__in=surveys).order_by("order", "name"))
    percents = _percents(Result.objects.filter(round__survey__in=surveys))
    out = []
    for survey in sorted({r.survey for r in rounds}, key=lambda s: s.name):
        survey_rounds = [r for r in rounds if r.survey_id == survey.pk]
        table = _table(survey, survey_rounds, [m for m in measures if m.survey_id == survey.pk], percents, None)
        previous = None
        for round_ in survey_rounds:
            span_start, span_end = round_span(round_)
            if span_start <= end and span_end >= start:
                out.append(RoundHighlights(round_, previous, table.round_figures(round_)))
            previous = round_
    return out


def round_span(round_: SurveyRound) -> tuple[datetime.date, datetime.date]:
    """When a round was in the field: its fieldwork dates, or else the whole month of its period."""
    first = round_.fieldwork_start or round_.period
    if round_.fieldwork_end:
        return first, round_.fieldwork_end
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def _percents(results) -> dict[tuple[int, int], Decimal]:
    return {
        (measure_id, round_id): percent
        for measure_id, round_id, percent in results.values_list("measure_id", "round_id", "percent")
    }


def _table(
    survey: Survey,
    rounds: list[SurveyRound],
    measures: list[Measure],
    percents: dict[tuple[int, int], Decimal],
    baseline: SurveyRound | None,
) -> SurveyTable:
    if baseline is None and rounds:
        baseline = rounds[0]

    rows = []
    for measure in measures:
        base_percent = percents.get((measure.pk, baseline.pk)) if baseline else None
        figures = []
        last: tuple[SurveyRound, Decimal] | None = None
        for round_ in rounds:
            percent = percents.get((measure.pk, round_.pk))
            previous_round, previous_percent = last if last else (None, None)
            figures.append(
                SurveyFigure(
                    round=round_,
                    percent=percent,
                    previous_round=previous_round if percent is not None else None,
                    change_from_previous=pp_change(percent, previous_percent),
                    change_from_baseline=None if round_ == baseline else pp_change(percent, base_percent),
                    margin=margin_of_error(percent, round_.sample_size),
                    significant_from_previous=change_is_significant(
                        previous_percent,
                        previous_round.sample_size if previous_round else None,
                        percent,
                        round_.sample_size,
                    ),
                    significant_from_baseline=None
                    if round_ == baseline
                    else change_is_significant(
                        base_percent, baseline.sample_size if baseline else None, percent, round_.sample_size
                    ),
                )
            )
            if percent is not None:
                last = (round_, percent)
        rows.append(SurveyMeasureRow(measure, figures))
    return SurveyTable(survey=survey, rounds=rounds, baseline=baseline, rows=rows)
