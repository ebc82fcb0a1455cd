"""Load the catalogue, council register, survey results and indicators; optionally demo data.

It lives in metrics because loading every app's data means knowing every app, and metrics is the
one app allowed to (apps depend one way, offers <- engagements <- metrics: docs/decisions/0001).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from engagements.seed import load_contact_roles, load_register
from lga_portal import page_cache
from lga_portal.seeding import DataFileError, Seeder
from metrics.seed import load_indicators, load_survey
from offers.search_seed import load_search_vocabulary
from offers.seed import load_catalogue, load_publications


def load_reference_data(seeder: Seeder) -> None:
    """Load every data file the portal ships with, in dependency order."""
    load_catalogue(seeder)
    load_publications(seeder)
    load_search_vocabulary(seeder)
    load_register(seeder)
    load_contact_roles(seeder)
    load_survey(seeder)
    load_indicators(seeder)


class Command(BaseCommand):
    help = (
        "Load the portal's data files (idempotent). Rows staff have edited since they were "
        "seeded are kept unless --force is given. --demo adds demo advisers, users and engagements."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Overwrite rows edited since they were seeded.")
        parser.add_argument(
            "--demo", action="store_true", help="Also add demo advisers, users, engagements and requests."
        )
        parser.add_argument("--demo-seed", type=int, default=2020, help="Random seed for the demo data (default 2020).")

    def handle(self, *args, force: bool = False, demo: bool = False, demo_seed: int = 2020, **options):
        if demo and not settings.PORTAL["ALLOW_DEMO_DATA"]:
            raise CommandError("Demo data is refused with production settings (set ALLOW_DEMO_DATA=1 to allow it).")
        seeder = Seeder(force=force)
        try:
            with transaction.atomic():
                load_reference_data(seeder)
                demo_report = None
                if demo:
                    from engagements.demo import load_demo

                    demo_report = load_demo(seed=demo_seed)
        except DataFileError as exc:
            raise CommandError(f"Nothing was changed. {exc}") from None
        # Seeding writes some rows in bulk, without signals: every public page may have changed.
        page_cache.bump_all()
        for line in seeder.report():
            self.stdout.write(line)
        if demo_report:
            for line in demo_report:
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Seed complete."))
