"""Import new rounds of a survey from a CSV file: all of them, or none if anything is wrong."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from metrics.models import Survey
from metrics.services import SurveyImportRefused, survey_rounds_import
from metrics.survey_import import ROUND_COLUMNS
from offers.models import Source


class Command(BaseCommand):
    help = (
        "Import survey rounds from a CSV file with one row per round: columns "
        f"{', '.join(ROUND_COLUMNS)}, then one column per measure (its slug or name). "
        "Nothing is imported unless the whole file is valid; every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("survey", help="The survey's slug, e.g. resident-satisfaction.")
        parser.add_argument("path", type=Path, help="The CSV file.")
        parser.add_argument("--source", help="Key of the source document the figures come from.")

    def handle(self, *args, survey: str, path: Path, source: str | None = None, **options):
        try:
            survey_obj = Survey.objects.get(slug=survey)
        except Survey.DoesNotExist:
            known = ", ".join(Survey.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f'There is no survey "{survey}". Surveys: {known}.') from None
        source_obj = None
        if source:
            try:
                source_obj = Source.objects.get(key=source)
            except Source.DoesNotExist:
                raise CommandError(f'There is no source document "{source}".') from None
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            rounds = survey_rounds_import(survey=survey_obj, content=content, source=source_obj)
        except SurveyImportRefused as exc:
            lines = "\n".join(f"  - {error}" for error in exc.errors)
            raise CommandError(f"Nothing was imported. Problems in {path}:\n{lines}") from None
        except ValidationError as exc:
            raise CommandError(f"Nothing was imported: {'; '.join(exc.messages)}") from None
        for round_ in rounds:
            self.stdout.write(f"Round {round_.number} ({round_.label}): {round_.results.count()} figures")
        self.stdout.write(self.style.SUCCESS(f"Imported {len(rounds)} round(s) of {survey_obj.name}."))
