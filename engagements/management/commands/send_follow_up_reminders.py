"""Email each principal adviser the follow-ups falling due today. Run daily (see the README).

Idempotent for its day: each adviser's reminder is recorded with a key for the day, so a
second run that day sends nothing more.
"""

from engagements.management.commands._schedule import ScheduledEmailCommand
from engagements.notifications import follow_up_reminders_send


class Command(ScheduledEmailCommand):
    help = (
        "Email each principal adviser (with reminders on) who has a follow-up falling due on the day: every follow-up "
        "due that day and those overdue in the last 30 days. Sent once per adviser per day."
    )
    noun = "reminders"

    def handle(self, *args, **options) -> None:
        day = self.day(options)
        outcomes = follow_up_reminders_send(day=day, dry_run=options["dry_run"])
        if not outcomes:
            self.stdout.write(f"No follow-ups fall due on {day:%A %-d %B %Y} for anyone with reminders on.")
        self.report(outcomes, day=day, dry_run=options["dry_run"])
