"""The catalogue search as officers use it: on the page, in the API and the open-data feed, on
whichever database the suite runs (SQLite by default, PostgreSQL with DATABASE_URL).
"""

import re

import pytest
from django.db import connection
from django.utils import timezone

from offers.models import Offer, OfferItem, OfferStatus, Theme
from offers.search import SEARCH_COUNT_CAP, extract_html
from offers.search_models import BestBet, Synonym, ZeroResultSearch
from offers.search_schema import ensure_sqlite_triggers

pytestmark = pytest.mark.django_db

FISA = "finance-improvement-and-sustainability-adviser-support"
COACHING = "emergency-coaching-and-mentoring-support"


def slugs(response) -> list[str]:
    return [offer.slug for offer in response.context["offers"]]


def first(client, q: str, **params) -> str:
    return slugs(client.get("/offers/", {"q": q, **params}))[0]


def search(q: str) -> list[str]:
    return list(Offer.objects.published().search(q).order_by("-rank", "title").values_list("slug", flat=True))


# --- The issue's searches ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "offer"),
    [
        ("section 114", "other-finance-support"),
        ("finanse adviser", FISA),
        ("cybersecurity", "cyber-security-programme"),
        ("behavioral insights", "behavioural-insights-programme"),
        ("graduate scheme", "ngdp-online"),
        ("comms health check", "virtual-communications-health-checks"),
        ("care and health improvement programme", "chip-workstreams"),
        ("mental health", "mentally-healthier-places-workbook"),
        ("covid recovery", "recovery-and-renewal-panel"),
    ],
)
def test_each_search_the_issue_names_puts_the_right_offer_first(client, q, offer):
    assert first(client, q) == offer


# --- Query syntax -------------------------------------------------------------------------------


def test_a_quoted_phrase_must_appear_as_written():
    scattered = set(search("peer support"))
    phrase = set(search('"peer support"'))
    assert phrase and phrase < scattered
    for slug in phrase:
        text = " ".join(Offer.objects.get(slug=slug).search_document.lower().split())
        assert "peer support" in text


def test_a_minus_leaves_offers_out():
    with_housing = set(search("digital"))
    without = set(search("digital -housing"))
    assert "digital-housing-programme" in with_housing
    assert "digital-housing-programme" not in without and without
    assert without == {s for s in with_housing if "housing" not in Offer.objects.get(slug=s).search_document.lower()}
    # Only exclusions: every published offer but those.
    only_minus = set(search("-coaching"))
    assert "emergency-coaching-and-mentoring-support" not in only_minus
    assert len(only_minus) == Offer.objects.published().count() - len(search("coaching"))


def test_or_finds_either():
    either = set(search("redmond or carbon"))
    assert {"redmond-review-webinar", "carbon-accounting-tool"} <= either
    assert either == set(search("redmond")) | set(search("carbon"))
    assert search("redmond carbon") == []  # without "or", both must appear


def test_title_matches_rank_above_description_matches():
    results = search("coaching")
    assert results[:2] == ["emergency-coaching-and-mentoring-support", "one-to-one-leadership-development"]


def test_an_exact_phrase_ranks_above_scattered_words():
    theme = Theme.objects.first()
    scattered = Offer.objects.create(
        title="Zanzibar planning", slug="scattered", theme=theme, summary="Support with a quixotic review."
    )
    phrase = Offer.objects.create(
        title="Zanzibar review", slug="phrase", theme=theme, summary="A quixotic planning review."
    )
    assert search("quixotic planning") == [phrase.slug, scattered.slug]


def test_available_offers_rank_above_suspended_or_closed_ones():
    theme = Theme.objects.first()
    for status in (OfferStatus.CLOSED, OfferStatus.SUSPENDED, OfferStatus.AVAILABLE):
        Offer.objects.create(
            title="Quokka toolkit", slug=f"quokka-{status}", theme=theme, summary="Quokka.", status=status
        )
    assert search("quokka")[0] == "quokka-available"


# --- Bad input ----------------------------------------------------------------------------------


BAD_QUERIES = [
    "x" * 1000,
    "word " * 200,
    "!!! &&& ||| :* ()",
    '"unbalanced quote',
    'finance "',
    "-",
    "- - --",
    "coaching NEAR finance",
    "NEAR(coaching finance, 2)",
    "coach*",
    "^coaching",
    'title:coaching OR "',
    "coaching AND NOT finance",
    "'; DROP TABLE offers_offer; --",
    "a' & b | !c <-> d:*",
    "ünïcødé 東京 😀 العربية",
    "\u200b\u200d\ufeff",
    "or",
    "or or or -or",
    "the and of",
]


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_bad_input_gets_results_or_a_clear_no_results_never_an_error(client, q):
    response = client.get("/offers/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert ("offers matching" in html or "offer matching" in html) and "Traceback" not in html
    if not response.context["count"]:
        assert "No offers match your search." in html
    assert client.get("/api/v1/offers/", {"search": q[:200]}).status_code == 200
    assert client.get("/api/hsds/services", {"search": q[:200]}).status_code == 200
    if len(q) > 200:  # the APIs answer an over-long search with a 400 that names the parameter
        for url, param in (("/api/v1/offers/", "search"), ("/api/hsds/services", "search")):
            refused = client.get(url, {param: q})
            assert refused.status_code == 400 and param in refused.json()["errors"], refused.json()
    assert Offer.objects.filter(slug=FISA).exists()


def test_operators_typed_in_a_search_are_words_not_syntax():
    # FTS5 would read NEAR, AND, NOT and * as operators; here they are words (or stop words).
    assert search("coaching NEAR") == []  # "near" is a word that coaching offers do not have
    assert set(search("coaching AND mentoring")) == set(search("coaching mentoring"))
    assert search("coach*") == search("coach")


# --- Synonyms -----------------------------------------------------------------------------------


def test_synonyms_work_both_ways_unless_one_way():
    assert "ngdp-online" in search("graduate scheme")
    assert "ngdp-online" in search("NGDP")
    # One way: "peer review" finds peer challenges, but "peer challenge" does not look for reviews.
    assert "corporate-peer-challenge" in search("peer review")
    Synonym.objects.update_or_create(
        key="zzlocal", defaults={"term": "zzlocal", "equivalents": "redmond", "one_way": True}
    )
    assert search("zzlocal") == ["redmond-review-webinar"]
    assert "zzlocal" not in " ".join(Offer.objects.get(slug="redmond-review-webinar").search_document.lower().split())
    assert search("redmond") == ["redmond-review-webinar"]  # unchanged by the one-way synonym


def test_a_synonym_staff_add_works_at_once_and_changes_the_search_pages_etag(client):
    url = "/offers/?q=quangos"
    before = client.get(url)
    assert before.context["count"] == 0
    synonym = Synonym(term="quangos", equivalents="arm's-length bodies\nRedmond")
    synonym.full_clean()
    synonym.save()
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert slugs(after) == ["redmond-review-webinar"]
    assert client.get(url, headers={"if-none-match": after["ETag"]}).status_code == 304


# --- Spelling -----------------------------------------------------------------------------------


def test_a_misspelt_word_is_corrected_and_the_words_typed_are_one_click_away(client):
    response = client.get("/offers/", {"q": "finanse adviser", "theme": "financial-resilience"})
    html = response.content.decode()
    assert slugs(response)[0] == FISA
    assert (
        'Showing results for <strong>finance adviser</strong> — <a class="govuk-link" '
        'href="/offers/?q=finanse+adviser&amp;exact=1&amp;theme=financial-resilience">search instead for '
        "finanse adviser</a>"
    ) in html
    assert "1 offer matching “finance adviser”" in html
    # The link searches for exactly what was typed, without correcting it again.
    exact = client.get("/offers/", {"q": "finanse adviser", "exact": "1"})
    assert exact.context["count"] == 0 and "Showing results for" not in exact.content.decode()
    assert "No offers match your search." in exact.content.decode()


def test_words_that_match_are_never_corrected(client):
    response = client.get("/offers/?q=coaching")
    assert response.context["corrected"] == "" and "Showing results for" not in response.content.decode()


def test_a_new_offers_words_are_known_to_the_correction_at_once(client):
    Offer.objects.create(
        title="Xylophone orchestration", slug="xylophone", theme=Theme.objects.first(), summary="Music."
    )
    response = client.get("/offers/?q=xylophnoe")
    assert response.context["corrected"] == "xylophone"
    assert slugs(response) == ["xylophone"]


def test_nothing_close_enough_is_no_results_not_a_wild_guess(client):
    response = client.get("/offers/?q=qqqqzzzz")
    assert response.context["count"] == 0 and response.context["corrected"] == ""


# --- Extracts -----------------------------------------------------------------------------------


def test_each_result_shows_where_its_words_matched_marked_and_escaped(client):
    offer = Offer.objects.get(slug="redmond-review-webinar")
    offer.description = 'Quetzal <script>alert("x")</script> & <b>bold</b> ocelot reform.'
    offer.save()
    html = client.get("/offers/?q=quetzal+ocelot").content.decode()
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    extract = html.split('app-offer-summary__extract">')[1].split("</p>")[0]
    assert "<mark>Quetzal</mark>" in extract and "<mark>ocelot</mark>" in extract
    assert "&amp;" in extract and "<b>" not in extract and "<script" not in extract


def test_extract_markup_is_built_only_from_escaped_text():
    assert extract_html("a \x01<i>b</i>\x02 \x02c\x01 d") == "a <mark>&lt;i&gt;b&lt;/i&gt;</mark> c<mark> d</mark>"
    assert extract_html("no marks <i>here</i>") == ""
    assert extract_html(None) == ""


# --- Best bets ----------------------------------------------------------------------------------


def test_a_best_bet_comes_first_marked_recommended_even_when_its_words_do_not_match(client):
    BestBet.objects.create(query="Money worries!", offer=Offer.objects.get(slug="redmond-review-webinar"))
    BestBet.objects.create(query="money worries", offer=Offer.objects.get(slug=FISA), order=1)
    response = client.get("/offers/?q=money+worries")
    assert slugs(response)[:2] == ["redmond-review-webinar", FISA]
    assert response.content.decode().count(">Recommended</strong>") == 2
    # Filters still apply, and an unpublished offer is never shown.
    assert slugs(client.get("/offers/?q=money+worries&theme=leadership")) == []
    Offer.objects.filter(slug=FISA).update(is_published=False)
    assert slugs(client.get("/offers/?q=money+worries")) == ["redmond-review-webinar"]


def test_the_seeded_best_bet_puts_the_recovery_panel_first():
    offers = list(Offer.objects.published().search("Covid recovery").order_by("-rank"))
    assert offers[0].slug == "recovery-and-renewal-panel" and offers[0].is_recommended
    assert not any(offer.is_recommended for offer in offers[1:])


# --- Searches that found nothing ---------------------------------------------------------------


def test_a_search_that_finds_nothing_is_logged_without_who_searched(client):
    client.get("/offers/?q=Parking+Enforcement+Zebra")
    client.get("/offers/?q=parking  enforcement zebra")
    logged = ZeroResultSearch.objects.get()
    assert (logged.key, logged.query, logged.searches) == ("parking enforcement zebra", "parking enforcement zebra", 2)
    assert logged.first_searched_at <= logged.last_searched_at <= timezone.now()
    names = {field.name for field in ZeroResultSearch._meta.get_fields()}
    assert names == {"id", "key", "query", "searches", "first_searched_at", "last_searched_at"}


def test_searches_that_found_something_or_were_narrowed_by_filters_are_not_logged(client):
    client.get("/offers/?q=coaching")
    client.get("/offers/?q=finanse+adviser")  # corrected, found something
    client.get("/offers/?q=coaching&theme=housing-and-homelessness")  # the filter emptied it
    assert not ZeroResultSearch.objects.exists()


# --- Counts ---------------------------------------------------------------------------------


def test_counts_stop_at_a_thousand(client):
    theme = Theme.objects.first()
    Offer.objects.bulk_create(
        Offer(title=f"Walrus offer {i}", slug=f"walrus-{i}", theme=theme, summary="Walrus.", search_document="Walrus.")
        for i in range(SEARCH_COUNT_CAP + 5)
    )
    response = client.get("/offers/?q=walrus")
    html = response.content.decode()
    assert "More than 1,000 offers matching “walrus”" in html
    assert response.context["page_obj"].paginator.num_pages == SEARCH_COUNT_CAP // 20


# --- The API and the open-data feed use the same search ----------------------------------------


def test_the_api_and_the_open_data_feed_use_the_same_search(client):
    api = client.get("/api/v1/offers/", {"search": "section 114"}).json()
    assert [offer["slug"] for offer in api["results"]] == search("section 114") == ["other-finance-support"]
    hsds = client.get("/api/hsds/services", {"search": "graduate scheme"}).json()
    assert [service["name"] for service in hsds["contents"]][0] == Offer.objects.get(slug="ngdp-online").title


# --- The index stays in step with the offers --------------------------------------------------------


def test_the_index_follows_every_change_to_an_offer():
    offer = Offer.objects.get(slug="redmond-review-webinar")
    offer.title = "Webinar on quarantined pangolins"
    offer.save()
    assert search("pangolins") == [offer.slug]
    OfferItem.objects.create(offer=offer, text="A session on narwhals", order=9)
    assert search("narwhals") == [offer.slug]
    Offer.objects.filter(pk=offer.pk).update(is_published=False)
    assert search("pangolins") == []
    Offer.objects.filter(pk=offer.pk).update(is_published=True)
    offer.delete()
    assert search("pangolins") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite drops triggers when it rebuilds a table")
def test_sqlite_triggers_dropped_by_a_table_rebuild_are_put_back_and_the_index_rebuilt():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER offers_offer_search_update")
    Offer.objects.filter(slug="redmond-review-webinar").update(title="Aardvark audit webinar")
    assert search("aardvark") == []  # missed while the trigger was gone
    assert ensure_sqlite_triggers(connection)
    assert search("aardvark") == ["redmond-review-webinar"]
    assert not ensure_sqlite_triggers(connection)  # nothing to do the second time


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored tsvector and its GIN index are PostgreSQL's")
def test_postgresql_matches_on_the_stored_weighted_vector_through_its_gin_index():
    from offers.search import capped_count

    offers = Offer.objects.search("coaching")
    sql, params = offers.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT search_vector::text FROM offers_offer WHERE slug = %s", [COACHING])
        vector = cursor.fetchone()[0]
    assert "offers_offer_search_vector_gin" in plan and "to_tsvector" not in plan
    assert re.search(r"'coach':[0-9A-D,]*\dA", vector)  # a title word weighs A
    assert re.search(r"'mentor':[0-9A-D,]*\dA", vector) and not re.search(r"'mentor':[^ ]*\dD", vector)
    assert capped_count(offers) == 2
