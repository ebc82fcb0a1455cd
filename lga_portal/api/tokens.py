"""Creating, checking and revoking API tokens. Only a SHA-256 hash of a key is ever stored."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lga_portal.models import ApiToken

# Every key starts with this, so leaked keys are easy to recognise (and to scan for).
KEY_PREFIX = "lga_"
# Characters of the key kept in clear to tell tokens apart: "lga_" and eight of the secret.
SHOWN_PREFIX_LENGTH = len(KEY_PREFIX) + 8
# How often last_used_at is written: saving on every request would make each call a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

EXPIRY_TOO_LONG = "A token can last at most {days} days."
EXPIRY_TOO_SHORT = "A token must last at least one day."
NAME_REQUIRED = "Enter a name that says what the token is for."


def max_lifetime_days() -> int:
    return settings.API_TOKEN_MAX_DAYS


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def api_token_create(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """Create a token for ``user`` lasting ``days``; return it with the key, which is not stored."""
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = NAME_REQUIRED
    if days < 1:
        errors["days"] = EXPIRY_TOO_SHORT
    elif days > max_lifetime_days():
        errors["days"] = EXPIRY_TOO_LONG.format(days=max_lifetime_days())
    if errors:
        raise ValidationError(errors)
    key = new_key()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_key(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token working at once. Revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The usable token a key belongs to (with its user), else None; notes when it was used."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
