"""Load the catalogue (sources, audiences, formats, themes, offers) from offers/data/catalogue.yaml,
and the LGA's publications from offers/data/publications.yaml."""

from __future__ import annotations

import datetime
from pathlib import Path

from lga_portal.dates import DatePrecision
from lga_portal.seeding import Record, Seeder, load_yaml, lookup, records
from offers.models import (
    REVIEW_INTERVAL_MONTHS,
    Audience,
    Delivery,
    Format,
    Offer,
    OfferItem,
    OfferStatus,
    Publication,
    PublicationKind,
    Source,
    Theme,
    add_months,
)

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.yaml"
PUBLICATIONS_FILE = Path(__file__).resolve().parent / "data" / "publications.yaml"


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
                "published_on_precision": rec.get(
                    "published_on_precision", required=False, default=DatePrecision.DAY, choices=DatePrecision.values
                ),
                "covers_from": rec.get("covers_from", datetime.date, required=False),
                "covers_to": rec.get("covers_to", datetime.date, required=False),
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
    source = lookup(rec, sources, "source", rec.get("source"), "source")
    also_in = many("also_in", sources, "source")
    launched_on = rec.get("launched_on", datetime.date, required=False)
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
        "launched_on": launched_on,
        "launched_on_precision": rec.get(
            "launched_on_precision", required=False, default=DatePrecision.DAY, choices=DatePrecision.values
        ),
        "source": source,
        "is_published": rec.get("published", bool, required=False, default=True),
    }
    m2m = {
        "audiences": many("audiences", audiences, "audience"),
        "formats": many("formats", formats, "format"),
        "also_in": also_in,
    }
    earlier = [
        (item.get("status", choices=OfferStatus.values), lookup(item, sources, "source", item.get("source"), "source"))
        for item in rec.items("earlier_statuses")
    ]
    status_source = (
        lookup(rec, sources, "status_source", rec.get("status_source"), "source")
        if rec.get("status_source", required=False)
        else None
    )
    if earlier and status_source is None:
        raise rec.fail("'earlier_statuses' needs 'status_source', the document the current status follows")
    existed = Offer.objects.filter(slug=slug).exists()
    offer = seeder.sync(
        Offer,
        slug,
        {"slug": slug},
        values,
        m2m=m2m,
        children=(_items_reader, _items_writer(items)),
        child_data=items,
        initial=review_dates([source, *also_in]),
    )
    if offer is not None and earlier:
        record_status_history(offer, earlier, status_source, created=not existed)


def review_dates(documents: list[Source]) -> dict[str, object]:
    """An offer is as current as the newest document describing it; due for review a year on."""
    as_of = [doc.current_as_of for doc in documents if doc.current_as_of[0] is not None]
    if not as_of:
        return {}
    day, precision = max(as_of, key=lambda pair: pair[0])
    return {
        "last_reviewed_on": day,
        "last_reviewed_precision": precision,
        "review_by": add_months(day, REVIEW_INTERVAL_MONTHS),
    }


def _moment(source: Source) -> datetime.datetime:
    day = source.current_as_of[0] or datetime.date(2020, 1, 1)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _reason(status: str, source: Source) -> str:
    """ "Coming soon, per covid-support-offer-2020 (around July 2020)" (history reasons hold 100 characters)."""
    when = source.published_display
    return f"{OfferStatus(status).label}, per {source.key}{f' ({when})' if when else ''}"[:100]


def record_status_history(offer: Offer, earlier: list[tuple[str, Source]], latest: Source, *, created: bool) -> None:
    """Keep the statuses earlier documents gave in the offer's history, before the current one.

    A newly created offer gets one history entry per earlier status, dated by its document,
    then its current status dated by ``latest``. An offer seeded before with an earlier status
    has just been updated by the seed; that update is labelled with the document it follows.
    """
    history = offer.history.order_by("history_date", "history_id")
    if created:
        current = history.last()
        if current is None or history.count() != 1:
            return
        fields = {
            f.attname: getattr(current, f.attname)
            for f in current._meta.fields
            if f.attname not in ("history_id", "history_date", "history_type", "history_change_reason")
        }
        for index, (status, source) in enumerate(earlier):
            type(current).objects.create(
                **{**fields, "status": status},
                history_date=_moment(source),
                history_type="+" if index == 0 else "~",
                history_change_reason=_reason(status, source),
            )
        current.history_type = "~"
        current.history_date = max(_moment(latest), _moment(earlier[-1][1]) + datetime.timedelta(seconds=1))
        current.history_change_reason = _reason(offer.status, latest)
        current.save(update_fields=["history_type", "history_date", "history_change_reason"])
        return
    newest = history.last()
    previous = history.exclude(pk=newest.pk).last() if newest else None
    if newest and previous and newest.status == offer.status and previous.status != offer.status:
        if not newest.history_change_reason:
            newest.history_change_reason = _reason(offer.status, latest)
            newest.save(update_fields=["history_change_reason"])


def load_publications(seeder: Seeder, path: Path = PUBLICATIONS_FILE) -> None:
    """The LGA publications the November 2020 highlights report lists (after the catalogue)."""
    data = load_yaml(path)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    offers = {offer.slug: offer for offer in Offer.objects.all()}
    sources = {source.key: source for source in Source.objects.all()}
    default_source = data.get("source", "highlights-2020-11") if isinstance(data, dict) else None
    seen: set[str] = set()
    for order, rec in enumerate(records(path, data, "publications"), 1):
        slug = rec.get("slug")
        if slug in seen:
            raise rec.fail(f"duplicate slug {slug!r}")
        seen.add(slug)
        offer_slug = rec.get("offer", required=False)
        values = {
            "title": " ".join(rec.get("title").split()),
            "kind": rec.get("kind", choices=PublicationKind.values),
            "summary": " ".join(rec.get("summary", required=False, default="").split()),
            "theme": lookup(rec, themes, "theme", rec.get("theme"), "theme"),
            "offer": lookup(rec, offers, "offer", offer_slug, "offer") if offer_slug else None,
            "published_on": rec.get("published_on", datetime.date, required=False),
            "published_on_precision": rec.get(
                "published_on_precision", required=False, default=DatePrecision.DAY, choices=DatePrecision.values
            ),
            "url": rec.get("url", required=False, default=""),
            "source": lookup(
                rec, sources, "source", rec.get("source", required=False, default=default_source), "source"
            ),
            "order": order,
        }
        seeder.sync(Publication, slug, {"slug": slug}, values)
