"""What the scheduled-email commands share: the --date and --dry-run options, and the report."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from engagements.notifications import ALREADY_SENT, EMPTY, NOT_DUE, QUEUED, WOULD_SEND, Outcome

STATUSES = (QUEUED, ALREADY_SENT, WOULD_SEND, NOT_DUE, EMPTY)


class ScheduledEmailCommand(BaseCommand):
    noun = "emails"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="The day to send for, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what each person would get; send and record nothing."
        )

    def day(self, options) -> datetime.date:
        if not options["date"]:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(options["date"])
        except ValueError as error:
            raise CommandError(f"--date must be a date as YYYY-MM-DD, not {options['date']!r}.") from error

    def report(self, outcomes: list[Outcome], *, day: datetime.date, dry_run: bool) -> None:
        for outcome in outcomes:
            who = f"{outcome.recipient.name} <{outcome.recipient.email}>"
            if dry_run and outcome.text:
                state = outcome.note or outcome.status
                self.stdout.write(f"=== To: {who} ({state})\n=== Subject: {outcome.subject}\n")
                self.stdout.write(outcome.text.rstrip() + "\n\n")
            elif outcome.status == EMPTY:
                self.stdout.write(f"{who}: nothing to send.")
            elif self.verbosity >= 1 and not dry_run:
                self.stdout.write(f"{who}: {outcome.status}.")
        count = {status: sum(o.status == status for o in outcomes) for status in STATUSES}
        if dry_run:
            summary = (
                f"Dry run for {day:%A %-d %B %Y}, nothing sent. Would send: {count[WOULD_SEND]}. "
                f"Already sent: {count[ALREADY_SENT]}. Not due that day: {count[NOT_DUE]}. "
                f"Nothing to send: {count[EMPTY]}."
            )
        else:
            summary = (
                f"{self.noun.capitalize()} for {day:%A %-d %B %Y}. Queued for the worker to send: {count[QUEUED]}. "
                f"Already sent: {count[ALREADY_SENT]}. Nothing to send: {count[EMPTY]}."
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)
