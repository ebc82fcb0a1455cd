"""Load the catalogue (sources, audiences, formats, themes, offers) from offers/data/catalogue.yaml."""

from __future__ import annotations

import datetime
from pathlib import Path

from lga_portal.seeding import Record, Seeder, load_yaml, lookup, records
from offers.models import Audience, Delivery, Format, Offer, OfferItem, OfferStatus, Source, Theme

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.yaml"


def _items_reader(offer: Offer) -> tuple[str, ...]:
    return tuple(offer.items.order_by("order", "id").values_list("text", flat=True))


def _items_writer(texts: tuple[str, ...]):
    def write(offer: Offer) -> None:
        offer.items.all().delete()
        OfferItem.objects.bulk_create(OfferItem(offer=offer, text=text, order=i) for i, text in enumerate(texts, 1))
        Offer.objects.filter(pk=offer.pk).update(search_document=offer.build_search_document())

    return write


def load_catalogue(seeder: Seeder, path: Path = CATALOGUE_FILE) -> None:
    data = load_yaml(path)

    sources: dict[str, Source] = {}
    for rec in records(path, data, "sources"):
        key = rec.get("key")
        sources[key] = seeder.sync(
            Source,
            key,
            {"key": key},
            {
                "title": rec.get("title"),
                "filename": rec.get("filename"),
                "published_on": rec.get("published_on", datetime.date),
            },
        ) or Source.objects.get(key=key)

    def reference(model, top_key: str) -> dict[str, object]:
        found = {}
        for order, rec in enumerate(records(path, data, top_key), 1):
            slug = rec.get("slug")
            found[slug] = seeder.sync(
                model, slug, {"slug": slug}, {"name": rec.get("name"), "order": order}
            ) or model.objects.get(slug=slug)
        return found

    audiences = reference(Audience, "audiences")
    formats = reference(Format, "formats")

    themes: dict[str, Theme] = {}
    for order, rec in enumerate(records(path, data, "themes"), 1):
        slug = rec.get("slug")
        values = {
            "name": rec.get("name"),
            "summary": rec.get("summary", required=False, default=""),
            "contact_email": rec.get("contact_email", required=False, default=""),
            "extra_contacts": rec.get("extra_contacts", required=False, default=""),
            "order": order,
            "source": lookup(rec, sources, "source", rec.get("source"), "source"),
        }
        themes[slug] = seeder.sync(Theme, slug, {"slug": slug}, values) or Theme.objects.get(slug=slug)

    seen: set[str] = set()
    for rec in records(path, data, "offers"):
        slug = rec.get("slug")
        if slug in seen:
            raise rec.fail(f"duplicate slug {slug!r}")
        seen.add(slug)
        _sync_offer(seeder, rec, slug, sources, themes, audiences, formats)


def _sync_offer(seeder: Seeder, rec: Record, slug: str, sources, themes, audiences, formats) -> None:
    def many(key: str, mapping: dict, what: str) -> list:
        names = rec.get(key, list, required=False, default=[])
        return [lookup(rec, mapping, key, name, what) for name in names]

    items = tuple(str(text) for text in rec.get("items", list, required=False, default=[]))
    partners = rec.get("partners", list, required=False, default=[])
    values = {
        "title": rec.get("title"),
        "theme": lookup(rec, themes, "theme", rec.get("theme"), "theme"),
        "summary": rec.get("summary"),
        "description": rec.get("description", required=False, default=""),
        "delivery": rec.get("delivery", choices=Delivery.values),
        "status": rec.get("status", choices=OfferStatus.values),
        "status_note": rec.get("status_note", required=False, default=""),
        "how_to_access": rec.get("how_to_access", required=False, default=""),
        "contact_email": rec.get("contact_email", required=False, default=""),
        "partners": ", ".join(str(p) for p in partners),
        "duration": rec.get("duration", required=False, default=""),
        "launched_on": rec.get("launched_on", datetime.date, required=False),
        "source": lookup(rec, sources, "source", rec.get("source"), "source"),
        "is_published": rec.get("published", bool, required=False, default=True),
    }
    m2m = {
        "audiences": many("audiences", audiences, "audience"),
        "formats": many("formats", formats, "format"),
        "also_in": many("also_in", sources, "source"),
    }
    seeder.sync(
        Offer, slug, {"slug": slug}, values, m2m=m2m, children=(_items_reader, _items_writer(items)), child_data=items
    )
