"""Staff teaching the search in the admin: synonyms (refused when they would loop), best bets,
and the log of searches that found nothing with its one-click follow-ups."""

import html

import pytest
from django.core.management import call_command

from offers.search_models import (
    BEST_BET_QUERY_REQUIRED,
    SYNONYM_DUPLICATE,
    SYNONYM_EQUIVALENTS_REQUIRED,
    SYNONYM_LOOP,
    SYNONYM_SELF,
    SYNONYM_TERM_REQUIRED,
    BestBet,
    Synonym,
    ZeroResultSearch,
)

pytestmark = pytest.mark.django_db

ADD_SYNONYM = "/admin/offers/synonym/add/"


@pytest.fixture
def editor(client, make_user):
    client.force_login(make_user("editor"))
    return client


def add_synonym(client, term, equivalents, one_way=False):
    data = {"term": term, "equivalents": equivalents}
    if one_way:
        data["one_way"] = "on"
    return client.post(ADD_SYNONYM, data)


def errors(response) -> str:
    return html.unescape(response.content.decode())


def test_an_editor_adds_a_synonym_and_the_search_uses_it(editor):
    response = add_synonym(editor, "Quango", "arm's-length body\nRedmond Review")
    assert response.status_code == 302
    synonym = Synonym.objects.get(key="quango")
    assert synonym.equivalent_list == ["arm's-length body", "Redmond Review"]
    editor.logout()
    assert [o.slug for o in editor.get("/offers/?q=quango").context["offers"]] == ["redmond-review-webinar"]


@pytest.mark.parametrize(
    ("term", "equivalents", "message"),
    [
        ("", "finance", SYNONYM_TERM_REQUIRED),
        ("!!! ---", "finance", SYNONYM_TERM_REQUIRED),
        ("money", "  \n !! \n", SYNONYM_EQUIVALENTS_REQUIRED),
        ("Money", "cash\nMONEY!", SYNONYM_SELF.format(term="MONEY!")),
        ("fisa", "finance adviser", SYNONYM_DUPLICATE.format(term="fisa")),
    ],
)
def test_an_empty_duplicate_or_self_synonym_is_refused_with_a_message(editor, term, equivalents, message):
    before = Synonym.objects.count()
    response = add_synonym(editor, term, equivalents)
    assert response.status_code == 200
    assert message in errors(response) or (term == "" and "This field is required." in errors(response))
    assert Synonym.objects.count() == before


def test_a_synonym_that_would_loop_is_refused_with_the_loop_it_makes(editor):
    # Seeded: NGDP ↔ National Graduate Development Programme ↔ graduate scheme ↔ graduate trainee.
    response = add_synonym(editor, "graduate scheme", "NGDP")
    expected = SYNONYM_LOOP.format(path="graduate scheme → ngdp → graduate scheme", other="NGDP")
    assert expected in errors(response)
    # One way counts too: a → b beside b → a.
    assert add_synonym(editor, "zz alpha", "zz beta", one_way=True).status_code == 302
    response = add_synonym(editor, "zz beta", "zz alpha", one_way=True)
    assert SYNONYM_LOOP.format(path="zz beta → zz alpha → zz beta", other="zz alpha") in errors(response)
    assert not Synonym.objects.filter(key="zz beta").exists()
    # A chain is not a loop.
    assert add_synonym(editor, "zz gamma", "zz alpha", one_way=True).status_code == 302


def test_a_best_bet_needs_words(editor):
    response = editor.post("/admin/offers/bestbet/add/", {"query": "?!", "offer": "1", "order": "0"})
    assert BEST_BET_QUERY_REQUIRED in errors(response)
    assert not BestBet.objects.filter(query="").exists()


def test_the_zero_result_log_links_each_search_to_a_prefilled_synonym_or_best_bet(editor):
    editor.get("/offers/?q=Parking+permits")
    page = editor.get("/admin/offers/zeroresultsearch/").content.decode()
    assert "Parking permits" in page
    assert 'href="/admin/offers/synonym/add/?term=Parking+permits"' in page
    assert 'href="/admin/offers/bestbet/add/?query=Parking+permits"' in page
    assert 'value="Parking permits"' in editor.get("/admin/offers/synonym/add/?term=Parking+permits").content.decode()
    assert 'value="Parking permits"' in editor.get("/admin/offers/bestbet/add/?query=Parking+permits").content.decode()
    # Read-only: nobody adds or edits entries by hand.
    assert editor.get("/admin/offers/zeroresultsearch/add/").status_code == 403
    assert 'href="/admin/offers/zeroresultsearch/add/"' not in page


def test_only_catalogue_staff_see_the_search_admin(client, make_user):
    client.force_login(make_user("adviser"))
    for url in ("/admin/offers/synonym/", "/admin/offers/bestbet/", "/admin/offers/zeroresultsearch/"):
        assert client.get(url).status_code == 302  # to the admin sign-in: advisers are not staff
    client.force_login(make_user("manager"))
    assert client.get("/admin/offers/zeroresultsearch/").status_code == 200
    assert client.get(ADD_SYNONYM).status_code == 403


def test_the_seed_keeps_a_synonym_staff_edited_and_force_restores_it():
    synonym = Synonym.objects.get(key="comms")
    synonym.equivalents = "communications\ncomms team"
    synonym.save()
    call_command("seed")
    assert Synonym.objects.get(key="comms").equivalents == "communications\ncomms team"
    call_command("seed", force=True)
    assert Synonym.objects.get(key="comms").equivalents == "communications"
    assert ZeroResultSearch.objects.count() == 0
