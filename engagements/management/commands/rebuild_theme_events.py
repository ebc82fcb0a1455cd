"""Rewrite the theme events from the engagements, e.g. after a bulk load that went around the services.

python manage.py rebuild_theme_events            # rewrite them all
python manage.py rebuild_theme_events --check    # only say whether they are in step (exit 1 if not)
"""

from django.core.management.base import BaseCommand, CommandError

from engagements.theme_events import theme_events_out_of_step, theme_events_rebuild


class Command(BaseCommand):
    help = "Rewrite the theme events (needs raised, offers taken up) from the engagements."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check; exit 1 if they are out of step.")

    def handle(self, *args, check: bool, **options):
        if check:
            differing = theme_events_out_of_step()
            if differing:
                raise CommandError(f"{differing:,} theme events are out of step; run rebuild_theme_events.")
            self.stdout.write("Theme events are in step with the engagements.")
            return
        self.stdout.write(self.style.SUCCESS(f"Theme events rebuilt: {theme_events_rebuild():,}."))
