"""A catalogue that says how current it is: review dates and the editors' queue, statuses that
follow the latest document with the earlier one kept in history, dates no more exact than the
sources, and the LGA's publications (page, admin, API)."""

import datetime
import re

import pytest
from django.test import Client

from lga_portal import dates
from lga_portal.dates import DatePrecision
from lga_portal.seeding import Seeder
from metrics.models import Observation
from offers.models import Offer, OfferStatus, Publication, Source, add_months
from offers.seed import load_catalogue, load_publications

pytestmark = pytest.mark.django_db

D = datetime.date


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# -- review dates --------------------------------------------------------------------------


def test_offer_page_says_when_it_was_last_reviewed(client):
    offer = Offer.objects.get(slug="housing-advisers-programme")
    offer.mark_reviewed(today=D(2020, 11, 12))
    page = text(client.get(offer.get_absolute_url()))
    assert "Last reviewed on 12 November 2020." in page


def test_seeded_offers_are_as_current_as_their_newest_document(client):
    # Only in the undated support offer: "around July 2020"; in the November report: November 2020.
    only_in_catalogue = Offer.objects.get(slug="lg-inform-benchmarking-data")
    assert (only_in_catalogue.last_reviewed_on, only_in_catalogue.review_by) == (D(2020, 7, 1), D(2021, 7, 1))
    assert "Last reviewed around July 2020." in text(client.get(only_in_catalogue.get_absolute_url()))
    in_november_report = Offer.objects.get(slug="collaborative-finance-panels")
    assert in_november_report.review_by == D(2021, 11, 30)
    assert "Last reviewed in November 2020." in text(client.get(in_november_report.get_absolute_url()))


def test_twelve_months_on_keeps_the_day_or_the_end_of_a_short_month():
    assert add_months(D(2026, 12, 1), 12) == D(2027, 12, 1)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_editors_queue_lists_offers_past_their_review_date_and_reviewing_is_one_action(make_user):
    editor = make_user("editor")
    client = Client()
    client.force_login(editor)
    index = client.get("/admin/").content.decode()
    assert "Offers past their review date" in index and "/admin/offers/offertoreview/" in index

    reviewed = Offer.objects.get(slug="town-centres-toolkit")
    reviewed.mark_reviewed()
    queue = client.get("/admin/offers/offertoreview/")
    assert queue.status_code == 200
    listed = {offer.pk for offer in queue.context["cl"].queryset}
    assert reviewed.pk not in listed
    overdue = Offer.objects.get(slug="faq-hub")
    assert overdue.pk in listed and len(listed) == Offer.objects.count() - 1

    before = overdue.history.count()
    response = client.post(
        "/admin/offers/offertoreview/",
        {"action": "mark_reviewed", "_selected_action": [overdue.pk]},
        follow=True,
    )
    today = datetime.date.today()
    assert "1 offer marked as reviewed today" in response.content.decode()
    overdue.refresh_from_db()
    assert (overdue.last_reviewed_on, overdue.review_by) == (today, add_months(today, 12))
    assert overdue.history.count() == before + 1
    assert overdue.history.latest().history_change_reason == "Reviewed"
    assert overdue.history.latest().history_user == editor
    assert overdue.pk not in {o.pk for o in client.get("/admin/offers/offertoreview/").context["cl"].queryset}
    # The offers list filters the same way.
    due = client.get("/admin/offers/offer/?review=due").context["cl"].queryset
    assert overdue.pk not in {o.pk for o in due} and due.count() == Offer.objects.count() - 2


def test_change_page_button_saves_and_marks_reviewed_in_one_history_entry(make_user):
    client = Client()
    client.force_login(make_user("editor"))
    offer = Offer.objects.get(slug="faq-hub")
    page = client.get(f"/admin/offers/offer/{offer.pk}/change/")
    assert "Save and mark as reviewed today" in page.content.decode()
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "__iter__") and not isinstance(value, str):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    for key, value in list(data.items()):
        if isinstance(value, datetime.date):
            data[key] = value.isoformat()
    items = offer.items.all()
    data.update(
        {
            "items-TOTAL_FORMS": len(items),
            "items-INITIAL_FORMS": len(items),
            "items-MIN_NUM_FORMS": 0,
            "items-MAX_NUM_FORMS": 1000,
            "_mark_reviewed": "Save and mark as reviewed today",
        }
    )
    for i, item in enumerate(items):
        data.update({f"items-{i}-id": item.pk, f"items-{i}-offer": offer.pk, f"items-{i}-order": item.order})
        data[f"items-{i}-text"] = item.text
    before = offer.history.count()
    response = client.post(f"/admin/offers/offer/{offer.pk}/change/", data, follow=True)
    assert "marked as reviewed today" in response.content.decode(), response.content.decode()[:3000]
    offer.refresh_from_db()
    assert offer.last_reviewed_on == datetime.date.today()
    assert offer.history.count() == before + 1


# -- statuses follow the latest evidence ---------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "earlier", "launched"),
    [
        ("collaborative-finance-panels", OfferStatus.COMING_SOON, "15 July 2020"),
        ("economic-growth-advisers-programme", OfferStatus.IN_DEVELOPMENT, "by November 2020"),
        ("civility-in-public-life-resources", OfferStatus.COMING_SOON, "by September 2020"),
        ("carbon-accounting-tool", OfferStatus.IN_DEVELOPMENT, "September 2020"),
    ],
)
def test_status_follows_the_latest_document_and_history_keeps_the_earlier_one(client, slug, earlier, launched):
    offer = Offer.objects.get(slug=slug)
    assert offer.status == OfferStatus.AVAILABLE
    statuses = list(offer.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == [earlier, OfferStatus.AVAILABLE]
    page = text(client.get(offer.get_absolute_url()))
    assert "Available" in page and f"Launched {launched}" in page


def test_a_database_seeded_with_the_earlier_status_moves_on_with_history():
    offer = Offer.objects.get(slug="economic-growth-advisers-programme")
    offer.history.all().delete()
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.IN_DEVELOPMENT)
    offer.refresh_from_db()
    offer.save()  # as an older seed left it: in development
    load_catalogue(Seeder(force=True))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.AVAILABLE
    records = list(offer.history.order_by("history_date", "history_id"))
    assert [r.status for r in records][-2:] == [OfferStatus.IN_DEVELOPMENT, OfferStatus.AVAILABLE]
    assert "highlights-2020-11" in records[-1].history_change_reason


def test_corporate_peer_challenge_stays_suspended_as_the_november_report_says():
    assert Offer.objects.get(slug="corporate-peer-challenge").status == OfferStatus.SUSPENDED


# -- dates no more exact than the sources ------------------------------------------------


def test_date_precision_formatting():
    day = D(2020, 7, 15)
    assert dates.format_date(day) == "15 July 2020"
    assert dates.format_date(day, DatePrecision.MONTH) == "July 2020"
    assert dates.format_date(day, DatePrecision.AROUND) == "around July 2020"
    assert dates.format_date(D(2020, 11, 30), DatePrecision.PERIOD) == "by November 2020"
    period = (D(2020, 3, 1), D(2020, 9, 30))
    assert dates.format_date(D(2020, 9, 30), DatePrecision.PERIOD, period=period) == "March to September 2020"
    assert dates.format_span(D(2020, 4, 1), D(2020, 9, 30), DatePrecision.MONTH) == "April to September 2020"
    assert dates.format_span(D(2019, 12, 1), D(2020, 11, 30), DatePrecision.MONTH) == "December 2019 to November 2020"
    assert dates.format_span(D(2020, 6, 1), D(2020, 6, 30)) == "June 2020"
    assert dates.format_span(D(2020, 4, 1), D(2020, 9, 30)) == "1 April to 30 September 2020"


def test_sources_say_their_dates_are_approximate():
    catalogue = Source.objects.get(key="covid-support-offer-2020")
    assert catalogue.published_display == "around July 2020"
    assert Source.objects.get(key="highlights-2020-09").period == (D(2020, 3, 1), D(2020, 9, 30))


def test_indicator_figures_given_without_a_date_show_the_period_the_report_covers(client):
    undated = Observation.objects.get(indicator__slug="councils-receiving-bespoke-support", date=D(2020, 9, 30))
    assert undated.date_precision == DatePrecision.MONTH  # "since April" to the report's end
    assert undated.when == "April to September 2020"
    event = Observation.objects.filter(date=D(2020, 7, 15)).get()
    assert event.when == "15 July 2020"
    as_reported = Observation.objects.filter(
        period_start__isnull=True, date=D(2020, 9, 30), source__key="highlights-2020-09"
    ).first()
    assert as_reported.date_precision == DatePrecision.PERIOD and as_reported.when == "March to September 2020"
    page = text(client.get("/metrics/indicators/"))
    assert "March to September 2020" in page
    assert "30 September 2020" not in page  # the report's end is not a date any figure was given


# -- publications ----------------------------------------------------------------------------


def test_the_november_report_lists_22_publications_seeded_idempotently():
    assert Publication.objects.count() == 22
    assert Publication.objects.filter(title="Councillor workbook on creating mentally healthy places").count() == 1
    seeder = Seeder()
    load_publications(seeder)
    assert seeder.counts == {"offers.publication unchanged": 22}
    leisure = Publication.objects.get(slug="leisure-under-lockdown")
    assert leisure.offer.slug == "culture-tourism-and-sport-support"
    assert leisure.published_display == "by November 2020"
    assert Publication.objects.filter(published_on__isnull=True).count() == 19


def test_publications_page_lists_filters_and_searches(client, django_assert_num_queries):
    # Themes for the filter (1), count (1), the page (1); the catalogue's state is in the cache.
    with django_assert_num_queries(3):
        page = client.get("/publications/")
    assert page.status_code == 200
    body = text(page)
    assert "22 publications" in body
    assert "Councillor workbook on creating mentally healthy places" in body
    assert "Date not given in the source" in body and "Page 1 of 2" in body
    second = text(client.get("/publications/?page=2"))
    assert "Leisure under lockdown: how culture and leisure services responded to COVID-19" in second
    assert "by November 2020" in second

    workbooks = text(client.get("/publications/?theme=leadership&kind=workbook"))
    assert "3 publications" in workbooks and "COVID-19: a leadership workbook for cabinet members" in workbooks
    assert "Fiscal devolution" not in workbooks

    found = text(client.get("/publications/?q=Domestic+ABUSE"))
    assert "1 publication matching “Domestic ABUSE”" in found
    assert "Tackling domestic abuse during the COVID-19 pandemic" in found

    nothing = client.get("/publications/?q=zzzzqq&theme=no-such-theme&kind=poster&page=x")
    assert nothing.status_code == 200 and "No publications match your search" in text(nothing)
    assert client.get("/publications/?page=999").status_code == 200


def test_publications_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    theme = Publication.objects.first().theme
    Publication.objects.bulk_create(
        Publication(title=f"Extra {i}", slug=f"extra-{i}", kind="guide", theme=theme) for i in range(40)
    )
    with django_assert_num_queries(3):
        assert client.get("/publications/?page=3").status_code == 200


def test_offer_and_theme_pages_link_their_publications(client):
    offer_page = text(client.get("/offers/lg-inform-plus/"))
    assert "Publications" in offer_page
    assert "Changes to local authority powers and duties resulting from the Coronavirus Act" in offer_page
    theme_page = client.get("/themes/lg-inform/")
    assert "/publications/?theme=lg-inform" in theme_page.content.decode()
    assert "4 LG Inform (data and research) publications" in text(theme_page)


def test_publications_api_is_public_and_filterable(client):
    listed = client.get("/api/v1/publications/").json()
    assert listed["count"] == 22
    workbooks = client.get("/api/v1/publications/?kind=workbook&theme=leadership").json()
    assert {p["slug"] for p in workbooks["results"]} == {
        "councillor-workbook-mentally-healthy-places",
        "leadership-workbook-for-cabinet-members",
        "effective-opposition-workbook",
    }
    one = client.get("/api/v1/publications/leisure-under-lockdown/").json()
    assert one["published"] == "by November 2020" and one["published_on_precision"] == "period"
    assert one["offer"]["slug"] == "culture-tourism-and-sport-support" and one["url"] is None
    bad = client.get("/api/v1/publications/?kind=poster")
    assert bad.status_code == 400 and "kind" in bad.content.decode()
    assert "/api/v1/publications/" in client.get("/api/schema/?format=json").content.decode()
    offer = client.get("/api/v1/offers/collaborative-finance-panels/").json()
    assert offer["launched"] == "15 July 2020" and offer["review_by"] == "2021-11-30"
