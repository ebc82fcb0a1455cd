"""Writes to survey data that do more than save one admin form."""

from __future__ import annotations

from django.db import transaction

from metrics.models import Result, Survey, SurveyRound
from metrics.survey_import import parse_rounds_csv
from offers.models import Source


class SurveyImportRefused(Exception):
    """The file had problems; nothing was imported. ``errors`` lists every one."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@transaction.atomic
def survey_rounds_import(*, survey: Survey, content: bytes, source: Source | None = None) -> list[SurveyRound]:
    """Add the rounds in a CSV file (see ``metrics.survey_import``) to ``survey``, all or nothing.

    Raises ``SurveyImportRefused`` with every problem when the file is not clean; then no
    round and no result is written.
    """
    parsed = parse_rounds_csv(survey, content)
    if not parsed.is_clean:
        raise SurveyImportRefused(parsed.errors)
    created = []
    for parsed_round in parsed.rounds:
        round_ = SurveyRound(
            survey=survey,
            number=parsed_round.number,
            label=parsed_round.label,
            period=parsed_round.period,
            fieldwork_start=parsed_round.fieldwork_start,
            fieldwork_end=parsed_round.fieldwork_end,
            sample_size=parsed_round.sample_size,
            source=source,
        )
        round_.full_clean()
        round_.save()
        for measure, percent in parsed_round.results.items():
            result = Result(round=round_, measure=measure, percent=percent)
            result.full_clean()
            result.save()
        created.append(round_)
    return created
