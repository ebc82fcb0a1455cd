"""API tokens: stored hashed, shown once, expiring, revocable; created on a page or by a command."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lga_portal.api.authentication import TOKEN_INVALID
from lga_portal.api.token_views import TOKEN_REVOKED
from lga_portal.api.tokens import EXPIRY_TOO_LONG, api_token_create, api_token_revoke
from lga_portal.models import ApiToken

pytestmark = pytest.mark.django_db
ENGAGEMENTS = "/api/v1/engagements/"


def bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_only_a_hash_of_the_key_is_stored(analyst):
    token, key = api_token_create(user=analyst, name="Notebook", days=30)
    stored = ApiToken.objects.get(pk=token.pk)
    assert key.startswith("lga_") and len(key) > 40
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {getattr(stored, f.attname) for f in ApiToken._meta.concrete_fields}
    assert stored.prefix == key[:12]


def test_a_token_reads_what_its_user_may_and_notes_when_it_was_used(analyst):
    token, key = api_token_create(user=analyst, name="Notebook", days=30)
    assert bearer(key).get(ENGAGEMENTS).status_code == 200
    other_keyword = APIClient()
    other_keyword.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert other_keyword.get(ENGAGEMENTS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer lga_not-a-real-key", "Bearer", "Bearer a b", "Token nope"])
def test_a_bad_token_is_401_with_the_reason(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/offers/")  # even on a public endpoint: a wrong key is never ignored
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "authentication_failed"


def test_without_a_token_engagements_are_401():
    response = APIClient().get(ENGAGEMENTS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_expired_and_revoked_tokens_stop_working(analyst):
    expired, expired_key = api_token_create(user=analyst, name="Old", days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    revoked, revoked_key = api_token_create(user=analyst, name="Leaked", days=30)
    api_token_revoke(token=revoked)
    for key in (expired_key, revoked_key):
        response = bearer(key).get(ENGAGEMENTS)
        assert response.status_code == 401 and response.json()["detail"] == TOKEN_INVALID


def test_a_deactivated_users_tokens_stop_working(analyst):
    _, key = api_token_create(user=analyst, name="Notebook", days=30)
    analyst.is_active = False
    analyst.save()
    assert bearer(key).get(ENGAGEMENTS).status_code == 401


def test_tokens_cannot_last_longer_than_the_limit(analyst, settings):
    settings.API_TOKEN_MAX_DAYS = 90
    with pytest.raises(Exception) as error:
        api_token_create(user=analyst, name="Forever", days=91)
    assert EXPIRY_TOO_LONG.format(days=90) in str(error.value)


def test_command_creates_a_service_account_and_prints_the_key_once():
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "svc-dashboard", "--name", "Dashboard", "--create-user", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user__username="svc-dashboard")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert not token.user.has_usable_password()
    assert token.user.groups.filter(name="Analysts").exists()
    assert bearer(key).get(ENGAGEMENTS).status_code == 200
    assert bearer(key).post(ENGAGEMENTS, {}, format="json").status_code == 403  # analysts write nothing


def test_command_refuses_an_unknown_user_without_create_user():
    with pytest.raises(CommandError, match="--create-user"):
        call_command("create_api_token", "nobody", "--name", "x", stdout=StringIO(), stderr=StringIO())


# --- the page ----------------------------------------------------------------------------


def test_the_page_needs_sign_in(client):
    response = client.get(reverse("api:token_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_creating_a_token_shows_the_key_once(client, analyst):
    client.force_login(analyst)
    response = client.post(reverse("api:token_list"), {"name": "Power BI", "days": "90"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=analyst)
    key = response.context["key"]
    assert key.encode() in response.content and token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert abs(token.expires_at - timezone.now() - datetime.timedelta(days=90)) < datetime.timedelta(minutes=1)
    listing = client.get(reverse("api:token_list"))
    assert b"Power BI" in listing.content and token.prefix.encode() in listing.content
    assert key.encode() not in listing.content


def test_the_form_reports_errors_by_the_field_and_keeps_what_was_typed(client, analyst):
    client.force_login(analyst)
    response = client.post(reverse("api:token_list"), {"name": "Kept", "days": "5000"})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content and b'value="Kept"' in response.content
    assert not ApiToken.objects.exists()
    response = client.post(reverse("api:token_list"), {"name": "", "days": "90"})
    assert "Enter a name that says what the token is for." in response.content.decode()


def test_users_revoke_their_own_tokens_and_only_their_own(client, analyst, manager):
    mine, key = api_token_create(user=analyst, name="Mine", days=30)
    theirs, _ = api_token_create(user=manager, name="Theirs", days=30)
    client.force_login(analyst)
    assert client.post(reverse("api:token_revoke", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("api:token_revoke", args=[mine.pk]), follow=True)
    assert TOKEN_REVOKED.format(name="Mine") in response.content.decode()
    assert bearer(key).get(ENGAGEMENTS).status_code == 401
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_an_administrator_revokes_tokens_but_cannot_create_or_read_them(client, make_user):
    admin_user = make_user(username="root", is_staff=True, is_superuser=True)
    token, key = api_token_create(user=admin_user, name="Leaked", days=30)
    client.force_login(admin_user)
    assert client.get("/admin/lga_portal/apitoken/add/").status_code == 403
    page = client.get(f"/admin/lga_portal/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and token.key_hash.encode() not in page.content
    client.post("/admin/lga_portal/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert bearer(key).get(ENGAGEMENTS).status_code == 401
