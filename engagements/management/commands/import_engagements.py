"""Import engagements from a CSV file: ``python manage.py import_engagements FILE [--dry-run]``.

The same checks as the import page (see ``engagements/imports.py``), without its size
limit: every bad row is reported with its line number, nothing is imported unless the
whole file is good, and importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from engagements.imports import COLUMNS, import_engagements


class Command(BaseCommand):
    help = "Import engagements from a CSV file (UTF-8, header row; columns: " + ", ".join(COLUMNS) + ")."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; import nothing.")
        parser.add_argument("--user", help="Username to record as having logged the engagements.")

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options):
        recorded_by = None
        if user:
            try:
                recorded_by = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No user called “{user}”.") from error
        verbose = options.get("verbosity", 1) >= 2

        def progress(rows: int) -> None:
            if verbose:
                self.stderr.write(f"  {rows:,} rows read…")

        try:
            with open(file, "rb") as binary:
                report = import_engagements(binary, user=recorded_by, dry_run=dry_run, progress=progress)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from error

        for message in report.file_errors:
            self.stderr.write(message)
        for error in report.errors:
            where = f"line {error.line}" + (f", {error.column}" if error.column else "")
            self.stderr.write(f"{where}: {error.message}")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
