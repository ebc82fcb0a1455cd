"""Recount the monthly summaries of engagements, e.g. after a bulk load that went around the services.

python manage.py rebuild_summaries            # recount them all
python manage.py rebuild_summaries --check    # only say whether they are in step (exit 1 if not)
"""

from django.core.management.base import BaseCommand, CommandError

from engagements.summaries import summaries_out_of_step, summaries_rebuild


class Command(BaseCommand):
    help = "Recount the monthly summaries (engagements by kind, take-up by theme and offer) from the engagements."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check; exit 1 if they are out of step.")

    def handle(self, *args, check: bool, **options):
        if check:
            differing = summaries_out_of_step()
            if differing:
                raise CommandError(f"{differing:,} summary rows differ from a recount; run rebuild_summaries.")
            self.stdout.write("The monthly summaries agree with a recount of the engagements.")
            return
        self.stdout.write(self.style.SUCCESS(f"Monthly summaries rebuilt: {summaries_rebuild():,} rows."))
