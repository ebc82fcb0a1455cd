"""The admin's history of an offer: its own fields and its "what it includes" items."""

import pytest
from django.db.models import Count

from offers.models import Offer

pytestmark = pytest.mark.django_db


def change_form_data(page, offer) -> dict:
    """What the admin's change form would post back unchanged, items included."""
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({name: [obj.pk for obj in getattr(offer, name).all()] for name in ("audiences", "formats", "also_in")})
    items = list(offer.items.all())
    data.update({"items-TOTAL_FORMS": len(items), "items-INITIAL_FORMS": len(items), "items-MIN_NUM_FORMS": 0})
    data["items-MAX_NUM_FORMS"] = 1000
    for i, item in enumerate(items):
        data.update({f"items-{i}-id": item.pk, f"items-{i}-offer": offer.pk, f"items-{i}-text": item.text})
        data[f"items-{i}-order"] = item.order
    return data


def test_changes_to_what_an_offer_includes_show_in_its_admin_history(client, make_user):
    editor = make_user("editor")
    client.force_login(editor)
    offer = Offer.objects.annotate(n=Count("items")).filter(n__gte=2).order_by("slug").first()
    first, second = list(offer.items.all())[:2]
    url = f"/admin/offers/offer/{offer.pk}/change/"
    data = change_form_data(client.get(url), offer)
    total = data["items-TOTAL_FORMS"]
    data.update(
        {
            "items-0-text": "A reworded first item",
            "items-1-DELETE": "on",
            f"items-{total}-offer": offer.pk,
            f"items-{total}-text": "A new last item",
            f"items-{total}-order": 99,
            "items-TOTAL_FORMS": total + 1,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response

    page = client.get(f"/admin/offers/offer/{offer.pk}/history/")
    assert page.status_code == 200
    changes = {(change.action, change.record.text) for change in page.context["item_changes"]}
    assert changes == {("Changed", "A reworded first item"), ("Removed", second.text), ("Added", "A new last item")}
    reworded = next(change for change in page.context["item_changes"] if change.action == "Changed")
    assert reworded.before is None  # the seed loaded the items in bulk, so there is no earlier record
    html = page.content.decode()
    assert "Changes to what it includes" in html and "A new last item" in html and editor.username in html

    # A second change to the same item shows what it said before.
    data = change_form_data(client.get(url), Offer.objects.get(pk=offer.pk))
    index = next(i for i in range(data["items-TOTAL_FORMS"]) if data[f"items-{i}-id"] == first.pk)
    data[f"items-{index}-text"] = "Reworded again"
    assert client.post(url, data).status_code == 302
    latest = client.get(f"/admin/offers/offer/{offer.pk}/history/").context["item_changes"][0]
    assert (latest.action, latest.record.text, latest.before.text) == (
        "Changed",
        "Reworded again",
        "A reworded first item",
    )
    assert "A reworded first item" in client.get(f"/admin/offers/offer/{offer.pk}/history/").content.decode()
