"""Generate a large, deterministic data set for benchmarks (e.g. a million engagements).

    python manage.py generate_load_data --engagements 1000000 --offers 10000 --seed 1

Rows are labelled (advisers "Load adviser N", offers "Load offer N", engagements with an
import key starting "load:") so ``--clear`` can remove them again. On PostgreSQL the rows
go in with COPY; elsewhere with bulk_create. The same seed gives the same data.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from engagements.models import (
    Adviser,
    Channel,
    ContactRole,
    Council,
    Engagement,
    EngagementKind,
    EngagementStatus,
    ThemeEvent,
)
from engagements.seed import load_contact_roles, load_register
from engagements.summaries import summaries_rebuild
from engagements.theme_events import theme_events_rebuild
from lga_portal import page_cache
from lga_portal.seeding import Seeder
from offers.models import Delivery, Offer, OfferStatus, Theme
from offers.seed import load_catalogue

LOAD_PREFIX = "load:"
START = datetime.date(2020, 1, 1)
SUMMARIES = [
    "Call about recovery plans and budget pressures.",
    "Chief executive one-to-one: leadership and capacity.",
    "Discussed peer support options for next year.",
    "Follow-up on finance adviser support.",
    "Answered a query on governance and remote meetings.",
]


class Command(BaseCommand):
    help = "Generate deterministic load data for benchmarks (engagements, offers, advisers)."

    def add_arguments(self, parser):
        parser.add_argument("--engagements", type=int, default=100_000, help="Engagements to add (default 100,000).")
        parser.add_argument("--offers", type=int, default=0, help="Extra synthetic offers to add (default none).")
        parser.add_argument("--advisers", type=int, default=40, help="Load advisers sharing the councils (default 40).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--clear", action="store_true", help="Remove earlier load data first.")
        parser.add_argument("--chunk", type=int, default=50_000, help="Rows per batch (default 50,000).")

    def handle(
        self, *args, engagements: int, offers: int, advisers: int, seed: int, clear: bool, chunk: int, **options
    ):
        if engagements < 0 or offers < 0 or advisers < 1:
            raise CommandError("Counts must be positive.")
        started = time.monotonic()
        rng = random.Random(seed)
        # What the load data refers to: offers and themes, councils, contact roles. (Survey results
        # and indicators are metrics' data, which `manage.py seed` loads.)
        seeder = Seeder()
        load_catalogue(seeder)
        load_register(seeder)
        load_contact_roles(seeder)
        if clear:
            self._clear()
        load_advisers = self._advisers(advisers)
        if offers:
            self._offers(offers, rng)
        councils = list(
            Council.objects.order_by("gss_code").values("id", "adviser_id", "established_on", "abolished_on")
        )
        offer_ids = list(Offer.objects.order_by("id").values_list("id", flat=True))
        theme_ids = list(Theme.objects.order_by("id").values_list("id", flat=True))
        role_ids = list(ContactRole.objects.order_by("id").values_list("id", flat=True))
        fallback = [a.pk for a in load_advisers]

        made = 0
        next_id = (Engagement.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        existing = Engagement.objects.filter(import_key__startswith=LOAD_PREFIX).count()
        while made < engagements:
            size = min(chunk, engagements - made)
            rows, links = self._batch(
                rng, size, next_id, existing + made, councils, fallback, offer_ids, theme_ids, role_ids
            )
            self._write(rows, links)
            next_id += size
            made += size
            self.stdout.write(f"  {made:,} engagements ({time.monotonic() - started:.0f} s)")
        # The rows went in around the services, so their theme events are written here, all at once.
        events = theme_events_rebuild()
        self.stdout.write(f"  {events:,} theme events ({time.monotonic() - started:.0f} s)")
        summaries = summaries_rebuild()
        self.stdout.write(f"  {summaries:,} monthly summary rows ({time.monotonic() - started:.0f} s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('engagements_engagement', 'id'), "
                    "(SELECT MAX(id) FROM engagements_engagement))"
                )
                # VACUUM as well as ANALYZE: it marks the new pages all-visible, as autovacuum soon would,
                # so index-only scans answer from their index straight away (without it they visit the
                # table for every row until autovacuum gets round to it, and timings would depend on when).
                cursor.execute("VACUUM ANALYZE")
        # Written with COPY, without signals: the public pages' state must move on by hand.
        page_cache.bump_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {made:,} engagements, {offers:,} offers; "
                f"{Engagement.objects.count():,} engagements in all ({time.monotonic() - started:.0f} s)."
            )
        )

    def _clear(self) -> None:
        with transaction.atomic():
            load = Engagement.objects.filter(import_key__startswith=LOAD_PREFIX)
            for through in (Engagement.roles.through, Engagement.offers.through, Engagement.themes.through):
                through.objects.filter(engagement__in=load).delete()
            ThemeEvent.objects.filter(engagement__in=load)._raw_delete(ThemeEvent.objects.db)
            load._raw_delete(load.db)
            summaries_rebuild()
            Offer.objects.filter(slug__startswith="load-offer-").delete()
        self.stdout.write("Cleared earlier load data.")

    def _advisers(self, count: int) -> list[Adviser]:
        advisers = [
            Adviser.objects.get_or_create(
                email=f"load.adviser.{n}@load.example", defaults={"name": f"Load adviser {n}"}
            )[0]
            for n in range(1, count + 1)
        ]
        unassigned = list(Council.objects.filter(adviser__isnull=True).order_by("gss_code"))
        for index, council in enumerate(unassigned):
            council.adviser = advisers[index % len(advisers)]
        Council.objects.bulk_update(unassigned, ["adviser"], batch_size=500)
        return advisers

    def _offers(self, count: int, rng: random.Random) -> None:
        themes = list(Theme.objects.order_by("id"))
        start = Offer.objects.filter(slug__startswith="load-offer-").count()
        batch = [
            Offer(
                title=f"Load offer {n}",
                slug=f"load-offer-{n}",
                theme=themes[n % len(themes)],
                summary=f"Synthetic offer {n} for load testing: coaching, finance and peer support.",
                description="Generated for benchmarks.",
                delivery=rng.choice(Delivery.values),
                status=rng.choice([OfferStatus.AVAILABLE] * 4 + [OfferStatus.COMING_SOON]),
                search_document=f"Load offer {n} coaching finance peer support",
            )
            for n in range(start + 1, start + count + 1)
        ]
        Offer.objects.bulk_create(batch, batch_size=2000)

    def _batch(self, rng, size, first_id, first_number, councils, fallback, offer_ids, theme_ids, role_ids):
        today = timezone.localdate()
        span = (today - START).days
        now = timezone.now()
        kinds = EngagementKind.values
        channels = Channel.values
        rows, links = [], {"roles": [], "offers": [], "themes": []}
        for i in range(size):
            pk = first_id + i
            while True:
                council = councils[rng.randrange(len(councils))]
                day = START + datetime.timedelta(days=rng.randrange(span))
                if (council["established_on"] is None or council["established_on"] <= day) and (
                    council["abolished_on"] is None or day < council["abolished_on"]
                ):
                    break
            kind = kinds[rng.randrange(len(kinds))]
            follow_up = day + datetime.timedelta(days=rng.randint(7, 60)) if rng.random() < 0.2 else None
            rows.append(
                {
                    "id": pk,
                    "council_id": council["id"],
                    "adviser_id": council["adviser_id"] or fallback[rng.randrange(len(fallback))],
                    "date": day,
                    "kind": kind,
                    "channel": channels[rng.randrange(len(channels))],
                    "summary": SUMMARIES[rng.randrange(len(SUMMARIES))],
                    "private_notes": "Load-test note." if rng.random() < 0.3 else "",
                    "follow_up_on": follow_up,
                    "follow_up_done": bool(follow_up and rng.random() < 0.7),
                    "hours": Decimal("1.5") if kind == EngagementKind.COACHING else None,
                    "status": EngagementStatus.CANCELLED if rng.random() < 0.03 else EngagementStatus.COMPLETED,
                    "version": 1,
                    "import_key": f"{LOAD_PREFIX}{first_number + i}",
                    "created_at": now,
                    "modified_at": now - datetime.timedelta(seconds=size - i),
                }
            )
            links["roles"].append((pk, role_ids[rng.randrange(len(role_ids))]))
            if rng.random() < 0.5:
                links["offers"].append((pk, offer_ids[rng.randrange(len(offer_ids))]))
            if rng.random() < 0.4:
                links["themes"].append((pk, theme_ids[rng.randrange(len(theme_ids))]))
        return rows, links

    @transaction.atomic
    def _write(self, rows: list[dict], links: dict[str, list[tuple[int, int]]]) -> None:
        through = {
            "roles": (Engagement.roles.through, "contactrole_id"),
            "offers": (Engagement.offers.through, "offer_id"),
            "themes": (Engagement.themes.through, "theme_id"),
        }
        if connection.vendor == "postgresql":
            columns = list(rows[0])
            self._copy(Engagement._meta.db_table, columns, ([row[c] for c in columns] for row in rows))
            for name, (model, column) in through.items():
                if links[name]:
                    self._copy(model._meta.db_table, ["engagement_id", column], links[name])
            return
        Engagement.objects.bulk_create([Engagement(**row) for row in rows], batch_size=2000)
        for name, (model, column) in through.items():
            model.objects.bulk_create([model(engagement_id=e, **{column: o}) for e, o in links[name]], batch_size=5000)

    @staticmethod
    def _copy(table: str, columns: list[str], values) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in values:
            writer.writerow(["\\N" if v is None else v for v in row])
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
            )
