"""Signing in and out, password reset, and django-axes locking out repeated failures."""

import re

import pytest
from django.core import mail

from engagements.models import EmailKind, EmailStatus, OutgoingEmail
from tests.engagements.html import error_summary

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery"


def test_signing_in_goes_to_the_workspace_and_signing_out_comes_back(client, alice):
    page = client.get(LOGIN)
    assert page.status_code == 200 and "Sign in" in page.content.decode()
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/workspace/").status_code == 302


def test_signing_in_returns_to_the_page_asked_for(client, alice):
    response = client.get("/workspace/requests/")
    assert response["Location"] == "/accounts/login/?next=/workspace/requests/"
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": "/workspace/requests/"})
    assert response["Location"] == "/workspace/requests/"


def test_a_wrong_password_is_refused_with_an_error_summary(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert any("correct username and password" in message for message in error_summary(response))
    assert "<title>Error: Sign in" in response.content.decode()


def test_repeated_failures_lock_the_account_out_with_a_clear_message(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(LOGIN, {"username": "alice", "password": "wrong"}).status_code == 200
    locked = client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in locked" in html and "Wait 1 hour, then try again." in html
    assert f"{settings.AXES_FAILURE_LIMIT} unsuccessful attempts" in html
    # Even the right password is refused while locked.
    assert client.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 429
    # Another account from the same address is not locked.
    other = client.post(LOGIN, {"username": "someone-else", "password": "wrong"})
    assert other.status_code == 200


def test_a_password_can_be_reset_by_email(client, alice, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": alice.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [alice.email]
    assert mail.outbox[0].subject == "Reset your password for the LGA support offer"
    # Sent through the outbox like every email, and linked from the portal's address, not the Host header.
    assert OutgoingEmail.objects.get(kind=EmailKind.PASSWORD_RESET).status == EmailStatus.SENT
    html = mail.outbox[0].alternatives[0][0]
    site = re.escape(settings.PORTAL["SITE_URL"])
    assert re.search(rf"{site}/accounts/reset/\S+/", html)
    link = re.search(rf"{site}(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    page = client.get(form_url)
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        form_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}
    )
    assert response["Location"] == "/accounts/reset/done/"
    assert "Password changed" in client.get("/accounts/reset/done/").content.decode()
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase")


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/" and mail.outbox == []


def test_a_used_or_bad_reset_link_says_so(client, alice):
    page = client.get("/accounts/reset/MQ/bad-token/", follow=True)
    assert "The link has expired" in page.content.decode()


def test_a_signed_in_user_changes_their_password(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response["Location"] == "/accounts/password_change/done/"
