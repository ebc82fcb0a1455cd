"""Email each adviser and manager their digest on the weekday they chose. Run daily (see the README).

Idempotent for its week: each digest is recorded with a key for the ISO week, so however often
the command runs, a person gets one digest a week (or fortnight) at most. An empty digest is
never sent. With --dry-run, every digest that is switched on is printed, due that day or not.
"""

from engagements.management.commands._schedule import ScheduledEmailCommand
from engagements.notifications import digests_send


class Command(ScheduledEmailCommand):
    help = (
        "Email each principal adviser and manager their digest if it is due on the day (their weekday; every "
        "week or every other week). --dry-run prints everyone's digest and whether it is due."
    )
    noun = "digests"

    def handle(self, *args, **options) -> None:
        day = self.day(options)
        outcomes = digests_send(day=day, dry_run=options["dry_run"])
        if not outcomes:
            self.stdout.write(f"No digests are due on {day:%A %-d %B %Y}.")
        self.report(outcomes, day=day, dry_run=options["dry_run"])
