"""The seeded data says what the LGA documents say: themes, contacts, statuses, figures, councils."""

import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engagements.models import Council, CouncilKind
from metrics.models import Indicator, Observation, Result
from offers.models import Offer, OfferStatus, Theme

pytestmark = pytest.mark.django_db

CATALOGUE = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "offers/data/catalogue.yaml").read_text(encoding="utf-8")
)

# Contacts exactly as the COVID-19 support offer (002) gives them.
THEME_CONTACTS = {
    "peer-support": "PeerChallenge@local.gov.uk",
    "financial-resilience": "PeerChallenge@local.gov.uk",
    "productivity": "productivity@local.gov.uk",
    "lg-inform": "LGInform@local.gov.uk",
    "childrens-services": "Richard.Cooke@local.gov.uk",
    "adult-social-care": "adass.lga.covid@local.gov.uk",
    "workforce": "workforce@local.gov.uk",
    "one-public-estate": "onepublicestate@local.gov.uk",
    "planning-advisory-service": "PAS@local.gov.uk",
    "climate-change": "climate@local.gov.uk",
    "leadership": "",
    "communications": "",
}


def test_every_theme_of_the_design_is_present():
    assert Theme.objects.count() == 17
    assert set(Theme.objects.values_list("slug", flat=True)) >= set(THEME_CONTACTS)


@pytest.mark.parametrize("slug,email", sorted(THEME_CONTACTS.items()))
def test_theme_contacts_match_the_catalogue(slug, email):
    assert Theme.objects.get(slug=slug).contact_email == email


def test_adult_social_care_keeps_its_second_contact_route():
    assert "CHIP@local.gov.uk" in Theme.objects.get(slug="adult-social-care").extra_contacts


def test_offer_count_per_theme_matches_the_data_file():
    expected = Counter(offer["theme"] for offer in CATALOGUE["offers"])
    actual = Counter(Offer.objects.values_list("theme__slug", flat=True))
    assert actual == expected
    assert sum(actual.values()) >= 100


@pytest.mark.parametrize(
    "slug",
    [
        "recovery-and-renewal-panel",
        "bespoke-remote-peer-support",
        "finance-improvement-and-sustainability-adviser-support",
        "emergency-coaching-and-mentoring-support",
        "virtual-communications-health-checks",
        "covid-19-cases-tracker",
        "homes-for-nhs-staff-toolkit",
    ],
)
def test_offers_of_the_covid_support_offer_name_it_as_source(slug):
    assert Offer.objects.get(slug=slug).source.filename == "002_57e87d5bf02ab458.txt"


def test_offers_only_in_the_highlights_reports_are_present():
    titles = " | ".join(Offer.objects.values_list("title", flat=True)).lower()
    for phrase in [
        "housing advisers programme",
        "remote corporate health check",
        "delivery and impact panel",
        "return to social work",
    ]:
        assert phrase in titles, phrase


def test_statuses_follow_the_catalogue():
    assert Offer.objects.get(slug="corporate-peer-challenge").status == OfferStatus.SUSPENDED
    assert "November 2020" in Offer.objects.get(slug="corporate-peer-challenge").status_note
    assert Offer.objects.get(slug="health-inequalities-peer-challenge").status == OfferStatus.COMING_SOON
    assert Offer.objects.get(slug="ope-regional-webinars").status == OfferStatus.IN_DEVELOPMENT
    assert Offer.objects.filter(status=OfferStatus.COMING_SOON).count() == sum(
        o["status"] == "coming_soon" for o in CATALOGUE["offers"]
    )


def test_offer_items_are_kept_in_order():
    tracker = Offer.objects.get(slug="covid-19-cases-tracker")
    items = list(tracker.items.values_list("text", flat=True))
    assert len(items) == 6
    assert items[0].startswith("Local authority report")
    assert items[-1].startswith("Area characteristics report")


def test_emergency_coaching_names_solace_as_partner():
    assert "SOLACE" in Offer.objects.get(slug="emergency-coaching-and-mentoring-support").partner_list


# Resident satisfaction, rounds 25-27, from the highlights report to November 2020.
SURVEY = {
    "Satisfied with local area as a place to live": (81, 87, 83),
    "Satisfied with way local council runs things": (63, 75, 68),
    "Trusts the council": (59, 71, 64),
    "Feel well informed about council’s services and benefits": (60, 69, 64),
    "Agree council acts on residents’ concerns": (57, 68, 64),
    "Agree council provides value for money": (48, 57, 53),
}


@pytest.mark.parametrize("measure,figures", sorted(SURVEY.items()))
def test_survey_figures_are_exact(measure, figures):
    results = Result.objects.filter(measure__name=measure).order_by("round__number")
    assert [(r.round.number, r.round.label, r.percent) for r in results] == [
        (25, "Feb-20", Decimal(figures[0])),
        (26, "Jun-20", Decimal(figures[1])),
        (27, "Oct-20", Decimal(figures[2])),
    ]


def test_indicators_hold_the_highlights_figures_with_sources():
    assert Indicator.objects.count() >= 25
    fisa = Observation.objects.filter(indicator__name__icontains="finance improvement").order_by("date")
    assert [(o.value, o.source.key) for o in fisa] == [(30, "highlights-2020-09"), (46, "highlights-2020-11")]
    coaching = Observation.objects.filter(indicator__slug__contains="coaching-agreements").order_by("date")
    assert [int(o.value) for o in coaching] == [44, 65]
    assert not Observation.objects.filter(source__isnull=True).exists()


def test_register_counts_317_active_english_councils():
    assert Council.objects.active().count() == 317
    assert not Council.objects.exclude(gss_code__startswith="E").exists()
    assert Council.objects.filter(is_active=False).count() == 20


@pytest.mark.parametrize(
    "code,name,kind,region,parent",
    [
        ("E06000001", "Hartlepool", CouncilKind.UNITARY, "North East", None),
        ("E07000178", "Oxford", CouncilKind.DISTRICT, "South East", "Oxfordshire"),
        ("E08000003", "Manchester", CouncilKind.METROPOLITAN_DISTRICT, "North West", None),
        ("E09000033", "Westminster", CouncilKind.LONDON_BOROUGH, "London", None),
        ("E10000016", "Kent", CouncilKind.COUNTY, "South East", None),
        ("E07000136", "Boston", CouncilKind.DISTRICT, "East Midlands", "Lincolnshire"),
        ("E06000052", "Cornwall", CouncilKind.UNITARY, "South West", None),
        ("E07000241", "Welwyn Hatfield", CouncilKind.DISTRICT, "East of England", "Hertfordshire"),
    ],
)
def test_sample_councils_have_their_kind_region_and_parent(code, name, kind, region, parent):
    council = Council.objects.select_related("region", "parent").get(gss_code=code)
    assert (council.name, council.kind, council.region.name) == (name, kind, region)
    assert (council.parent.name if council.parent else None) == parent


@pytest.mark.parametrize(
    "new_code,name,abolished",
    [
        ("E06000063", "Cumberland", ["E07000026", "E07000028", "E07000029", "E10000006"]),
        ("E06000064", "Westmorland and Furness", ["E07000027", "E07000030", "E07000031", "E10000006"]),
        ("E06000065", "North Yorkshire", ["E10000023", "E07000163", "E07000169"]),
        ("E06000066", "Somerset", ["E10000027", "E07000187", "E07000246"]),
    ],
)
def test_2023_reorganisations(new_code, name, abolished):
    new = Council.objects.get(gss_code=new_code)
    assert new.name == name and new.is_active and new.established_on == datetime.date(2023, 4, 1)
    for code in abolished:
        old = Council.objects.get(gss_code=code)
        assert not old.is_active and old.abolished_on == datetime.date(2023, 4, 1)
        assert new in old.successors.all()
