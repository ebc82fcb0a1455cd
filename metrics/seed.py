"""Load the resident-satisfaction survey and the highlights reports' indicator figures."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from lga_portal.dates import DatePrecision, is_month_end
from lga_portal.seeding import Record, Seeder, load_yaml, lookup, records
from metrics.models import Indicator, IndicatorMeasure, IndicatorUnit, Measure, Observation, Result, Survey, SurveyRound
from offers.models import Offer, Source, Theme

DATA_DIR = Path(__file__).resolve().parent / "data"
SURVEY_FILE = DATA_DIR / "resident_satisfaction.yaml"
INDICATORS_FILE = DATA_DIR / "indicators.yaml"


def _sources() -> dict[str, Source]:
    return {s.key: s for s in Source.objects.all()}


def load_survey(seeder: Seeder, path: Path = SURVEY_FILE) -> None:
    data = load_yaml(path)
    sources = _sources()
    if not isinstance(data, dict):
        raise Record(path, "top level", data).fail("expected a mapping")
    head = Record(path, "survey", data.get("survey"))
    slug = head.get("slug")
    survey = seeder.sync(
        Survey,
        slug,
        {"slug": slug},
        {
            "name": head.get("name"),
            "description": head.get("description", required=False, default=""),
            "source": lookup(head, sources, "source", head.get("source"), "source"),
        },
    ) or Survey.objects.get(slug=slug)

    measures: dict[str, Measure] = {}
    for order, rec in enumerate(records(path, data, "measures"), 1):
        m_slug = rec.get("slug")
        measures[m_slug] = seeder.sync(
            Measure, f"{slug}/{m_slug}", {"survey": survey, "slug": m_slug}, {"name": rec.get("name"), "order": order}
        ) or Measure.objects.get(survey=survey, slug=m_slug)

    for rec in records(path, data, "rounds"):
        number = rec.get("number", int)
        rec.where = f"rounds (round {number})"
        round_ = seeder.sync(
            SurveyRound,
            f"{slug}/{number}",
            {"survey": survey, "number": number},
            {
                "label": str(rec.get("label")),
                "period": rec.get("period", datetime.date),
                "sample_size": rec.get("sample_size", int, required=False),
                "source": lookup(rec, sources, "source", rec.get("source"), "source"),
            },
        ) or SurveyRound.objects.get(survey=survey, number=number)
        results = Record(path, f"{rec.where} → results", rec.get("results", dict))
        for m_slug in results.data:
            measure = lookup(results, measures, m_slug, m_slug, "measure")
            percent = results.get(m_slug, Decimal)
            if not Decimal(0) <= percent <= Decimal(100):
                raise results.fail(f"{m_slug}: {percent} is not a percentage between 0 and 100")
            seeder.sync(
                Result, f"{slug}/{number}/{m_slug}", {"round": round_, "measure": measure}, {"percent": percent}
            )


def load_indicators(seeder: Seeder, path: Path = INDICATORS_FILE) -> None:
    data = load_yaml(path)
    sources = _sources()
    themes = {t.slug: t for t in Theme.objects.all()}
    offers = {o.slug: o for o in Offer.objects.all()}
    for order, rec in enumerate(records(path, data, "indicators"), 1):
        slug = rec.get("slug")
        offer_slug = rec.get("offer", required=False)
        indicator = seeder.sync(
            Indicator,
            slug,
            {"slug": slug},
            {
                "name": rec.get("name"),
                "description": rec.get("description", required=False, default=""),
                "unit": rec.get("unit", choices=IndicatorUnit.values),
                "measure": rec.get("measure", choices=IndicatorMeasure.values),
                "theme": lookup(rec, themes, "theme", rec.get("theme"), "theme"),
                "offer": lookup(rec, offers, "offer", offer_slug, "offer") if offer_slug else None,
                "order": order,
            },
        ) or Indicator.objects.get(slug=slug)
        dates: set[datetime.date] = set()
        for obs in rec.items("observations"):
            day = obs.get("date", datetime.date)
            if day in dates:
                raise obs.fail(f"a second observation dated {day}")
            dates.add(day)
            period_start = obs.get("period_start", datetime.date, required=False)
            source = lookup(obs, sources, "source", obs.get("source"), "source")
            precision = obs.get("date_precision", required=False, choices=DatePrecision.values)
            seeder.sync(
                Observation,
                f"{slug}/{day.isoformat()}",
                {"indicator": indicator, "date": day},
                {
                    "period_start": period_start,
                    "date_precision": precision or observation_precision(day, period_start, source),
                    "value": obs.get("value", Decimal),
                    "qualifier": str(obs.get("qualifier", (str, int), required=False, default="")),
                    "note": obs.get("note", required=False, default=""),
                    "source": source,
                },
            )


def observation_precision(day: datetime.date, period_start: datetime.date | None, source) -> str:
    """How exactly a figure is dated, by the conventions of metrics/data/indicators.yaml.

    A figure the report gives without a date carries the report's end date: it is known only
    for the period the report covers (or, for the undated support offer, around its date).
    Month ends ("as of September", "in June", "since April") are known to the month; the rest
    (an event "on 13 October") to the day.
    """
    if period_start is None and day == source.covers_to:
        return DatePrecision.PERIOD
    if period_start is None and source.covers_to is None and day == source.published_on:
        return DatePrecision.AROUND
    if is_month_end(day) and (period_start is None or period_start.day == 1):
        return DatePrecision.MONTH
    return DatePrecision.DAY
