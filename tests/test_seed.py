"""The seed command: idempotent, respectful of staff edits, and safe on bad data files."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from engagements.models import Council
from lga_portal.seeding import Seeder
from metrics.models import Observation, Result
from offers.models import Offer, OfferItem, Theme

pytestmark = pytest.mark.django_db

MODELS = [Offer, OfferItem, Theme, Council, Result, Observation]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_running_seed_twice_changes_nothing(capsys):
    before = counts()
    call_command("seed")
    assert counts() == before
    output = capsys.readouterr().out
    assert " created" not in output and " updated" not in output


def test_an_admin_edit_survives_a_second_run_and_force_restores_it():
    offer = Offer.objects.order_by("slug").first()
    original_title = offer.title
    offer.title = "Retitled by staff"
    offer.save()
    call_command("seed")
    offer.refresh_from_db()
    assert offer.title == "Retitled by staff"
    call_command("seed", force=True)
    offer.refresh_from_db()
    assert offer.title == original_title


def test_an_item_edit_is_also_kept():
    offer = Offer.objects.filter(items__isnull=False).order_by("slug").first()
    item = offer.items.first()
    item.text = "Edited item"
    item.save()
    call_command("seed")
    assert offer.items.filter(text="Edited item").exists()


def test_a_deleted_seeded_row_stays_deleted():
    offer = Offer.objects.filter(engagements__isnull=True, support_requests__isnull=True).order_by("slug").first()
    slug = offer.slug
    offer.delete()
    call_command("seed")
    assert not Offer.objects.filter(slug=slug).exists()


def test_missing_data_file_stops_with_its_name_and_changes_nothing(tmp_path):
    from offers.seed import load_catalogue

    missing = tmp_path / "catalogue.yaml"
    with pytest.raises(Exception) as error:
        load_catalogue(Seeder(), missing)
    assert str(missing) in str(error.value)


def test_broken_yaml_names_the_file_and_line(tmp_path, monkeypatch):
    from offers import seed as offers_seed

    broken = tmp_path / "catalogue.yaml"
    broken.write_text("sources:\n  - key: a\n    title: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(offers_seed, "CATALOGUE_FILE", broken)
    monkeypatch.setattr(offers_seed.load_catalogue, "__defaults__", (broken,))
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("seed")
    message = str(error.value)
    assert "Nothing was changed" in message and str(broken) in message and "line" in message
    assert counts() == before


def test_bad_record_names_the_record_and_rolls_back(tmp_path, monkeypatch):
    from offers import seed as offers_seed

    text = offers_seed.CATALOGUE_FILE.read_text(encoding="utf-8")
    first_theme = Theme.objects.order_by("order").first().slug
    bad = tmp_path / "catalogue.yaml"
    bad.write_text(text.replace(f"theme: {first_theme}", "theme: no-such-theme", 1), encoding="utf-8")
    monkeypatch.setattr(offers_seed.load_catalogue, "__defaults__", (bad,))
    Offer.objects.update(title="changed")  # would be restored by a successful forced run
    with pytest.raises(CommandError) as error:
        call_command("seed", force=True)
    assert "unknown theme: 'no-such-theme'" in str(error.value)
    assert "offers[" in str(error.value)
    assert set(Offer.objects.values_list("title", flat=True)) == {"changed"}


def test_demo_data_is_refused_with_production_settings(settings):
    settings.PORTAL = {**settings.PORTAL, "ALLOW_DEMO_DATA": False}
    with pytest.raises(CommandError, match="refused"):
        call_command("seed", demo=True)


def test_an_edit_made_in_the_admin_survives_a_second_run(client, make_user):
    editor = make_user("editor")
    client.force_login(editor)
    offer = Offer.objects.get(slug="recovery-and-renewal-panel")
    page = client.get(f"/admin/offers/offer/{offer.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {"title": "Recovery and renewal panel (edited by staff)", "audiences": [a.pk for a in offer.audiences.all()]}
    )
    data["formats"] = [f.pk for f in offer.formats.all()]
    data["also_in"] = [s.pk for s in offer.also_in.all()]
    items = list(offer.items.all())
    data.update(
        {
            "items-TOTAL_FORMS": len(items),
            "items-INITIAL_FORMS": len(items),
            "items-MIN_NUM_FORMS": 0,
            "items-MAX_NUM_FORMS": 1000,
        }
    )
    for i, item in enumerate(items):
        data.update(
            {
                f"items-{i}-id": item.pk,
                f"items-{i}-offer": offer.pk,
                f"items-{i}-text": item.text,
                f"items-{i}-order": item.order,
            }
        )
    response = client.post(f"/admin/offers/offer/{offer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    call_command("seed")
    offer.refresh_from_db()
    assert offer.title == "Recovery and renewal panel (edited by staff)"
    assert offer.history.first().history_user == editor


def test_demo_data_gives_every_page_something_and_is_not_duplicated(capsys):
    from django.contrib.auth import get_user_model

    from engagements.models import Adviser, ContactRole, Engagement, SupportRequest
    from lga_portal import roles

    call_command("seed", demo=True)
    first = (Engagement.objects.count(), SupportRequest.objects.count())
    assert first[0] >= 3000 and first[1] >= 100
    assert Engagement.objects.dates("date", "year").first().year == 2020
    assert all(a.councils.exists() for a in Adviser.objects.filter(name__endswith="(demo)"))
    users = get_user_model().objects
    for group in (roles.PRINCIPAL_ADVISERS, roles.ANALYSTS, roles.CATALOGUE_EDITORS, roles.MANAGERS):
        assert users.filter(groups__name=group, email__endswith="@demo.example").exists()
    assert "password:" in capsys.readouterr().out
    # One person, one name: a demo adviser's sign-in (shown in engagement histories) is named as
    # the adviser is (shown on councils, engagements and exports).
    demo_advisers = Adviser.objects.filter(email__endswith="@demo.example").select_related("user")
    assert demo_advisers.count() == 13  # 12 in the regions and the demo-adviser user
    for adviser in demo_advisers:
        assert adviser.user.get_full_name() == adviser.name, adviser.email
    assert users.get(username="demo-adviser").get_full_name() == "Demo Adviser (demo)"
    assert users.get(username="demo-manager").get_full_name() == "Demo Manager (demo)"
    # Requesters' roles are written as the contact roles are ("HR director").
    role_names = set(ContactRole.objects.values_list("name", flat=True))
    requested = set(SupportRequest.objects.values_list("role", flat=True))
    assert "HR director" in requested and requested <= role_names
    call_command("seed", demo=True)
    assert (Engagement.objects.count(), SupportRequest.objects.count()) == first
